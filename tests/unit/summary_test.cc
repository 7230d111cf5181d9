// The denial summary on a small hand-built practice: every count, rate and median below is
// worked out by hand in the comments, so the test checks the arithmetic, not the code.
#include "analytics/summary.h"

#include "gtest/gtest.h"
#include "tests/unit/test_records.h"

namespace denialscope {
namespace {

using ::denialscope::testing::Adj;
using ::denialscope::testing::Dollars;
using ::denialscope::testing::MakeClaim;
using ::denialscope::testing::MakeEvent;

constexpr GroupCode kCO = GroupCode::kCO;
constexpr GroupCode kPR = GroupCode::kPR;
const Day kAsOf(2026, 6, 30);
const Day kMar1(2026, 3, 1);  // 2026-03-01 -> 2026-06-30 is 31 + 30 + 31 + 29 = 121 days

CohortTaxonomy Builtin() { return CohortTaxonomy::Builtin().value(); }

ClaimHistory History(Claim claim, std::vector<RemittanceEvent> events = {}) {
  return {std::move(claim), std::move(events)};
}

const CohortSummary& Find(const DenialSummary& summary, SummaryGroup group,
                          std::string_view family = "") {
  for (const CohortSummary& cohort : summary.cohorts) {
    if (cohort.group == group && cohort.family == family) return cohort;
  }
  static const CohortSummary kMissing;
  ADD_FAILURE() << "no cohort " << static_cast<int>(group) << " " << family;
  return kMissing;
}

std::vector<ClaimHistory> HandBuiltPractice() {
  std::vector<ClaimHistory> claims;
  // --- Nonspecific (M54.2) ---
  // A (Appendix 1): 2 x $100, denied CO-50 on 03-10, paid $120 on 04-20 (50 days).
  claims.push_back(History(
      MakeClaim("A", {"M542"}, {Dollars(100), Dollars(100)}, kMar1),
      {MakeEvent("A", 1, Dollars(200), 0, Day(2026, 3, 10), {Adj(kCO, "50", Dollars(200))}),
       MakeEvent("A", 1, Dollars(200), Dollars(120), Day(2026, 4, 20),
                 {Adj(kCO, "45", Dollars(80))})}));
  // B (Appendix 2): $150, zero pay CO-45 $45 + PR-1 $105: adjudicated, not denied, unpaid.
  claims.push_back(History(
      MakeClaim("B", {"M542"}, {Dollars(150)}, kMar1),
      {MakeEvent("B", 1, Dollars(150), 0, Day(2026, 3, 15),
                 {Adj(kCO, "45", Dollars(45)), Adj(kPR, "1", Dollars(105))})}));
  // C: $300 denied CO-50 and never paid: initially and finally denied.
  claims.push_back(History(
      MakeClaim("C", {"M542"}, {Dollars(300)}, kMar1),
      {MakeEvent("C", 1, Dollars(300), 0, Day(2026, 3, 20), {Adj(kCO, "50", Dollars(300))})}));
  // D: $80 served 06-01, no answer yet: not adjudicated, censored at 29 days.
  claims.push_back(History(MakeClaim("D", {"M542"}, {Dollars(80)}, Day(2026, 6, 1))));
  // E: $50 served after the as-of date: counted, nothing else.
  claims.push_back(History(MakeClaim("E", {"M542"}, {Dollars(50)}, Day(2026, 7, 5))));

  // --- Specific ---
  // F: disc, $100, paid 03-11 (10 days).
  claims.push_back(History(MakeClaim("F", {"M50121"}, {Dollars(100)}, kMar1),
                           {MakeEvent("F", 1, Dollars(100), Dollars(80), Day(2026, 3, 11))}));
  // G: segmental dysfunction with a secondary M54.2, $200, paid 03-21 (20 days).
  claims.push_back(History(MakeClaim("G", {"M9901", "M542"}, {Dollars(200)}, kMar1),
                           {MakeEvent("G", 1, Dollars(200), Dollars(150), Day(2026, 3, 21))}));
  // H: sprain, $100, denied CO-97 on 03-05 and left there: finally denied, censored at 121.
  claims.push_back(History(
      MakeClaim("H", {"S134XXA"}, {Dollars(100)}, kMar1),
      {MakeEvent("H", 1, Dollars(100), 0, Day(2026, 3, 5), {Adj(kCO, "97", Dollars(100))})}));
  // I: spondylosis, $100, a CO-18 duplicate on 03-10 (ignored), paid 03-31 (30 days).
  claims.push_back(History(
      MakeClaim("I", {"M47812"}, {Dollars(100)}, kMar1),
      {MakeEvent("I", 1, Dollars(100), 0, Day(2026, 3, 10), {Adj(kCO, "18", Dollars(100))}),
       MakeEvent("I", 1, Dollars(100), Dollars(90), Day(2026, 3, 31))}));

  // --- Outside the cohort ---
  // J: I10, $100, paid 03-06 (5 days).
  claims.push_back(History(MakeClaim("J", {"I10"}, {Dollars(100)}, kMar1),
                           {MakeEvent("J", 1, Dollars(100), Dollars(100), Day(2026, 3, 6))}));
  return claims;
}

TEST(DenialSummaryTest, HandBuiltPractice) {
  const CohortTaxonomy taxonomy = Builtin();
  const DenialSummary summary =
      ComputeDenialSummary(HandBuiltPractice(), kAsOf, taxonomy, CohortRule::kPrincipal);
  EXPECT_EQ(summary.as_of, kAsOf);
  // nonspecific, specific, 9 families, non-cervical.
  ASSERT_EQ(summary.cohorts.size(), 2 + taxonomy.families().size() + 1);
  EXPECT_EQ(summary.cohorts.front().group, SummaryGroup::kNonspecific);
  EXPECT_EQ(summary.cohorts.front().display_name, "M54.2 (cervicalgia)");
  EXPECT_EQ(summary.cohorts[1].group, SummaryGroup::kSpecific);
  EXPECT_EQ(summary.cohorts[2].family, "disc");
  EXPECT_EQ(summary.cohorts[2].display_name, "Disc disorders (M50.-)");
  EXPECT_EQ(summary.cohorts.back().group, SummaryGroup::kNonCervical);

  // Nonspecific: claims A..E = 5; charges 200+150+300+80+50 = $780.
  // Adjudicated A, B, C = 3 with $650. Initially denied A, C: 2/3 and $500/$650.
  // Finally denied C: 1/3 and $300/$650. Paid A; censored B, C, D (E is in the future).
  // KM: 29 censored (n=4), 50 paid (n=3) -> S = 2/3, 121 x2 censored: no median.
  const CohortSummary& m542 = Find(summary, SummaryGroup::kNonspecific);
  EXPECT_EQ(m542.claim_count, 5);
  EXPECT_EQ(m542.charge_cents, Dollars(780));
  EXPECT_EQ(m542.adjudicated_count, 3);
  EXPECT_EQ(m542.adjudicated_charge_cents, Dollars(650));
  EXPECT_EQ(m542.initial_denial_by_count.numerator, 2);
  EXPECT_EQ(m542.initial_denial_by_count.denominator, 3);
  EXPECT_DOUBLE_EQ(m542.initial_denial_by_count.Value().value(), 2.0 / 3.0);
  EXPECT_EQ(m542.initial_denial_by_dollars.numerator, Dollars(500));
  EXPECT_EQ(m542.initial_denial_by_dollars.denominator, Dollars(650));
  EXPECT_DOUBLE_EQ(m542.initial_denial_by_dollars.Value().value(), 500.0 / 650.0);
  EXPECT_DOUBLE_EQ(m542.final_denial_by_count.Value().value(), 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(m542.final_denial_by_dollars.Value().value(), 300.0 / 650.0);
  EXPECT_EQ(m542.paid_count, 1);
  EXPECT_EQ(m542.censored_count, 3);
  EXPECT_EQ(m542.median_days_to_payment, std::nullopt);

  // Specific: F, G, H, I = 4 claims, $500, all adjudicated. Initially denied H only (I's
  // CO-18 is excluded): 1/4, $100/$500; finally denied H: the same.
  // KM: 10, 20, 30 paid and 121 censored: S(10) = 3/4, S(20) = 3/4 * 2/3 = 1/2 -> median 20.
  const CohortSummary& specific = Find(summary, SummaryGroup::kSpecific);
  EXPECT_EQ(specific.claim_count, 4);
  EXPECT_EQ(specific.charge_cents, Dollars(500));
  EXPECT_EQ(specific.adjudicated_count, 4);
  EXPECT_DOUBLE_EQ(specific.initial_denial_by_count.Value().value(), 0.25);
  EXPECT_DOUBLE_EQ(specific.initial_denial_by_dollars.Value().value(), 0.2);
  EXPECT_DOUBLE_EQ(specific.final_denial_by_count.Value().value(), 0.25);
  EXPECT_DOUBLE_EQ(specific.final_denial_by_dollars.Value().value(), 0.2);
  EXPECT_EQ(specific.paid_count, 3);
  EXPECT_EQ(specific.censored_count, 1);
  EXPECT_EQ(specific.median_days_to_payment, 20);

  // Families: one claim each.
  const CohortSummary& disc = Find(summary, SummaryGroup::kFamily, "disc");
  EXPECT_EQ(disc.claim_count, 1);
  EXPECT_DOUBLE_EQ(disc.initial_denial_by_count.Value().value(), 0.0);
  EXPECT_EQ(disc.median_days_to_payment, 10);
  EXPECT_EQ(Find(summary, SummaryGroup::kFamily, "segmental_dysfunction").median_days_to_payment,
            20);
  EXPECT_EQ(Find(summary, SummaryGroup::kFamily, "spondylosis").median_days_to_payment, 30);
  const CohortSummary& sprain = Find(summary, SummaryGroup::kFamily, "sprain_strain");
  EXPECT_DOUBLE_EQ(sprain.final_denial_by_dollars.Value().value(), 1.0);
  EXPECT_EQ(sprain.median_days_to_payment, std::nullopt);
  // An empty family reports zeros and no rate rather than 0%.
  const CohortSummary& stenosis = Find(summary, SummaryGroup::kFamily, "stenosis");
  EXPECT_EQ(stenosis.claim_count, 0);
  EXPECT_EQ(stenosis.initial_denial_by_count.Value(), std::nullopt);
  EXPECT_EQ(stenosis.median_days_to_payment, std::nullopt);
  // The families add up to the specific group.
  int64_t family_claims = 0;
  Cents family_charges = 0;
  for (const CohortSummary& cohort : summary.cohorts) {
    if (cohort.group != SummaryGroup::kFamily) continue;
    family_claims += cohort.claim_count;
    family_charges += cohort.charge_cents;
  }
  EXPECT_EQ(family_claims, specific.claim_count);
  EXPECT_EQ(family_charges, specific.charge_cents);

  // Outside: J, paid at 5 days, no denial.
  const CohortSummary& other = Find(summary, SummaryGroup::kNonCervical);
  EXPECT_EQ(other.claim_count, 1);
  EXPECT_DOUBLE_EQ(other.initial_denial_by_count.Value().value(), 0.0);
  EXPECT_EQ(other.median_days_to_payment, 5);
}

TEST(DenialSummaryTest, AnyPointedRuleMovesClaims) {
  // A claim with principal M54.2 and a pointed M50.121 is nonspecific by the principal rule
  // and disc by the any-pointed rule.
  Claim claim = MakeClaim("K", {"M542", "M50121"}, {Dollars(100)}, kMar1);
  claim.lines[0].diagnosis_pointers = {1, 2};
  const std::vector<ClaimHistory> claims = {History(claim)};
  const CohortTaxonomy taxonomy = Builtin();
  const DenialSummary principal =
      ComputeDenialSummary(claims, kAsOf, taxonomy, CohortRule::kPrincipal);
  EXPECT_EQ(Find(principal, SummaryGroup::kNonspecific).claim_count, 1);
  EXPECT_EQ(Find(principal, SummaryGroup::kSpecific).claim_count, 0);
  const DenialSummary pointed =
      ComputeDenialSummary(claims, kAsOf, taxonomy, CohortRule::kAnyPointed);
  EXPECT_EQ(Find(pointed, SummaryGroup::kNonspecific).claim_count, 0);
  EXPECT_EQ(Find(pointed, SummaryGroup::kSpecific).claim_count, 1);
  EXPECT_EQ(Find(pointed, SummaryGroup::kFamily, "disc").claim_count, 1);
}

TEST(DenialSummaryTest, Appendix6MedianThroughClaims) {
  // Five M54.2 claims: paid 10 and 20 days after service, unpaid and served 25 days before
  // the as-of date, paid after 30 days, unpaid and served 40 days before. Median 30 days;
  // the paid-only mean would be (10 + 20 + 30) / 3 = 20.
  std::vector<ClaimHistory> claims;
  auto paid_after = [&](std::string id, int days) {
    const Day service = kAsOf - 60;
    claims.push_back(History(MakeClaim(id, {"M542"}, {Dollars(100)}, service),
                             {MakeEvent(id, 1, Dollars(100), Dollars(50), service + days)}));
  };
  auto unpaid_since = [&](std::string id, int days) {
    claims.push_back(History(MakeClaim(id, {"M542"}, {Dollars(100)}, kAsOf - days)));
  };
  paid_after("p10", 10);
  paid_after("p20", 20);
  unpaid_since("u25", 25);
  paid_after("p30", 30);
  unpaid_since("u40", 40);
  const DenialSummary summary =
      ComputeDenialSummary(claims, kAsOf, Builtin(), CohortRule::kPrincipal);
  const CohortSummary& m542 = Find(summary, SummaryGroup::kNonspecific);
  EXPECT_EQ(m542.paid_count, 3);
  EXPECT_EQ(m542.censored_count, 2);
  EXPECT_EQ(m542.adjudicated_count, 3);
  EXPECT_EQ(m542.median_days_to_payment, 30);
}

TEST(DenialSummaryTest, Appendix3FirstPaymentDateSurvivesTheReversal) {
  // Served 01-24; paid $70 on 02-03 (10 days), reversed on 02-10, paid $65 on 02-20.
  // Days to payment count from the first payment: 10, not 27.
  const Day service(2026, 1, 24);
  const std::vector<ClaimHistory> claims = {History(
      MakeClaim("R", {"M542"}, {Dollars(100)}, service),
      {MakeEvent("R", 1, Dollars(100), Dollars(70), Day(2026, 2, 3)),
       MakeEvent("R", kClaimStatusReversal, -Dollars(100), -Dollars(70), Day(2026, 2, 10)),
       MakeEvent("R", 1, Dollars(100), Dollars(65), Day(2026, 2, 20))})};
  const DenialSummary summary =
      ComputeDenialSummary(claims, kAsOf, Builtin(), CohortRule::kPrincipal);
  const CohortSummary& m542 = Find(summary, SummaryGroup::kNonspecific);
  EXPECT_EQ(m542.median_days_to_payment, 10);
  EXPECT_DOUBLE_EQ(m542.initial_denial_by_count.Value().value(), 0.0);
}

TEST(DenialSummaryTest, Appendix4DuplicateDenialOutOfEveryNumerator) {
  const std::vector<ClaimHistory> claims = {History(
      MakeClaim("Q", {"M542"}, {Dollars(100)}, kMar1),
      {MakeEvent("Q", 1, Dollars(100), Dollars(80), Day(2026, 3, 10)),
       MakeEvent("Q", 1, Dollars(100), 0, Day(2026, 3, 20), {Adj(kCO, "18", Dollars(100))})})};
  const DenialSummary summary =
      ComputeDenialSummary(claims, kAsOf, Builtin(), CohortRule::kPrincipal);
  const CohortSummary& m542 = Find(summary, SummaryGroup::kNonspecific);
  EXPECT_EQ(m542.adjudicated_count, 1);
  EXPECT_EQ(m542.initial_denial_by_count.numerator, 0);
  EXPECT_EQ(m542.final_denial_by_count.numerator, 0);
  EXPECT_EQ(m542.initial_denial_by_dollars.numerator, 0);
}

TEST(DenialSummaryTest, RecodedClaimStaysInTheCohortOfItsFirstCoding) {
  // Submitted as M54.2, denied CO-50 (N115), replaced with M50.121 and paid $60: an M54.2
  // initial denial that a coder fixed. Counting it as a disc-disorder denial would blame
  // the specific code for what M54.2 caused.
  ClaimHistory recoded = History(
      MakeClaim("R", {"M50121"}, {Dollars(100)}, kMar1),
      {MakeEvent("R", 1, Dollars(100), 0, Day(2026, 3, 10), {Adj(kCO, "50", Dollars(100))}),
       MakeEvent("R", 1, Dollars(100), Dollars(60), Day(2026, 4, 10),
                 {Adj(kCO, "45", Dollars(40))})});
  recoded.first_diagnoses = {"M542"};
  const DenialSummary summary =
      ComputeDenialSummary({recoded}, kAsOf, Builtin(), CohortRule::kPrincipal);
  const CohortSummary& m542 = Find(summary, SummaryGroup::kNonspecific);
  EXPECT_EQ(m542.claim_count, 1);
  EXPECT_EQ(m542.initial_denial_by_count.numerator, 1);  // denied as first coded
  EXPECT_EQ(m542.final_denial_by_count.numerator, 0);    // paid after the recoding
  EXPECT_EQ(Find(summary, SummaryGroup::kSpecific).claim_count, 0);
}

TEST(RatioTest, Value) {
  EXPECT_EQ((Ratio{1, 0}).Value(), std::nullopt);
  EXPECT_DOUBLE_EQ((Ratio{1, 4}).Value().value(), 0.25);
}

}  // namespace
}  // namespace denialscope
