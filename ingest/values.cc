// Exact text-to-value parsing. Money is accumulated digit by digit into an int64; a double
// would turn "0.29" into 28.999... cents.
#include "ingest/values.h"

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace denialscope {
namespace {

constexpr int kMaxIntegerDigits = 15;  // 10^15 cents-free dollars fit easily in int64 cents
constexpr int kMaxCountDigits = 18;
constexpr int kMinYear = 1900;
constexpr int kMaxYear = 2199;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Quotes the text for a message, shortened so a 1 MiB element does not become a 1 MiB reason.
std::string Quote(absl::string_view text) {
  constexpr size_t kMaxShown = 40;
  if (text.size() <= kMaxShown) return absl::StrCat("'", text, "'");
  return absl::StrCat("'", text.substr(0, kMaxShown), "...'");
}

absl::Status NotAn(absl::string_view what, absl::string_view text, absl::string_view hint) {
  return absl::InvalidArgumentError(absl::StrCat(Quote(text), " is not ", what, " (", hint, ")"));
}

int Digits(absl::string_view text) {
  int value = 0;
  for (char c : text) value = value * 10 + (c - '0');
  return value;
}

absl::StatusOr<Day> MakeDay(int year, int month, int day, absl::string_view text) {
  if (year < kMinYear || year > kMaxYear) {
    return absl::InvalidArgumentError(
        absl::StrCat(Quote(text), " has year ", year, ", outside ", kMinYear, "..", kMaxYear));
  }
  const Day parsed(year, month, day);
  // CivilDay normalizes 2026-02-30 to 2026-03-02; a changed field means an impossible date.
  if (parsed.month() != month || parsed.day() != day) {
    return absl::InvalidArgumentError(absl::StrCat(Quote(text), " is not a real date"));
  }
  return parsed;
}

}  // namespace

absl::StatusOr<Cents> ParseCents(absl::string_view text) {
  constexpr absl::string_view kHint = "digits with an optional '.' and up to 2 decimals";
  if (text.empty()) return absl::InvalidArgumentError("an empty amount is not an amount");
  size_t i = 0;
  const bool negative = text[0] == '-';
  if (negative) ++i;
  int64_t dollars = 0;
  int integer_digits = 0;
  for (; i < text.size() && IsDigit(text[i]); ++i) {
    if (++integer_digits > kMaxIntegerDigits) {
      return absl::InvalidArgumentError(absl::StrCat(Quote(text), " is too large an amount"));
    }
    dollars = dollars * 10 + (text[i] - '0');
  }
  int64_t cents = 0;
  int fraction_digits = 0;
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && IsDigit(text[i]); ++i) {
      ++fraction_digits;
      if (fraction_digits <= 2) {
        cents = cents * 10 + (text[i] - '0');
      } else if (text[i] != '0') {
        return absl::InvalidArgumentError(
            absl::StrCat(Quote(text), " has fractions of a cent"));
      }
    }
  }
  if (i != text.size() || integer_digits + fraction_digits == 0) {
    return NotAn("an amount", text, kHint);
  }
  if (fraction_digits == 1) cents *= 10;
  const Cents total = dollars * 100 + cents;
  return negative ? -total : total;
}

absl::StatusOr<Day> ParseDate8(absl::string_view text) {
  if (text.size() != 8) return NotAn("a date", text, "CCYYMMDD");
  for (char c : text) {
    if (!IsDigit(c)) return NotAn("a date", text, "CCYYMMDD");
  }
  return MakeDay(Digits(text.substr(0, 4)), Digits(text.substr(4, 2)), Digits(text.substr(6, 2)),
                 text);
}

absl::StatusOr<Day> ParseIsoDate(absl::string_view text) {
  if (text.size() == 8) return ParseDate8(text);
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return NotAn("a date", text, "YYYY-MM-DD");
  }
  for (size_t i = 0; i < text.size(); ++i) {
    if (i != 4 && i != 7 && !IsDigit(text[i])) return NotAn("a date", text, "YYYY-MM-DD");
  }
  return MakeDay(Digits(text.substr(0, 4)), Digits(text.substr(5, 2)), Digits(text.substr(8, 2)),
                 text);
}

absl::StatusOr<double> ParseQuantity(absl::string_view text) {
  constexpr absl::string_view kHint = "digits with an optional '-' and '.'";
  size_t i = 0;
  if (!text.empty() && text[0] == '-') ++i;
  int digits = 0;
  bool seen_point = false;
  for (; i < text.size(); ++i) {
    if (IsDigit(text[i])) {
      ++digits;
    } else if (text[i] == '.' && !seen_point) {
      seen_point = true;
    } else {
      return NotAn("a quantity", text, kHint);
    }
  }
  if (digits == 0 || digits > kMaxCountDigits) return NotAn("a quantity", text, kHint);
  double value = 0;
  if (!absl::SimpleAtod(text, &value)) return NotAn("a quantity", text, kHint);
  return value;
}

absl::StatusOr<int64_t> ParseCount(absl::string_view text) {
  if (text.empty() || text.size() > static_cast<size_t>(kMaxCountDigits)) {
    return NotAn("a whole number", text, "1 to 18 digits");
  }
  int64_t value = 0;
  for (char c : text) {
    if (!IsDigit(c)) return NotAn("a whole number", text, "1 to 18 digits");
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace denialscope
