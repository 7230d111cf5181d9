// The report layer over fact cells (analytics/fact_cells.h, analytics/cohort_report.h) on
// small hand-built data whose expected values are worked out in the comments: the adjusted
// comparison, excess dollars from sums, the censored timeline, reasons, trends and the
// worklist order; and the rule that lets stored facts answer an as-of date (RebaseFacts).
#include <vector>

#include "analytics/cohort_report.h"
#include "analytics/fact_cells.h"
#include "analytics/measures.h"
#include "analytics/memory_claim_store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/test_records.h"

namespace denialscope {
namespace {

using testing::Adj;
using testing::MakeClaim;
using testing::MakeEvent;

const CohortTaxonomy& Taxonomy() { return BuiltinMeasureContext().taxonomy; }

// `n` adjudicated claims of $100, `x` of them initially denied.
CountCell Cell(Cohort cohort, std::string family, std::string payer, std::string procedure,
               int64_t x, int64_t n) {
  CountCell cell;
  cell.month = absl::CivilMonth(2026, 3);
  cell.leaf = CohortLeaf{cohort, std::move(family)};
  cell.payer_id = std::move(payer);
  cell.procedure_family = std::move(procedure);
  cell.counts.claims = n;
  cell.counts.served = n;
  cell.counts.adjudicated = n;
  cell.counts.charge_cents = n * 10000;
  cell.counts.adjudicated_charge_cents = n * 10000;
  cell.counts.initially_denied = x;
  cell.counts.initially_denied_charge_cents = x * 10000;
  cell.squares.adjudicated = static_cast<double>(n) * 1e8;
  cell.squares.initially_denied = static_cast<double>(x) * 1e8;
  return cell;
}

const MeasureComparison& Find(const CohortComparison& c, MeasureId id) {
  for (const MeasureComparison& m : c.measures) {
    if (m.measure == id) return m;
  }
  ADD_FAILURE() << "measure missing";
  return c.measures.front();
}

TEST(CompareCohortCellsTest, AdjustmentRemovesTheProcedureMixConfounding) {
  // Manipulation (payer P1) is denied far more often and M54.2 is billed mostly there:
  //   stratum P1/chiro: M54.2 8 of 20 denied, disc 2 of 5;  stratum P2/em: 1 of 10 vs 2 of 25.
  // Raw: 9/30 = 0.30 vs 4/30 = 0.1333, RR 2.25.
  // Mantel–Haenszel: Σ x1·n2/N = 8·5/25 + 1·25/35 = 1.6 + 5/7; Σ x2·n1/N = 2·20/25 + 2·10/35
  // = 1.6 + 4/7; RR = (11.2 + 5) / (11.2 + 4) = 16.2 / 15.2 = 1.0658.
  const std::vector<CountCell> cells = {
      Cell(Cohort::kNonspecific, "", "P1", "chiro", 8, 20),
      Cell(Cohort::kNonspecific, "", "P2", "em", 1, 10),
      Cell(Cohort::kSpecific, "disc", "P1", "chiro", 2, 5),
      Cell(Cohort::kSpecific, "disc", "P2", "em", 2, 25),
  };
  const ComparisonReport report = CompareCohortCells(cells, Taxonomy());
  EXPECT_EQ(report.strata, 2);
  EXPECT_EQ(report.nonspecific_counts.adjudicated, 30);
  ASSERT_GE(report.comparisons.size(), 2u);
  const CohortComparison& specific = report.comparisons[0];
  EXPECT_EQ(specific.reference.group, SummaryGroup::kSpecific);
  const MeasureComparison& denial = Find(specific, MeasureId::kInitialDenialRate);
  EXPECT_EQ(denial.x1, 9);
  EXPECT_EQ(denial.n1, 30);
  EXPECT_EQ(denial.x2, 4);
  EXPECT_EQ(denial.n2, 30);
  EXPECT_NEAR(*denial.raw.rate1.estimate, 0.3, 1e-12);
  EXPECT_NEAR(*denial.raw.difference.estimate, 0.3 - 4.0 / 30, 1e-12);
  EXPECT_NEAR(*denial.raw.risk_ratio.estimate, 2.25, 1e-12);
  EXPECT_NEAR(*denial.adjusted.estimate, 16.2 / 15.2, 1e-12);
  EXPECT_EQ(denial.adjusted.strata_used, 2);
  // Expected cells: 13·30/60 = 6.5 >= 5, so chi-square rather than Fisher.
  EXPECT_EQ(denial.raw.test.method, StatMethod::kPearsonChiSquare);
  EXPECT_TRUE(denial.raw.insufficient_data);  // 4 events < 10

  // Excess denied dollars: M54.2 denied $900 of $3000; at the specific rate 4/30 it would
  // have been $400: $500 excess.
  EXPECT_NEAR(*specific.excess_initial.estimate, 50000, 1e-6);
  // The interval from sums equals the per-claim one.
  std::vector<ClaimCharge> group1, group2;
  for (int i = 0; i < 30; ++i) group1.push_back({10000, i < 9});
  for (int i = 0; i < 30; ++i) group2.push_back({10000, i < 4});
  const ExcessDollarsEstimate per_claim = ExcessDeniedDollars(group1, group2);
  EXPECT_NEAR(*specific.excess_initial.lower, *per_claim.lower, 1e-6);
  EXPECT_NEAR(*specific.excess_initial.upper, *per_claim.upper, 1e-6);

  // The disc family alone is the same data here.
  const CohortComparison& disc = report.comparisons[1];
  EXPECT_EQ(disc.reference.family, "disc");
  EXPECT_NEAR(*Find(disc, MeasureId::kInitialDenialRate).adjusted.estimate, 16.2 / 15.2, 1e-12);
}

TEST(DollarSumsTest, SumsGiveTheSameIntervalAsClaims) {
  // Unequal charges, so the residuals differ claim by claim.
  const std::vector<ClaimCharge> g1 = {{100, true}, {250, false}, {80, true}, {40, false},
                                       {300, true}};
  const std::vector<ClaimCharge> g2 = {{120, false}, {60, true}, {200, false}, {90, false}};
  const ExcessDollarsEstimate a = ExcessDeniedDollars(g1, g2);
  const ExcessDollarsEstimate b = ExcessDeniedDollars(*SumDollars(g1), *SumDollars(g2));
  ASSERT_TRUE(a.lower.has_value());
  EXPECT_NEAR(*a.estimate, *b.estimate, 1e-9);
  EXPECT_NEAR(*a.lower, *b.lower, 1e-9);
  EXPECT_NEAR(*a.upper, *b.upper, 1e-9);
}

TEST(PaymentTimelineTest, TheDesignExampleFromCells) {
  // DESIGN appendix 6: paid at 10, 20, 30 days; unpaid at 25 and 40 days on the as-of date.
  const Day as_of(2026, 3, 1);
  const Day epoch(1970, 1, 1);
  auto paid = [](int day) {
    TimeCell cell{absl::CivilMonth(2026, 1), {Cohort::kNonspecific, ""}, true, day, 1, 0, 0};
    return cell;
  };
  auto unpaid = [&](int waited) {
    TimeCell cell{absl::CivilMonth(2026, 1), {Cohort::kNonspecific, ""}, false,
                  static_cast<int>((as_of - waited) - epoch), 1, 1, 15000};
    return cell;
  };
  const std::vector<TimeCell> times = {paid(10), paid(20), unpaid(25), paid(30), unpaid(40)};
  const TimelineReport report = PaymentTimeline(times, {}, as_of, Taxonomy());
  const CohortTimeline& m542 = report.cohorts[0];
  EXPECT_EQ(m542.curve.n, 5);
  EXPECT_EQ(m542.curve.events, 3);
  // S(10) = 0.8, S(20) = 0.6, S(30) = 0.3: the median is 30 days.
  ASSERT_EQ(m542.median.estimate, 30);
  EXPECT_NEAR(m542.unpaid_at[0].survival, 0.3, 1e-12);  // share paid by day 30: 0.7
  // Open A/R: waited 25 days (0-30) and 40 days (31-60).
  EXPECT_EQ(m542.open, 2);
  EXPECT_EQ(m542.open_by_bucket[0], 1);
  EXPECT_EQ(m542.open_by_bucket[1], 1);
  EXPECT_EQ(m542.open_charge_by_bucket_cents[1], 15000);
  // No specific claims: the log-rank test has nothing to compare.
  EXPECT_FALSE(report.nonspecific_vs_specific.p_value.has_value());
}

TEST(PaymentTimelineTest, PromptPayCountsOnlyClaimsReceivedSixtyDaysBefore) {
  const Day as_of(2026, 6, 30);
  ReceiptCell old_enough{absl::CivilMonth(2026, 4), {Cohort::kSpecific, "disc"},
                         as_of - 60, 4, 3, {1, 2, 3}, {2, 3, 4}};
  ReceiptCell too_recent{absl::CivilMonth(2026, 5), {Cohort::kSpecific, "disc"},
                         as_of - 59, 7, 7, {7, 7, 7}, {7, 7, 7}};
  const TimelineReport report = PaymentTimeline({}, {old_enough, too_recent}, as_of, Taxonomy());
  const CohortTimeline& specific = report.cohorts[1];
  EXPECT_EQ(specific.prompt_pay_received, 4);
  EXPECT_EQ(specific.prompt_pay_owed, 3);
  EXPECT_EQ(specific.paid_within_claims[0], 1);
  EXPECT_NEAR(*specific.paid_within[2].estimate, 1.0, 1e-12);  // 3 of 3 owed by day 60
  EXPECT_NEAR(*specific.adjudicated_within[1].estimate, 0.75, 1e-12);
}

TEST(DenialReasonsTest, CategoryThenCarcThenRarcLargestFirst) {
  const absl::CivilMonth m(2026, 3);
  const CohortLeaf m542{Cohort::kNonspecific, ""};
  const std::vector<ReasonCell> cells = {
      {m, m542, DenialStage::kInitial, DenialCategory::kMedicalNecessity, "50", "N115", 3, 300},
      {m, m542, DenialStage::kInitial, DenialCategory::kMedicalNecessity, "50", "", 1, 100},
      {m, m542, DenialStage::kInitial, DenialCategory::kMedicalNecessity, "11", "N115", 2, 200},
      {m, m542, DenialStage::kInitial, DenialCategory::kAuthorization, "197", "", 5, 900},
      {m, m542, DenialStage::kFinal, DenialCategory::kAuthorization, "197", "", 2, 400},
  };
  const std::vector<ReasonBreakdown> reasons =
      DenialReasons(cells, DenialStage::kInitial, Taxonomy());
  const ReasonBreakdown& b = reasons[0];
  EXPECT_EQ(b.denied_claims, 11);
  EXPECT_EQ(b.denied_charge_cents, 1500);
  ASSERT_EQ(b.categories.size(), 2u);
  // Medical necessity 6 claims before authorization 5.
  EXPECT_EQ(b.categories[0].category, DenialCategory::kMedicalNecessity);
  EXPECT_EQ(b.categories[0].claims, 6);
  ASSERT_EQ(b.categories[0].carcs.size(), 2u);
  EXPECT_EQ(b.categories[0].carcs[0].code, "50");
  EXPECT_EQ(b.categories[0].carcs[0].claims, 4);
  EXPECT_EQ(b.categories[0].carcs[0].children[0].code, "N115");
  EXPECT_EQ(b.categories[1].charge_cents, 900);
}

TEST(TrendTest, EveryMonthOfThePeriodWithWilsonForProportions) {
  std::vector<CountCell> cells = {Cell(Cohort::kNonspecific, "", "P", "em", 1, 4)};
  const std::vector<TrendSeries> series =
      ComputeTrend(cells, MeasureId::kInitialDenialRate, absl::CivilMonth(2026, 2),
                   absl::CivilMonth(2026, 4), Taxonomy());
  const TrendSeries& m542 = series[0];
  ASSERT_EQ(m542.points.size(), 3u);
  EXPECT_FALSE(m542.points[0].value.Value().has_value());  // February: no claims
  EXPECT_EQ(m542.points[1].value.numerator, 1);
  EXPECT_EQ(m542.points[1].value.denominator, 4);
  // Wilson 95% for 1/4 (Newcombe 1998 table I style): 0.0456 to 0.6994.
  EXPECT_NEAR(*m542.points[1].interval.lower, 0.0456, 5e-4);
  EXPECT_NEAR(*m542.points[1].interval.upper, 0.6994, 5e-4);
}

ClaimFacts DeniedFacts(std::string id, Cents charge, std::string payer = "P") {
  ClaimFacts f;
  f.claim_id = std::move(id);
  f.payer_id = std::move(payer);
  f.cohort = Cohort::kNonspecific;
  f.service_date = Day(2026, 3, 2);
  f.served = f.adjudicated = f.finally_denied = true;
  f.charge_cents = charge;
  f.final_denial_category = DenialCategory::kMedicalNecessity;
  f.final_denial_carc = "50";
  return f;
}

TEST(WorklistTest, ChargeDescendingThenClaimKeyAndKeysetPages) {
  std::vector<ClaimFacts> facts = {DeniedFacts("C", 500), DeniedFacts("A", 900),
                                   DeniedFacts("B", 500), DeniedFacts("D", 100)};
  facts.push_back(DeniedFacts("E", 700));
  facts.back().finally_denied = false;  // paid in the end: not on the worklist
  const MeasureSelection all;
  std::vector<ClaimFacts> page = WorklistPage(facts, all, {}, std::nullopt, 2);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].claim_id, "A");
  EXPECT_EQ(page[1].claim_id, "B");  // 500 twice: B before C
  EXPECT_TRUE(LikelyFixableByRecoding(page[0]));
  const WorklistPosition after{500, "P", "B"};
  page = WorklistPage(facts, all, {}, after, 10);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].claim_id, "C");
  EXPECT_EQ(page[1].claim_id, "D");
  WorklistFilter authorization;
  authorization.categories = {DenialCategory::kAuthorization};
  EXPECT_TRUE(WorklistPage(facts, all, authorization, std::nullopt, 10).empty());
}

// Stored facts are computed with every event known and rebased to the request's as-of date;
// on or after the claim's latest date they must equal the facts computed as of that date.
TEST(RebaseFactsTest, StoredFactsEqualFactsAsOfAnyLaterDate) {
  std::vector<ClaimHistory> histories;
  ClaimHistory denied_then_paid;
  denied_then_paid.claim = MakeClaim("A", {"M542"}, {10000, 5000}, Day(2026, 1, 5));
  denied_then_paid.claim.submission_date = Day(2026, 1, 7);
  denied_then_paid.events = {
      MakeEvent("A", 1, 15000, 0, Day(2026, 1, 30), {Adj(GroupCode::kCO, "50", 15000)}),
      MakeEvent("A", 1, 15000, 9000, Day(2026, 3, 2), {Adj(GroupCode::kCO, "45", 6000)})};
  denied_then_paid.events[0].received_date = Day(2026, 1, 9);
  histories.push_back(denied_then_paid);
  ClaimHistory open;
  open.claim = MakeClaim("B", {"M50121"}, {20000}, Day(2026, 2, 1));
  open.claim.submission_date = Day(2026, 2, 3);
  histories.push_back(open);
  ClaimHistory patient_owes;
  patient_owes.claim = MakeClaim("C", {"M542"}, {15000}, Day(2026, 2, 10));
  patient_owes.events = {MakeEvent(
      "C", 1, 15000, 0, Day(2026, 3, 1),
      {Adj(GroupCode::kCO, "45", 4500), Adj(GroupCode::kPR, "1", 10500)})};
  histories.push_back(patient_owes);

  const MeasureContext& context = BuiltinMeasureContext();
  for (const Day as_of : {Day(2026, 3, 2), Day(2026, 4, 15), Day(2026, 9, 1)}) {
    for (const ClaimHistory& h : histories) {
      const ClaimFacts direct = ComputeClaimFacts(h, as_of, context);
      const ClaimFacts rebased = RebaseFacts(ComputeClaimFacts(h, kAllEventsAsOf, context), as_of);
      SCOPED_TRACE(h.claim.claim_id);
      EXPECT_EQ(rebased.as_of, direct.as_of);
      EXPECT_EQ(rebased.served, direct.served);
      EXPECT_EQ(rebased.survival_days, direct.survival_days);
      EXPECT_EQ(rebased.days_since_receipt, direct.days_since_receipt);
      EXPECT_EQ(rebased.open, direct.open);
      EXPECT_EQ(rebased.aging_bucket, direct.aging_bucket);
      EXPECT_EQ(rebased.paid, direct.paid);
      EXPECT_EQ(rebased.initially_denied, direct.initially_denied);
      EXPECT_EQ(rebased.overturned, direct.overturned);
      // Every count the cells keep is the same.
      MeasureCounts a, b;
      a.Add(direct);
      b.Add(rebased);
      EXPECT_EQ(CountsToVector(a), CountsToVector(b));
      EXPECT_EQ(a.prompt_pay_received, b.prompt_pay_received);
      EXPECT_EQ(a.open_by_bucket, b.open_by_bucket);
    }
  }
}

TEST(CellBuilderTest, SubtractingOldFactsLeavesOnlyTheNewOnes) {
  ClaimFacts before = DeniedFacts("A", 900);
  before.initial_adjudication_date = Day(2026, 3, 20);
  before.initially_denied = true;
  ClaimFacts after = before;
  after.finally_denied = false;
  after.overturned = true;
  after.net_paid_cents = 600;
  CellBuilder delta(PeriodBasis::kServiceMonth);
  delta.Add(before);
  delta.Add(before, -1);
  delta.Add(after);
  const FactCells cells = std::move(delta).Finish();
  ASSERT_EQ(cells.counts.size(), 1u);
  EXPECT_EQ(cells.counts[0].counts.overturned, 1);
  EXPECT_EQ(cells.counts[0].counts.finally_denied, 0);
  // The final-denial reason cell cancelled out and is gone; the initial one stays.
  ASSERT_EQ(cells.reasons.size(), 1u);
  EXPECT_EQ(cells.reasons[0].stage, DenialStage::kInitial);
  const std::vector<int64_t> stored = CountsToVector(cells.counts[0].counts);
  EXPECT_EQ(CountsToVector(*CountsFromVector(stored)), stored);
}

TEST(MemoryStoreFactsTest, StoredFactsAnswerOnlyFromTheHorizonOn) {
  MemoryClaimStore store;
  const Practice practice = *store.CreatePractice(testing::kTestNpi, "Clinic");
  ASSERT_TRUE(store.IngestClaims(practice, {MakeClaim("A", {"M542"}, {10000}, Day(2026, 1, 5))})
                  .ok());
  ASSERT_TRUE(store
                  .IngestRemittances(practice, {MakeEvent("A", 1, 10000, 8000, Day(2026, 2, 1),
                                                          {Adj(GroupCode::kCO, "45", 2000)})})
                  .ok());
  const FactsRequest late{Day(2026, 2, 1), {}};
  auto cells = store.LoadFactCells(practice, late, kCountCells);
  ASSERT_TRUE(cells.ok());
  ASSERT_TRUE(cells->has_value());
  EXPECT_EQ((*cells)->counts.at(0).counts.paid, 1);
  const FactsRequest early{Day(2026, 1, 31), {}};
  EXPECT_FALSE(store.LoadFactCells(practice, early, kCountCells)->has_value());
  // Filters the cells do not keep are refused rather than ignored.
  FactsRequest by_place = late;
  by_place.selection.filters.places_of_service = {"11"};
  EXPECT_EQ(store.LoadFactCells(practice, by_place, kCountCells).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace denialscope
