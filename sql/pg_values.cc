// Text-format conversions between domain values and PostgreSQL parameters and results.
#include "pqxx/pqxx"
#include "sql/pg_values.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"

namespace denialscope {

void PgArray::Separator() {
  if (size_ > 0) body_.push_back(',');
  ++size_;
}

PgArray& PgArray::AddText(absl::string_view value) {
  Separator();
  body_.push_back('"');
  for (char c : value) {
    if (c == '"' || c == '\\') body_.push_back('\\');
    body_.push_back(c);
  }
  body_.push_back('"');
  return *this;
}

PgArray& PgArray::AddInt(int64_t value) {
  Separator();
  absl::StrAppend(&body_, value);
  return *this;
}

PgArray& PgArray::AddDouble(double value) {
  Separator();
  // %.17g round-trips every finite double exactly.
  absl::StrAppend(&body_, absl::StrFormat("%.17g", value));
  return *this;
}

PgArray& PgArray::AddBool(bool value) {
  Separator();
  body_.append(value ? "t" : "f");
  return *this;
}

PgArray& PgArray::AddDate(const Day& value) {
  Separator();
  body_.append(FormatDate(value));
  return *this;
}

PgArray& PgArray::AddOptionalDate(const std::optional<Day>& value) {
  if (value.has_value()) return AddDate(*value);
  return AddNull();
}

PgArray& PgArray::AddNull() {
  Separator();
  body_.append("NULL");
  return *this;
}

std::string TextArrayLiteral(const std::vector<std::string>& values) {
  PgArray array;
  for (const std::string& value : values) array.AddText(value);
  return array.Literal();
}

std::string IntArrayLiteral(const std::vector<int>& values) {
  PgArray array;
  for (int value : values) array.AddInt(value);
  return array.Literal();
}

std::string FormatDate(const Day& day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

absl::StatusOr<Day> ParseDate(absl::string_view text) {
  // PostgreSQL's ISO output (YYYY-MM-DD) read directly: a report read parses a date per row,
  // and absl::ParseCivilTime costs several times the rest of the row.
  auto digits = [&](size_t from, size_t n, int& out) {
    out = 0;
    for (size_t i = from; i < from + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      out = out * 10 + (text[i] - '0');
    }
    return true;
  };
  int year = 0, month = 0, day_of_month = 0;
  if (text.size() == 10 && text[4] == '-' && text[7] == '-' && digits(0, 4, year) &&
      digits(5, 2, month) && digits(8, 2, day_of_month)) {
    const Day fast(year, month, day_of_month);
    // CivilDay normalizes out-of-range fields (2026-02-30 -> 2026-03-02): only an exact
    // round trip is a valid date.
    if (fast.month() == month && fast.day() == day_of_month) return fast;
  }
  Day day;
  if (!absl::ParseCivilTime(text, &day)) {
    return absl::InternalError(absl::StrCat("unexpected date from the database: '", text, "'"));
  }
  return day;
}

absl::StatusOr<std::optional<Day>> ParseOptionalDate(const pqxx::field& field) {
  if (field.is_null()) return std::optional<Day>();
  auto day = ParseDate(field.c_str());
  if (!day.ok()) return day.status();
  return std::optional<Day>(*day);
}

std::vector<std::string> ParseTextArray(const pqxx::field& field) {
  std::vector<std::string> values;
  if (field.is_null()) return values;
  pqxx::array_parser parser = field.as_array();
  while (true) {
    auto [juncture, value] = parser.get_next();
    if (juncture == pqxx::array_parser::done) break;
    if (juncture == pqxx::array_parser::string_value) {
      values.push_back(std::move(value));
    } else if (juncture == pqxx::array_parser::null_value) {
      values.emplace_back();
    }
  }
  return values;
}

absl::StatusOr<std::vector<int>> ParseIntArray(const pqxx::field& field) {
  std::vector<int> values;
  for (const std::string& text : ParseTextArray(field)) {
    int value = 0;
    if (!absl::SimpleAtoi(text, &value)) {
      return absl::InternalError(
          absl::StrCat("unexpected integer from the database: '", text, "'"));
    }
    values.push_back(value);
  }
  return values;
}

absl::StatusOr<int64_t> ParseInt(const pqxx::field& field) {
  int64_t value = 0;
  if (field.is_null() || !absl::SimpleAtoi(field.c_str(), &value)) {
    return absl::InternalError(absl::StrCat("unexpected integer from the database in column ",
                                            field.name(), ": '", field.c_str(), "'"));
  }
  return value;
}

absl::StatusOr<double> ParseDouble(const pqxx::field& field) {
  double value = 0;
  if (field.is_null() || !absl::SimpleAtod(field.c_str(), &value)) {
    return absl::InternalError(absl::StrCat("unexpected number from the database in column ",
                                            field.name(), ": '", field.c_str(), "'"));
  }
  return value;
}

bool ParseBool(const pqxx::field& field) {
  return !field.is_null() && field.c_str()[0] == 't';
}

std::string HexEncode(absl::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    hex.push_back(kDigits[c >> 4]);
    hex.push_back(kDigits[c & 0xf]);
  }
  return hex;
}

}  // namespace denialscope
