// Inference on censored time to payment (DESIGN "Time is censored"): pointwise confidence
// intervals for a Kaplan–Meier curve, confidence intervals for its median and p90, and the
// log-rank test that compares the M54.2 and specific curves. Builds on kaplan_meier.h
// (the estimator itself) and stats.h (quantiles and chi-square tails).
#ifndef DENIALSCOPE_ANALYTICS_SURVIVAL_STATS_H_
#define DENIALSCOPE_ANALYTICS_SURVIVAL_STATS_H_

#include <optional>
#include <span>
#include <vector>

#include "analytics/kaplan_meier.h"
#include "analytics/stats.h"

namespace denialscope {

// S(day) with a pointwise interval on the log-log scale (Kalbfleisch–Prentice): with
// σ² = Σ d / (n (n - d)) (Greenwood) and θ = ln(-ln S), SE(θ) = σ / |ln S| and the interval
// is S^exp(±z·SE(θ)), which stays inside (0, 1). Undefined (nullopt bounds) where S is 0 or 1.
struct SurvivalInterval {
  int day = 0;
  double survival = 1.0;
  std::optional<double> lower;
  std::optional<double> upper;
  double confidence = kDefaultConfidence;
  StatMethod method = StatMethod::kLogLogGreenwood;
  bool insufficient_data = true;
};

// The interval at every step of the curve, in the curve's order.
std::vector<SurvivalInterval> LogLogBands(const SurvivalCurve& curve,
                                          double confidence = kDefaultConfidence);

// The interval for S at an arbitrary day (the step function's value at that day; S = 1 before
// the first step). The share paid by that day is 1 - S, with bounds 1 - upper and 1 - lower.
SurvivalInterval SurvivalAt(const SurvivalCurve& curve, int day,
                            double confidence = kDefaultConfidence);
// The same from `bands`, LogLogBands(curve, confidence) computed once by a caller that asks
// for several days or quantiles of one curve.
SurvivalInterval SurvivalAt(const SurvivalCurve& curve,
                            const std::vector<SurvivalInterval>& bands, int day,
                            double confidence);

// The p-quantile of the time to event (p = 0.5 the median, 0.9 the p90) with the
// Brookmeyer–Crowley (1982) interval built on the log-log bands above.
//
// Convention: the estimate is the first day with S <= 1 - p (SurvivalCurve::Quantile). The
// interval is the set of days whose band contains 1 - p, reported as [first day with
// lower(t) <= 1 - p, first day with upper(t) <= 1 - p] — the same "first day at or below"
// rule applied to each band, as R's survival package does. Where S = 1 the band is taken as
// {1}, where S = 0 as {0}. A bound the band never reaches is nullopt (commonly the upper bound
// of the p90 with heavy censoring: "at least ..., upper limit not reached").
struct QuantileEstimate {
  double p = 0.5;
  std::optional<int> estimate;
  std::optional<int> lower;
  std::optional<int> upper;
  double confidence = kDefaultConfidence;
  StatMethod method = StatMethod::kNone;
  bool insufficient_data = true;
};
QuantileEstimate KaplanMeierQuantile(const SurvivalCurve& curve, double p,
                                     double confidence = kDefaultConfidence);
// The same from `bands` (LogLogBands(curve, confidence), as for SurvivalAt).
QuantileEstimate KaplanMeierQuantile(const SurvivalCurve& curve,
                                     const std::vector<SurvivalInterval>& bands, double p,
                                     double confidence);

struct LogRankGroup {
  int n = 0;
  int events = 0;
  double observed = 0;
  double expected = 0;  // Σ over event times of d · n_group / n
  double variance = 0;  // the group's diagonal term of the hypergeometric covariance
};

struct LogRankResult {
  std::vector<LogRankGroup> groups;  // in input order
  std::optional<double> chi_square;
  std::optional<double> p_value;
  int degrees_of_freedom = 0;  // rank of the covariance: k - 1 unless groups are degenerate
  StatMethod method = StatMethod::kNone;
  bool insufficient_data = true;  // any group fails the small-cell rule
};

// Mantel–Cox log-rank test of k >= 2 groups. At each distinct event time, with n at risk and d
// events (events before censorings at the same day, as in EstimateKaplanMeier), group j
// expects d·n_j/n and the covariance adds d(n - d)/(n - 1) · n_j/n · (δ_jl - n_l/n). The
// statistic is U'V⁻U with U = O - E and V⁻ a generalized inverse (groups that add no
// information, e.g. empty ones, drop out and reduce the degrees of freedom). Undefined
// (nullopt) when there is no event or fewer than two informative groups.
LogRankResult LogRankTest(std::span<const std::vector<SurvivalObservation>> groups);

}  // namespace denialscope

#endif  // DENIALSCOPE_ANALYTICS_SURVIVAL_STATS_H_
