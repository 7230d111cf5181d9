// Parsers for the scalar values every importer reads from text: money as exact integer
// cents (never through a double, so "125.40" is 12540 and "0.1" + "0.2" is exactly 30),
// dates as civil days with impossible dates refused, quantities and counts. Shared by the
// X12 and CSV readers so both accept and refuse the same texts.
#ifndef DENIALSCOPE_INGEST_VALUES_H_
#define DENIALSCOPE_INGEST_VALUES_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "analytics/records.h"

namespace denialscope {

// Decimal dollars -> cents: an optional '-', digits, and an optional '.' with digits ("125.4",
// "125.40", "-42.58", ".5", "7."). Digits beyond the cents must be zeros. At most 15 integer
// digits. INVALID_ARGUMENT (message is a sentence fragment naming the text) otherwise.
absl::StatusOr<Cents> ParseCents(absl::string_view text);

// X12 D8 "CCYYMMDD" -> day. Refuses impossible dates (20260230) and years outside 1900..2199.
absl::StatusOr<Day> ParseDate8(absl::string_view text);

// "YYYY-MM-DD" (or "CCYYMMDD") -> day, with the same checks as ParseDate8.
absl::StatusOr<Day> ParseIsoDate(absl::string_view text);

// Decimal quantity with an optional '-' ("1", "1.5", "-2"); no exponent, no inf/nan.
absl::StatusOr<double> ParseQuantity(absl::string_view text);

// Unsigned decimal integer of at most 18 digits ("0042" is 42).
absl::StatusOr<int64_t> ParseCount(absl::string_view text);

}  // namespace denialscope

#endif  // DENIALSCOPE_INGEST_VALUES_H_
