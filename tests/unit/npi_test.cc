// NPI check digits: a known-valid NPI, each failing check, and the generator helper.
#include "analytics/npi.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace denialscope {
namespace {

using ::testing::HasSubstr;

TEST(NpiTest, KnownValidNpi) {
  // 1234567893 (the CMS example). Luhn over the first nine digits, doubling every second
  // digit from the right starting with 9: 9*2=18->9, 8, 7*2=14->5, 6, 5*2=10->1, 4, 3*2=6,
  // 2, 1*2=2; sum 43, plus 24 for the 80840 prefix = 67; 70 - 67 = 3, the last digit.
  EXPECT_TRUE(ValidateNpi("1234567893").ok());
  EXPECT_EQ(NpiWithCheckDigit("123456789"), "1234567893");
}

TEST(NpiTest, EachCheckIsNamed) {
  absl::Status status = ValidateNpi("1234567890");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("Luhn"));
  EXPECT_THAT(status.message(), HasSubstr("expected 3"));

  status = ValidateNpi("123456789");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("10 digits"));
  EXPECT_THAT(ValidateNpi("12345678931").message(), HasSubstr("10 digits"));
  EXPECT_THAT(ValidateNpi("").message(), HasSubstr("10 digits"));

  status = ValidateNpi("12345678a3");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("digits only"));
}

TEST(NpiTest, EverySingleDigitChangeIsCaught) {
  // Luhn detects every single-digit error.
  const std::string valid = "1234567893";
  for (size_t i = 0; i < valid.size(); ++i) {
    for (char d = '0'; d <= '9'; ++d) {
      if (d == valid[i]) continue;
      std::string changed = valid;
      changed[i] = d;
      EXPECT_FALSE(ValidateNpi(changed).ok()) << changed;
    }
  }
}

TEST(NpiTest, GeneratedNpisValidate) {
  for (std::string_view nine : {"000000000", "999999999", "100000000", "198765432"}) {
    const std::string npi = NpiWithCheckDigit(nine);
    ASSERT_EQ(npi.size(), 10u);
    EXPECT_TRUE(ValidateNpi(npi).ok()) << npi;
  }
  EXPECT_EQ(NpiWithCheckDigit("12345678"), "");
  EXPECT_EQ(NpiWithCheckDigit("12345678x"), "");
}

}  // namespace
}  // namespace denialscope
