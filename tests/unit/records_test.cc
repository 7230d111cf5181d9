// Domain record helpers: date of service, adjudication date, group codes, content keys.
#include "analytics/records.h"

#include "gtest/gtest.h"
#include "tests/unit/test_records.h"

namespace denialscope {
namespace {

using ::denialscope::testing::Adj;
using ::denialscope::testing::MakeClaim;
using ::denialscope::testing::MakeEvent;

TEST(RecordsTest, ServiceDateIsTheEarliestLineDate) {
  Claim claim = MakeClaim("C", {"M542"}, {100, 200, 300}, Day(2026, 3, 5));
  claim.lines[1].service_date = Day(2026, 3, 2);
  claim.lines[2].service_date = Day(2026, 3, 9);
  EXPECT_EQ(claim.ServiceDate(), Day(2026, 3, 2));
}

TEST(RecordsTest, AdjudicationDateIsProductionDateElsePaymentDate) {
  RemittanceEvent event = MakeEvent("C", 1, 100, 100, Day(2026, 3, 5));
  event.payment_date = Day(2026, 3, 7);
  EXPECT_EQ(event.AdjudicationDate(), Day(2026, 3, 5));
  event.production_date.reset();
  EXPECT_EQ(event.AdjudicationDate(), Day(2026, 3, 7));
  event.payment_date.reset();
  EXPECT_EQ(event.AdjudicationDate(), std::nullopt);
}

TEST(RecordsTest, GroupCodes) {
  for (GroupCode group :
       {GroupCode::kCO, GroupCode::kPR, GroupCode::kOA, GroupCode::kPI, GroupCode::kCR}) {
    EXPECT_EQ(ParseGroupCode(GroupCodeName(group)), group);
  }
  EXPECT_EQ(ParseGroupCode("co"), GroupCode::kCO);
  EXPECT_EQ(ParseGroupCode(" PR "), GroupCode::kPR);
  EXPECT_EQ(ParseGroupCode("XX"), std::nullopt);
  EXPECT_EQ(ParseGroupCode(""), std::nullopt);
  EXPECT_EQ(ParseGroupCode("COO"), std::nullopt);
}

TEST(RecordsTest, ClaimContentKeyIgnoresOnlyTheFrequencyCode) {
  const Claim original = MakeClaim("C", {"M542"}, {100}, Day(2026, 3, 5));
  Claim replacement = original;
  replacement.frequency = FrequencyCode::kReplacement;
  EXPECT_EQ(ClaimContentKey(original), ClaimContentKey(replacement));
  Claim changed = original;
  changed.lines[0].units = 2;
  EXPECT_NE(ClaimContentKey(original), ClaimContentKey(changed));
  changed = original;
  changed.diagnoses.push_back("M50121");
  EXPECT_NE(ClaimContentKey(original), ClaimContentKey(changed));
  changed = original;
  changed.submission_date = Day(2026, 3, 6);
  EXPECT_NE(ClaimContentKey(original), ClaimContentKey(changed));
}

TEST(RecordsTest, RemittanceContentKeySeesEveryFieldAndIsUnambiguous) {
  const RemittanceEvent base =
      MakeEvent("C", 1, 100, 0, Day(2026, 3, 5), {Adj(GroupCode::kCO, "50", 100)});
  EXPECT_EQ(RemittanceContentKey(base), RemittanceContentKey(base));
  RemittanceEvent e = base;
  e.trace_number = "T1";
  EXPECT_NE(RemittanceContentKey(base), RemittanceContentKey(e));
  e = base;
  e.adjustments[0].group = GroupCode::kOA;
  EXPECT_NE(RemittanceContentKey(base), RemittanceContentKey(e));
  e = base;
  e.payment_date.reset();
  EXPECT_NE(RemittanceContentKey(base), RemittanceContentKey(e));
  // Field boundaries matter: ("ab", "c") is not ("a", "bc").
  RemittanceEvent a = base;
  a.claim_id = "ab";
  a.payer_id = "c";
  RemittanceEvent b = base;
  b.claim_id = "a";
  b.payer_id = "bc";
  EXPECT_NE(RemittanceContentKey(a), RemittanceContentKey(b));
}

}  // namespace
}  // namespace denialscope
