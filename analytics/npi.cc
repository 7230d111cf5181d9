// NPI validation: ten digits with a Luhn check digit computed over "80840" + the first nine.
#include "analytics/npi.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace denialscope {
namespace {

constexpr absl::string_view kNpiLuhnPrefix = "80840";

bool AllDigits(absl::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The Luhn check digit to append to `digits` (all digits): double every second digit from
// the right, starting with the rightmost.
char LuhnCheckDigit(absl::string_view digits) {
  int sum = 0;
  bool doubled = true;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = *it - '0';
    if (doubled) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    doubled = !doubled;
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

}  // namespace

absl::Status ValidateNpi(std::string_view npi_text) {
  // Debian's Abseil has its own string_view type; StrCat needs that one.
  const absl::string_view npi(npi_text.data(), npi_text.size());
  if (npi.size() != 10) {
    return absl::InvalidArgumentError(
        absl::StrCat("NPI \"", npi, "\" must have 10 digits, not ", npi.size(), " characters"));
  }
  if (!AllDigits(npi)) {
    return absl::InvalidArgumentError(absl::StrCat("NPI \"", npi, "\" must be digits only"));
  }
  const char expected = LuhnCheckDigit(absl::StrCat(kNpiLuhnPrefix, npi.substr(0, 9)));
  if (npi[9] != expected) {
    return absl::InvalidArgumentError(absl::StrCat("NPI \"", npi,
                                                   "\" fails the Luhn check digit: expected ",
                                                   std::string(1, expected), " as last digit"));
  }
  return absl::OkStatus();
}

std::string NpiWithCheckDigit(std::string_view nine_digits_text) {
  const absl::string_view nine_digits(nine_digits_text.data(), nine_digits_text.size());
  if (nine_digits.size() != 9 || !AllDigits(nine_digits)) return "";
  return absl::StrCat(nine_digits,
                      std::string(1, LuhnCheckDigit(absl::StrCat(kNpiLuhnPrefix, nine_digits))));
}

}  // namespace denialscope
