// The answers of the analytics API computed from fact cells (fact_cells.h): the M54.2-vs-
// specific comparison (raw and Mantel–Haenszel adjusted), trends by month, denial reasons,
// payment timelines, and the worklist rule. Whether the cells came from stored aggregates or
// were summed from per-claim facts just now, the same functions answer, so the stored and raw
// paths cannot drift apart.
#ifndef DENIALSCOPE_ANALYTICS_COHORT_REPORT_H_
#define DENIALSCOPE_ANALYTICS_COHORT_REPORT_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/civil_time.h"
#include "analytics/fact_cells.h"
#include "analytics/measures.h"
#include "analytics/stats.h"
#include "analytics/summary.h"
#include "analytics/survival_stats.h"
#include "analytics/taxonomy.h"

namespace denialscope {

// The measures a trend or a comparison can name (DESIGN §1, HFMA names).
enum class MeasureId {
  kInitialDenialRate,
  kInitialDenialRateDollars,
  kFinalDenialRate,
  kFinalDenialRateDollars,
  kInitialLineDenialRate,
  kInitialLineDenialRateDollars,
  kFinalLineDenialRate,
  kFinalLineDenialRateDollars,
  kPartialDenialRate,
  kPartialDenialRateDollars,
  kFinalPartialDenialRate,
  kOverturnRate,
  kOverturnRateDollars,
  kCleanClaimRate,
  kCleanClaimRateDollars,
  kDenialWriteOffCents,
  kPaidToCharge,
  kPaidPerEncounterCents,
  kMeanSubmissionLagDays,
  kMeanTurnaroundDays,
  kMeanDaysToPaymentPaidOnly,
  kClaims,
};

struct MeasureInfo {
  MeasureId id;
  std::string_view name;  // "initial_denial_rate", ...
  // A share of countable units (claims or lines): it gets a Wilson interval, and the
  // comparison tests it. Dollar ratios, sums and means are reported without one.
  bool proportion;
};
const std::vector<MeasureInfo>& AllMeasures();
const MeasureInfo& InfoOf(MeasureId id);
// The value of a measure over summed counts, as numerator / denominator.
Ratio MeasureRatio(MeasureId id, const MeasureCounts& counts);

// A row group of every report: M54.2, all specific, each specific family, non-cervical.
struct ReportGroup {
  SummaryGroup group = SummaryGroup::kNonCervical;
  std::string family;  // for kFamily
  std::string display_name;
};
std::vector<ReportGroup> ReportGroups(const CohortTaxonomy& taxonomy);
bool LeafInGroup(const CohortLeaf& leaf, const ReportGroup& group);

// --- CompareCohorts -------------------------------------------------------------------------

struct MeasureComparison {
  MeasureId measure;
  int64_t x1 = 0, n1 = 0;  // M54.2
  int64_t x2 = 0, n2 = 0;  // reference
  RateComparison raw;            // Wilson, Newcombe, Katz, chi-square or Fisher
  RiskRatioEstimate adjusted;    // Mantel–Haenszel over payer × procedure-family strata
};

struct CohortComparison {
  ReportGroup reference;  // specific, or one family
  MeasureCounts reference_counts;
  std::vector<MeasureComparison> measures;  // every proportion of AllMeasures, in order
  // Excess denied dollars of M54.2 at the reference's dollar denial rate, initial and final.
  ExcessDollarsEstimate excess_initial;
  ExcessDollarsEstimate excess_final;
};

struct ComparisonReport {
  ReportGroup nonspecific;
  MeasureCounts nonspecific_counts;
  std::vector<CohortComparison> comparisons;  // specific first, then each family
  int strata = 0;  // payer × procedure-family strata with any claim
};

ComparisonReport CompareCohortCells(const std::vector<CountCell>& cells,
                                    const CohortTaxonomy& taxonomy,
                                    double confidence = kDefaultConfidence);

// --- GetTrend -------------------------------------------------------------------------------

struct TrendPoint {
  absl::CivilMonth month;
  Ratio value;
  IntervalEstimate interval;  // Wilson for proportions; method kNone otherwise
};
struct TrendSeries {
  ReportGroup group;
  std::vector<TrendPoint> points;  // every month of [first, last], empty months included
};
std::vector<TrendSeries> ComputeTrend(const std::vector<CountCell>& cells, MeasureId measure,
                                      absl::CivilMonth first, absl::CivilMonth last,
                                      const CohortTaxonomy& taxonomy,
                                      double confidence = kDefaultConfidence);

// --- ListDenialReasons ------------------------------------------------------------------------

struct ReasonCount {
  std::string code;  // CARC or RARC; empty for "none"
  int64_t claims = 0;
  Cents charge_cents = 0;
  std::vector<ReasonCount> children;  // a CARC's RARCs
};
struct CategoryCount {
  DenialCategory category = DenialCategory::kOther;
  int64_t claims = 0;
  Cents charge_cents = 0;
  std::vector<ReasonCount> carcs;  // by claims desc, then code
};
struct ReasonBreakdown {
  ReportGroup group;
  int64_t denied_claims = 0;
  Cents denied_charge_cents = 0;
  std::vector<CategoryCount> categories;  // by claims desc, then category
};
std::vector<ReasonBreakdown> DenialReasons(const std::vector<ReasonCell>& cells,
                                           DenialStage stage, const CohortTaxonomy& taxonomy);

// --- GetPaymentTimeline -----------------------------------------------------------------------

struct CohortTimeline {
  ReportGroup group;
  SurvivalCurve curve;                   // days from service to first payment, censored
  std::vector<SurvivalInterval> bands;   // per step of the curve
  QuantileEstimate median;
  QuantileEstimate p90;
  std::array<SurvivalInterval, kPromptPayDays.size()> unpaid_at{};  // S at day 30/45/60
  int64_t open = 0;
  Cents open_charge_cents = 0;
  std::array<int64_t, kAgingBucketCount> open_by_bucket{};
  std::array<Cents, kAgingBucketCount> open_charge_by_bucket_cents{};
  int64_t prompt_pay_received = 0;
  int64_t prompt_pay_owed = 0;
  std::array<int64_t, kPromptPayDays.size()> paid_within_claims{};
  std::array<int64_t, kPromptPayDays.size()> adjudicated_within_claims{};
  std::array<IntervalEstimate, kPromptPayDays.size()> paid_within{};         // / owed
  std::array<IntervalEstimate, kPromptPayDays.size()> adjudicated_within{};  // / received
};
struct TimelineReport {
  std::vector<CohortTimeline> cohorts;  // in ReportGroups order
  LogRankResult nonspecific_vs_specific;
};
TimelineReport PaymentTimeline(const std::vector<TimeCell>& times,
                               const std::vector<ReceiptCell>& receipts, Day as_of,
                               const CohortTaxonomy& taxonomy,
                               double confidence = kDefaultConfidence);

// --- ListDeniedClaims -------------------------------------------------------------------------

// What a coder could fix: an M54.2 claim finally denied for diagnosis coding or medical
// necessity (a more specific code would likely have been paid).
bool LikelyFixableByRecoding(const ClaimFacts& facts);

struct WorklistFilter {
  std::vector<Cohort> cohorts = {};                // empty: all
  std::vector<DenialCategory> categories = {};     // of the final denial; empty: all
  std::vector<std::string> carcs = {};             // of the final denial; empty: all
};
// Where a page starts: after this (charge, payer, claim) in worklist order.
struct WorklistPosition {
  Cents charge_cents = 0;
  std::string payer_id;
  std::string claim_id;
};
bool MatchesWorklist(const ClaimFacts& facts, const WorklistFilter& filter);
// Worklist order: charge descending, then payer id and claim id ascending.
bool WorklistBefore(const ClaimFacts& a, const ClaimFacts& b);
bool AfterPosition(const ClaimFacts& facts, const WorklistPosition& position);
// The worklist page from facts in memory (the raw path): finally denied claims of the
// selection matching the filter, after `after`, at most `limit` of them.
std::vector<ClaimFacts> WorklistPage(std::vector<ClaimFacts> facts,
                                     const MeasureSelection& selection,
                                     const WorklistFilter& filter,
                                     const std::optional<WorklistPosition>& after, int limit);

}  // namespace denialscope

#endif  // DENIALSCOPE_ANALYTICS_COHORT_REPORT_H_
