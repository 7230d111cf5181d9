// Kaplan–Meier product-limit estimate with Greenwood's variance. Days to payment must count
// unpaid claims as still waiting (censored), not drop them, or the estimate flatters payers.
#include "analytics/kaplan_meier.h"

#include <algorithm>
#include <cstddef>

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

SurvivalCurve EstimateKaplanMeier(std::vector<SurvivalObservation> observations) {
  std::sort(observations.begin(), observations.end(),
            [](const SurvivalObservation& a, const SurvivalObservation& b) {
              return a.days < b.days;
            });
  SurvivalCurve curve;
  for (const SurvivalObservation& o : observations) curve.n += o.count;
  double survival = 1.0;
  double greenwood_sum = 0;  // sum of d / (n (n - d)) over event times so far
  int at_risk = curve.n;
  size_t i = 0;
  while (i < observations.size()) {
    SurvivalStep step;
    step.day = observations[i].days;
    step.at_risk = at_risk;
    for (; i < observations.size() && observations[i].days == step.day; ++i) {
      if (observations[i].event) {
        step.events += observations[i].count;
      } else {
        step.censored += observations[i].count;
      }
    }
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
