// Kaplan–Meier: Appendix example 6, censoring, ties, quantiles never reached, and Greenwood's
// variance against a hand computation.
#include "analytics/kaplan_meier.h"

#include "gtest/gtest.h"

namespace denialscope {
namespace {

constexpr double kEps = 1e-12;

// Appendix 6: 10 paid, 20 paid, 25 unpaid, 30 paid, 40 unpaid.
std::vector<SurvivalObservation> Appendix6() {
  // Deliberately unsorted: the estimator sorts.
  return {{30, true}, {10, true}, {40, false}, {25, false}, {20, true}};
}

TEST(KaplanMeierTest, Appendix6MedianIs30) {
  // S(10) = 4/5 = 0.8; S(20) = 0.8 * 3/4 = 0.6; 25 censored (risk set 3 -> 2);
  // S(30) = 0.6 * 1/2 = 0.3 <= 0.5, so the median is 30. (The paid-only mean is 20.)
  const SurvivalCurve curve = EstimateKaplanMeier(Appendix6());
  EXPECT_EQ(curve.n, 5);
  EXPECT_EQ(curve.events, 3);
  ASSERT_EQ(curve.steps.size(), 5u);
  EXPECT_EQ(curve.steps[0].day, 10);
  EXPECT_EQ(curve.steps[0].at_risk, 5);
  EXPECT_NEAR(curve.steps[0].survival, 0.8, kEps);
  EXPECT_EQ(curve.steps[1].day, 20);
  EXPECT_EQ(curve.steps[1].at_risk, 4);
  EXPECT_NEAR(curve.steps[1].survival, 0.6, kEps);
  EXPECT_EQ(curve.steps[2].day, 25);
  EXPECT_EQ(curve.steps[2].at_risk, 3);
  EXPECT_EQ(curve.steps[2].censored, 1);
  EXPECT_EQ(curve.steps[2].events, 0);
  EXPECT_NEAR(curve.steps[2].survival, 0.6, kEps);
  EXPECT_EQ(curve.steps[3].day, 30);
  EXPECT_EQ(curve.steps[3].at_risk, 2);
  EXPECT_NEAR(curve.steps[3].survival, 0.3, kEps);
  EXPECT_EQ(curve.steps[4].day, 40);
  EXPECT_EQ(curve.steps[4].at_risk, 1);
  EXPECT_NEAR(curve.steps[4].survival, 0.3, kEps);
  EXPECT_EQ(curve.Quantile(0.5), 30);
  // p20: first S <= 0.8 is day 10; p90: S never reaches 0.1.
  EXPECT_EQ(curve.Quantile(0.2), 10);
  EXPECT_EQ(curve.Quantile(0.9), std::nullopt);
}

TEST(KaplanMeierTest, GreenwoodVarianceMatchesHandComputation) {
  // Var S(t) = S(t)^2 * sum over event times t_i <= t of d_i / (n_i (n_i - d_i)).
  // t=10: 1/(5*4) = 0.05;              Var = 0.8^2 * 0.05       = 0.032
  // t=20: 0.05 + 1/(4*3) = 0.1333...;  Var = 0.6^2 * 0.13333... = 0.048
  // t=25: censoring only, unchanged:   Var = 0.048
  // t=30: 0.1333... + 1/(2*1) = 0.6333...; Var = 0.3^2 * 0.6333... = 0.057
  const SurvivalCurve curve = EstimateKaplanMeier(Appendix6());
  ASSERT_EQ(curve.steps.size(), 5u);
  EXPECT_NEAR(curve.steps[0].greenwood_variance, 0.032, kEps);
  EXPECT_NEAR(curve.steps[1].greenwood_variance, 0.048, kEps);
  EXPECT_NEAR(curve.steps[2].greenwood_variance, 0.048, kEps);
  EXPECT_NEAR(curve.steps[3].greenwood_variance, 0.057, kEps);
  EXPECT_NEAR(curve.steps[4].greenwood_variance, 0.057, kEps);
}

TEST(KaplanMeierTest, TiedEventsAndCensoringsEventsFirst) {
  // Day 10: 2 paid and 1 censored among 4 at risk. Events first: S = 1 - 2/4 = 0.5, the
  // censored claim still counts in the risk set of day 10. Day 20: 1 at risk, paid: S = 0.
  // Greenwood at 10: 0.25 * 2/(4*2) = 0.0625; at 20 S = 0 so the variance is 0.
  const SurvivalCurve curve =
      EstimateKaplanMeier({{10, true}, {10, false}, {10, true}, {20, true}});
  ASSERT_EQ(curve.steps.size(), 2u);
  EXPECT_EQ(curve.steps[0].at_risk, 4);
  EXPECT_EQ(curve.steps[0].events, 2);
  EXPECT_EQ(curve.steps[0].censored, 1);
  EXPECT_NEAR(curve.steps[0].survival, 0.5, kEps);
  EXPECT_NEAR(curve.steps[0].greenwood_variance, 0.0625, kEps);
  EXPECT_EQ(curve.steps[1].at_risk, 1);
  EXPECT_NEAR(curve.steps[1].survival, 0.0, kEps);
  EXPECT_EQ(curve.steps[1].greenwood_variance, 0.0);
  // S = 0.5 exactly at day 10 reaches the median.
  EXPECT_EQ(curve.Quantile(0.5), 10);
  EXPECT_EQ(curve.Quantile(0.99), 20);
}

TEST(KaplanMeierTest, MedianNeverReachedWhenMostAreCensored) {
  // 1 paid at 5 of 4: S(5) = 3/4 = 0.75 and nothing after: no median.
  const SurvivalCurve curve =
      EstimateKaplanMeier({{5, true}, {30, false}, {40, false}, {50, false}});
  EXPECT_EQ(curve.Quantile(0.5), std::nullopt);
  EXPECT_NEAR(curve.ShareEventBy(30), 0.25, kEps);
}

TEST(KaplanMeierTest, ShareEventBy) {
  const SurvivalCurve curve = EstimateKaplanMeier(Appendix6());
  EXPECT_NEAR(curve.ShareEventBy(0), 0.0, kEps);
  EXPECT_NEAR(curve.ShareEventBy(9), 0.0, kEps);
  EXPECT_NEAR(curve.ShareEventBy(10), 0.2, kEps);
  EXPECT_NEAR(curve.ShareEventBy(29), 0.4, kEps);
  EXPECT_NEAR(curve.ShareEventBy(30), 0.7, kEps);
  EXPECT_NEAR(curve.ShareEventBy(1000), 0.7, kEps);
}

TEST(KaplanMeierTest, EmptyAndAllCensored) {
  const SurvivalCurve empty = EstimateKaplanMeier({});
  EXPECT_EQ(empty.n, 0);
  EXPECT_TRUE(empty.steps.empty());
  EXPECT_EQ(empty.Quantile(0.5), std::nullopt);
  EXPECT_EQ(empty.ShareEventBy(30), 0.0);
  const SurvivalCurve censored = EstimateKaplanMeier({{10, false}, {20, false}});
  EXPECT_EQ(censored.events, 0);
  EXPECT_EQ(censored.Quantile(0.5), std::nullopt);
}

TEST(KaplanMeierTest, NoCensoringMatchesEmpiricalDistribution) {
  // Without censoring KM is 1 - the empirical CDF: 4 paid at 1,2,3,4 -> S = .75,.5,.25,0.
  const SurvivalCurve curve = EstimateKaplanMeier({{4, true}, {1, true}, {3, true}, {2, true}});
  EXPECT_EQ(curve.Quantile(0.5), 2);
  EXPECT_EQ(curve.Quantile(0.9), 4);
  // Greenwood without censoring equals the binomial variance S(1-S)/n: at day 2,
  // 0.5 * 0.5 / 4 = 0.0625 (= 0.25 * (1/(4*3) + 1/(3*2)) = 0.25 * 0.25).
  EXPECT_NEAR(curve.steps[1].greenwood_variance, 0.0625, kEps);
}

// CountByTime counts days into a dense array when they span a short range and sorts them
// otherwise; both give the distinct times ascending, events and censorings apart, without
// the times whose count is 0. Appendix 6 spans 31 days (dense); the same five observations
// spread over a million days (sorted) must give the same counts.
TEST(KaplanMeierTest, CountByTimeDenseAndSortedAgree) {
  std::vector<SurvivalObservation> appendix = Appendix6();
  appendix.push_back({20, false, 2});  // two censored on an event day
  appendix.push_back({15, true, 0});   // a cell whose claims moved elsewhere
  const std::vector<TimeCounts> dense = CountByTime(appendix);
  ASSERT_EQ(dense.size(), 5u);
  EXPECT_EQ(dense[0].day, 10);
  EXPECT_EQ(dense[1].day, 20);
  EXPECT_EQ(dense[1].events, 1);
  EXPECT_EQ(dense[1].censored, 2);
  EXPECT_EQ(dense[2].day, 25);
  EXPECT_EQ(dense[2].censored, 1);
  EXPECT_EQ(dense[4].day, 40);

  std::vector<SurvivalObservation> spread = appendix;
  for (SurvivalObservation& o : spread) o.days *= 100000;
  const std::vector<TimeCounts> sorted = CountByTime(spread);
  ASSERT_EQ(sorted.size(), dense.size());
  for (size_t i = 0; i < dense.size(); ++i) {
    EXPECT_EQ(sorted[i].day, dense[i].day * 100000) << i;
    EXPECT_EQ(sorted[i].events, dense[i].events) << i;
    EXPECT_EQ(sorted[i].censored, dense[i].censored) << i;
  }
  // And the curve from the sorted path has the Appendix's survival values.
  const SurvivalCurve curve = EstimateKaplanMeier(spread);
  ASSERT_EQ(curve.steps.size(), 5u);
  EXPECT_NEAR(curve.steps[0].survival, 6.0 / 7.0, kEps);  // 1 of 7 paid at the first time
}

}  // namespace
}  // namespace denialscope
