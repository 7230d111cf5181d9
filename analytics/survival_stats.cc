// Implementation of survival_stats.h: log-log bands and quantile intervals on top of the
// Kaplan–Meier steps, and the k-group log-rank test.
#include "analytics/survival_stats.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "analytics/kaplan_meier.h"
#include "analytics/stats.h"

namespace denialscope {
namespace {

// Survival values are products of ratios: treat values within this of the threshold as
// reaching it, as SurvivalCurve::Quantile does.
constexpr double kTolerance = 1e-12;
// Log-rank: a pivot this small relative to its variance means the group adds no information
// beyond the groups already taken (always true of the last group: O - E sums to 0).
constexpr double kRelativePivotTolerance = 1e-9;

SurvivalInterval BandAt(int day, double survival, double greenwood_sum,
                        const std::optional<double>& z, double confidence, bool insufficient_data) {
  SurvivalInterval band;
  band.day = day;
  band.survival = survival;
  band.confidence = confidence;
  band.insufficient_data = insufficient_data;
  if (!z || survival <= 0 || survival >= 1 || greenwood_sum <= 0) return band;
  const double log_s = std::log(survival);
  const double se_loglog = std::sqrt(greenwood_sum) / std::abs(log_s);
  // Larger -ln S means smaller S, so +z gives the lower bound.
  band.lower = std::pow(survival, std::exp(*z * se_loglog));
  band.upper = std::pow(survival, std::exp(-*z * se_loglog));
  return band;
}

}  // namespace

std::vector<SurvivalInterval> LogLogBands(const SurvivalCurve& curve, double confidence) {
  const std::optional<double> z = TwoSidedZ(confidence);
  const bool insufficient = InsufficientData(curve.n, curve.events);
  std::vector<SurvivalInterval> bands;
  bands.reserve(curve.steps.size());
  // Recomputed from the risk sets rather than read back from greenwood_variance / S², which
  // is lost once S reaches 0.
  double greenwood_sum = 0;
  for (const SurvivalStep& step : curve.steps) {
    if (step.events == 0 && !bands.empty()) {
      // Only censorings: S and its variance are those of the step before (this saves the
      // pow/exp of most steps of a heavily censored curve).
      bands.push_back(bands.back());
      bands.back().day = step.day;
      continue;
    }
    if (step.events > 0 && step.events < step.at_risk) {
      const double n = step.at_risk;
      const double d = step.events;
      greenwood_sum += d / (n * (n - d));
    }
    bands.push_back(BandAt(step.day, step.survival, greenwood_sum, z, confidence, insufficient));
  }
  return bands;
}

SurvivalInterval SurvivalAt(const SurvivalCurve& curve, int day, double confidence) {
  return SurvivalAt(curve, LogLogBands(curve, confidence), day, confidence);
}

SurvivalInterval SurvivalAt(const SurvivalCurve& curve,
                            const std::vector<SurvivalInterval>& bands, int day,
                            double confidence) {
  SurvivalInterval result;
  result.confidence = confidence;
  result.insufficient_data = InsufficientData(curve.n, curve.events);
  for (const SurvivalInterval& band : bands) {
    if (band.day > day) break;
    result = band;
  }
  result.day = day;
  return result;
}

QuantileEstimate KaplanMeierQuantile(const SurvivalCurve& curve, double p, double confidence) {
  return KaplanMeierQuantile(curve, LogLogBands(curve, confidence), p, confidence);
}

QuantileEstimate KaplanMeierQuantile(const SurvivalCurve& curve,
                                     const std::vector<SurvivalInterval>& bands, double p,
                                     double confidence) {
  QuantileEstimate result;
  result.p = p;
  result.confidence = confidence;
  result.insufficient_data = InsufficientData(curve.n, curve.events);
  if (!(p > 0 && p < 1) || !TwoSidedZ(confidence)) return result;
  result.estimate = curve.Quantile(p);
  result.method = StatMethod::kBrookmeyerCrowleyLogLog;
  const double threshold = 1.0 - p + kTolerance;
  for (const SurvivalInterval& band : bands) {
    // Where the log-log band is undefined, S is 1 or 0 and the band collapses onto it.
    const double lower = band.lower.value_or(band.survival);
    const double upper = band.upper.value_or(band.survival);
    if (!result.lower && lower <= threshold) result.lower = band.day;
    if (!result.upper && upper <= threshold) {
      result.upper = band.day;
      break;  // the lower band is below the upper one, so it has crossed by now too
    }
  }
  return result;
}

LogRankResult LogRankTest(std::span<const std::vector<SurvivalObservation>> groups) {
  LogRankResult result;
  const size_t k = groups.size();
  result.groups.resize(k);
  std::vector<std::vector<TimeCounts>> times(k);  // each group's distinct times, ascending
  std::vector<double> at_risk(k, 0);
  result.insufficient_data = false;
  for (size_t j = 0; j < k; ++j) {
    LogRankGroup& g = result.groups[j];
    for (const SurvivalObservation& o : groups[j]) {
      g.n += o.count;
      if (o.event) g.events += o.count;
    }
    g.observed = g.events;
    at_risk[j] = g.n;
    if (InsufficientData(g.n, g.events)) result.insufficient_data = true;
    times[j] = CountByTime(groups[j]);
  }
  if (k == 0) result.insufficient_data = true;

  // V, the k×k hypergeometric covariance of the observed counts, row-major.
  std::vector<double> covariance(k * k, 0);
  std::vector<double> events_now(k);
  std::vector<double> leaving_now(k);
  std::vector<size_t> next(k, 0);  // per group, its first time not yet passed
  while (true) {
    // The earliest time not yet passed in any group (k is small: a linear merge).
    std::optional<int> day;
    for (size_t j = 0; j < k; ++j) {
      if (next[j] < times[j].size() && (!day || times[j][next[j]].day < *day)) {
        day = times[j][next[j]].day;
      }
    }
    if (!day) break;
    for (size_t j = 0; j < k; ++j) {
      events_now[j] = leaving_now[j] = 0;
      if (next[j] < times[j].size() && times[j][next[j]].day == *day) {
        const TimeCounts& t = times[j][next[j]++];
        events_now[j] = t.events;
        leaving_now[j] = t.events + t.censored;
      }
    }
    double n = 0;
    double d = 0;
    for (size_t j = 0; j < k; ++j) {
      n += at_risk[j];
      d += events_now[j];
    }
    if (d > 0) {
      const double spread = n > 1 ? d * (n - d) / (n - 1) : 0;
      for (size_t j = 0; j < k; ++j) {
        const double share_j = at_risk[j] / n;
        result.groups[j].expected += d * share_j;
        for (size_t l = 0; l < k; ++l) {
          const double share_l = at_risk[l] / n;
          covariance[j * k + l] += spread * share_j * ((j == l ? 1.0 : 0.0) - share_l);
        }
      }
    }
    for (size_t j = 0; j < k; ++j) at_risk[j] -= leaving_now[j];
  }
  double max_diagonal = 0;
  for (size_t j = 0; j < k; ++j) {
    result.groups[j].variance = covariance[j * k + j];
    max_diagonal = std::max(max_diagonal, result.groups[j].variance);
  }
  if (max_diagonal <= 0) return result;

  // U'V⁻U by an LDL' factorization that skips groups linearly dependent on those already
  // taken; the number taken is the rank of V, hence the degrees of freedom.
  std::vector<size_t> taken;
  std::vector<std::vector<double>> unit_lower;  // row r: multipliers against taken[0..r)
  std::vector<double> pivots;
  for (size_t j = 0; j < k; ++j) {
    const double v_jj = covariance[j * k + j];
    if (v_jj <= kRelativePivotTolerance * max_diagonal) continue;
    std::vector<double> row(taken.size());
    double pivot = v_jj;
    for (size_t r = 0; r < taken.size(); ++r) {
      double value = covariance[j * k + taken[r]];
      for (size_t m = 0; m < r; ++m) value -= row[m] * pivots[m] * unit_lower[r][m];
      row[r] = value / pivots[r];
      pivot -= row[r] * row[r] * pivots[r];
    }
    if (pivot <= kRelativePivotTolerance * v_jj) continue;
    taken.push_back(j);
    unit_lower.push_back(std::move(row));
    pivots.push_back(pivot);
  }
  if (taken.empty()) return result;
  std::vector<double> forward(taken.size());
  double statistic = 0;
  for (size_t r = 0; r < taken.size(); ++r) {
    const LogRankGroup& g = result.groups[taken[r]];
    double value = g.observed - g.expected;
    for (size_t m = 0; m < r; ++m) value -= unit_lower[r][m] * forward[m];
    forward[r] = value;
    statistic += value * value / pivots[r];
  }
  result.degrees_of_freedom = static_cast<int>(taken.size());
  result.chi_square = std::max(0.0, statistic);
  result.p_value = ChiSquareSurvival(*result.chi_square, result.degrees_of_freedom);
  result.method = StatMethod::kLogRank;
  return result;
}

}  // namespace denialscope
