// National Provider Identifier checks. The practice is the tenant and is addressed by its
// NPI, so a mistyped NPI must be refused before it can create or read the wrong practice.
#ifndef DENIALSCOPE_ANALYTICS_NPI_H_
#define DENIALSCOPE_ANALYTICS_NPI_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace denialscope {

// OK when `npi` is ten digits whose last is the Luhn check digit of the first nine with
// the card-issuer prefix 80840 (the CMS rule). INVALID_ARGUMENT says which check failed.
absl::Status ValidateNpi(std::string_view npi);

// The ten-digit NPI whose first nine digits are `nine_digits`, for data generators and
// tests. Empty when `nine_digits` is not exactly nine digits.
std::string NpiWithCheckDigit(std::string_view nine_digits);

}  // namespace denialscope

#endif  // DENIALSCOPE_ANALYTICS_NPI_H_
