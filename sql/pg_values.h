// Moving domain values in and out of PostgreSQL text format: array literals for the
// set-based statements (one array parameter per column, expanded with unnest), dates, and
// the arrays and dates that come back in results. libpqxx 6 has no container conversions.
#ifndef DENIALSCOPE_SQL_PG_VALUES_H_
#define DENIALSCOPE_SQL_PG_VALUES_H_

#include <cstdint>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"
#include "analytics/records.h"
#include "pqxx/pqxx"

namespace denialscope {

// Builds the text form of a one-dimensional PostgreSQL array ("{...}"), element by element.
// Text elements are always quoted and escaped, so any content is carried verbatim; the
// result is passed as a statement parameter, never spliced into SQL.
class PgArray {
 public:
  PgArray& AddText(absl::string_view value);
  PgArray& AddInt(int64_t value);
  PgArray& AddDouble(double value);
  PgArray& AddBool(bool value);
  PgArray& AddDate(const Day& value);
  PgArray& AddOptionalDate(const std::optional<Day>& value);
  PgArray& AddNull();

  size_t size() const { return size_; }
  // The literal, e.g. {"a","b\"c",NULL}.
  std::string Literal() const { return body_ + "}"; }

 private:
  void Separator();
  std::string body_ = "{";
  size_t size_ = 0;
};

// Array literal of a list of strings / integers (for a text[] / int[] column of one row).
std::string TextArrayLiteral(const std::vector<std::string>& values);
std::string IntArrayLiteral(const std::vector<int>& values);

// ISO date text: 2026-03-10.
std::string FormatDate(const Day& day);
absl::StatusOr<Day> ParseDate(absl::string_view text);
// NULL -> nullopt.
absl::StatusOr<std::optional<Day>> ParseOptionalDate(const pqxx::field& field);

// Elements of a one-dimensional array field (NULL elements become empty strings).
std::vector<std::string> ParseTextArray(const pqxx::field& field);
absl::StatusOr<std::vector<int>> ParseIntArray(const pqxx::field& field);

absl::StatusOr<int64_t> ParseInt(const pqxx::field& field);
absl::StatusOr<double> ParseDouble(const pqxx::field& field);
bool ParseBool(const pqxx::field& field);

// Lower-case hex of bytes and back (content hashes travel as hex, are stored as bytea).
std::string HexEncode(absl::string_view bytes);

}  // namespace denialscope

#endif  // DENIALSCOPE_SQL_PG_VALUES_H_
