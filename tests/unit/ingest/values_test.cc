// Money, dates and counts parse exactly and refuse what is not one.
#include "ingest/values.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace denialscope {
namespace {

TEST(ParseCentsTest, DecimalTextBecomesExactCents) {
  EXPECT_EQ(*ParseCents("125.40"), 12540);
  EXPECT_EQ(*ParseCents("125.4"), 12540);
  EXPECT_EQ(*ParseCents("125"), 12500);
  EXPECT_EQ(*ParseCents("0.29"), 29);  // 0.29 * 100 in double is 28.999...
  EXPECT_EQ(*ParseCents("-42.58"), -4258);
  EXPECT_EQ(*ParseCents(".5"), 50);
  EXPECT_EQ(*ParseCents("7."), 700);
  EXPECT_EQ(*ParseCents("0"), 0);
  EXPECT_EQ(*ParseCents("150000.00"), 15000000);
  EXPECT_EQ(*ParseCents("1.500"), 150);  // trailing zeros beyond the cents are harmless
  EXPECT_EQ(*ParseCents("999999999999999.99"), 99999999999999999);
}

TEST(ParseCentsTest, RefusesWhatIsNotAnAmount) {
  for (const char* text : {"", "-", ".", "12A.00", "1,000.00", "1e5", "+5", " 5", "5 ", "1.2.3",
                           "--1", "nan", "inf", "1.005", "1234567890123456"}) {
    const absl::StatusOr<Cents> cents = ParseCents(text);
    EXPECT_FALSE(cents.ok()) << "'" << text << "' gave " << cents.value_or(0);
    if (!cents.ok()) {
      EXPECT_EQ(cents.status().code(), absl::StatusCode::kInvalidArgument);
    }
  }
  EXPECT_THAT(std::string(ParseCents("12A.00").status().message()),
              ::testing::HasSubstr("'12A.00' is not an amount"));
}

TEST(ParseDate8Test, ReadsRealDatesAndRefusesImpossibleOnes) {
  EXPECT_EQ(*ParseDate8("20260301"), absl::CivilDay(2026, 3, 1));
  EXPECT_EQ(*ParseDate8("20240229"), absl::CivilDay(2024, 2, 29));
  for (const char* text : {"20260230", "20250229", "20261301", "20260000", "20260132",
                           "2026031", "202603011", "2026-03-01", "18991231", "ABCDEFGH", ""}) {
    EXPECT_FALSE(ParseDate8(text).ok()) << text;
  }
  EXPECT_THAT(std::string(ParseDate8("20260230").status().message()),
              ::testing::HasSubstr("not a real date"));
}

TEST(ParseIsoDateTest, AcceptsIsoAndCompactForms) {
  EXPECT_EQ(*ParseIsoDate("2026-03-01"), absl::CivilDay(2026, 3, 1));
  EXPECT_EQ(*ParseIsoDate("20260301"), absl::CivilDay(2026, 3, 1));
  for (const char* text : {"2026-02-30", "2026/03/01", "2026-3-1", "01-03-2026", "2026-03-0a"}) {
    EXPECT_FALSE(ParseIsoDate(text).ok()) << text;
  }
}

TEST(ParseQuantityTest, ReadsDecimalsWithSign) {
  EXPECT_DOUBLE_EQ(*ParseQuantity("1"), 1.0);
  EXPECT_DOUBLE_EQ(*ParseQuantity("1.5"), 1.5);
  EXPECT_DOUBLE_EQ(*ParseQuantity("-2"), -2.0);
  for (const char* text : {"", "-", ".", "1e3", "inf", "nan", "1..2", "1,5", "0x10"}) {
    EXPECT_FALSE(ParseQuantity(text).ok()) << text;
  }
}

TEST(ParseCountTest, ReadsDigitsOnly) {
  EXPECT_EQ(*ParseCount("0042"), 42);
  EXPECT_EQ(*ParseCount("999999999999999999"), 999999999999999999);
  for (const char* text : {"", "-1", "1.0", " 1", "1234567890123456789", "x"}) {
    EXPECT_FALSE(ParseCount(text).ok()) << text;
  }
}

}  // namespace
}  // namespace denialscope
