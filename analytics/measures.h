// The measures of DESIGN §1 (HFMA names) as pure functions. Each claim is derived once into a
// flat ClaimFacts row (what storage persists per claim); everything else aggregates facts:
// per cohort for one period (CohortMeasures), or per month into additive rows
// (MonthlyAggregate) that can be summed into any period. No clock: the as-of date is passed in.
//
// Additivity: every field of MeasureCounts is a count or a sum, so counts of months add up to
// the counts of their union and every Ratio (rate, paid-to-charge, mean lag) can be rebuilt
// from summed counts. Medians, p90s and the Kaplan–Meier curve are not additive: they need
// the per-claim facts (ClaimFacts::survival_days and friends) of the whole period.
#ifndef DENIALSCOPE_ANALYTICS_MEASURES_H_
#define DENIALSCOPE_ANALYTICS_MEASURES_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "analytics/code_lists.h"
#include "analytics/kaplan_meier.h"
#include "analytics/records.h"
#include "analytics/summary.h"
#include "analytics/taxonomy.h"

namespace denialscope {

// Which month a claim belongs to.
enum class PeriodBasis {
  kServiceMonth,       // the month of its date of service (default)
  kAdjudicationMonth,  // the month of its initial adjudication; unadjudicated claims have none
};

// Inclusive month range; an absent bound is open.
struct MonthRange {
  std::optional<absl::CivilMonth> first = {};
  std::optional<absl::CivilMonth> last = {};
};

// Empty lists match everything; otherwise a claim must match one value of every non-empty list.
// (The `= {}` lets callers name only the filters they set: {.payer_ids = {"X"}}.)
struct MeasureFilters {
  std::vector<std::string> payer_ids = {};
  std::vector<std::string> procedure_families = {};  // ProcedureFamily ids ("em", ...)
  std::vector<std::string> rendering_npis = {};
  std::vector<std::string> places_of_service = {};
};

struct MeasureSelection {
  PeriodBasis basis = PeriodBasis::kServiceMonth;
  MonthRange months = {};
  MeasureFilters filters = {};
};

// A/R aging buckets by days since the date of service as of the as-of date.
enum class AgingBucket : int {
  kNotOpen = -1,
  k0To30 = 0,
  k31To60 = 1,
  k61To90 = 2,
  k91To120 = 3,
  kOver120 = 4,
};
inline constexpr int kAgingBucketCount = 5;
AgingBucket AgingBucketForDays(int days);              // days < 0 -> kNotOpen
std::string_view AgingBucketName(AgingBucket bucket);  // "0-30", ..., ">120"

// The prompt-pay windows DESIGN names, in days from receipt.
inline constexpr std::array<int, 3> kPromptPayDays = {30, 45, 60};
// A claim enters prompt-pay shares only when it was received at least this many days before
// the as-of date, so every window is fully observed and no censoring correction is needed.
inline constexpr int kPromptPayMinimumAge = 60;

// Everything the measures know about one claim as of a date: flat and stable, because the SQL
// layer persists one row of it per claim. Day differences are clamped at 0 (a date before the
// service date or before receipt is bad data, not a negative time).
struct ClaimFacts {
  Day as_of;

  // What the claim is and who it is about.
  std::string claim_id;
  std::string payer_id;
  Cohort cohort = Cohort::kNonCervical;
  std::string diagnosis_family;  // specific family id ("disc"); empty otherwise
  std::string diagnosis_code;    // the diagnosis that decided the cohort (no dot)
  std::string procedure_family;  // of the highest-charge line (ProcedureFamilies::FamilyOfClaim)
  std::string procedure_code;    // the highest-charge line's code
  std::string rendering_npi;     // the claim's, else the highest-charge line's
  std::string place_of_service;
  bool replacement = false;  // frequency code 7: a resubmission, never clean
  // For the worklist: every line's procedure code in line order, and the claim's current
  // diagnoses (no dot, principal first).
  std::vector<std::string> procedure_codes = {};
  std::vector<std::string> diagnoses = {};

  // Dates.
  Day service_date;                    // earliest service-line date
  std::optional<Day> submission_date;  // BHT04
  // The payer's receipt: the earliest DTM*050 among events on or before as-of, else the
  // submission date.
  std::optional<Day> received_date;
  std::optional<Day> initial_adjudication_date;  // of the initial outcome event
  std::optional<Day> final_adjudication_date;    // of the latest outcome event
  std::optional<Day> first_payment_date;         // first payment > 0, only when <= as-of

  // Outcome (denial.h's DeriveOutcome; events after as-of do not exist yet).
  bool served = false;       // service date <= as-of
  bool adjudicated = false;  // an outcome event on or before as-of
  bool initially_denied = false;
  bool finally_denied = false;
  bool initial_partial_denial = false;  // initial outcome paid, >= 1 line denied on it
  bool final_partial_denial = false;    // net paid > 0, >= 1 line finally denied
  bool overturned = false;              // initially denied, net paid > 0
  // First pass: the initial outcome paid > 0 with no denied line, no CO/OA/PI adjustment other
  // than a contractual one (CARC category contractual: 45, 253 sequestration, ...), no later
  // event of any kind, and the claim is not a replacement.
  bool clean = false;
  bool paid = false;  // first_payment_date is set
  // Open A/R: served, and neither paid (net paid > 0), nor finally denied, nor closed by a
  // zero-pay adjudication that is only patient responsibility or contractual. Open claims are
  // the unanswered ones, those with only duplicate-claim denials, and those whose payment was
  // reversed with no new outcome yet.
  bool open = false;
  AgingBucket aging_bucket = AgingBucket::kNotOpen;

  // Money. Claim charge is CLM02 (the sum of the lines when 0); line charges are the lines'.
  Cents charge_cents = 0;
  Cents net_paid_cents = 0;  // every event on or before as-of, reversals netted
  int line_count = 0;
  Cents line_charge_cents = 0;
  int initially_denied_lines = 0;  // on the initial outcome event (all lines if it denied)
  Cents initially_denied_line_charge_cents = 0;
  int finally_denied_lines = 0;  // denied on the latest outcome event and net paid <= 0
  Cents finally_denied_line_charge_cents = 0;
  int overturned_lines = 0;  // initially denied lines not finally denied, claim paid
  Cents overturned_line_charge_cents = 0;

  // Times in days.
  std::optional<int> submission_lag_days;  // submitted - served
  std::optional<int> turnaround_days;      // initial adjudication - received
  std::optional<int> days_to_payment;      // first payment - served, when paid
  // Kaplan–Meier time: days_to_payment when paid, else as-of - served (censored). Only
  // meaningful when served.
  int survival_days = 0;
  std::optional<int> receipt_to_payment_days;
  std::optional<int> receipt_to_adjudication_days;
  int days_since_receipt = -1;  // as-of - received; -1 without a receipt date

  // Why (valid when initially denied or partially denied on the initial event; category
  // other with empty CARC otherwise).
  DenialCategory initial_denial_category = DenialCategory::kOther;
  std::string initial_denial_carc;
  std::string initial_denial_rarc;
  DenialCategory final_denial_category = DenialCategory::kOther;  // when finally denied
  std::string final_denial_carc;
  std::string final_denial_rarc;
};

// The code lists the facts are derived with (borrowed: they must outlive the context).
struct MeasureContext {
  const CohortTaxonomy& taxonomy;
  const CodeLists& code_lists;
  const ProcedureFamilies& procedure_families;
  CohortRule rule = CohortRule::kPrincipal;
};

ClaimFacts ComputeClaimFacts(const ClaimHistory& history, Day as_of, const MeasureContext& context);
// One row per claim; voided claims (frequency 8) leave every measure and get no row.
std::vector<ClaimFacts> ComputeAllClaimFacts(const std::vector<ClaimHistory>& histories, Day as_of,
                                             const MeasureContext& context);

// The month a claim counts in under `basis`; nullopt for an unadjudicated claim by
// adjudication month.
std::optional<absl::CivilMonth> PeriodMonth(const ClaimFacts& facts, PeriodBasis basis);
bool MatchesFilters(const ClaimFacts& facts, const MeasureFilters& filters);
bool InSelection(const ClaimFacts& facts, const MeasureSelection& selection);

// The groups a claim is counted in: nonspecific; or specific and its family; or non-cervical.
std::vector<std::pair<SummaryGroup, std::string>> GroupsOf(const ClaimFacts& facts);

// Additive counts of one group (all sums and counts; see the file comment). Claim-grain
// dollar numerators use the claim's charge, line-grain ones the line's charge.
struct MeasureCounts {
  int64_t claims = 0;  // selected (a service date after as-of still counts here)
  Cents charge_cents = 0;
  int64_t adjudicated = 0;  // the denominator of every claim-grain rate
  Cents adjudicated_charge_cents = 0;
  int64_t adjudicated_lines = 0;  // lines of adjudicated claims: line-grain denominators
  Cents adjudicated_line_charge_cents = 0;

  int64_t initially_denied = 0;
  Cents initially_denied_charge_cents = 0;
  int64_t initially_denied_lines = 0;
  Cents initially_denied_line_charge_cents = 0;
  int64_t finally_denied = 0;
  Cents finally_denied_charge_cents = 0;  // denial write-off, claim grain
  int64_t finally_denied_lines = 0;
  Cents finally_denied_line_charge_cents = 0;  // denial write-off, line grain
  int64_t initial_partial_denials = 0;
  Cents initial_partial_denial_charge_cents = 0;
  int64_t initial_partial_denied_lines = 0;  // denied lines of initially paid claims
  Cents initial_partial_denied_line_charge_cents = 0;
  int64_t final_partial_denials = 0;
  Cents final_partial_denial_charge_cents = 0;
  int64_t final_partial_denied_lines = 0;
  Cents final_partial_denied_line_charge_cents = 0;
  int64_t overturned = 0;
  Cents overturned_charge_cents = 0;
  int64_t overturned_lines = 0;
  Cents overturned_line_charge_cents = 0;
  int64_t clean = 0;
  Cents clean_charge_cents = 0;
  Cents net_paid_cents = 0;  // over adjudicated claims

  // Timing.
  int64_t served = 0;         // service date <= as-of: the Kaplan–Meier population
  int64_t paid = 0;           // of those, paid by as-of
  int64_t paid_days_sum = 0;  // days to payment over paid claims (the biased vendor mean)
  int64_t submission_lag_count = 0;
  int64_t submission_lag_days_sum = 0;
  int64_t turnaround_count = 0;
  int64_t turnaround_days_sum = 0;

  // Prompt pay: claims received >= kPromptPayMinimumAge days before as-of.
  int64_t prompt_pay_received = 0;
  // Of those, the ones a payment was owed on: not finally denied and not closed by a zero-pay
  // patient-responsibility adjudication.
  int64_t prompt_pay_owed = 0;
  std::array<int64_t, kPromptPayDays.size()> paid_within{};         // of owed
  std::array<int64_t, kPromptPayDays.size()> adjudicated_within{};  // of received

  // A/R aging of open claims.
  int64_t open = 0;
  Cents open_charge_cents = 0;
  std::array<int64_t, kAgingBucketCount> open_by_bucket{};
  std::array<Cents, kAgingBucketCount> open_charge_by_bucket_cents{};

  void Add(const ClaimFacts& facts);
  MeasureCounts& operator+=(const MeasureCounts& other);
};

// Rates rebuilt from counts, numerator and denominator kept apart for the intervals.
struct MeasureRates {
  Ratio initial_denial_by_count;
  Ratio initial_denial_by_dollars;
  Ratio initial_line_denial_by_count;
  Ratio initial_line_denial_by_dollars;
  Ratio final_denial_by_count;
  Ratio final_denial_by_dollars;
  Ratio final_line_denial_by_count;
  Ratio final_line_denial_by_dollars;
  Ratio initial_partial_denial_by_count;  // / adjudicated claims
  Ratio initial_partial_denial_by_dollars;
  Ratio initial_partial_line_denial_by_count;  // denied lines of paid claims / lines
  Ratio initial_partial_line_denial_by_dollars;
  Ratio final_partial_denial_by_count;
  Ratio final_partial_denial_by_dollars;
  Ratio final_partial_line_denial_by_count;
  Ratio final_partial_line_denial_by_dollars;
  Ratio overturn_by_count;  // / initially denied claims
  Ratio overturn_by_dollars;
  Ratio overturn_line_by_count;  // / initially denied lines
  Ratio overturn_line_by_dollars;
  Ratio clean_claim_by_count;  // claim grain only: first pass is a claim's property
  Ratio clean_claim_by_dollars;
  Ratio paid_to_charge;      // net paid / adjudicated charges
  Ratio paid_per_encounter;  // net paid cents / adjudicated claims
  Ratio mean_submission_lag_days;
  Ratio mean_turnaround_days;
  Ratio mean_days_to_payment_paid_only;  // biased (ignores unpaid claims); for comparison
  std::array<Ratio, kPromptPayDays.size()> prompt_paid_within;         // / owed
  std::array<Ratio, kPromptPayDays.size()> prompt_adjudicated_within;  // / received
};

MeasureRates RatesFromCounts(const MeasureCounts& counts);

// A distribution of whole days. Quantiles interpolate linearly between order statistics
// (the "type 7" definition: position (n - 1)·p), so the median of an even count is the mean of
// the middle two.
struct DayDistribution {
  int64_t n = 0;
  std::optional<double> mean;
  std::optional<double> median;
  std::optional<double> p90;
};
DayDistribution DistributionOf(std::vector<int> days);

struct CohortMeasures {
  SummaryGroup group = SummaryGroup::kNonCervical;
  std::string family;  // for kFamily
  std::string display_name;
  MeasureCounts counts;
  MeasureRates rates;
  DayDistribution submission_lag;
  DayDistribution turnaround;
  // Days to payment: Kaplan–Meier over served claims, unpaid ones censored at as-of.
  SurvivalCurve days_to_payment;
  std::optional<int> median_days_to_payment;  // nullopt when S never reaches 0.5
  std::optional<int> p90_days_to_payment;
  std::array<double, kPromptPayDays.size()> share_paid_by_day{};  // KM: 1 - S(30/45/60)
};

// Groups in the order nonspecific, specific, each taxonomy family, non-cervical — as
// ComputeDenialSummary. Facts outside `selection` are skipped.
std::vector<CohortMeasures> AggregateMeasures(const std::vector<ClaimFacts>& facts,
                                              const MeasureSelection& selection,
                                              const CohortTaxonomy& taxonomy);
// Facts and aggregation in one call.
std::vector<CohortMeasures> ComputeMeasures(const std::vector<ClaimHistory>& histories, Day as_of,
                                            const MeasureSelection& selection,
                                            const MeasureContext& context);

// One additive row: the counts of one group in one month.
struct MonthlyAggregate {
  absl::CivilMonth month;
  PeriodBasis basis = PeriodBasis::kServiceMonth;
  SummaryGroup group = SummaryGroup::kNonCervical;
  std::string family;  // for kFamily
  MeasureCounts counts;
};

// Rows for every month that has a selected claim, sorted by month, then in the group order of
// AggregateMeasures; groups without claims in a month get no row. Under kAdjudicationMonth
// unadjudicated claims (open A/R, unanswered) belong to no month and are left out.
std::vector<MonthlyAggregate> AggregateByMonth(const std::vector<ClaimFacts>& facts,
                                               PeriodBasis basis, const MeasureFilters& filters,
                                               const CohortTaxonomy& taxonomy);

}  // namespace denialscope

#endif  // DENIALSCOPE_ANALYTICS_MEASURES_H_
