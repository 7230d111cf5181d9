// The comparison statistics (stats.h, survival_stats.h) against published worked examples and
// values computed independently, plus the edge cases that must not leak NaN into the API.
//
// Where a value was "computed independently", it came from a scratch Python script using
// mpmath at 30–40 digits (erfinv for z, closed-form formulas written out afresh, exact
// fractions for the log-rank sums); that script is not part of the project.
#include "analytics/stats.h"

#include <cmath>
#include <optional>
#include <thread>
#include <vector>

#include "analytics/kaplan_meier.h"
#include "analytics/survival_stats.h"
#include "gtest/gtest.h"

namespace denialscope {
namespace {

// Published tables are rounded to 4 decimals; allow half a unit in the last place.
constexpr double kTable4 = 5e-5;

void ExpectFinite(const std::optional<double>& value) {
  if (value) {
    EXPECT_TRUE(std::isfinite(*value)) << *value;
  }
}

void ExpectNoNan(const IntervalEstimate& e) {
  ExpectFinite(e.estimate);
  ExpectFinite(e.lower);
  ExpectFinite(e.upper);
}

// --- Distributions --------------------------------------------------------------------------

TEST(StatsDistributionTest, InverseNormalQuantiles) {
  // Reference quantiles computed independently: sqrt(2)·erfinv(2p - 1) in mpmath.
  EXPECT_NEAR(*InverseNormalCdf(0.975), 1.959963984540054, 1e-13);
  EXPECT_NEAR(*InverseNormalCdf(0.995), 2.5758293035489008, 1e-13);
  EXPECT_NEAR(*InverseNormalCdf(0.95), 1.6448536269514727, 1e-13);
  EXPECT_NEAR(*InverseNormalCdf(0.001), -3.0902323061678135, 1e-13);
  EXPECT_NEAR(*InverseNormalCdf(1e-10), -6.3613409024040562, 1e-12);
  EXPECT_EQ(*InverseNormalCdf(0.5), 0.0);
  EXPECT_NEAR(*InverseNormalCdf(0.025), -*InverseNormalCdf(0.975), 1e-13);
  EXPECT_NEAR(*TwoSidedZ(0.95), 1.959963984540054, 1e-13);
  EXPECT_NEAR(*TwoSidedZ(0.90), 1.6448536269514727, 1e-13);
  // TwoSidedZ remembers its last answer per thread: a change of confidence, back and forth,
  // an invalid one in between, and another thread each get their own quantile.
  EXPECT_NEAR(*TwoSidedZ(0.99), 2.5758293035489008, 1e-13);
  EXPECT_EQ(TwoSidedZ(0.0), std::nullopt);
  EXPECT_NEAR(*TwoSidedZ(0.99), 2.5758293035489008, 1e-13);
  EXPECT_NEAR(*TwoSidedZ(0.95), 1.959963984540054, 1e-13);
  std::thread([] { EXPECT_NEAR(*TwoSidedZ(0.90), 1.6448536269514727, 1e-13); }).join();
  EXPECT_NEAR(*TwoSidedZ(0.95), 1.959963984540054, 1e-13);
  EXPECT_EQ(InverseNormalCdf(0), std::nullopt);
  EXPECT_EQ(InverseNormalCdf(1), std::nullopt);
  EXPECT_EQ(InverseNormalCdf(std::nan("")), std::nullopt);
  EXPECT_EQ(TwoSidedZ(1.0), std::nullopt);
}

TEST(StatsDistributionTest, ChiSquareSurvival) {
  // Reference values computed independently: mpmath gammainc(df/2, x/2, inf, regularized).
  EXPECT_NEAR(*ChiSquareSurvival(3.84, 1), 0.0500435212487051, 1e-14);
  EXPECT_NEAR(*ChiSquareSurvival(7.8147, 3), 0.0500006252847601, 1e-13);
  EXPECT_NEAR(*ChiSquareSurvival(20, 5), 0.00124973056303138, 1e-15);
  EXPECT_NEAR(*ChiSquareSurvival(0.5, 4), 0.973500978839256, 1e-13);
  EXPECT_NEAR(*ChiSquareSurvival(100, 10) / 5.44970198292053e-17, 1.0, 1e-10);
  EXPECT_NEAR(*ChiSquareSurvival(1, 30), 1.0, 1e-14);
  // 2 df is exp(-x/2) in closed form; the gamma route must agree with it.
  EXPECT_NEAR(*RegularizedGammaQ(1.0, 3.0), std::exp(-3.0), 1e-15);
  EXPECT_NEAR(*RegularizedGammaQ(1.0, 0.3), std::exp(-0.3), 1e-15);
  EXPECT_EQ(*ChiSquareSurvival(0, 3), 1.0);
  EXPECT_EQ(ChiSquareSurvival(1, 0), std::nullopt);
  EXPECT_EQ(RegularizedGammaQ(0, 1), std::nullopt);
}

TEST(StatsTest, InsufficientDataFollowsDesignRule) {
  EXPECT_TRUE(InsufficientData(29, 100));
  EXPECT_TRUE(InsufficientData(1000, 9));
  EXPECT_FALSE(InsufficientData(30, 10));
  EXPECT_TRUE(InsufficientData(0, 0));
}

// --- Wilson ---------------------------------------------------------------------------------

TEST(StatsWilsonTest, NewcombeSingleProportionExamples) {
  // Newcombe RG (1998), Stat Med 17:857–872, Table I, method 3 (score, no continuity
  // correction): 81/263 -> 0.2553, 0.3662; 15/148 -> 0.0624, 0.1605; 0/20 -> 0, 0.1611;
  // 1/29 -> 0.0061, 0.1718.
  struct Case {
    int x, n;
    double lower, upper;
  };
  for (const Case& c : {Case{81, 263, 0.2553, 0.3662}, Case{15, 148, 0.0624, 0.1605},
                        Case{0, 20, 0.0, 0.1611}, Case{1, 29, 0.0061, 0.1718}}) {
    const IntervalEstimate w = WilsonInterval(c.x, c.n);
    ASSERT_TRUE(w.estimate && w.lower && w.upper);
    EXPECT_NEAR(*w.estimate, static_cast<double>(c.x) / c.n, 1e-15);
    EXPECT_NEAR(*w.lower, c.lower, kTable4) << c.x << "/" << c.n;
    EXPECT_NEAR(*w.upper, c.upper, kTable4) << c.x << "/" << c.n;
    EXPECT_EQ(w.method, StatMethod::kWilsonScore);
  }
  // Full precision for 81/263 (computed independently): 0.2552885199, 0.3662095770.
  const IntervalEstimate w = WilsonInterval(81, 263);
  EXPECT_NEAR(*w.lower, 0.2552885199, 1e-9);
  EXPECT_NEAR(*w.upper, 0.3662095770, 1e-9);
  EXPECT_FALSE(w.insufficient_data);
}

TEST(StatsWilsonTest, EdgeCases) {
  const IntervalEstimate empty = WilsonInterval(0, 0);
  EXPECT_EQ(empty.estimate, std::nullopt);
  EXPECT_EQ(empty.lower, std::nullopt);
  EXPECT_EQ(empty.method, StatMethod::kNone);
  EXPECT_TRUE(empty.insufficient_data);

  const IntervalEstimate zero = WilsonInterval(0, 20);
  EXPECT_EQ(*zero.lower, 0.0);
  EXPECT_TRUE(zero.insufficient_data);  // 0 events < 10

  // x = n mirrors x = 0: 29/29 -> upper exactly 1, lower 1 - (Wilson upper of 0/29).
  const IntervalEstimate all = WilsonInterval(29, 29);
  EXPECT_EQ(*all.upper, 1.0);
  EXPECT_NEAR(*all.lower, 1.0 - *WilsonInterval(0, 29).upper, 1e-14);
  EXPECT_NEAR(*all.lower, 0.8830302015, 1e-9);  // computed independently

  EXPECT_EQ(WilsonInterval(5, 4).estimate, std::nullopt);       // x > n
  EXPECT_EQ(WilsonInterval(-1, 4).estimate, std::nullopt);      // negative
  EXPECT_EQ(WilsonInterval(1, 4, 1.5).estimate, std::nullopt);  // bad confidence
}

// --- Newcombe -------------------------------------------------------------------------------

TEST(StatsNewcombeTest, PublishedExamples) {
  // Newcombe RG (1998), Stat Med 17:873–890, Table II, method 10 (hybrid score), examples
  // (a)–(h).
  struct Case {
    int x1, n1, x2, n2;
    double lower, upper;
  };
  for (const Case& c : {Case{56, 70, 48, 80, 0.0524, 0.3339}, Case{9, 10, 3, 10, 0.1705, 0.8090},
                        Case{6, 7, 2, 7, 0.0582, 0.8062}, Case{5, 56, 0, 29, -0.0381, 0.1926},
                        Case{0, 10, 0, 20, -0.1611, 0.2775}, Case{0, 10, 0, 10, -0.2775, 0.2775},
                        Case{10, 10, 0, 20, 0.6791, 1.0000}, Case{10, 10, 0, 10, 0.6075, 1.0000}}) {
    const IntervalEstimate d = NewcombeDifference(c.x1, c.n1, c.x2, c.n2);
    ASSERT_TRUE(d.estimate && d.lower && d.upper);
    EXPECT_NEAR(*d.estimate, static_cast<double>(c.x1) / c.n1 - static_cast<double>(c.x2) / c.n2,
                1e-15);
    EXPECT_NEAR(*d.lower, c.lower, kTable4) << c.x1 << "/" << c.n1 << " - " << c.x2 << "/" << c.n2;
    EXPECT_NEAR(*d.upper, c.upper, kTable4) << c.x1 << "/" << c.n1 << " - " << c.x2 << "/" << c.n2;
    EXPECT_EQ(d.method, StatMethod::kNewcombeHybridScore);
    // Only (a) has 30+ trials and 10+ events in both groups.
    EXPECT_EQ(d.insufficient_data, c.n1 != 70);
  }
  // Example (a) at full precision (computed independently): 0.0524314724, 0.3338726540.
  const IntervalEstimate a = NewcombeDifference(56, 70, 48, 80);
  EXPECT_NEAR(*a.lower, 0.0524314724, 1e-9);
  EXPECT_NEAR(*a.upper, 0.3338726540, 1e-9);
}

TEST(StatsNewcombeTest, EdgeCases) {
  EXPECT_EQ(NewcombeDifference(0, 0, 3, 10).estimate, std::nullopt);
  EXPECT_EQ(NewcombeDifference(3, 10, 0, 0).lower, std::nullopt);
  // Identical groups: symmetric around 0.
  const IntervalEstimate same = NewcombeDifference(40, 100, 40, 100);
  EXPECT_EQ(*same.estimate, 0.0);
  EXPECT_NEAR(*same.lower, -*same.upper, 1e-15);
  ExpectNoNan(same);
}

// --- Katz risk ratio ------------------------------------------------------------------------

TEST(StatsKatzTest, PublishedExamples) {
  // Physicians' Health Study, placebo vs aspirin MI: 189/11034 vs 104/11037. Agresti, An
  // Introduction to Categorical Data Analysis (2nd ed., §2.2–2.3) gives RR 1.82 with 95% CI
  // (1.43, 2.30); full precision computed independently: 1.817801794, 1.433030903, 2.305884232.
  const RiskRatioEstimate aspirin = KatzRiskRatio(189, 11034, 104, 11037);
  ASSERT_TRUE(aspirin.estimate && aspirin.lower && aspirin.upper);
  EXPECT_NEAR(*aspirin.estimate, 1.82, 0.005);
  EXPECT_NEAR(*aspirin.lower, 1.43, 0.005);
  EXPECT_NEAR(*aspirin.upper, 2.30, 0.01);
  EXPECT_NEAR(*aspirin.estimate, 1.817801794, 1e-9);
  EXPECT_NEAR(*aspirin.lower, 1.433030903, 1e-9);
  EXPECT_NEAR(*aspirin.upper, 2.305884232, 1e-9);
  EXPECT_EQ(aspirin.method, StatMethod::kKatzLog);
  EXPECT_FALSE(aspirin.continuity_corrected);
  EXPECT_FALSE(aspirin.insufficient_data);

  // Rothman, Greenland & Lash, Modern Epidemiology (3rd ed.), Table 15-1 (UGDP tolbutamide),
  // crude: 30/204 vs 21/205 -> RR 1.4356 (0.8510, 2.4216), as reproduced by R metafor's
  // test of that chapter; stratum age < 55: 8/106 vs 5/120 -> 1.8113 (0.6112, 5.3679).
  const RiskRatioEstimate crude = KatzRiskRatio(30, 204, 21, 205);
  EXPECT_NEAR(*crude.estimate, 1.4356, kTable4);
  EXPECT_NEAR(*crude.lower, 0.8510, kTable4);
  EXPECT_NEAR(*crude.upper, 2.4216, kTable4);
  const RiskRatioEstimate young = KatzRiskRatio(8, 106, 5, 120);
  EXPECT_NEAR(*young.estimate, 1.8113, kTable4);
  EXPECT_NEAR(*young.lower, 0.6112, kTable4);
  EXPECT_NEAR(*young.upper, 5.3679, kTable4);
}

TEST(StatsKatzTest, ZeroCellsUseHalfCorrectionAndSaySo) {
  // 0/20 vs 5/25 -> corrected table 0.5/21 vs 5.5/26: RR = (0.5/21)/(5.5/26) = 0.1125541126,
  // SE = sqrt(1/0.5 - 1/21 + 1/5.5 - 1/26); interval (0.006593342, 1.921397058), computed
  // independently.
  const RiskRatioEstimate rr = KatzRiskRatio(0, 20, 5, 25);
  ASSERT_TRUE(rr.estimate && rr.lower && rr.upper);
  EXPECT_TRUE(rr.continuity_corrected);
  EXPECT_EQ(rr.method, StatMethod::kKatzLogHalfCorrected);
  EXPECT_NEAR(*rr.estimate, 0.1125541126, 1e-9);
  EXPECT_NEAR(*rr.lower, 0.006593342174, 1e-11);
  EXPECT_NEAR(*rr.upper, 1.921397058, 1e-8);
  EXPECT_TRUE(rr.insufficient_data);

  // Zero in the reference group: the raw ratio is infinite; corrected it is finite.
  const RiskRatioEstimate inf = KatzRiskRatio(5, 25, 0, 20);
  EXPECT_TRUE(inf.continuity_corrected);
  EXPECT_NEAR(*inf.estimate, 1.0 / 0.1125541126, 1e-7);

  // Both zero: nothing to estimate.
  const RiskRatioEstimate none = KatzRiskRatio(0, 20, 0, 25);
  EXPECT_EQ(none.estimate, std::nullopt);
  EXPECT_EQ(none.lower, std::nullopt);
  EXPECT_EQ(none.method, StatMethod::kNone);

  EXPECT_EQ(KatzRiskRatio(1, 0, 2, 5).estimate, std::nullopt);
  // x = n in both groups: ratio 1 with a zero-width interval, not NaN.
  const RiskRatioEstimate full = KatzRiskRatio(40, 40, 30, 30);
  EXPECT_EQ(*full.estimate, 1.0);
  EXPECT_EQ(*full.lower, 1.0);
  EXPECT_EQ(*full.upper, 1.0);
}

// --- Mantel–Haenszel ------------------------------------------------------------------------

TEST(StatsMantelHaenszelTest, RothmanTolbutamide) {
  // Rothman, Greenland & Lash, Modern Epidemiology (3rd ed.), Table 15-1: deaths by age
  // stratum, tolbutamide vs placebo: <55: 8/106 vs 5/120; 55+: 22/98 vs 16/85. The chapter
  // (reproduced by R metafor's rma.mh test for it) gives RR_MH = 1.3256 with 90% CI
  // (0.8658, 2.0296) from the Greenland–Robins variance. 95% values computed independently:
  // (0.7979070401, 2.202132365), SE(ln RR) = 0.258981628.
  const std::vector<RiskStratum> strata = {{8, 106, 5, 120}, {22, 98, 16, 85}};
  const RiskRatioEstimate mh90 = MantelHaenszelRiskRatio(strata, 0.90);
  ASSERT_TRUE(mh90.estimate && mh90.lower && mh90.upper);
  EXPECT_NEAR(*mh90.estimate, 1.3256, kTable4);
  EXPECT_NEAR(*mh90.lower, 0.8658, kTable4);
  EXPECT_NEAR(*mh90.upper, 2.0296, kTable4);
  EXPECT_EQ(mh90.method, StatMethod::kMantelHaenszelGreenlandRobins);
  EXPECT_EQ(mh90.strata_used, 2);

  const RiskRatioEstimate mh95 = MantelHaenszelRiskRatio(strata);
  EXPECT_NEAR(*mh95.estimate, 1.325555324, 1e-9);
  EXPECT_NEAR(*mh95.lower, 0.7979070401, 1e-9);
  EXPECT_NEAR(*mh95.upper, 2.202132365, 1e-9);
  EXPECT_FALSE(mh95.insufficient_data);  // totals 30/204 and 21/205
}

TEST(StatsMantelHaenszelTest, EdgeCases) {
  // A stratum with only one group present changes nothing and is not counted.
  const std::vector<RiskStratum> with_one_sided = {
      {8, 106, 5, 120}, {22, 98, 16, 85}, {3, 10, 0, 0}, {0, 0, 4, 9}};
  const RiskRatioEstimate mh = MantelHaenszelRiskRatio(with_one_sided);
  EXPECT_EQ(mh.strata_used, 2);
  EXPECT_NEAR(*mh.estimate, 1.325555324, 1e-9);
  EXPECT_NEAR(*mh.upper, 2.202132365, 1e-9);

  // One stratum: the Greenland–Robins variance reduces to Katz's, so the results coincide.
  const std::vector<RiskStratum> single = {{8, 106, 5, 120}};
  const RiskRatioEstimate one = MantelHaenszelRiskRatio(single);
  const RiskRatioEstimate katz = KatzRiskRatio(8, 106, 5, 120);
  EXPECT_NEAR(*one.estimate, *katz.estimate, 1e-12);
  EXPECT_NEAR(*one.lower, *katz.lower, 1e-12);
  EXPECT_NEAR(*one.upper, *katz.upper, 1e-12);

  // Identical groups in every stratum: RR exactly 1.
  const std::vector<RiskStratum> same = {{10, 50, 10, 50}, {3, 40, 3, 40}};
  const RiskRatioEstimate identical = MantelHaenszelRiskRatio(same);
  EXPECT_NEAR(*identical.estimate, 1.0, 1e-15);
  EXPECT_LT(*identical.lower, 1.0);
  EXPECT_GT(*identical.upper, 1.0);

  // No reference events anywhere: no estimate. No group-1 events: 0 without interval.
  const std::vector<RiskStratum> no_ref = {{3, 10, 0, 10}};
  EXPECT_EQ(MantelHaenszelRiskRatio(no_ref).estimate, std::nullopt);
  const std::vector<RiskStratum> no_events = {{0, 10, 3, 10}};
  const RiskRatioEstimate zero = MantelHaenszelRiskRatio(no_events);
  EXPECT_EQ(*zero.estimate, 0.0);
  EXPECT_EQ(zero.lower, std::nullopt);

  EXPECT_EQ(MantelHaenszelRiskRatio({}).estimate, std::nullopt);
  const std::vector<RiskStratum> invalid = {{11, 10, 3, 10}};
  EXPECT_EQ(MantelHaenszelRiskRatio(invalid).estimate, std::nullopt);
}

// --- Chi-square, Fisher and the chooser -----------------------------------------------------

TEST(StatsChiSquareTest, HandComputedTable) {
  // 15/40 vs 25/40 by hand: X² = N(ad - bc)² / (r1 r2 c1 c2) = 80·(15·15 - 25·25)² / 40⁴
  // = 80·160000 / 2560000 = 5 exactly; p = erfc(sqrt(2.5)) = 0.0253473186775.
  const TestResult t = PearsonChiSquare2x2(15, 40, 25, 40);
  ASSERT_TRUE(t.statistic && t.p_value);
  EXPECT_NEAR(*t.statistic, 5.0, 1e-12);
  EXPECT_NEAR(*t.p_value, 0.0253473186775, 1e-12);
  EXPECT_EQ(t.degrees_of_freedom, 1);
  EXPECT_EQ(t.method, StatMethod::kPearsonChiSquare);
  EXPECT_NEAR(*t.min_expected, 20.0, 1e-12);
}

TEST(StatsChiSquareTest, AspirinTable) {
  // Physicians' Health Study 189/11034 vs 104/11037: X² = 25.0138839672 and
  // p = 5.69189697374e-7, computed independently from the closed form above and mpmath's
  // regularized gamma.
  const TestResult t = PearsonChiSquare2x2(189, 11034, 104, 11037);
  EXPECT_NEAR(*t.statistic, 25.0138839672, 1e-8);
  EXPECT_NEAR(*t.p_value / 5.69189697374e-7, 1.0, 1e-9);
}

TEST(StatsChiSquareTest, EdgeCases) {
  // Identical groups: X² = 0, p = 1.
  const TestResult same = PearsonChiSquare2x2(12, 40, 12, 40);
  EXPECT_NEAR(*same.statistic, 0.0, 1e-15);
  EXPECT_NEAR(*same.p_value, 1.0, 1e-15);
  // No events at all (an empty margin): undefined, not NaN.
  const TestResult none = PearsonChiSquare2x2(0, 40, 0, 40);
  EXPECT_EQ(none.statistic, std::nullopt);
  EXPECT_EQ(none.p_value, std::nullopt);
  EXPECT_EQ(none.method, StatMethod::kNone);
  EXPECT_EQ(PearsonChiSquare2x2(0, 0, 0, 0).p_value, std::nullopt);
}

TEST(StatsFisherTest, LadyTastingTea) {
  // Fisher's tea-tasting experiment as in Agresti, Categorical Data Analysis (2nd ed.,
  // §3.5.1): 3 of 4 milk-first cups guessed right, 1 of 4 tea-first called milk-first:
  // two-sided p = 0.486 (= 34/70 = 0.4857142857).
  const TestResult t = FisherExact2x2(3, 4, 1, 4);
  ASSERT_TRUE(t.p_value);
  EXPECT_NEAR(*t.p_value, 34.0 / 70.0, 1e-12);
  EXPECT_EQ(t.method, StatMethod::kFisherExact);
  EXPECT_EQ(t.statistic, std::nullopt);
}

TEST(StatsFisherTest, AsymmetricTables) {
  // Computed independently by summing binomial(n1,i)·binomial(n2,m-i)/binomial(N,m) over the
  // tables no more likely than the observed one, in mpmath.
  EXPECT_NEAR(*FisherExact2x2(1, 10, 6, 12).p_value, 0.0743034055728, 1e-11);
  EXPECT_NEAR(*FisherExact2x2(2, 20, 8, 21).p_value, 0.0669521645131, 1e-11);
  // 0/5 vs 5/5: only the two extreme tables, each 1/C(10,5) = 1/252: p = 2/252.
  EXPECT_NEAR(*FisherExact2x2(0, 5, 5, 5).p_value, 2.0 / 252.0, 1e-14);
}

TEST(StatsFisherTest, EdgeCases) {
  EXPECT_NEAR(*FisherExact2x2(0, 10, 0, 12).p_value, 1.0, 1e-12);  // one possible table
  EXPECT_NEAR(*FisherExact2x2(4, 9, 4, 9).p_value, 1.0, 1e-12);    // identical groups
  EXPECT_EQ(FisherExact2x2(0, 0, 3, 9).p_value, std::nullopt);     // an empty group
  EXPECT_EQ(FisherExact2x2(4, 3, 1, 9).p_value, std::nullopt);     // x > n
}

TEST(StatsCompareProportionsTest, ChoosesFisherForSmallExpectedCells) {
  // 1/10 vs 6/12: expected events in group 1 = 10·7/22 = 3.18 < 5 -> Fisher.
  const TestResult small = CompareProportions(1, 10, 6, 12);
  EXPECT_EQ(small.method, StatMethod::kFisherExact);
  EXPECT_NEAR(*small.min_expected, 10.0 * 7.0 / 22.0, 1e-12);
  EXPECT_NEAR(*small.p_value, 0.0743034055728, 1e-11);
  EXPECT_TRUE(small.insufficient_data);
  // 15/40 vs 25/40: smallest expected cell 20 -> chi-square.
  const TestResult large = CompareProportions(15, 40, 25, 40);
  EXPECT_EQ(large.method, StatMethod::kPearsonChiSquare);
  EXPECT_NEAR(*large.p_value, 0.0253473186775, 1e-12);
  EXPECT_FALSE(large.insufficient_data);
  // No events anywhere: Fisher, p = 1.
  const TestResult none = CompareProportions(0, 50, 0, 60);
  EXPECT_EQ(none.method, StatMethod::kFisherExact);
  EXPECT_NEAR(*none.p_value, 1.0, 1e-12);
  // An empty group: nothing to compare.
  const TestResult empty = CompareProportions(0, 0, 3, 60);
  EXPECT_EQ(empty.method, StatMethod::kNone);
  EXPECT_EQ(empty.p_value, std::nullopt);
}

TEST(StatsCompareRatesTest, BundlesEverything) {
  const RateComparison c = CompareRates(56, 70, 48, 80);
  EXPECT_NEAR(*c.rate1.estimate, 0.8, 1e-15);
  EXPECT_NEAR(*c.rate2.estimate, 0.6, 1e-15);
  EXPECT_NEAR(*c.difference.lower, 0.0524, kTable4);  // Newcombe 1998 Table II (a)
  EXPECT_NEAR(*c.risk_ratio.estimate, 0.8 / 0.6, 1e-12);
  EXPECT_EQ(c.test.method, StatMethod::kPearsonChiSquare);
  EXPECT_FALSE(c.insufficient_data);
  const RateComparison tiny = CompareRates(0, 0, 0, 0);
  EXPECT_TRUE(tiny.insufficient_data);
  ExpectNoNan(tiny.rate1);
  ExpectNoNan(tiny.difference);
}

// --- Excess denied dollars ------------------------------------------------------------------

TEST(StatsExcessDollarsTest, HandComputedExample) {
  // M54.2 claims: $100 denied, $200 paid, $100 denied, $400 paid -> D1 = 200, C1 = 800,
  // r1 = 0.25. Specific: $100 denied, $300, $100, $500 paid -> D0 = 100, C0 = 1000, r0 = 0.1.
  // Excess = 200 - 800·0.1 = 120.
  // Ratio-estimator variances, n/(n-1)·Σ(y - r·x)² / C²:
  //   M54.2 residuals 75, -50, 75, -100 -> Σ² = 23750; specific 90, -30, -10, -50 -> 11600.
  //   Var(excess) = C1²·(4/3)·(23750/800² + 11600/1000²) = (4/3)·(23750 + 7424) = 41565.333…
  //   SE = 203.8757...; 95%: 120 ± 1.959963985·SE.
  const std::vector<ClaimCharge> m542 = {{100, true}, {200, false}, {100, true}, {400, false}};
  const std::vector<ClaimCharge> specific = {{100, true}, {300, false}, {100, false}, {500, false}};
  const ExcessDollarsEstimate e = ExcessDeniedDollars(m542, specific);
  ASSERT_TRUE(e.estimate && e.lower && e.upper);
  EXPECT_NEAR(*e.estimate, 120.0, 1e-9);
  EXPECT_NEAR(e.denied_charges1, 200.0, 1e-12);
  EXPECT_NEAR(e.charges1, 800.0, 1e-12);
  EXPECT_NEAR(*e.rate1, 0.25, 1e-15);
  EXPECT_NEAR(*e.rate2, 0.1, 1e-15);
  const double se = std::sqrt(4.0 / 3.0 * 31174.0);
  EXPECT_NEAR(*e.lower, 120.0 - 1.959963984540054 * se, 1e-8);
  EXPECT_NEAR(*e.upper, 120.0 + 1.959963984540054 * se, 1e-8);
  EXPECT_EQ(e.method, StatMethod::kDeltaMethodRatio);
  EXPECT_TRUE(e.insufficient_data);
}

TEST(StatsExcessDollarsTest, EqualChargesReduceToBinomialVariance) {
  // With every charge equal, each dollar rate is the claim proportion and its ratio-estimator
  // variance is p(1 - p)/(n - 1): here 12/40 vs 6/40 at $50, so
  // Var(excess) = 2000²·(0.3·0.7 + 0.15·0.85)/39.
  std::vector<ClaimCharge> g1(40, {50, false});
  std::vector<ClaimCharge> g2(40, {50, false});
  for (int i = 0; i < 12; ++i) g1[i].denied = true;
  for (int i = 0; i < 6; ++i) g2[i].denied = true;
  const ExcessDollarsEstimate e = ExcessDeniedDollars(g1, g2);
  EXPECT_NEAR(*e.estimate, 600.0 - 2000.0 * 0.15, 1e-9);
  const double se = 2000.0 * std::sqrt((0.3 * 0.7 + 0.15 * 0.85) / 39.0);
  EXPECT_NEAR(*e.upper - *e.estimate, 1.959963984540054 * se, 1e-8);
  EXPECT_TRUE(e.insufficient_data);  // 6 denied claims in the reference group
}

TEST(StatsExcessDollarsTest, EdgeCases) {
  const std::vector<ClaimCharge> some = {{100, true}, {300, false}};
  const std::vector<ClaimCharge> none;
  // No reference charges: no rate to compare with.
  const ExcessDollarsEstimate no_ref = ExcessDeniedDollars(some, none);
  EXPECT_EQ(no_ref.estimate, std::nullopt);
  EXPECT_EQ(no_ref.rate2, std::nullopt);
  EXPECT_NEAR(*no_ref.rate1, 0.25, 1e-15);
  // Empty group 1: nothing in excess, no interval.
  const ExcessDollarsEstimate empty = ExcessDeniedDollars(none, some);
  EXPECT_EQ(*empty.estimate, 0.0);
  EXPECT_EQ(empty.lower, std::nullopt);
  // One claim in a group: the variance needs two.
  const std::vector<ClaimCharge> one = {{100, true}};
  const ExcessDollarsEstimate single = ExcessDeniedDollars(one, some);
  EXPECT_NEAR(*single.estimate, 100.0 - 100.0 * 0.25, 1e-12);
  EXPECT_EQ(single.upper, std::nullopt);
  // Same claims in both groups: excess 0, interval around it.
  const ExcessDollarsEstimate same = ExcessDeniedDollars(some, some);
  EXPECT_NEAR(*same.estimate, 0.0, 1e-12);
  EXPECT_NEAR(*same.lower, -*same.upper, 1e-9);
  // All denied in both: zero variance, zero-width interval.
  const std::vector<ClaimCharge> all = {{100, true}, {200, true}};
  const ExcessDollarsEstimate all_denied = ExcessDeniedDollars(all, all);
  EXPECT_NEAR(*all_denied.lower, 0.0, 1e-9);
  EXPECT_NEAR(*all_denied.upper, 0.0, 1e-9);
  // A negative charge is invalid input.
  const std::vector<ClaimCharge> bad = {{-5, true}, {10, false}};
  EXPECT_EQ(ExcessDeniedDollars(bad, some).estimate, std::nullopt);
}

// --- Kaplan–Meier intervals -----------------------------------------------------------------

// Freireich et al. (1963) 6-MP remission data as given by Gehan (1965), Biometrika 52:203
// ("+" = censored). 6-MP arm: 6 6 6 6+ 7 9+ 10 10+ 11+ 13 16 17+ 19+ 20+ 22 23 25+ 32+ 32+ 34+
// 35+. Placebo: 1 1 2 2 3 4 4 5 5 8 8 8 8 11 11 12 12 15 17 22 23.
std::vector<SurvivalObservation> SixMp() {
  return {{6, true},   {6, true},   {6, true},   {6, false}, {7, true},   {9, false},
          {10, true},  {10, false}, {11, false}, {13, true}, {16, true},  {17, false},
          {19, false}, {20, false}, {22, true},  {23, true}, {25, false}, {32, false},
          {32, false}, {34, false}, {35, false}};
}

std::vector<SurvivalObservation> Placebo() {
  std::vector<SurvivalObservation> out;
  for (int day : {1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23}) {
    out.push_back({day, true});
  }
  return out;
}

TEST(StatsSurvivalTest, LogLogBandsSixMp) {
  // S(t) for the 6-MP arm is the textbook 0.857, 0.807, 0.753, 0.690, 0.627, 0.538, 0.448 at
  // the event days. Log-log 95% bounds computed independently (S^exp(±z·σ/|ln S|), mpmath);
  // to 3 decimals they are the lower/upper columns R's survfit(conf.type = "log-log") prints
  // for this arm: (0.620, 0.952), (0.563, 0.923), (0.503, 0.889), (0.432, 0.849),
  // (0.368, 0.805), (0.268, 0.747), (0.188, 0.680).
  const SurvivalCurve curve = EstimateKaplanMeier(SixMp());
  const std::vector<SurvivalInterval> bands = LogLogBands(curve);
  ASSERT_EQ(bands.size(), curve.steps.size());
  struct Expected {
    int day;
    double survival, lower, upper;
  };
  const std::vector<Expected> expected = {{6, 0.8571428571, 0.6197179553, 0.9515517476},
                                          {7, 0.8067226891, 0.5631465646, 0.9228090192},
                                          {10, 0.7529411765, 0.5031995108, 0.8893618352},
                                          {13, 0.6901960784, 0.4316102225, 0.8490659633},
                                          {16, 0.6274509804, 0.3675108560, 0.8049121895},
                                          {22, 0.5378151261, 0.2677789368, 0.7467907176},
                                          {23, 0.4481792717, 0.1880520060, 0.6801426285}};
  for (const Expected& e : expected) {
    const SurvivalInterval s = SurvivalAt(curve, e.day);
    ASSERT_TRUE(s.lower && s.upper) << e.day;
    EXPECT_NEAR(s.survival, e.survival, 1e-9) << e.day;
    EXPECT_NEAR(*s.lower, e.lower, 1e-9) << e.day;
    EXPECT_NEAR(*s.upper, e.upper, 1e-9) << e.day;
    EXPECT_EQ(s.method, StatMethod::kLogLogGreenwood);
  }
  // Between steps the value carries: day 30 is S(23)'s band.
  EXPECT_NEAR(*SurvivalAt(curve, 30).lower, 0.1880520060, 1e-9);
  // Before the first step S = 1 and the log-log interval is undefined.
  const SurvivalInterval before = SurvivalAt(curve, 3);
  EXPECT_EQ(before.survival, 1.0);
  EXPECT_EQ(before.lower, std::nullopt);
  EXPECT_EQ(before.upper, std::nullopt);
  EXPECT_TRUE(before.insufficient_data);  // n = 21 < 30
}

TEST(StatsSurvivalTest, QuantileIntervalsSixMpAndPlacebo) {
  // Brookmeyer–Crowley on the log-log bands (computed independently from the bands above):
  // 6-MP median 23, lower 13 (first day the lower band <= 0.5: 0.432 at 13), upper not
  // reached (the upper band ends at 0.680); p90 not reached at all.
  const SurvivalCurve six_mp = EstimateKaplanMeier(SixMp());
  const QuantileEstimate median = KaplanMeierQuantile(six_mp, 0.5);
  EXPECT_EQ(median.estimate, 23);
  EXPECT_EQ(median.lower, 13);
  EXPECT_EQ(median.upper, std::nullopt);
  EXPECT_EQ(median.method, StatMethod::kBrookmeyerCrowleyLogLog);
  const QuantileEstimate p90 = KaplanMeierQuantile(six_mp, 0.9);
  EXPECT_EQ(p90.estimate, std::nullopt);
  EXPECT_EQ(p90.lower, std::nullopt);
  EXPECT_EQ(p90.upper, std::nullopt);
  // p25: S(13) = 0.690 <= 0.75; lower band 0.620 at 6; upper band 0.747 at 22.
  const QuantileEstimate p25 = KaplanMeierQuantile(six_mp, 0.25);
  EXPECT_EQ(p25.estimate, 13);
  EXPECT_EQ(p25.lower, 6);
  EXPECT_EQ(p25.upper, 22);

  // Placebo (no censoring): median 8 (S = 0.381), lower 4 (lower band 0.425), upper 11
  // (upper band 0.482); p90 17 (S = 0.095), lower 12 (0.059), upper 23 (S = 0: band {0}).
  const SurvivalCurve placebo = EstimateKaplanMeier(Placebo());
  const QuantileEstimate pm = KaplanMeierQuantile(placebo, 0.5);
  EXPECT_EQ(pm.estimate, 8);
  EXPECT_EQ(pm.lower, 4);
  EXPECT_EQ(pm.upper, 11);
  const QuantileEstimate pp90 = KaplanMeierQuantile(placebo, 0.9);
  EXPECT_EQ(pp90.estimate, 17);
  EXPECT_EQ(pp90.lower, 12);
  EXPECT_EQ(pp90.upper, 23);
  // The estimate always lies inside its interval.
  EXPECT_LE(*pm.lower, *pm.estimate);
  EXPECT_GE(*pm.upper, *pm.estimate);
}

TEST(StatsSurvivalTest, AppendixSixByHand) {
  // DESIGN Appendix 6: 10 paid, 20 paid, 25 unpaid, 30 paid, 40 unpaid. At day 10, S = 0.8,
  // σ² = 1/(5·4) = 0.05, SE(ln(-ln S)) = sqrt(0.05)/|ln 0.8| = 1.002083; lower =
  // 0.8^exp(1.959964·1.002083) = 0.8^7.1335 = 0.2038 <= 0.5, so the median's interval starts
  // at day 10; the upper band never falls to 0.5 (0.719 at day 30): no upper limit.
  const SurvivalCurve curve =
      EstimateKaplanMeier({{30, true}, {10, true}, {40, false}, {25, false}, {20, true}});
  const SurvivalInterval at10 = SurvivalAt(curve, 10);
  EXPECT_NEAR(*at10.lower, 0.2038092633, 1e-9);
  EXPECT_NEAR(*at10.upper, 0.9691797889, 1e-9);
  const QuantileEstimate median = KaplanMeierQuantile(curve, 0.5);
  EXPECT_EQ(median.estimate, 30);
  EXPECT_EQ(median.lower, 10);
  EXPECT_EQ(median.upper, std::nullopt);
  EXPECT_TRUE(median.insufficient_data);
  // p90: S never reaches 0.1, yet the lower band does (0.0123 at day 30).
  const QuantileEstimate p90 = KaplanMeierQuantile(curve, 0.9);
  EXPECT_EQ(p90.estimate, std::nullopt);
  EXPECT_EQ(p90.lower, 30);
  EXPECT_EQ(p90.upper, std::nullopt);
}

TEST(StatsSurvivalTest, EdgeCases) {
  // No observations.
  const SurvivalCurve empty = EstimateKaplanMeier({});
  EXPECT_TRUE(LogLogBands(empty).empty());
  const QuantileEstimate none = KaplanMeierQuantile(empty, 0.5);
  EXPECT_EQ(none.estimate, std::nullopt);
  EXPECT_EQ(none.lower, std::nullopt);
  EXPECT_TRUE(none.insufficient_data);
  // All censored: S stays 1, no bounds, no quantiles.
  const SurvivalCurve censored = EstimateKaplanMeier({{5, false}, {9, false}, {12, false}});
  for (const SurvivalInterval& band : LogLogBands(censored)) {
    EXPECT_EQ(band.survival, 1.0);
    EXPECT_EQ(band.lower, std::nullopt);
  }
  const QuantileEstimate never = KaplanMeierQuantile(censored, 0.5);
  EXPECT_EQ(never.estimate, std::nullopt);
  EXPECT_EQ(never.lower, std::nullopt);
  EXPECT_EQ(never.upper, std::nullopt);
  // All paid the same day: S drops from 1 to 0 at once.
  const SurvivalCurve same_day = EstimateKaplanMeier({{7, true}, {7, true}});
  const QuantileEstimate q = KaplanMeierQuantile(same_day, 0.5);
  EXPECT_EQ(q.estimate, 7);
  EXPECT_EQ(q.lower, 7);
  EXPECT_EQ(q.upper, 7);
  EXPECT_EQ(SurvivalAt(same_day, 7).lower, std::nullopt);
  // Invalid p or confidence.
  EXPECT_EQ(KaplanMeierQuantile(same_day, 1.0).estimate, std::nullopt);
  EXPECT_EQ(KaplanMeierQuantile(same_day, 0.5, 0).method, StatMethod::kNone);
}

// --- Log-rank -------------------------------------------------------------------------------

TEST(StatsLogRankTest, FreireichSixMpVersusPlacebo) {
  // The classic two-group comparison (Gehan 1965 data): O = 9 and 21, E = 19.25 and 10.75,
  // V = 6.257, chi-square 16.79 on 1 df, p = 4.17e-5 (R survdiff prints Chisq = 16.8).
  // Full precision computed independently with exact fractions: E1 = 19.25050094803113,
  // V = 6.2569605736755, chi-square = 16.792940989216532, p = 4.16880910933e-5.
  const std::vector<std::vector<SurvivalObservation>> groups = {SixMp(), Placebo()};
  const LogRankResult r = LogRankTest(groups);
  ASSERT_EQ(r.groups.size(), 2u);
  ASSERT_TRUE(r.chi_square && r.p_value);
  EXPECT_EQ(r.degrees_of_freedom, 1);
  EXPECT_EQ(r.method, StatMethod::kLogRank);
  EXPECT_EQ(r.groups[0].n, 21);
  EXPECT_EQ(r.groups[0].events, 9);
  EXPECT_EQ(r.groups[0].observed, 9.0);
  EXPECT_EQ(r.groups[1].observed, 21.0);
  EXPECT_NEAR(r.groups[0].expected, 19.25050094803113, 1e-10);
  EXPECT_NEAR(r.groups[1].expected, 10.74949905196887, 1e-10);
  EXPECT_NEAR(r.groups[0].variance, 6.2569605736755, 1e-10);
  EXPECT_NEAR(r.groups[1].variance, 6.2569605736755, 1e-10);
  EXPECT_NEAR(*r.chi_square, 16.79, 0.005);
  EXPECT_NEAR(*r.chi_square, 16.792940989216532, 1e-9);
  EXPECT_NEAR(*r.p_value / 4.16880910933e-5, 1.0, 1e-8);
  EXPECT_TRUE(r.insufficient_data);  // 21 per arm < 30
}

TEST(StatsLogRankTest, ThreeGroups) {
  // 6-MP, placebo and a third group {2, 3, 3+, 5, 8, 9+}: chi-square 18.71635247082595 on
  // 2 df, p = 8.62572683039e-5; expected 20.47598004631249, 11.69403732726922,
  // 1.8299826264182915. Computed independently: exact fractions, U'V⁻¹U over the first two
  // groups.
  const std::vector<std::vector<SurvivalObservation>> groups = {
      SixMp(), Placebo(), {{2, true}, {3, true}, {3, false}, {5, true}, {8, true}, {9, false}}};
  const LogRankResult r = LogRankTest(groups);
  ASSERT_TRUE(r.chi_square && r.p_value);
  EXPECT_EQ(r.degrees_of_freedom, 2);
  EXPECT_NEAR(r.groups[0].expected, 20.47598004631249, 1e-10);
  EXPECT_NEAR(r.groups[1].expected, 11.69403732726922, 1e-10);
  EXPECT_NEAR(r.groups[2].expected, 1.8299826264182915, 1e-10);
  EXPECT_NEAR(r.groups[0].variance, 7.195161736548907, 1e-10);
  EXPECT_NEAR(*r.chi_square, 18.71635247082595, 1e-9);
  EXPECT_NEAR(*r.p_value / 8.62572683039e-5, 1.0, 1e-8);
}

TEST(StatsLogRankTest, EdgeCases) {
  // Identical groups: O = E, chi-square 0, p = 1.
  const std::vector<std::vector<SurvivalObservation>> same = {SixMp(), SixMp()};
  const LogRankResult identical = LogRankTest(same);
  EXPECT_NEAR(*identical.chi_square, 0.0, 1e-12);
  EXPECT_NEAR(*identical.p_value, 1.0, 1e-12);

  // An empty group adds nothing: 3 groups with one empty is the 2-group test on 1 df.
  const std::vector<std::vector<SurvivalObservation>> with_empty = {SixMp(), {}, Placebo()};
  const LogRankResult dropped = LogRankTest(with_empty);
  EXPECT_EQ(dropped.degrees_of_freedom, 1);
  EXPECT_NEAR(*dropped.chi_square, 16.792940989216532, 1e-9);
  EXPECT_EQ(dropped.groups[1].n, 0);

  // No events anywhere, a single group, or no groups: undefined.
  const std::vector<std::vector<SurvivalObservation>> censored = {{{3, false}}, {{4, false}}};
  EXPECT_EQ(LogRankTest(censored).chi_square, std::nullopt);
  EXPECT_EQ(LogRankTest(censored).method, StatMethod::kNone);
  const std::vector<std::vector<SurvivalObservation>> single = {SixMp()};
  EXPECT_EQ(LogRankTest(single).chi_square, std::nullopt);
  EXPECT_EQ(LogRankTest(single).degrees_of_freedom, 0);
  EXPECT_EQ(LogRankTest({}).p_value, std::nullopt);
}

}  // namespace
}  // namespace denialscope
