// Report computations over fact cells; see cohort_report.h.
#include "analytics/cohort_report.h"

#include <algorithm>
#include <map>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace denialscope {
namespace {

constexpr std::string_view kSpecificName = "Specific cervical diagnoses (all families)";
constexpr std::string_view kNonCervicalName = "Outside the neck-pain cohort";
const Day kEpoch(1970, 1, 1);

Ratio R(double numerator, double denominator) { return Ratio{numerator, denominator}; }

template <typename Cell>
std::vector<const Cell*> CellsOf(const std::vector<Cell>& cells, const ReportGroup& group) {
  std::vector<const Cell*> out;
  for (const Cell& cell : cells) {
    if (LeafInGroup(cell.leaf, group)) out.push_back(&cell);
  }
  return out;
}

DollarSums Dollars(const MeasureCounts& counts, const ChargeSquares& squares, bool final) {
  DollarSums sums;
  sums.claims = counts.adjudicated;
  sums.charges = static_cast<double>(counts.adjudicated_charge_cents);
  sums.charge_squares = squares.adjudicated;
  sums.denied_claims = final ? counts.finally_denied : counts.initially_denied;
  sums.denied_charges = static_cast<double>(final ? counts.finally_denied_charge_cents
                                                  : counts.initially_denied_charge_cents);
  sums.denied_charge_squares = final ? squares.finally_denied : squares.initially_denied;
  return sums;
}

void AddSquares(ChargeSquares& total, const ChargeSquares& more) {
  total.adjudicated += more.adjudicated;
  total.initially_denied += more.initially_denied;
  total.finally_denied += more.finally_denied;
}

int64_t Whole(double value) { return static_cast<int64_t>(value + (value >= 0 ? 0.5 : -0.5)); }

}  // namespace

const std::vector<MeasureInfo>& AllMeasures() {
  static const std::vector<MeasureInfo> kMeasures = {
      {MeasureId::kInitialDenialRate, "initial_denial_rate", true},
      {MeasureId::kInitialDenialRateDollars, "initial_denial_rate_dollars", false},
      {MeasureId::kFinalDenialRate, "final_denial_rate", true},
      {MeasureId::kFinalDenialRateDollars, "final_denial_rate_dollars", false},
      {MeasureId::kInitialLineDenialRate, "initial_line_denial_rate", true},
      {MeasureId::kInitialLineDenialRateDollars, "initial_line_denial_rate_dollars", false},
      {MeasureId::kFinalLineDenialRate, "final_line_denial_rate", true},
      {MeasureId::kFinalLineDenialRateDollars, "final_line_denial_rate_dollars", false},
      {MeasureId::kPartialDenialRate, "partial_denial_rate", true},
      {MeasureId::kPartialDenialRateDollars, "partial_denial_rate_dollars", false},
      {MeasureId::kFinalPartialDenialRate, "final_partial_denial_rate", true},
      {MeasureId::kOverturnRate, "overturn_rate", true},
      {MeasureId::kOverturnRateDollars, "overturn_rate_dollars", false},
      {MeasureId::kCleanClaimRate, "clean_claim_rate", true},
      {MeasureId::kCleanClaimRateDollars, "clean_claim_rate_dollars", false},
      {MeasureId::kDenialWriteOffCents, "denial_write_off_cents", false},
      {MeasureId::kPaidToCharge, "paid_to_charge", false},
      {MeasureId::kPaidPerEncounterCents, "paid_per_encounter_cents", false},
      {MeasureId::kMeanSubmissionLagDays, "mean_submission_lag_days", false},
      {MeasureId::kMeanTurnaroundDays, "mean_turnaround_days", false},
      {MeasureId::kMeanDaysToPaymentPaidOnly, "mean_days_to_payment_paid_only", false},
      {MeasureId::kClaims, "claims", false},
  };
  return kMeasures;
}

const MeasureInfo& InfoOf(MeasureId id) {
  for (const MeasureInfo& info : AllMeasures()) {
    if (info.id == id) return info;
  }
  return AllMeasures().front();
}

namespace {

// MeasureRatio given the rates of `c` (the comparison reads every measure of each stratum, so
// it computes a stratum's rates once).
Ratio RatioOf(MeasureId id, const MeasureCounts& c, const MeasureRates& r) {
  switch (id) {
    case MeasureId::kInitialDenialRate:
      return r.initial_denial_by_count;
    case MeasureId::kInitialDenialRateDollars:
      return r.initial_denial_by_dollars;
    case MeasureId::kFinalDenialRate:
      return r.final_denial_by_count;
    case MeasureId::kFinalDenialRateDollars:
      return r.final_denial_by_dollars;
    case MeasureId::kInitialLineDenialRate:
      return r.initial_line_denial_by_count;
    case MeasureId::kInitialLineDenialRateDollars:
      return r.initial_line_denial_by_dollars;
    case MeasureId::kFinalLineDenialRate:
      return r.final_line_denial_by_count;
    case MeasureId::kFinalLineDenialRateDollars:
      return r.final_line_denial_by_dollars;
    case MeasureId::kPartialDenialRate:
      return r.initial_partial_denial_by_count;
    case MeasureId::kPartialDenialRateDollars:
      return r.initial_partial_denial_by_dollars;
    case MeasureId::kFinalPartialDenialRate:
      return r.final_partial_denial_by_count;
    case MeasureId::kOverturnRate:
      return r.overturn_by_count;
    case MeasureId::kOverturnRateDollars:
      return r.overturn_by_dollars;
    case MeasureId::kCleanClaimRate:
      return r.clean_claim_by_count;
    case MeasureId::kCleanClaimRateDollars:
      return r.clean_claim_by_dollars;
    case MeasureId::kDenialWriteOffCents:
      return R(static_cast<double>(c.finally_denied_charge_cents), 1);
    case MeasureId::kPaidToCharge:
      return r.paid_to_charge;
    case MeasureId::kPaidPerEncounterCents:
      return r.paid_per_encounter;
    case MeasureId::kMeanSubmissionLagDays:
      return r.mean_submission_lag_days;
    case MeasureId::kMeanTurnaroundDays:
      return r.mean_turnaround_days;
    case MeasureId::kMeanDaysToPaymentPaidOnly:
      return r.mean_days_to_payment_paid_only;
    case MeasureId::kClaims:
      return R(static_cast<double>(c.claims), 1);
  }
  return Ratio{};
}

// Counts with their rates; `present` false for a stratum the cohort has no claims in.
struct RatedCounts {
  bool present = false;
  MeasureCounts counts;
  MeasureRates rates;
};

// The strata of a comparison (payer × procedure family) as indices: the cells' keys sorted
// as a std::map sorts them (the Mantel–Haenszel sums run in that order), looked up once per
// cell instead of once per cell and cohort group.
struct StrataIndex {
  int count = 0;
  std::vector<int> of_cell;  // stratum of cells[i]
};

StrataIndex IndexStrata(const std::vector<CountCell>& cells) {
  using Stratum = std::pair<std::string_view, std::string_view>;  // payer, procedure family
  std::map<Stratum, int> index;
  for (const CountCell& cell : cells) {
    index.emplace(Stratum(cell.payer_id, cell.procedure_family), 0);
  }
  StrataIndex strata;
  for (auto& [key, position] : index) position = strata.count++;
  strata.of_cell.reserve(cells.size());
  for (const CountCell& cell : cells) {
    strata.of_cell.push_back(index.at(Stratum(cell.payer_id, cell.procedure_family)));
  }
  return strata;
}

// The counts of `group`'s cells per stratum, rated, with their sums and squares.
std::vector<RatedCounts> RateStrata(const std::vector<CountCell>& cells,
                                    const StrataIndex& strata, const ReportGroup& group,
                                    MeasureCounts& total, ChargeSquares& squares) {
  std::vector<RatedCounts> out(static_cast<size_t>(strata.count));
  for (size_t i = 0; i < cells.size(); ++i) {
    const CountCell& cell = cells[i];
    if (!LeafInGroup(cell.leaf, group)) continue;
    RatedCounts& rated = out[static_cast<size_t>(strata.of_cell[i])];
    rated.present = true;
    rated.counts += cell.counts;
    total += cell.counts;
    AddSquares(squares, cell.squares);
  }
  for (RatedCounts& rated : out) {
    if (rated.present) rated.rates = RatesFromCounts(rated.counts);
  }
  return out;
}

}  // namespace

Ratio MeasureRatio(MeasureId id, const MeasureCounts& c) {
  return RatioOf(id, c, RatesFromCounts(c));
}

std::vector<ReportGroup> ReportGroups(const CohortTaxonomy& taxonomy) {
  std::vector<ReportGroup> groups;
  groups.push_back({SummaryGroup::kNonspecific, "", taxonomy.nonspecific_display_name()});
  groups.push_back({SummaryGroup::kSpecific, "", std::string(kSpecificName)});
  for (const TaxonomyFamily& family : taxonomy.families()) {
    groups.push_back({SummaryGroup::kFamily, family.id, family.display_name});
  }
  groups.push_back({SummaryGroup::kNonCervical, "", std::string(kNonCervicalName)});
  return groups;
}

bool LeafInGroup(const CohortLeaf& leaf, const ReportGroup& group) {
  switch (group.group) {
    case SummaryGroup::kNonspecific:
      return leaf.cohort == Cohort::kNonspecific;
    case SummaryGroup::kSpecific:
      return leaf.cohort == Cohort::kSpecific;
    case SummaryGroup::kFamily:
      return leaf.cohort == Cohort::kSpecific && leaf.family == group.family;
    case SummaryGroup::kNonCervical:
      return leaf.cohort == Cohort::kNonCervical;
  }
  return false;
}

ComparisonReport CompareCohortCells(const std::vector<CountCell>& cells,
                                    const CohortTaxonomy& taxonomy, double confidence) {
  const std::vector<ReportGroup> groups = ReportGroups(taxonomy);
  ComparisonReport report;
  report.nonspecific = groups.front();
  ChargeSquares nonspecific_squares;
  const StrataIndex strata = IndexStrata(cells);
  report.strata = strata.count;
  const std::vector<RatedCounts> nonspecific_rated = RateStrata(
      cells, strata, report.nonspecific, report.nonspecific_counts, nonspecific_squares);

  for (const ReportGroup& reference : groups) {
    if (reference.group != SummaryGroup::kSpecific && reference.group != SummaryGroup::kFamily) {
      continue;
    }
    CohortComparison comparison;
    comparison.reference = reference;
    ChargeSquares squares;
    const std::vector<RatedCounts> reference_rated =
        RateStrata(cells, strata, reference, comparison.reference_counts, squares);
    for (const MeasureInfo& info : AllMeasures()) {
      if (!info.proportion) continue;
      MeasureComparison m;
      m.measure = info.id;
      const Ratio r1 = MeasureRatio(info.id, report.nonspecific_counts);
      const Ratio r2 = MeasureRatio(info.id, comparison.reference_counts);
      m.x1 = Whole(r1.numerator);
      m.n1 = Whole(r1.denominator);
      m.x2 = Whole(r2.numerator);
      m.n2 = Whole(r2.denominator);
      m.raw = CompareRates(m.x1, m.n1, m.x2, m.n2, confidence);
      std::vector<RiskStratum> risk_strata(static_cast<size_t>(strata.count));
      for (size_t i = 0; i < risk_strata.size(); ++i) {
        RiskStratum& s = risk_strata[i];
        if (const RatedCounts& n = nonspecific_rated[i]; n.present) {
          const Ratio a = RatioOf(info.id, n.counts, n.rates);
          s.x1 = Whole(a.numerator);
          s.n1 = Whole(a.denominator);
        }
        if (const RatedCounts& r = reference_rated[i]; r.present) {
          const Ratio b = RatioOf(info.id, r.counts, r.rates);
          s.x2 = Whole(b.numerator);
          s.n2 = Whole(b.denominator);
        }
      }
      m.adjusted = MantelHaenszelRiskRatio(risk_strata, confidence);
      comparison.measures.push_back(std::move(m));
    }
    comparison.excess_initial =
        ExcessDeniedDollars(Dollars(report.nonspecific_counts, nonspecific_squares, false),
                            Dollars(comparison.reference_counts, squares, false), confidence);
    comparison.excess_final =
        ExcessDeniedDollars(Dollars(report.nonspecific_counts, nonspecific_squares, true),
                            Dollars(comparison.reference_counts, squares, true), confidence);
    report.comparisons.push_back(std::move(comparison));
  }
  return report;
}

std::vector<TrendSeries> ComputeTrend(const std::vector<CountCell>& cells, MeasureId measure,
                                      absl::CivilMonth first, absl::CivilMonth last,
                                      const CohortTaxonomy& taxonomy, double confidence) {
  const bool proportion = InfoOf(measure).proportion;
  std::vector<TrendSeries> series;
  for (const ReportGroup& group : ReportGroups(taxonomy)) {
    std::map<absl::CivilMonth, MeasureCounts> by_month;
    for (const CountCell* cell : CellsOf(cells, group)) by_month[cell->month] += cell->counts;
    TrendSeries s;
    s.group = group;
    for (absl::CivilMonth month = first; month <= last; ++month) {
      TrendPoint point;
      point.month = month;
      auto it = by_month.find(month);
      const MeasureCounts counts = it == by_month.end() ? MeasureCounts{} : it->second;
      point.value = MeasureRatio(measure, counts);
      if (proportion) {
        point.interval =
            WilsonInterval(Whole(point.value.numerator), Whole(point.value.denominator), confidence);
      } else {
        point.interval.estimate = point.value.Value();
        point.interval.confidence = confidence;
      }
      s.points.push_back(std::move(point));
    }
    series.push_back(std::move(s));
  }
  return series;
}

std::vector<ReasonBreakdown> DenialReasons(const std::vector<ReasonCell>& cells,
                                           DenialStage stage, const CohortTaxonomy& taxonomy) {
  auto by_size = [](const auto& a, const auto& b) {
    return std::tie(b.claims, a.code) < std::tie(a.claims, b.code);
  };
  std::vector<ReasonBreakdown> out;
  for (const ReportGroup& group : ReportGroups(taxonomy)) {
    // category -> carc -> rarc -> (claims, charge)
    std::map<int, std::map<std::string, std::map<std::string, std::pair<int64_t, Cents>>>> tree;
    ReasonBreakdown breakdown;
    breakdown.group = group;
    for (const ReasonCell* cell : CellsOf(cells, group)) {
      if (cell->stage != stage) continue;
      auto& leaf = tree[static_cast<int>(cell->category)][cell->carc][cell->rarc];
      leaf.first += cell->claims;
      leaf.second += cell->charge_cents;
      breakdown.denied_claims += cell->claims;
      breakdown.denied_charge_cents += cell->charge_cents;
    }
    for (auto& [category, carcs] : tree) {
      CategoryCount c;
      c.category = static_cast<DenialCategory>(category);
      for (auto& [carc, rarcs] : carcs) {
        ReasonCount carc_count;
        carc_count.code = carc;
        for (auto& [rarc, totals] : rarcs) {
          carc_count.children.push_back({rarc, totals.first, totals.second, {}});
          carc_count.claims += totals.first;
          carc_count.charge_cents += totals.second;
        }
        std::sort(carc_count.children.begin(), carc_count.children.end(), by_size);
        c.claims += carc_count.claims;
        c.charge_cents += carc_count.charge_cents;
        c.carcs.push_back(std::move(carc_count));
      }
      std::sort(c.carcs.begin(), c.carcs.end(), by_size);
      breakdown.categories.push_back(std::move(c));
    }
    std::stable_sort(breakdown.categories.begin(), breakdown.categories.end(),
                     [](const CategoryCount& a, const CategoryCount& b) {
                       return a.claims > b.claims;
                     });
    out.push_back(std::move(breakdown));
  }
  return out;
}

TimelineReport PaymentTimeline(const std::vector<TimeCell>& times,
                               const std::vector<ReceiptCell>& receipts, Day as_of,
                               const CohortTaxonomy& taxonomy, double confidence) {
  TimelineReport report;
  std::vector<SurvivalObservation> nonspecific, specific;
  // Unpaid cells keep the service date as days since kEpoch: waited = as-of - service.
  const auto as_of_day = static_cast<int64_t>(as_of - kEpoch);
  // The cells of each leaf, found once: the groups below are unions of leaves (thousands of
  // cells, a dozen leaves).
  std::map<CohortLeaf, std::vector<const TimeCell*>> by_leaf;
  for (const TimeCell& cell : times) by_leaf[cell.leaf].push_back(&cell);
  for (const ReportGroup& group : ReportGroups(taxonomy)) {
    CohortTimeline t;
    t.group = group;
    std::vector<SurvivalObservation> observations;
    for (const auto& [leaf, cells] : by_leaf) {
      if (!LeafInGroup(leaf, group)) continue;
      observations.reserve(observations.size() + cells.size());
      for (const TimeCell* cell : cells) {
        const int count = static_cast<int>(cell->claims);
        if (cell->paid) {
          observations.push_back({cell->day, true, count});
          continue;
        }
        const int waited = static_cast<int>(std::max<int64_t>(0, as_of_day - cell->day));
        observations.push_back({waited, false, count});
        if (cell->open > 0) {
          t.open += cell->open;
          t.open_charge_cents += cell->open_charge_cents;
          const int bucket = static_cast<int>(AgingBucketForDays(waited));
          t.open_by_bucket[bucket] += cell->open;
          t.open_charge_by_bucket_cents[bucket] += cell->open_charge_cents;
        }
      }
    }
    if (group.group == SummaryGroup::kNonspecific) nonspecific = observations;
    if (group.group == SummaryGroup::kSpecific) specific = observations;
    t.curve = EstimateKaplanMeier(std::move(observations));
    t.bands = LogLogBands(t.curve, confidence);
    t.median = KaplanMeierQuantile(t.curve, t.bands, 0.5, confidence);
    t.p90 = KaplanMeierQuantile(t.curve, t.bands, 0.9, confidence);
    for (size_t k = 0; k < kPromptPayDays.size(); ++k) {
      t.unpaid_at[k] = SurvivalAt(t.curve, t.bands, kPromptPayDays[k], confidence);
    }
    auto& paid_within = t.paid_within_claims;
    auto& adjudicated_within = t.adjudicated_within_claims;
    for (const ReceiptCell* cell : CellsOf(receipts, group)) {
      if (as_of - cell->received_date < kPromptPayMinimumAge) continue;
      t.prompt_pay_received += cell->received;
      t.prompt_pay_owed += cell->owed;
      for (size_t k = 0; k < kPromptPayDays.size(); ++k) {
        paid_within[k] += cell->paid_within[k];
        adjudicated_within[k] += cell->adjudicated_within[k];
      }
    }
    for (size_t k = 0; k < kPromptPayDays.size(); ++k) {
      t.paid_within[k] = WilsonInterval(paid_within[k], t.prompt_pay_owed, confidence);
      t.adjudicated_within[k] =
          WilsonInterval(adjudicated_within[k], t.prompt_pay_received, confidence);
    }
    report.cohorts.push_back(std::move(t));
  }
  const std::vector<SurvivalObservation> pair[] = {nonspecific, specific};
  report.nonspecific_vs_specific = LogRankTest(pair);
  return report;
}

bool LikelyFixableByRecoding(const ClaimFacts& facts) {
  return facts.cohort == Cohort::kNonspecific && facts.finally_denied &&
         (facts.final_denial_category == DenialCategory::kDiagnosisCoding ||
          facts.final_denial_category == DenialCategory::kMedicalNecessity);
}

bool MatchesWorklist(const ClaimFacts& f, const WorklistFilter& filter) {
  if (!f.served || !f.adjudicated || !f.finally_denied) return false;
  if (!filter.cohorts.empty() &&
      std::find(filter.cohorts.begin(), filter.cohorts.end(), f.cohort) == filter.cohorts.end()) {
    return false;
  }
  if (!filter.categories.empty() &&
      std::find(filter.categories.begin(), filter.categories.end(), f.final_denial_category) ==
          filter.categories.end()) {
    return false;
  }
  return filter.carcs.empty() ||
         std::find(filter.carcs.begin(), filter.carcs.end(), f.final_denial_carc) !=
             filter.carcs.end();
}

bool WorklistBefore(const ClaimFacts& a, const ClaimFacts& b) {
  return std::tie(b.charge_cents, a.payer_id, a.claim_id) <
         std::tie(a.charge_cents, b.payer_id, b.claim_id);
}

bool AfterPosition(const ClaimFacts& f, const WorklistPosition& p) {
  return std::tie(f.charge_cents, p.payer_id, p.claim_id) <
         std::tie(p.charge_cents, f.payer_id, f.claim_id);
}

std::vector<ClaimFacts> WorklistPage(std::vector<ClaimFacts> facts,
                                     const MeasureSelection& selection,
                                     const WorklistFilter& filter,
                                     const std::optional<WorklistPosition>& after, int limit) {
  std::vector<ClaimFacts> page;
  for (ClaimFacts& f : facts) {
    if (!InSelection(f, selection) || !MatchesWorklist(f, filter)) continue;
    if (after.has_value() && !AfterPosition(f, *after)) continue;
    page.push_back(std::move(f));
  }
  std::sort(page.begin(), page.end(), WorklistBefore);
  if (static_cast<int>(page.size()) > limit) page.resize(static_cast<size_t>(limit));
  return page;
}

}  // namespace denialscope
