// Kaplan–Meier estimation of time to payment. An unpaid claim is not a missing value: it is
// censored at the as-of date, and the estimator keeps it in the risk set until then.
#ifndef DENIALSCOPE_ANALYTICS_KAPLAN_MEIER_H_
#define DENIALSCOPE_ANALYTICS_KAPLAN_MEIER_H_

#include <optional>
#include <vector>

namespace denialscope {

struct SurvivalObservation {
  int days = 0;        // time from service to payment (event) or to the as-of date (censored)
  bool event = false;  // true when paid
  // How many claims share this time and status: stored aggregates hand over counts, not one
  // observation per claim.
  int count = 1;
};

struct SurvivalStep {
  int day = 0;
  int at_risk = 0;
  int events = 0;
  int censored = 0;
  double survival = 1.0;  // S(day), after this day's events
  double greenwood_variance = 0;  // Var[S(day)] by Greenwood's formula
};

struct SurvivalCurve {
  std::vector<SurvivalStep> steps;  // one per distinct time with an event or censoring
  int n = 0;
  int events = 0;

  // First day at which S <= 1 - p (p = 0.5 for the median); nullopt when never reached.
  std::optional<int> Quantile(double p) const;
  // 1 - S(day): the share paid by that day.
  double ShareEventBy(int day) const;
};

// The observations of one time, events and censorings apart.
struct TimeCounts {
  int day = 0;
  int events = 0;
  int censored = 0;
};
// The observations' distinct times with a non-zero count, ascending. Times are days, so when
// they span a range not much larger than their number they are counted into a dense array
// instead of sorted (stored aggregates hand over thousands of observations per curve).
std::vector<TimeCounts> CountByTime(std::vector<SurvivalObservation> observations);

// Ties: events at a time happen before censorings at the same time (the usual convention).
SurvivalCurve EstimateKaplanMeier(std::vector<SurvivalObservation> observations);

}  // namespace denialscope

#endif  // DENIALSCOPE_ANALYTICS_KAPLAN_MEIER_H_
