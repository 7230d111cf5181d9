// Every measure of DESIGN §1 on small hand-built claims. Each expected value is worked out in
// the comment next to it from the rules (DESIGN §1 and its Appendix), so the test checks the
// arithmetic and the definitions, not the code against itself.
#include "analytics/measures.h"

#include <string>
#include <utility>
#include <vector>

#include "analytics/denial.h"
#include "gtest/gtest.h"
#include "tests/unit/test_records.h"

namespace denialscope {
namespace {

using ::denialscope::testing::Adj;
using ::denialscope::testing::Dollars;
using ::denialscope::testing::MakeClaim;
using ::denialscope::testing::MakeEvent;
using ::denialscope::testing::RemitLine;

constexpr GroupCode kCO = GroupCode::kCO;
constexpr GroupCode kOA = GroupCode::kOA;
constexpr GroupCode kPR = GroupCode::kPR;
const Day kAsOf(2026, 6, 30);
const Day kMar1(2026, 3, 1);  // 2026-03-01 -> 2026-06-30 is 121 days

class MeasuresTest : public ::testing::Test {
 protected:
  MeasuresTest()
      : taxonomy_(CohortTaxonomy::Builtin().value()),
        code_lists_(CodeLists::Builtin().value()),
        families_(ProcedureFamilies::Builtin().value()),
        context_{taxonomy_, code_lists_, families_, CohortRule::kPrincipal} {}

  ClaimFacts Facts(Claim claim, std::vector<RemittanceEvent> events = {}, Day as_of = kAsOf) const {
    return ComputeClaimFacts({std::move(claim), std::move(events)}, as_of, context_);
  }

  // The counts of one group over every claim (no period bounds, no filters).
  MeasureCounts CountsOf(const std::vector<ClaimFacts>& facts,
                         SummaryGroup group = SummaryGroup::kNonspecific,
                         const MeasureSelection& selection = {}) const {
    return Find(AggregateMeasures(facts, selection, taxonomy_), group).counts;
  }

  static const CohortMeasures& Find(const std::vector<CohortMeasures>& measures, SummaryGroup group,
                                    std::string_view family = "") {
    for (const CohortMeasures& m : measures) {
      if (m.group == group && m.family == family) return m;
    }
    static const CohortMeasures kMissing;
    ADD_FAILURE() << "no group " << static_cast<int>(group) << " " << family;
    return kMissing;
  }

  CohortTaxonomy taxonomy_;
  CodeLists code_lists_;
  ProcedureFamilies families_;
  MeasureContext context_;
};

// A paid event with one answered line per charge (line i pays paid[i], CO-45 the rest).
RemittanceEvent PaidEvent(const std::string& id, std::vector<Cents> charges,
                          std::vector<Cents> paid, Day date) {
  Cents charge = 0, total = 0;
  RemittanceEvent event = MakeEvent(id, 1, 0, 0, date);
  for (size_t i = 0; i < charges.size(); ++i) {
    std::vector<Adjustment> adjustments;
    if (charges[i] > paid[i]) adjustments.push_back(Adj(kCO, "45", charges[i] - paid[i]));
    event.lines.push_back(
        RemitLine("L" + std::to_string(i + 1), charges[i], paid[i], std::move(adjustments)));
    charge += charges[i];
    total += paid[i];
  }
  event.charge_cents = charge;
  event.paid_cents = total;
  return event;
}

// ---------------------------------------------------------------- DESIGN Appendix

TEST_F(MeasuresTest, Appendix1DeniedThenOverturned) {
  Claim claim = MakeClaim("A", {"M542"}, {Dollars(100), Dollars(100)}, kMar1);
  RemittanceEvent denial = MakeEvent("A", 1, Dollars(200), 0, Day(2026, 3, 10));
  denial.lines.push_back(RemitLine("L1", Dollars(100), 0, {Adj(kCO, "50", Dollars(100))}));
  denial.lines.push_back(RemitLine("L2", Dollars(100), 0, {Adj(kCO, "50", Dollars(100))}));
  denial.lines[0].remark_codes = {"N115"};
  denial.lines[1].remark_codes = {"N115"};
  RemittanceEvent payment =
      PaidEvent("A", {Dollars(100), Dollars(100)}, {Dollars(60), Dollars(60)}, Day(2026, 4, 20));
  const ClaimFacts f = Facts(claim, {denial, payment});

  EXPECT_TRUE(f.adjudicated);
  EXPECT_TRUE(f.initially_denied);
  EXPECT_FALSE(f.finally_denied);  // net paid $120
  EXPECT_TRUE(f.overturned);
  EXPECT_FALSE(f.clean);
  EXPECT_FALSE(f.open);
  EXPECT_EQ(f.net_paid_cents, Dollars(120));
  EXPECT_EQ(f.initial_adjudication_date, Day(2026, 3, 10));
  EXPECT_EQ(f.final_adjudication_date, Day(2026, 4, 20));
  // Days to payment: 04-20 - 03-01 = 31 + 19 = 50.
  EXPECT_EQ(f.first_payment_date, Day(2026, 4, 20));
  EXPECT_EQ(f.days_to_payment, 50);
  EXPECT_EQ(f.survival_days, 50);
  // Both lines denied on the initial event, neither finally: 2 overturned lines.
  EXPECT_EQ(f.initially_denied_lines, 2);
  EXPECT_EQ(f.initially_denied_line_charge_cents, Dollars(200));
  EXPECT_EQ(f.finally_denied_lines, 0);
  EXPECT_EQ(f.overturned_lines, 2);
  // CO-50 $200 decides, refined by N115 (an LCD): medical necessity.
  EXPECT_EQ(f.initial_denial_carc, "50");
  EXPECT_EQ(f.initial_denial_rarc, "N115");
  EXPECT_EQ(f.initial_denial_category, DenialCategory::kMedicalNecessity);

  const MeasureCounts c = CountsOf({f});
  // Initial denial 1/1 by count, $200/$200 by dollars; final 0/1; overturn 1/1.
  const MeasureRates r = RatesFromCounts(c);
  EXPECT_EQ(r.initial_denial_by_count.Value(), 1.0);
  EXPECT_EQ(r.initial_denial_by_dollars.numerator, Dollars(200));
  EXPECT_EQ(r.initial_denial_by_dollars.denominator, Dollars(200));
  EXPECT_EQ(r.final_denial_by_count.Value(), 0.0);
  EXPECT_EQ(r.overturn_by_count.Value(), 1.0);
  EXPECT_EQ(r.overturn_by_dollars.Value(), 1.0);
  EXPECT_EQ(r.overturn_line_by_count.Value(), 1.0);  // 2 / 2
  EXPECT_EQ(r.paid_to_charge.Value(), 0.6);          // $120 / $200
  EXPECT_EQ(r.paid_per_encounter.Value(), Dollars(120));
}

TEST_F(MeasuresTest, Appendix2PatientResponsibilityIsNotADenialAndClosesTheClaim) {
  const ClaimFacts f =
      Facts(MakeClaim("B", {"M542"}, {Dollars(150)}, kMar1),
            {MakeEvent("B", 1, Dollars(150), 0, Day(2026, 3, 15),
                       {Adj(kCO, "45", Dollars(45)), Adj(GroupCode::kPR, "1", Dollars(105))})});
  EXPECT_TRUE(f.adjudicated);
  EXPECT_FALSE(f.initially_denied);
  EXPECT_FALSE(f.finally_denied);
  EXPECT_FALSE(f.paid);
  EXPECT_FALSE(f.clean);  // nothing was paid
  // Closed (patient owes), so not in A/R; censored in days to payment at 121 days.
  EXPECT_FALSE(f.open);
  EXPECT_EQ(f.aging_bucket, AgingBucket::kNotOpen);
  EXPECT_EQ(f.survival_days, 121);
  EXPECT_EQ(f.initially_denied_lines, 0);
  EXPECT_EQ(f.finally_denied_lines, 0);
}

TEST_F(MeasuresTest, Appendix3ReversalAndCorrection) {
  const Claim claim = MakeClaim("C", {"M542"}, {Dollars(100)}, Day(2026, 1, 20));
  RemittanceEvent pay = PaidEvent("C", {Dollars(100)}, {Dollars(70)}, Day(2026, 2, 3));
  RemittanceEvent reversal = pay;
  reversal.status_code = kClaimStatusReversal;
  reversal.paid_cents = -Dollars(70);
  reversal.charge_cents = -Dollars(100);
  reversal.lines[0].paid_cents = -Dollars(70);
  reversal.lines[0].charge_cents = -Dollars(100);
  reversal.lines[0].adjustments[0].amount_cents = -Dollars(30);
  reversal.production_date = reversal.payment_date = Day(2026, 2, 10);
  RemittanceEvent correction = PaidEvent("C", {Dollars(100)}, {Dollars(65)}, Day(2026, 2, 20));

  const ClaimFacts f = Facts(claim, {correction, reversal, pay});  // any arrival order
  EXPECT_FALSE(f.initially_denied);                                // the reversal is not an outcome
  EXPECT_EQ(f.net_paid_cents, Dollars(65));
  EXPECT_EQ(f.first_payment_date, Day(2026, 2, 3));
  EXPECT_EQ(f.days_to_payment, 14);  // 02-03 - 01-20
  EXPECT_FALSE(f.clean);             // paid, but events followed
  EXPECT_FALSE(f.open);
  EXPECT_EQ(f.finally_denied_lines, 0);

  // On 02-15 the payment is taken back and nothing replaced it yet: open A/R, 26 days old.
  const ClaimFacts mid = Facts(claim, {correction, reversal, pay}, Day(2026, 2, 15));
  EXPECT_EQ(mid.net_paid_cents, 0);
  EXPECT_FALSE(mid.finally_denied);
  EXPECT_TRUE(mid.open);
  EXPECT_EQ(mid.aging_bucket, AgingBucket::k0To30);
  EXPECT_TRUE(mid.paid);  // a payment counts from its own date (denial.h)
  EXPECT_FALSE(mid.clean);
  // On 02-05, before the reversal, the claim is a clean first pass.
  EXPECT_TRUE(Facts(claim, {correction, reversal, pay}, Day(2026, 2, 5)).clean);
}

TEST_F(MeasuresTest, Appendix4DuplicateDenialIgnoredButNotAFirstPass) {
  const ClaimFacts f =
      Facts(MakeClaim("D", {"M542"}, {Dollars(100)}, kMar1),
            {PaidEvent("D", {Dollars(100)}, {Dollars(80)}, Day(2026, 3, 10)),
             MakeEvent("D", 1, Dollars(100), 0, Day(2026, 3, 20), {Adj(kCO, "18", Dollars(100))})});
  EXPECT_FALSE(f.initially_denied);
  EXPECT_FALSE(f.finally_denied);
  EXPECT_EQ(f.net_paid_cents, Dollars(80));
  EXPECT_EQ(f.initially_denied_lines, 0);
  EXPECT_EQ(f.finally_denied_lines, 0);
  // The duplicate means the claim went out again: a resubmission, so not clean.
  EXPECT_FALSE(f.clean);

  // A claim whose only answer is a CO-18 duplicate denial has no outcome: still open.
  const ClaimFacts only_duplicate = Facts(
      MakeClaim("D2", {"M542"}, {Dollars(100)}, kMar1),
      {MakeEvent("D2", 1, Dollars(100), 0, Day(2026, 3, 20), {Adj(kCO, "18", Dollars(100))})});
  EXPECT_FALSE(only_duplicate.adjudicated);
  EXPECT_FALSE(only_duplicate.initially_denied);
  EXPECT_TRUE(only_duplicate.open);
  EXPECT_EQ(only_duplicate.aging_bucket, AgingBucket::kOver120);  // 121 days
}

TEST_F(MeasuresTest, Appendix5PartialDenialAtLineGrain) {
  RemittanceEvent event = MakeEvent("E", 1, Dollars(150), Dollars(60), Day(2026, 3, 10));
  event.lines.push_back(RemitLine("L1", Dollars(100), Dollars(60), {Adj(kCO, "45", Dollars(40))}));
  event.lines.push_back(RemitLine("L2", Dollars(50), 0, {Adj(kCO, "97", Dollars(50))}));
  const ClaimFacts f = Facts(MakeClaim("E", {"M542"}, {Dollars(100), Dollars(50)}, kMar1), {event});
  EXPECT_FALSE(f.initially_denied);
  EXPECT_TRUE(f.initial_partial_denial);
  EXPECT_TRUE(f.final_partial_denial);  // line 2 stays unpaid
  EXPECT_EQ(f.initially_denied_lines, 1);
  EXPECT_EQ(f.initially_denied_line_charge_cents, Dollars(50));
  EXPECT_EQ(f.finally_denied_lines, 1);
  EXPECT_EQ(f.finally_denied_line_charge_cents, Dollars(50));
  EXPECT_FALSE(f.clean);
  // The reason is read from the denied line: CO-97 bundling (CO-45 never decides).
  EXPECT_EQ(f.initial_denial_carc, "97");
  EXPECT_EQ(f.initial_denial_category, DenialCategory::kBundling);

  const MeasureRates r = RatesFromCounts(CountsOf({f}));
  EXPECT_EQ(r.initial_denial_by_count.Value(), 0.0);
  EXPECT_EQ(r.initial_partial_denial_by_count.Value(), 1.0);  // 1 / 1 claim
  // Line grain: 1 of 2 lines, $50 of $150.
  EXPECT_EQ(r.initial_line_denial_by_count.Value(), 0.5);
  EXPECT_EQ(r.initial_line_denial_by_dollars.numerator, Dollars(50));
  EXPECT_EQ(r.initial_line_denial_by_dollars.denominator, Dollars(150));
  EXPECT_EQ(r.initial_partial_line_denial_by_count.Value(), 0.5);
  // Write-off: $0 at claim grain (the claim was paid), $50 at line grain.
  EXPECT_EQ(CountsOf({f}).finally_denied_charge_cents, 0);
  EXPECT_EQ(CountsOf({f}).finally_denied_line_charge_cents, Dollars(50));
}

TEST_F(MeasuresTest, Appendix6KaplanMeierMedianAndSharesPaid) {
  // Served 2026-03-01; as-of 04-10 is 40 days later. Paid on days 10, 20, 30; unpaid at 25
  // (served 03-16) and at 40.
  std::vector<ClaimFacts> facts;
  for (int days : {10, 20, 30}) {
    const std::string id = "P" + std::to_string(days);
    facts.push_back(Facts(MakeClaim(id, {"M542"}, {Dollars(100)}, kMar1),
                          {PaidEvent(id, {Dollars(100)}, {Dollars(80)}, kMar1 + days)},
                          Day(2026, 4, 10)));
  }
  facts.push_back(
      Facts(MakeClaim("U25", {"M542"}, {Dollars(100)}, Day(2026, 3, 16)), {}, Day(2026, 4, 10)));
  facts.push_back(Facts(MakeClaim("U40", {"M542"}, {Dollars(100)}, kMar1), {}, Day(2026, 4, 10)));
  const CohortMeasures m =
      Find(AggregateMeasures(facts, {}, taxonomy_), SummaryGroup::kNonspecific);
  EXPECT_EQ(m.days_to_payment.n, 5);
  EXPECT_EQ(m.days_to_payment.events, 3);
  // S(10) = 0.8, S(20) = 0.6, S(30) = 0.3: the median is 30; S never reaches 0.1: no p90.
  EXPECT_EQ(m.median_days_to_payment, 30);
  EXPECT_EQ(m.p90_days_to_payment, std::nullopt);
  EXPECT_NEAR(m.share_paid_by_day[0], 0.7, 1e-12);  // by day 30: 1 - 0.3
  EXPECT_NEAR(m.share_paid_by_day[1], 0.7, 1e-12);
  // The vendors' mean over paid claims: (10 + 20 + 30) / 3 = 20.
  EXPECT_EQ(m.rates.mean_days_to_payment_paid_only.Value(), 20.0);
}

// ---------------------------------------------------------------- outcomes and first pass

TEST_F(MeasuresTest, CleanClaimRule) {
  const Claim claim = MakeClaim("K", {"M542"}, {Dollars(100)}, kMar1);
  // Paid with CO-45 and PR-2 only: clean.
  RemittanceEvent paid = PaidEvent("K", {Dollars(100)}, {Dollars(70)}, Day(2026, 3, 10));
  paid.lines[0].adjustments = {Adj(kCO, "45", Dollars(20)), Adj(kPR, "2", Dollars(10))};
  EXPECT_TRUE(Facts(claim, {paid}).clean);
  // CO-253 sequestration is contractual too: still clean.
  RemittanceEvent sequestered = paid;
  sequestered.adjustments = {Adj(kCO, "253", Dollars(1))};
  EXPECT_TRUE(Facts(claim, {sequestered}).clean);
  // OA-23 (another payer's share) is not contractual: not a first pass.
  RemittanceEvent cob = paid;
  cob.adjustments = {Adj(kOA, "23", Dollars(5))};
  EXPECT_FALSE(Facts(claim, {cob}).clean);
  // A replacement claim is a resubmission, never clean.
  Claim replacement = claim;
  replacement.frequency = FrequencyCode::kReplacement;
  const ClaimFacts replaced = Facts(replacement, {paid});
  EXPECT_FALSE(replaced.clean);
  EXPECT_TRUE(replaced.replacement);
  // A later event of any kind (here a second payment) spoils the first pass.
  EXPECT_FALSE(
      Facts(claim, {paid, PaidEvent("K", {Dollars(100)}, {Dollars(5)}, Day(2026, 4, 1))}).clean);
  // ... unless it comes after the as-of date: then it is not known yet.
  EXPECT_TRUE(
      Facts(claim, {paid, PaidEvent("K", {Dollars(100)}, {Dollars(5)}, Day(2026, 7, 1))}).clean);

  // Rate: 2 clean of 3 adjudicated ($100 + $100 of $300); the replacement is not.
  const MeasureRates r =
      RatesFromCounts(CountsOf({Facts(claim, {paid}), Facts(claim, {sequestered}), replaced}));
  EXPECT_EQ(r.clean_claim_by_count.numerator, 2);
  EXPECT_EQ(r.clean_claim_by_count.denominator, 3);
  EXPECT_EQ(r.clean_claim_by_dollars.numerator, Dollars(200));
  EXPECT_EQ(r.clean_claim_by_dollars.denominator, Dollars(300));
}

TEST_F(MeasuresTest, EventsAfterAsOfDoNotExistYet) {
  const Claim claim = MakeClaim("L", {"M542"}, {Dollars(200)}, kMar1);
  const std::vector<RemittanceEvent> events = {
      MakeEvent("L", 1, Dollars(200), 0, Day(2026, 3, 10), {Adj(kCO, "197", Dollars(200))}),
      PaidEvent("L", {Dollars(200)}, {Dollars(150)}, Day(2026, 7, 15))};
  // As of 06-30: denied and still denied, written off ($200), not overturned, censored.
  const ClaimFacts june = Facts(claim, events);
  EXPECT_TRUE(june.initially_denied);
  EXPECT_TRUE(june.finally_denied);
  EXPECT_FALSE(june.overturned);
  EXPECT_FALSE(june.paid);
  EXPECT_FALSE(june.open);  // a final denial is resolved, not A/R
  EXPECT_EQ(june.final_denial_carc, "197");
  EXPECT_EQ(june.final_denial_category, DenialCategory::kAuthorization);
  EXPECT_EQ(june.finally_denied_lines, 1);  // the claim's denial covers every line
  EXPECT_EQ(CountsOf({june}).finally_denied_charge_cents, Dollars(200));
  // As of 07-31 the payment is known: overturned, paid on day 136 (03-01 -> 07-15).
  const ClaimFacts july = Facts(claim, events, Day(2026, 7, 31));
  EXPECT_TRUE(july.overturned);
  EXPECT_FALSE(july.finally_denied);
  EXPECT_EQ(july.days_to_payment, 136);
  EXPECT_EQ(july.overturned_lines, 1);
}

TEST_F(MeasuresTest, UnpaidAndUnservedClaims) {
  // Served 06-01 with no answer: open, 29 days old, censored at 29.
  const ClaimFacts waiting = Facts(MakeClaim("W", {"M542"}, {Dollars(80)}, Day(2026, 6, 1)));
  EXPECT_FALSE(waiting.adjudicated);
  EXPECT_TRUE(waiting.open);
  EXPECT_EQ(waiting.aging_bucket, AgingBucket::k0To30);
  EXPECT_EQ(waiting.survival_days, 29);
  // Served after as-of: counted, nothing measured.
  const ClaimFacts future = Facts(MakeClaim("F", {"M542"}, {Dollars(50)}, Day(2026, 7, 5)));
  EXPECT_FALSE(future.served);
  EXPECT_FALSE(future.open);
  const MeasureCounts c = CountsOf({waiting, future});
  EXPECT_EQ(c.claims, 2);
  EXPECT_EQ(c.charge_cents, Dollars(130));
  EXPECT_EQ(c.served, 1);
  EXPECT_EQ(c.adjudicated, 0);
  EXPECT_EQ(c.open, 1);
  // No adjudicated claim: every claim-grain rate is undefined, not 0.
  EXPECT_EQ(RatesFromCounts(c).initial_denial_by_count.Value(), std::nullopt);
}

TEST_F(MeasuresTest, ClaimLevelDenialDeniesEveryLineAndLinesJoinWithoutControlNumbers) {
  Claim claim = MakeClaim("M", {"M542"}, {Dollars(100), Dollars(60)}, kMar1);
  // CLP02 4 with no service lines: both lines denied ($160).
  const ClaimFacts whole =
      Facts(claim, {MakeEvent("M", kClaimStatusDenied, Dollars(160), 0, Day(2026, 3, 5))});
  EXPECT_TRUE(whole.initially_denied);
  EXPECT_EQ(whole.initially_denied_lines, 2);
  EXPECT_EQ(whole.initially_denied_line_charge_cents, Dollars(160));

  // Lines without REF*6R, answered in reverse order: joined by procedure code. Line 2
  // (97110, $60) is denied CO-50 and line 1 (99213) paid.
  claim.lines[1].procedure_code = "97110";
  RemittanceEvent event = MakeEvent("M", 1, Dollars(160), Dollars(70), Day(2026, 3, 5));
  event.lines.push_back(RemitLine("", Dollars(60), 0, {Adj(kCO, "50", Dollars(60))}));
  event.lines.back().procedure_code = "97110";
  event.lines.push_back(RemitLine("", Dollars(100), Dollars(70), {Adj(kCO, "45", Dollars(30))}));
  const ClaimFacts by_procedure = Facts(claim, {event});
  EXPECT_TRUE(by_procedure.initial_partial_denial);
  EXPECT_EQ(by_procedure.initially_denied_lines, 1);
  EXPECT_EQ(by_procedure.initially_denied_line_charge_cents, Dollars(60));

  // Same procedure on both lines and no control numbers: joined by position, so the first
  // answer (denied) belongs to claim line 1 and the claim's $100 line charge counts.
  claim.lines[1].procedure_code = "99213";
  event.lines[0].procedure_code = "99213";
  const ClaimFacts by_position = Facts(claim, {event});
  EXPECT_EQ(by_position.initially_denied_lines, 1);
  EXPECT_EQ(by_position.initially_denied_line_charge_cents, Dollars(100));
}

TEST_F(MeasuresTest, InitialOutcomeAgreesWithDeriveOutcome) {
  // Events dated out of arrival order, a same-day pair ordered by payment date.
  const Claim claim = MakeClaim("N", {"M542"}, {Dollars(100)}, kMar1);
  RemittanceEvent later = PaidEvent("N", {Dollars(100)}, {Dollars(40)}, Day(2026, 3, 12));
  RemittanceEvent denial =
      MakeEvent("N", 1, Dollars(100), 0, Day(2026, 3, 12), {Adj(kCO, "16", Dollars(100))});
  denial.payment_date = Day(2026, 3, 11);
  const std::vector<RemittanceEvent> events = {later, denial};
  const ClaimOutcome outcome = DeriveOutcome(events, kAsOf);
  const ClaimFacts f = Facts(claim, events);
  EXPECT_EQ(f.initial_adjudication_date, outcome.initial_date);
  EXPECT_EQ(f.initially_denied, outcome.initial == Outcome::kDenied);
  EXPECT_TRUE(f.initially_denied);
  EXPECT_EQ(f.initial_denial_category, DenialCategory::kMissingInformation);
  EXPECT_TRUE(f.overturned);
}

TEST_F(MeasuresTest, VoidedClaimsLeaveEveryMeasure) {
  Claim voided = MakeClaim("V", {"M542"}, {Dollars(100)}, kMar1);
  voided.frequency = FrequencyCode::kVoid;
  const std::vector<ClaimFacts> facts = ComputeAllClaimFacts(
      {{MakeClaim("K", {"M542"}, {Dollars(100)}, kMar1), {}}, {voided, {}}}, kAsOf, context_);
  ASSERT_EQ(facts.size(), 1u);
  EXPECT_EQ(facts[0].claim_id, "K");
}

// ---------------------------------------------------------------- time

TEST_F(MeasuresTest, SubmissionLagAndTurnaroundDistributions) {
  std::vector<ClaimFacts> facts;
  // Lags 1, 2, 3 and 10 days; the last claim also has no submission date (no lag).
  int i = 0;
  for (int lag : {1, 2, 3, 10}) {
    Claim claim = MakeClaim("S" + std::to_string(++i), {"M542"}, {Dollars(100)}, kMar1);
    claim.submission_date = kMar1 + lag;
    facts.push_back(Facts(claim));
  }
  facts.push_back(Facts(MakeClaim("S5", {"M542"}, {Dollars(100)}, kMar1)));
  const CohortMeasures m =
      Find(AggregateMeasures(facts, {}, taxonomy_), SummaryGroup::kNonspecific);
  // Mean (1 + 2 + 3 + 10) / 4 = 4; median (2 + 3) / 2 = 2.5; p90 at position 3 * 0.9 = 2.7:
  // 3 + 0.7 * (10 - 3) = 7.9.
  EXPECT_EQ(m.submission_lag.n, 4);
  EXPECT_DOUBLE_EQ(*m.submission_lag.mean, 4.0);
  EXPECT_DOUBLE_EQ(*m.submission_lag.median, 2.5);
  EXPECT_DOUBLE_EQ(*m.submission_lag.p90, 7.9);
  EXPECT_EQ(m.rates.mean_submission_lag_days.Value(), 4.0);

  // Turnaround: DTM*050 03-05 to production 03-25 = 20 days.
  Claim claim = MakeClaim("T1", {"M542"}, {Dollars(100)}, kMar1);
  claim.submission_date = Day(2026, 3, 2);
  RemittanceEvent event = PaidEvent("T1", {Dollars(100)}, {Dollars(80)}, Day(2026, 3, 25));
  event.received_date = Day(2026, 3, 5);
  event.payment_date = Day(2026, 3, 27);
  const ClaimFacts t1 = Facts(claim, {event});
  EXPECT_EQ(t1.received_date, Day(2026, 3, 5));
  EXPECT_EQ(t1.turnaround_days, 20);
  EXPECT_EQ(t1.days_to_payment, 26);          // payment 03-27 - service 03-01
  EXPECT_EQ(t1.receipt_to_payment_days, 22);  // 03-27 - 03-05
  // No DTM*050: received = submitted 03-02, 23 days to production 03-25.
  event.received_date.reset();
  EXPECT_EQ(Facts(claim, {event}).turnaround_days, 23);
  // No production date either: the payment date 03-27 is the adjudication, 25 days.
  event.production_date.reset();
  EXPECT_EQ(Facts(claim, {event}).turnaround_days, 25);
  // A submission date before the service is bad data: the lag is 0, never negative.
  claim.submission_date = Day(2026, 2, 20);
  EXPECT_EQ(Facts(claim).submission_lag_days, 0);
}

TEST_F(MeasuresTest, AgingBucketBoundaries) {
  // One open claim per age; charge = age + 1 dollars so each bucket's dollars are distinct.
  std::vector<ClaimFacts> facts;
  for (int age : {0, 30, 31, 60, 61, 90, 91, 120, 121}) {
    facts.push_back(
        Facts(MakeClaim("A" + std::to_string(age), {"M542"}, {Dollars(age + 1)}, kAsOf - age)));
  }
  EXPECT_EQ(facts[1].aging_bucket, AgingBucket::k0To30);    // 30
  EXPECT_EQ(facts[2].aging_bucket, AgingBucket::k31To60);   // 31
  EXPECT_EQ(facts[3].aging_bucket, AgingBucket::k31To60);   // 60
  EXPECT_EQ(facts[4].aging_bucket, AgingBucket::k61To90);   // 61
  EXPECT_EQ(facts[5].aging_bucket, AgingBucket::k61To90);   // 90
  EXPECT_EQ(facts[6].aging_bucket, AgingBucket::k91To120);  // 91
  EXPECT_EQ(facts[7].aging_bucket, AgingBucket::k91To120);  // 120
  EXPECT_EQ(facts[8].aging_bucket, AgingBucket::kOver120);  // 121
  const MeasureCounts c = CountsOf(facts);
  EXPECT_EQ(c.open, 9);
  EXPECT_EQ((c.open_by_bucket), (std::array<int64_t, 5>{2, 2, 2, 2, 1}));
  // Dollars: 1 + 31, 32 + 61, 62 + 91, 92 + 121, 122.
  EXPECT_EQ(
      (c.open_charge_by_bucket_cents),
      (std::array<Cents, 5>{Dollars(32), Dollars(93), Dollars(153), Dollars(213), Dollars(122)}));
  EXPECT_EQ(AgingBucketName(AgingBucket::kOver120), ">120");
  EXPECT_EQ(AgingBucketForDays(-1), AgingBucket::kNotOpen);
}

TEST_F(MeasuresTest, PromptPayBoundaries) {
  // Received (DTM*050 or the submission date) on R = as-of - 100 = 2026-03-22.
  const Day received = kAsOf - 100;
  std::vector<ClaimFacts> facts;
  auto claim_received = [&](const std::string& id, Day on) {
    Claim claim = MakeClaim(id, {"M542"}, {Dollars(100)}, on - 5);
    claim.submission_date = on;
    return claim;
  };
  // Paid 30, 31, 45, 46, 60 and 61 days after receipt.
  for (int days : {30, 31, 45, 46, 60, 61}) {
    const std::string id = "R" + std::to_string(days);
    RemittanceEvent event = PaidEvent(id, {Dollars(100)}, {Dollars(80)}, received + days);
    event.received_date = received;
    facts.push_back(Facts(claim_received(id, received), {event}));
  }
  // Unpaid and open, received on R: owed, not paid.
  facts.push_back(Facts(claim_received("OPEN", received)));
  // Denied 10 days after receipt and left denied: adjudicated promptly, owed nothing.
  facts.push_back(Facts(
      claim_received("DENIED", received),
      {MakeEvent("DENIED", 1, Dollars(100), 0, received + 10, {Adj(kCO, "50", Dollars(100))})}));
  // Received exactly 60 days before as-of (in) and 59 days before (out, though paid fast).
  facts.push_back(Facts(claim_received("AT60", kAsOf - 60)));
  facts.push_back(Facts(claim_received("AT59", kAsOf - 59),
                        {PaidEvent("AT59", {Dollars(100)}, {Dollars(80)}, kAsOf - 55)}));

  const MeasureCounts c = CountsOf(facts);
  // Received >= 60 days ago: 6 paid + OPEN + DENIED + AT60 = 9; owed: all but DENIED = 8.
  EXPECT_EQ(c.prompt_pay_received, 9);
  EXPECT_EQ(c.prompt_pay_owed, 8);
  // Paid within 30: {30}; within 45: {30, 31, 45}; within 60: {30, 31, 45, 46, 60}.
  EXPECT_EQ((c.paid_within), (std::array<int64_t, 3>{1, 3, 5}));
  // Adjudicated within: the paid ones on their payment day plus DENIED (10 days).
  EXPECT_EQ((c.adjudicated_within), (std::array<int64_t, 3>{2, 4, 6}));
  const MeasureRates r = RatesFromCounts(c);
  EXPECT_EQ(r.prompt_paid_within[0].Value(), 1.0 / 8);
  EXPECT_EQ(r.prompt_paid_within[2].Value(), 5.0 / 8);
  EXPECT_EQ(r.prompt_adjudicated_within[1].Value(), 4.0 / 9);
}

// ---------------------------------------------------------------- selection

TEST_F(MeasuresTest, PeriodByServiceMonthOrByAdjudicationMonth) {
  // Served in February, adjudicated (denied) in March; a second claim served and paid in
  // March; a third served in March and unanswered.
  const std::vector<ClaimFacts> facts = {
      Facts(
          MakeClaim("FEB", {"M542"}, {Dollars(100)}, Day(2026, 2, 20)),
          {MakeEvent("FEB", 1, Dollars(100), 0, Day(2026, 3, 5), {Adj(kCO, "50", Dollars(100))})}),
      Facts(MakeClaim("MAR", {"M542"}, {Dollars(300)}, Day(2026, 3, 2)),
            {PaidEvent("MAR", {Dollars(300)}, {Dollars(200)}, Day(2026, 3, 20))}),
      Facts(MakeClaim("OPEN", {"M542"}, {Dollars(50)}, Day(2026, 3, 25))),
  };
  MeasureSelection selection;
  selection.months.first = selection.months.last = absl::CivilMonth(2026, 3);
  // By service month (default): MAR and OPEN; 1 adjudicated, no denial.
  MeasureCounts c = CountsOf(facts, SummaryGroup::kNonspecific, selection);
  EXPECT_EQ(c.claims, 2);
  EXPECT_EQ(c.adjudicated, 1);
  EXPECT_EQ(c.initially_denied, 0);
  EXPECT_EQ(c.open, 1);
  // By adjudication month: FEB and MAR; 1 of 2 denied. OPEN has no adjudication month.
  selection.basis = PeriodBasis::kAdjudicationMonth;
  c = CountsOf(facts, SummaryGroup::kNonspecific, selection);
  EXPECT_EQ(c.claims, 2);
  EXPECT_EQ(c.adjudicated, 2);
  EXPECT_EQ(c.initially_denied, 1);
  EXPECT_EQ(c.initially_denied_charge_cents, Dollars(100));
  EXPECT_EQ(c.open, 0);
  // Open bounds: from March on by service month takes all three but FEB.
  selection = {};
  selection.months.first = absl::CivilMonth(2026, 3);
  EXPECT_EQ(CountsOf(facts, SummaryGroup::kNonspecific, selection).claims, 2);
  selection.months = {std::nullopt, absl::CivilMonth(2026, 2)};
  EXPECT_EQ(CountsOf(facts, SummaryGroup::kNonspecific, selection).claims, 1);
}

TEST_F(MeasuresTest, EachFilter) {
  auto claim = [](const std::string& id, const std::string& payer, const std::string& code,
                  const std::string& npi, const std::string& pos) {
    Claim c = MakeClaim(id, {"M542"}, {Dollars(100)}, kMar1, payer);
    c.lines[0].procedure_code = code;
    c.rendering_npi = npi;
    c.place_of_service = pos;
    return c;
  };
  std::vector<ClaimFacts> facts = {
      Facts(claim("1", "AETNA", "98940", "1111111111", "11")),
      Facts(claim("2", "AETNA", "99213", "2222222222", "11")),
      Facts(claim("3", "CIGNA", "97110", "1111111111", "22")),
      Facts(claim("4", "CIGNA", "98941", "2222222222", "11")),
  };
  // The rendering NPI falls back to the highest-charge line's when the claim has none.
  Claim line_npi = claim("5", "UHC", "64490", "", "11");
  line_npi.lines[0].rendering_npi = "3333333333";
  facts.push_back(Facts(line_npi));
  EXPECT_EQ(facts.back().rendering_npi, "3333333333");
  EXPECT_EQ(facts.back().procedure_family, "injection");

  auto count = [&](MeasureFilters filters) {
    MeasureSelection selection;
    selection.filters = std::move(filters);
    return CountsOf(facts, SummaryGroup::kNonspecific, selection).claims;
  };
  EXPECT_EQ(count({}), 5);
  EXPECT_EQ(count({.payer_ids = {"AETNA"}}), 2);
  EXPECT_EQ(count({.payer_ids = {"AETNA", "UHC"}}), 3);
  EXPECT_EQ(count({.procedure_families = {"chiropractic"}}), 2);  // 98940, 98941
  EXPECT_EQ(count({.procedure_families = {"pt_rehab", "em"}}), 2);
  EXPECT_EQ(count({.rendering_npis = {"1111111111"}}), 2);
  EXPECT_EQ(count({.rendering_npis = {"3333333333"}}), 1);
  EXPECT_EQ(count({.places_of_service = {"22"}}), 1);
  // Filters combine with AND: CIGNA at POS 11 is claim 4 only.
  EXPECT_EQ(count({.payer_ids = {"CIGNA"}, .places_of_service = {"11"}}), 1);
  EXPECT_EQ(count({.payer_ids = {"NOBODY"}}), 0);
}

// ---------------------------------------------------------------- cohorts and months

std::vector<ClaimHistory> SmallPractice() {
  std::vector<ClaimHistory> claims;
  // Nonspecific: denied in March (CO-50), paid in March, PR-only in April.
  claims.push_back(
      {MakeClaim("N1", {"M542"}, {Dollars(100)}, Day(2026, 3, 3)),
       {MakeEvent("N1", 1, Dollars(100), 0, Day(2026, 3, 20), {Adj(kCO, "50", Dollars(100))})}});
  claims.push_back({MakeClaim("N2", {"M542"}, {Dollars(200)}, Day(2026, 3, 4)),
                    {PaidEvent("N2", {Dollars(200)}, {Dollars(150)}, Day(2026, 3, 24))}});
  claims.push_back(
      {MakeClaim("N3", {"M542"}, {Dollars(150)}, Day(2026, 4, 2)),
       {MakeEvent("N3", 1, Dollars(150), 0, Day(2026, 4, 12), {Adj(kPR, "1", Dollars(150))})}});
  // Specific: disc paid in March, segmental dysfunction denied in April, sprain unanswered.
  claims.push_back({MakeClaim("S1", {"M50121"}, {Dollars(100)}, Day(2026, 3, 5)),
                    {PaidEvent("S1", {Dollars(100)}, {Dollars(90)}, Day(2026, 3, 15))}});
  claims.push_back(
      {MakeClaim("S2", {"M9901", "M542"}, {Dollars(80)}, Day(2026, 4, 6)),
       {MakeEvent("S2", 1, Dollars(80), 0, Day(2026, 4, 16), {Adj(kCO, "29", Dollars(80))})}});
  claims.push_back({MakeClaim("S3", {"S134XXA"}, {Dollars(60)}, Day(2026, 4, 20)), {}});
  // Outside the cohort.
  claims.push_back({MakeClaim("X1", {"I10"}, {Dollars(100)}, Day(2026, 3, 9)),
                    {PaidEvent("X1", {Dollars(100)}, {Dollars(100)}, Day(2026, 3, 19))}});
  return claims;
}

TEST_F(MeasuresTest, CohortGroupsInSummaryOrder) {
  const std::vector<CohortMeasures> measures =
      ComputeMeasures(SmallPractice(), kAsOf, {}, context_);
  // nonspecific, specific, one per taxonomy family, non-cervical.
  ASSERT_EQ(measures.size(), taxonomy_.families().size() + 3);
  EXPECT_EQ(measures.front().group, SummaryGroup::kNonspecific);
  EXPECT_EQ(measures.front().display_name, "M54.2 (cervicalgia)");
  EXPECT_EQ(measures.back().group, SummaryGroup::kNonCervical);

  const CohortMeasures& nonspecific = Find(measures, SummaryGroup::kNonspecific);
  // 3 adjudicated; 1 denied ($100 of $450).
  EXPECT_EQ(nonspecific.counts.adjudicated, 3);
  EXPECT_EQ(nonspecific.rates.initial_denial_by_count.numerator, 1);
  EXPECT_EQ(nonspecific.rates.initial_denial_by_dollars.numerator, Dollars(100));
  EXPECT_EQ(nonspecific.rates.initial_denial_by_dollars.denominator, Dollars(450));
  const CohortMeasures& specific = Find(measures, SummaryGroup::kSpecific);
  // S1 paid, S2 denied, S3 open: 2 adjudicated, 1 denied, 1 open.
  EXPECT_EQ(specific.counts.claims, 3);
  EXPECT_EQ(specific.counts.adjudicated, 2);
  EXPECT_EQ(specific.counts.finally_denied, 1);
  EXPECT_EQ(specific.counts.open, 1);
  EXPECT_EQ(Find(measures, SummaryGroup::kFamily, "disc").counts.claims, 1);
  EXPECT_EQ(Find(measures, SummaryGroup::kFamily, "segmental_dysfunction").counts.finally_denied,
            1);
  EXPECT_EQ(Find(measures, SummaryGroup::kFamily, "sprain_strain").counts.open, 1);
  EXPECT_EQ(Find(measures, SummaryGroup::kNonCervical).counts.clean, 1);

  // The specific total is the sum of its families.
  MeasureCounts families;
  for (const CohortMeasures& m : measures) {
    if (m.group == SummaryGroup::kFamily) families += m.counts;
  }
  EXPECT_EQ(families.claims, specific.counts.claims);
  EXPECT_EQ(families.charge_cents, specific.counts.charge_cents);
  EXPECT_EQ(families.finally_denied_charge_cents, specific.counts.finally_denied_charge_cents);

  // Groups a claim counts in.
  const ClaimFacts s2 = ComputeClaimFacts(SmallPractice()[4], kAsOf, context_);
  const auto groups = GroupsOf(s2);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[1], std::make_pair(SummaryGroup::kFamily, std::string("segmental_dysfunction")));
}

TEST_F(MeasuresTest, MonthlyRowsAreAdditive) {
  const std::vector<ClaimFacts> facts = ComputeAllClaimFacts(SmallPractice(), kAsOf, context_);
  const std::vector<MonthlyAggregate> rows =
      AggregateByMonth(facts, PeriodBasis::kServiceMonth, {}, taxonomy_);
  // Nonspecific: March (N1, N2) and April (N3).
  MeasureCounts march, april;
  for (const MonthlyAggregate& row : rows) {
    if (row.group != SummaryGroup::kNonspecific) continue;
    if (row.month == absl::CivilMonth(2026, 3)) march = row.counts;
    if (row.month == absl::CivilMonth(2026, 4)) april = row.counts;
  }
  EXPECT_EQ(march.claims, 2);
  EXPECT_EQ(march.initially_denied, 1);
  EXPECT_EQ(april.claims, 1);
  EXPECT_EQ(april.initially_denied, 0);
  // Months sum to the period: the same counts as one aggregate over March-April.
  MeasureCounts sum = march;
  sum += april;
  const MeasureCounts whole = CountsOf(facts);
  EXPECT_EQ(sum.claims, whole.claims);
  EXPECT_EQ(sum.adjudicated, whole.adjudicated);
  EXPECT_EQ(sum.initially_denied_charge_cents, whole.initially_denied_charge_cents);
  EXPECT_EQ(sum.net_paid_cents, whole.net_paid_cents);
  EXPECT_EQ(sum.open_by_bucket, whole.open_by_bucket);
  EXPECT_EQ(RatesFromCounts(sum).initial_denial_by_count.Value(), 1.0 / 3);
  // Rows are sorted by month; specific S2 denied in April appears in April's rows.
  for (size_t i = 1; i < rows.size(); ++i) EXPECT_LE(rows[i - 1].month, rows[i].month);

  // By adjudication month the unanswered S3 has no month and no row.
  const std::vector<MonthlyAggregate> by_adjudication =
      AggregateByMonth(facts, PeriodBasis::kAdjudicationMonth, {}, taxonomy_);
  int64_t specific_claims = 0;
  for (const MonthlyAggregate& row : by_adjudication) {
    EXPECT_EQ(row.basis, PeriodBasis::kAdjudicationMonth);
    if (row.group == SummaryGroup::kSpecific) specific_claims += row.counts.claims;
  }
  EXPECT_EQ(specific_claims, 2);  // S1 and S2
  // Filters apply to monthly rows too.
  const std::vector<MonthlyAggregate> none =
      AggregateByMonth(facts, PeriodBasis::kServiceMonth, {.payer_ids = {"NOBODY"}}, taxonomy_);
  EXPECT_TRUE(none.empty());
}

TEST(DistributionTest, QuantilesInterpolate) {
  EXPECT_EQ(DistributionOf({}).n, 0);
  EXPECT_EQ(DistributionOf({}).median, std::nullopt);
  const DayDistribution one = DistributionOf({7});
  EXPECT_EQ(one.median, 7.0);
  EXPECT_EQ(one.p90, 7.0);
  // 1..10: median at position 4.5 -> 5.5; p90 at position 8.1 -> 9.1.
  const DayDistribution ten = DistributionOf({10, 9, 8, 7, 6, 5, 4, 3, 2, 1});
  EXPECT_DOUBLE_EQ(*ten.median, 5.5);
  EXPECT_DOUBLE_EQ(*ten.p90, 9.1);
  EXPECT_DOUBLE_EQ(*ten.mean, 5.5);
}

}  // namespace
}  // namespace denialscope
