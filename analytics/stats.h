// The statistics behind the M54.2-vs-specific comparison (DESIGN "The comparison is the
// product"): rates with Wilson intervals, the difference with Newcombe's interval, the risk
// ratio (Katz, and Mantel–Haenszel across strata), chi-square or Fisher p-values and excess
// denied dollars. Pure functions on counts and doubles: no I/O, no clock, deterministic.
//
// Conventions shared by every function here:
//  - Group 1 is the group of interest (M54.2), group 2 the reference (specific codes); a
//    difference is p1 - p2 and a ratio p1 / p2.
//  - A value that is undefined for the input (n = 0, a ratio with a zero denominator, an
//    interval whose variance is undefined, counts out of range, a confidence level outside
//    (0, 1)) is std::nullopt, never NaN or infinity.
//  - Every result carries `insufficient_data` (DESIGN: n < 30 or < 10 events in any group).
//    It is a flag for the reader, not a refusal: the numbers are still computed.
#ifndef DENIALSCOPE_ANALYTICS_STATS_H_
#define DENIALSCOPE_ANALYTICS_STATS_H_

#include <cstdint>
#include <optional>
#include <span>

namespace denialscope {

inline constexpr double kDefaultConfidence = 0.95;

// Which method produced a result, so the API and the report can say so.
enum class StatMethod {
  kNone,                           // nothing could be computed
  kWilsonScore,                    // single proportion
  kNewcombeHybridScore,            // difference of proportions (Newcombe 1998, method 10)
  kKatzLog,                        // risk ratio, log interval
  kKatzLogHalfCorrected,           // risk ratio with 0.5 added to every cell (a zero cell)
  kPearsonChiSquare,               // 2x2 test without continuity correction
  kFisherExact,                    // 2x2 test, two-sided by summing small probabilities
  kMantelHaenszelGreenlandRobins,  // stratified risk ratio
  kDeltaMethodRatio,               // excess denied dollars
  kLogLogGreenwood,                // pointwise Kaplan–Meier interval
  kBrookmeyerCrowleyLogLog,        // Kaplan–Meier quantile interval
  kLogRank,                        // Mantel–Cox test of survival curves
};

// DESIGN's small-cell rule: fewer than 30 observations or fewer than 10 events.
bool InsufficientData(int64_t n, int64_t events);

// Φ⁻¹(p), the standard normal quantile, for p in (0, 1); nullopt otherwise. Accurate to about
// 1e-15 (Abramowitz–Stegun 26.2.23 start refined by Halley steps on erfc).
std::optional<double> InverseNormalCdf(double p);

// z such that P(|Z| <= z) = confidence, e.g. 1.959964 for 0.95; nullopt outside (0, 1).
std::optional<double> TwoSidedZ(double confidence);

// Regularized upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a), for a > 0, x >= 0.
std::optional<double> RegularizedGammaQ(double a, double x);

// P(X >= x) for X ~ chi-square with `df` degrees of freedom (df >= 1); 1 for x <= 0.
std::optional<double> ChiSquareSurvival(double x, int df);

// A point estimate with its confidence interval.
struct IntervalEstimate {
  std::optional<double> estimate;
  std::optional<double> lower;
  std::optional<double> upper;
  double confidence = kDefaultConfidence;
  StatMethod method = StatMethod::kNone;
  bool insufficient_data = true;
};

// x / n with the Wilson score interval (always inside [0, 1], sensible at x = 0 and x = n).
IntervalEstimate WilsonInterval(int64_t x, int64_t n, double confidence = kDefaultConfidence);

// p1 - p2 with Newcombe's hybrid score interval, built from the two Wilson intervals.
IntervalEstimate NewcombeDifference(int64_t x1, int64_t n1, int64_t x2, int64_t n2,
                                    double confidence = kDefaultConfidence);

struct RiskRatioEstimate {
  std::optional<double> estimate;
  std::optional<double> lower;
  std::optional<double> upper;
  double confidence = kDefaultConfidence;
  StatMethod method = StatMethod::kNone;
  // True when 0.5 was added to every cell because an event count was zero: the estimate and
  // interval are then those of the corrected table and must be shown as such.
  bool continuity_corrected = false;
  int strata_used = 0;  // Mantel–Haenszel: strata with both groups present
  bool insufficient_data = true;
};

// (x1/n1) / (x2/n2) with the Katz log interval, exp(ln RR ± z·sqrt(1/x1 - 1/n1 + 1/x2 - 1/n2)).
// Zero cells: when exactly one of x1, x2 is 0, the ratio is 0 or infinite and the variance
// undefined, so 0.5 is added to every cell (x + 0.5 of n + 1) and `continuity_corrected` is set.
// When both are 0 there is no ratio to estimate: everything is nullopt.
RiskRatioEstimate KatzRiskRatio(int64_t x1, int64_t n1, int64_t x2, int64_t n2,
                                double confidence = kDefaultConfidence);

// One stratum (e.g. payer × procedure family) of a stratified comparison.
struct RiskStratum {
  int64_t x1 = 0;  // events in group 1
  int64_t n1 = 0;
  int64_t x2 = 0;  // events in group 2 (reference)
  int64_t n2 = 0;
};

// Mantel–Haenszel risk ratio Σ(x1·n2/N) / Σ(x2·n1/N) with the Greenland–Robins (1985)
// variance of its log and the interval exp(ln RR ± z·SE). Strata missing either group add
// nothing to any sum and are not counted in `strata_used`. No continuity correction: a zero
// numerator gives an estimate of 0 without an interval, a zero denominator no estimate.
// `insufficient_data` applies the small-cell rule to each group's totals over used strata.
RiskRatioEstimate MantelHaenszelRiskRatio(std::span<const RiskStratum> strata,
                                          double confidence = kDefaultConfidence);

struct TestResult {
  std::optional<double> statistic;  // chi-square; none for Fisher's exact test
  std::optional<double> p_value;
  int degrees_of_freedom = 0;
  std::optional<double> min_expected;  // smallest expected cell count under independence
  StatMethod method = StatMethod::kNone;
  bool insufficient_data = true;
};

// Pearson X² = Σ (O - E)² / E for the 2x2 table (x1, n1 - x1; x2, n2 - x2), without
// continuity correction; p = P(chi-square(1) >= X²). Undefined when a margin is empty.
TestResult PearsonChiSquare2x2(int64_t x1, int64_t n1, int64_t x2, int64_t n2);

// Fisher's exact test, two-sided: the sum of the hypergeometric probabilities of every table
// with the observed margins that is no more likely than the observed one (relative tolerance
// 1e-7, as R's fisher.test). Undefined when a group is empty.
TestResult FisherExact2x2(int64_t x1, int64_t n1, int64_t x2, int64_t n2);

// DESIGN's choice: Fisher's exact test when any expected cell is below 5, else Pearson's
// chi-square. `method` says which was used.
TestResult CompareProportions(int64_t x1, int64_t n1, int64_t x2, int64_t n2);

// Everything DESIGN asks for when two rates are compared, in one call.
struct RateComparison {
  IntervalEstimate rate1;        // Wilson
  IntervalEstimate rate2;        // Wilson
  IntervalEstimate difference;   // Newcombe, rate1 - rate2
  RiskRatioEstimate risk_ratio;  // Katz, rate1 / rate2
  TestResult test;               // chi-square or Fisher
  bool insufficient_data = true;
};
RateComparison CompareRates(int64_t x1, int64_t n1, int64_t x2, int64_t n2,
                            double confidence = kDefaultConfidence);

// One claim for the dollar measures: its charge (any currency unit, used consistently) and
// whether it counts as denied for the measure at hand.
struct ClaimCharge {
  double charge = 0;
  bool denied = false;
};

struct ExcessDollarsEstimate {
  std::optional<double> estimate;  // D1 - C1 · r0
  std::optional<double> lower;
  std::optional<double> upper;
  double confidence = kDefaultConfidence;
  double denied_charges1 = 0;   // D1
  double charges1 = 0;          // C1
  std::optional<double> rate1;  // D1 / C1
  std::optional<double> rate2;  // r0 = D0 / C0
  StatMethod method = StatMethod::kNone;
  bool insufficient_data = true;
};

// Excess denied dollars of group 1 (M54.2) over what group 2's (specific) dollar denial rate
// would predict: D1 - C1·r0 = C1·(r1 - r2).
//
// Interval (delta method, treating C1 as fixed): each dollar rate r = Σy / Σx over claims,
// with x the charge and y the charge when denied, is a ratio estimator whose variance is
// n / (n - 1) · Σ(y_i - r·x_i)² / (Σx)² (Cochran, Sampling Techniques, §6.3). The cohorts
// are independent, so Var(excess) = C1² · (Var r1 + Var r2), and the interval is
// estimate ± z·SE, clipped to [-C1, C1] (a rate difference lies in [-1, 1]). It needs at
// least 2 claims in each group and positive charges; otherwise only the estimate is given
// (when both rates exist). Claims with a negative charge make the input invalid: nullopt.
ExcessDollarsEstimate ExcessDeniedDollars(std::span<const ClaimCharge> group1,
                                          std::span<const ClaimCharge> group2,
                                          double confidence = kDefaultConfidence);

// The sufficient statistics of one group's claims for the dollar measures, additive across
// claims, months and strata, so stored monthly aggregates can feed ExcessDeniedDollars.
struct DollarSums {
  int64_t claims = 0;
  int64_t denied_claims = 0;
  double charges = 0;                // Σx
  double denied_charges = 0;         // Σy (y = x when denied, else 0)
  double charge_squares = 0;         // Σx²
  double denied_charge_squares = 0;  // Σy² = Σxy
  void Add(double charge, bool denied);
  DollarSums& operator+=(const DollarSums& other);
};
// nullopt when a charge is negative or not finite.
std::optional<DollarSums> SumDollars(std::span<const ClaimCharge> claims);
// The same estimate from sums (the variance expands Σ(y - r·x)² into the sums above).
ExcessDollarsEstimate ExcessDeniedDollars(const DollarSums& group1, const DollarSums& group2,
                                          double confidence = kDefaultConfidence);

}  // namespace denialscope

#endif  // DENIALSCOPE_ANALYTICS_STATS_H_
