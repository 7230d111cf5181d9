// The one-line CSV splitting the code-list files (taxonomy, CARC/RARC categories, procedure
// families, ICD-10-CM CSVs) share. These files are small, hand-edited and never need a field
// across lines, so they get this simple reader; claim CSV exports from practices go through
// the streaming RFC 4180 reader in ingest/ instead.
#ifndef DENIALSCOPE_ANALYTICS_CSV_LINE_H_
#define DENIALSCOPE_ANALYTICS_CSV_LINE_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace denialscope {

// Debian's Abseil 20220623 has its own string_view class (not std::string_view), so absl
// string functions get absl::string_view and public APIs convert at the edge.
inline absl::string_view ToAbsl(std::string_view text) { return {text.data(), text.size()}; }

// Splits one CSV record: commas separate fields, double quotes enclose fields that hold
// commas, "" inside quotes is a quote; each field is trimmed of ASCII white space.
// INVALID_ARGUMENT for an unterminated quoted field.
absl::StatusOr<std::vector<std::string>> SplitCsvLine(absl::string_view line);

}  // namespace denialscope

#endif  // DENIALSCOPE_ANALYTICS_CSV_LINE_H_
