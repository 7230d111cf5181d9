// Implementation of the comparison statistics declared in stats.h. Everything is computed in
// doubles from counts; undefined values come back as nullopt so no NaN reaches the API.
#include "analytics/stats.h"

#include <math.h>  // lgamma_r

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>

namespace denialscope {
namespace {

constexpr int64_t kMinObservations = 30;
constexpr int64_t kMinEvents = 10;
constexpr double kSqrt2 = 1.41421356237309504880;
constexpr double kInvSqrt2Pi = 0.39894228040143267794;
// Fisher: tables this much more likely than the observed one still count as "as extreme",
// so that rounding in the log-probabilities cannot drop a tied table (R uses the same 1e-7).
constexpr double kFisherRelativeTolerance = 1e-7;

bool ValidCounts(int64_t x, int64_t n) { return n >= 0 && x >= 0 && x <= n; }

bool ValidConfidence(double confidence) { return confidence > 0 && confidence < 1; }

// log Γ(x) for x > 0. glibc's lgamma writes the global `signgam`, a data race in the threaded
// server; lgamma_r returns the sign through its argument instead.
double LogGamma(double x) {
  int sign = 0;
  return ::lgamma_r(x, &sign);
}

double LogChoose(int64_t n, int64_t k) {
  return LogGamma(static_cast<double>(n) + 1) - LogGamma(static_cast<double>(k) + 1) -
         LogGamma(static_cast<double>(n - k) + 1);
}

// The z with P(Z > z) = q, for q in (0, 0.5]. Start from Abramowitz & Stegun 26.2.23
// (|error| < 4.5e-4) and polish with Halley steps on Q(z) - q, where Q(z) = erfc(z/√2)/2 is
// accurate far into the tail; two or three steps reach double precision.
double UpperNormalQuantile(double q) {
  const double t = std::sqrt(-2.0 * std::log(q));
  double z = t - (2.515517 + t * (0.802853 + t * 0.010328)) /
                     (1.0 + t * (1.432788 + t * (0.189269 + t * 0.001308)));
  for (int i = 0; i < 8; ++i) {
    const double f = 0.5 * std::erfc(z / kSqrt2) - q;
    const double density = kInvSqrt2Pi * std::exp(-0.5 * z * z);
    const double u = f / density;  // the Newton step; Halley divides by 1 - z·u/2
    const double step = u / (1.0 - 0.5 * z * u);
    z += step;
    if (std::abs(step) <= 1e-15 * std::max(1.0, std::abs(z))) break;
  }
  return z;
}

}  // namespace

bool InsufficientData(int64_t n, int64_t events) {
  return n < kMinObservations || events < kMinEvents;
}

std::optional<double> InverseNormalCdf(double p) {
  if (!(p > 0 && p < 1)) return std::nullopt;
  if (p == 0.5) return 0.0;
  // Work in the tail nearer to p so the small probability keeps its precision.
  return p < 0.5 ? -UpperNormalQuantile(p) : UpperNormalQuantile(1.0 - p);
}

std::optional<double> TwoSidedZ(double confidence) {
  if (!ValidConfidence(confidence)) return std::nullopt;
  // Every interval of a report asks for the same confidence (a comparison hundreds of times)
  // and the quantile costs a few erfc and exp steps (a tenth of a comparison's statistics),
  // so each thread remembers its last answer. 0 is never a valid confidence.
  thread_local double last_confidence = 0;
  thread_local double last_z = 0;
  if (confidence != last_confidence) {
    last_z = UpperNormalQuantile(0.5 * (1.0 - confidence));
    last_confidence = confidence;
  }
  return last_z;
}

std::optional<double> RegularizedGammaQ(double a, double x) {
  if (!(a > 0) || !(x >= 0) || !std::isfinite(a) || std::isnan(x)) return std::nullopt;
  if (x == 0) return 1.0;
  if (std::isinf(x)) return 0.0;
  const double log_prefactor = a * std::log(x) - x - LogGamma(a);
  constexpr double kEpsilon = 1e-16;
  constexpr int kMaxIterations = 10000;
  if (x < a + 1) {
    // Below the mode the series for the lower function P converges fast; Q = 1 - P is not
    // small here, so the subtraction loses nothing that matters.
    double term = 1.0 / a;
    double sum = term;
    for (int n = 1; n < kMaxIterations; ++n) {
      term *= x / (a + n);
      sum += term;
      if (term < sum * kEpsilon) break;
    }
    return std::clamp(1.0 - sum * std::exp(log_prefactor), 0.0, 1.0);
  }
  // Above it, Q's continued fraction (Legendre), evaluated by the modified Lentz method,
  // keeps full relative precision even when Q is tiny.
  constexpr double kTiny = 1e-300;
  double b = x + 1.0 - a;
  double c = 1.0 / kTiny;
  double d = 1.0 / b;
  double h = d;
  for (int i = 1; i < kMaxIterations; ++i) {
    const double an = -i * (i - a);
    b += 2.0;
    d = an * d + b;
    if (std::abs(d) < kTiny) d = kTiny;
    c = b + an / c;
    if (std::abs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::abs(delta - 1.0) < kEpsilon) break;
  }
  return std::clamp(h * std::exp(log_prefactor), 0.0, 1.0);
}

std::optional<double> ChiSquareSurvival(double x, int df) {
  if (df < 1 || std::isnan(x)) return std::nullopt;
  if (x <= 0) return 1.0;
  // Closed forms for the common cases (1 df: every 2x2 test and the two-group log-rank).
  if (df == 1) return std::erfc(std::sqrt(0.5 * x));
  if (df == 2) return std::exp(-0.5 * x);
  return RegularizedGammaQ(0.5 * df, 0.5 * x);
}

IntervalEstimate WilsonInterval(int64_t x, int64_t n, double confidence) {
  IntervalEstimate result;
  result.confidence = confidence;
  result.insufficient_data = InsufficientData(n, x);
  const std::optional<double> z = TwoSidedZ(confidence);
  if (!ValidCounts(x, n) || n == 0 || !z) return result;
  const double xd = static_cast<double>(x);
  const double nd = static_cast<double>(n);
  const double z2 = *z * *z;
  const double center = (xd + 0.5 * z2) / (nd + z2);
  const double half_width = *z / (nd + z2) * std::sqrt(xd * (nd - xd) / nd + 0.25 * z2);
  result.estimate = xd / nd;
  // At x = 0 (x = n) the bound is exactly 0 (1); pin it so rounding cannot leave 1e-17.
  result.lower = x == 0 ? 0.0 : std::max(0.0, center - half_width);
  result.upper = x == n ? 1.0 : std::min(1.0, center + half_width);
  result.method = StatMethod::kWilsonScore;
  return result;
}

IntervalEstimate NewcombeDifference(int64_t x1, int64_t n1, int64_t x2, int64_t n2,
                                    double confidence) {
  IntervalEstimate result;
  result.confidence = confidence;
  result.insufficient_data = InsufficientData(n1, x1) || InsufficientData(n2, x2);
  const IntervalEstimate w1 = WilsonInterval(x1, n1, confidence);
  const IntervalEstimate w2 = WilsonInterval(x2, n2, confidence);
  if (!w1.estimate || !w2.estimate) return result;
  const double p1 = *w1.estimate;
  const double p2 = *w2.estimate;
  const double d = p1 - p2;
  // Newcombe (1998) method 10: each limit combines the distance from each proportion to the
  // Wilson limit on the side that moves the difference that way.
  result.estimate = d;
  result.lower = std::max(-1.0, d - std::hypot(p1 - *w1.lower, *w2.upper - p2));
  result.upper = std::min(1.0, d + std::hypot(*w1.upper - p1, p2 - *w2.lower));
  result.method = StatMethod::kNewcombeHybridScore;
  return result;
}

RiskRatioEstimate KatzRiskRatio(int64_t x1, int64_t n1, int64_t x2, int64_t n2, double confidence) {
  RiskRatioEstimate result;
  result.confidence = confidence;
  result.insufficient_data = InsufficientData(n1, x1) || InsufficientData(n2, x2);
  const std::optional<double> z = TwoSidedZ(confidence);
  if (!ValidCounts(x1, n1) || !ValidCounts(x2, n2) || n1 == 0 || n2 == 0 || !z) return result;
  if (x1 == 0 && x2 == 0) return result;  // 0 / 0: no ratio to estimate
  double a = static_cast<double>(x1);
  double m1 = static_cast<double>(n1);
  double c = static_cast<double>(x2);
  double m2 = static_cast<double>(n2);
  result.method = StatMethod::kKatzLog;
  if (x1 == 0 || x2 == 0) {
    // Haldane–Anscombe: add 0.5 to each of the four cells, so each group gains one trial.
    a += 0.5;
    c += 0.5;
    m1 += 1;
    m2 += 1;
    result.continuity_corrected = true;
    result.method = StatMethod::kKatzLogHalfCorrected;
  }
  const double ratio = (a / m1) / (c / m2);
  const double se = std::sqrt(std::max(0.0, 1 / a - 1 / m1 + 1 / c - 1 / m2));
  result.estimate = ratio;
  result.lower = ratio * std::exp(-*z * se);
  result.upper = ratio * std::exp(*z * se);
  result.strata_used = 1;
  return result;
}

RiskRatioEstimate MantelHaenszelRiskRatio(std::span<const RiskStratum> strata, double confidence) {
  RiskRatioEstimate result;
  result.confidence = confidence;
  const std::optional<double> z = TwoSidedZ(confidence);
  double numerator = 0;     // R = Σ x1·n2 / N
  double denominator = 0;   // S = Σ x2·n1 / N
  double variance_sum = 0;  // Σ (n1·n2·(x1 + x2) - x1·x2·N) / N²
  int64_t total_x1 = 0, total_n1 = 0, total_x2 = 0, total_n2 = 0;
  bool valid = z.has_value();
  for (const RiskStratum& s : strata) {
    if (!ValidCounts(s.x1, s.n1) || !ValidCounts(s.x2, s.n2)) valid = false;
    // A stratum without one of the groups carries no within-stratum comparison; every term
    // below would be 0 for it anyway.
    if (s.n1 == 0 || s.n2 == 0) continue;
    const double x1 = static_cast<double>(s.x1);
    const double n1 = static_cast<double>(s.n1);
    const double x2 = static_cast<double>(s.x2);
    const double n2 = static_cast<double>(s.n2);
    const double n = n1 + n2;
    numerator += x1 * n2 / n;
    denominator += x2 * n1 / n;
    variance_sum += (n1 * n2 * (x1 + x2) - x1 * x2 * n) / (n * n);
    total_x1 += s.x1;
    total_n1 += s.n1;
    total_x2 += s.x2;
    total_n2 += s.n2;
    ++result.strata_used;
  }
  result.insufficient_data =
      InsufficientData(total_n1, total_x1) || InsufficientData(total_n2, total_x2);
  if (!valid) {
    result.strata_used = 0;
    return result;
  }
  if (result.strata_used == 0 || denominator <= 0) return result;
  result.method = StatMethod::kMantelHaenszelGreenlandRobins;
  result.estimate = numerator / denominator;
  if (numerator <= 0) return result;  // RR = 0: its log, hence the interval, is undefined
  // Greenland & Robins (1985): Var(ln RR_MH) = Σ(...) / (R·S).
  const double se = std::sqrt(std::max(0.0, variance_sum / (numerator * denominator)));
  result.lower = *result.estimate * std::exp(-*z * se);
  result.upper = *result.estimate * std::exp(*z * se);
  return result;
}

TestResult PearsonChiSquare2x2(int64_t x1, int64_t n1, int64_t x2, int64_t n2) {
  TestResult result;
  result.insufficient_data = InsufficientData(n1, x1) || InsufficientData(n2, x2);
  if (!ValidCounts(x1, n1) || !ValidCounts(x2, n2)) return result;
  const double r1 = static_cast<double>(n1);
  const double r2 = static_cast<double>(n2);
  const double c1 = static_cast<double>(x1 + x2);
  const double c2 = static_cast<double>((n1 - x1) + (n2 - x2));
  const double n = r1 + r2;
  if (n == 0) return result;
  const double e11 = r1 * c1 / n;
  const double e12 = r1 * c2 / n;
  const double e21 = r2 * c1 / n;
  const double e22 = r2 * c2 / n;
  result.min_expected = std::min({e11, e12, e21, e22});
  if (*result.min_expected <= 0) return result;  // an empty margin: no association to test
  // With fixed margins every cell is off its expectation by the same amount.
  const double deviation = static_cast<double>(x1) - e11;
  const double statistic = deviation * deviation * (1 / e11 + 1 / e12 + 1 / e21 + 1 / e22);
  result.statistic = statistic;
  result.degrees_of_freedom = 1;
  result.p_value = ChiSquareSurvival(statistic, 1);
  result.method = StatMethod::kPearsonChiSquare;
  return result;
}

TestResult FisherExact2x2(int64_t x1, int64_t n1, int64_t x2, int64_t n2) {
  TestResult result;
  result.insufficient_data = InsufficientData(n1, x1) || InsufficientData(n2, x2);
  if (!ValidCounts(x1, n1) || !ValidCounts(x2, n2) || n1 == 0 || n2 == 0) return result;
  const int64_t events = x1 + x2;
  const int64_t n = n1 + n2;
  const double dn = static_cast<double>(n);
  result.min_expected = std::min({static_cast<double>(n1), static_cast<double>(n2)}) *
                        std::min(static_cast<double>(events), static_cast<double>(n - events)) / dn;
  // Given the margins, x1 is hypergeometric on [lo, hi].
  const int64_t lo = std::max<int64_t>(0, events - n2);
  const int64_t hi = std::min(n1, events);
  const double log_total = LogChoose(n, events);
  auto log_probability = [&](int64_t k) {
    return LogChoose(n1, k) + LogChoose(n2, events - k) - log_total;
  };
  const double cutoff = log_probability(x1) + std::log1p(kFisherRelativeTolerance);
  double p = 0;
  for (int64_t k = lo; k <= hi; ++k) {
    const double lp = log_probability(k);
    if (lp <= cutoff) p += std::exp(lp);
  }
  result.p_value = std::min(1.0, p);
  result.method = StatMethod::kFisherExact;
  return result;
}

TestResult CompareProportions(int64_t x1, int64_t n1, int64_t x2, int64_t n2) {
  TestResult pearson = PearsonChiSquare2x2(x1, n1, x2, n2);
  if (pearson.p_value && pearson.min_expected && *pearson.min_expected >= 5) return pearson;
  // Expected cells below 5 (including an empty margin, where Fisher's p is 1).
  TestResult fisher = FisherExact2x2(x1, n1, x2, n2);
  return fisher;
}

RateComparison CompareRates(int64_t x1, int64_t n1, int64_t x2, int64_t n2, double confidence) {
  RateComparison result;
  result.rate1 = WilsonInterval(x1, n1, confidence);
  result.rate2 = WilsonInterval(x2, n2, confidence);
  result.difference = NewcombeDifference(x1, n1, x2, n2, confidence);
  result.risk_ratio = KatzRiskRatio(x1, n1, x2, n2, confidence);
  result.test = CompareProportions(x1, n1, x2, n2);
  result.insufficient_data = InsufficientData(n1, x1) || InsufficientData(n2, x2);
  return result;
}

namespace {

// Ratio-estimator variance of Σy / Σx from sufficient statistics: with y = x when denied and
// 0 otherwise, Σ(y - r·x)² = Σy²·(1 - 2r) + r²·Σx², since Σy² = Σxy.
std::optional<double> RateVariance(const DollarSums& sums, double rate) {
  if (sums.claims < 2) return std::nullopt;
  const double residual_squares = std::max(
      0.0, sums.denied_charge_squares * (1 - 2 * rate) + rate * rate * sums.charge_squares);
  const double n = static_cast<double>(sums.claims);
  return n / (n - 1) * residual_squares / (sums.charges * sums.charges);
}

bool ValidSums(const DollarSums& sums) {
  return sums.claims >= 0 && sums.denied_claims >= 0 && sums.denied_claims <= sums.claims &&
         std::isfinite(sums.charges) && sums.charges >= 0 && std::isfinite(sums.denied_charges) &&
         sums.denied_charges >= 0 && sums.denied_charges <= sums.charges * (1 + 1e-12) &&
         std::isfinite(sums.charge_squares) && std::isfinite(sums.denied_charge_squares);
}

}  // namespace

std::optional<DollarSums> SumDollars(std::span<const ClaimCharge> claims) {
  DollarSums sums;
  for (const ClaimCharge& claim : claims) {
    if (!std::isfinite(claim.charge) || claim.charge < 0) return std::nullopt;
    sums.Add(claim.charge, claim.denied);
  }
  return sums;
}

void DollarSums::Add(double charge, bool denied) {
  ++claims;
  charges += charge;
  charge_squares += charge * charge;
  if (denied) {
    ++denied_claims;
    denied_charges += charge;
    denied_charge_squares += charge * charge;
  }
}

DollarSums& DollarSums::operator+=(const DollarSums& other) {
  claims += other.claims;
  denied_claims += other.denied_claims;
  charges += other.charges;
  denied_charges += other.denied_charges;
  charge_squares += other.charge_squares;
  denied_charge_squares += other.denied_charge_squares;
  return *this;
}

ExcessDollarsEstimate ExcessDeniedDollars(std::span<const ClaimCharge> group1,
                                          std::span<const ClaimCharge> group2, double confidence) {
  const std::optional<DollarSums> sums1 = SumDollars(group1);
  const std::optional<DollarSums> sums2 = SumDollars(group2);
  if (!sums1 || !sums2) {
    ExcessDollarsEstimate result;
    result.confidence = confidence;
    return result;
  }
  return ExcessDeniedDollars(*sums1, *sums2, confidence);
}

ExcessDollarsEstimate ExcessDeniedDollars(const DollarSums& group1, const DollarSums& group2,
                                          double confidence) {
  ExcessDollarsEstimate result;
  result.confidence = confidence;
  if (!ValidSums(group1) || !ValidSums(group2)) return result;
  result.insufficient_data = InsufficientData(group1.claims, group1.denied_claims) ||
                             InsufficientData(group2.claims, group2.denied_claims);
  result.denied_charges1 = group1.denied_charges;
  result.charges1 = group1.charges;
  std::optional<double> variance1, variance2;
  if (group1.charges > 0) {
    result.rate1 = group1.denied_charges / group1.charges;
    variance1 = RateVariance(group1, *result.rate1);
  }
  if (group2.charges > 0) {
    result.rate2 = group2.denied_charges / group2.charges;
    variance2 = RateVariance(group2, *result.rate2);
  }
  if (!result.rate2) return result;  // no reference rate to compare with
  result.estimate = group1.denied_charges - group1.charges * *result.rate2;
  result.method = StatMethod::kDeltaMethodRatio;
  const std::optional<double> z = TwoSidedZ(confidence);
  if (!z || !variance1 || !variance2) return result;
  const double se = group1.charges * std::sqrt(*variance1 + *variance2);
  result.lower = std::max(-group1.charges, *result.estimate - *z * se);
  result.upper = std::min(group1.charges, *result.estimate + *z * se);
  return result;
}

}  // namespace denialscope
