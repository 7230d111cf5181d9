// Kaplan–Meier product-limit estimate with Greenwood's variance. Days to payment must count
// unpaid claims as still waiting (censored), not drop them, or the estimate flatters payers.
#include "analytics/kaplan_meier.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>

namespace denialscope {
namespace {

// S is a product of ratios; allow rounding so that S exactly 0.5 counts as reaching 0.5.
constexpr double kTolerance = 1e-12;

}  // namespace

std::optional<int> SurvivalCurve::Quantile(double p) const {
  const double threshold = 1.0 - p;
  for (const SurvivalStep& step : steps) {
    if (step.survival <= threshold + kTolerance) return step.day;
  }
  return std::nullopt;
}

double SurvivalCurve::ShareEventBy(int day) const {
  double survival = 1.0;
  for (const SurvivalStep& step : steps) {
    if (step.day > day) break;
    survival = step.survival;
  }
  return 1.0 - survival;
}

std::vector<TimeCounts> CountByTime(std::vector<SurvivalObservation> observations) {
  std::vector<TimeCounts> times;
  if (observations.empty()) return times;
  auto [min_it, max_it] = std::minmax_element(
      observations.begin(), observations.end(),
      [](const SurvivalObservation& a, const SurvivalObservation& b) { return a.days < b.days; });
  const int64_t first = min_it->days;
  const int64_t span = static_cast<int64_t>(max_it->days) - first + 1;
  if (span <= 4 * static_cast<int64_t>(observations.size()) + 1024) {
    std::vector<TimeCounts> dense(static_cast<size_t>(span));
    for (const SurvivalObservation& o : observations) {
      TimeCounts& t = dense[static_cast<size_t>(o.days - first)];
      (o.event ? t.events : t.censored) += o.count;
    }
    for (size_t i = 0; i < dense.size(); ++i) {
      if (dense[i].events == 0 && dense[i].censored == 0) continue;
      dense[i].day = static_cast<int>(first + static_cast<int64_t>(i));
      times.push_back(dense[i]);
    }
    return times;
  }
  std::sort(observations.begin(), observations.end(),
            [](const SurvivalObservation& a, const SurvivalObservation& b) {
              return a.days < b.days;
            });
  for (const SurvivalObservation& o : observations) {
    if (o.count == 0) continue;
    if (times.empty() || times.back().day != o.days) times.push_back({o.days, 0, 0});
    (o.event ? times.back().events : times.back().censored) += o.count;
  }
  return times;
}

SurvivalCurve EstimateKaplanMeier(std::vector<SurvivalObservation> observations) {
  SurvivalCurve curve;
  for (const SurvivalObservation& o : observations) curve.n += o.count;
  const std::vector<TimeCounts> times = CountByTime(std::move(observations));
  curve.steps.reserve(times.size());
  double survival = 1.0;
  double greenwood_sum = 0;  // sum of d / (n (n - d)) over event times so far
  int at_risk = curve.n;
  for (const TimeCounts& time : times) {
    SurvivalStep step;
    step.day = time.day;
    step.at_risk = at_risk;
    step.events = time.events;
    step.censored = time.censored;
    // Events at this time happen before the censorings at the same time, so the censored
    // still count in the risk set for this step.
    if (step.events > 0) {
      const double n = step.at_risk;
      const double d = step.events;
      survival *= 1.0 - d / n;
      if (step.events < step.at_risk) greenwood_sum += d / (n * (n - d));
    }
    step.survival = survival;
    // Once S reaches 0 its variance is 0 (the d = n term is undefined, not infinite).
    step.greenwood_variance = survival > 0 ? survival * survival * greenwood_sum : 0;
    curve.events += step.events;
    at_risk -= step.events + step.censored;
    curve.steps.push_back(step);
  }
  return curve;
}

}  // namespace denialscope
