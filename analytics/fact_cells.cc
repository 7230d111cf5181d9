// Fact cells (see fact_cells.h): the serialized counts, the as-of rebase and the builder that
// sums facts into cells.
#include "analytics/fact_cells.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace denialscope {
namespace {

// The serialized order of the stored counts. Appending is safe; reordering needs a rebuild
// of every stored cell (denialscope-server --rebuild_facts).
constexpr int64_t MeasureCounts::* kCountFields[] = {
    &MeasureCounts::claims,
    &MeasureCounts::charge_cents,
    &MeasureCounts::adjudicated,
    &MeasureCounts::adjudicated_charge_cents,
    &MeasureCounts::adjudicated_lines,
    &MeasureCounts::adjudicated_line_charge_cents,
    &MeasureCounts::initially_denied,
    &MeasureCounts::initially_denied_charge_cents,
    &MeasureCounts::initially_denied_lines,
    &MeasureCounts::initially_denied_line_charge_cents,
    &MeasureCounts::finally_denied,
    &MeasureCounts::finally_denied_charge_cents,
    &MeasureCounts::finally_denied_lines,
    &MeasureCounts::finally_denied_line_charge_cents,
    &MeasureCounts::initial_partial_denials,
    &MeasureCounts::initial_partial_denial_charge_cents,
    &MeasureCounts::initial_partial_denied_lines,
    &MeasureCounts::initial_partial_denied_line_charge_cents,
    &MeasureCounts::final_partial_denials,
    &MeasureCounts::final_partial_denial_charge_cents,
    &MeasureCounts::final_partial_denied_lines,
    &MeasureCounts::final_partial_denied_line_charge_cents,
    &MeasureCounts::overturned,
    &MeasureCounts::overturned_charge_cents,
    &MeasureCounts::overturned_lines,
    &MeasureCounts::overturned_line_charge_cents,
    &MeasureCounts::clean,
    &MeasureCounts::clean_charge_cents,
    &MeasureCounts::net_paid_cents,
    &MeasureCounts::served,
    &MeasureCounts::paid,
    &MeasureCounts::paid_days_sum,
    &MeasureCounts::submission_lag_count,
    &MeasureCounts::submission_lag_days_sum,
    &MeasureCounts::turnaround_count,
    &MeasureCounts::turnaround_days_sum,
    &MeasureCounts::open,
    &MeasureCounts::open_charge_cents,
};
static_assert(std::size(kCountFields) == kCountsVectorSize);

const Day kEpoch(1970, 1, 1);

template <typename Map, typename Values>
void Accumulate(Map& map, const typename Map::key_type& key, const Values& values, int sign) {
  auto& target = map[key];
  for (size_t i = 0; i < values.size(); ++i) target[i] += sign * values[i];
}

template <typename Values>
bool AllZero(const Values& values) {
  return std::all_of(values.begin(), values.end(), [](auto v) { return v == 0; });
}

}  // namespace

Day LatestDate(const Claim& claim) {
  Day latest = claim.ServiceDate();
  for (const ClaimLine& line : claim.lines) latest = std::max(latest, line.service_date);
  if (claim.submission_date.has_value()) latest = std::max(latest, *claim.submission_date);
  return latest;
}

Day LatestDate(const RemittanceEvent& event) {
  Day latest(1, 1, 1);
  for (const std::optional<Day>& day :
       {event.received_date, event.production_date, event.payment_date}) {
    if (day.has_value()) latest = std::max(latest, *day);
  }
  return latest;
}

ClaimFacts RebaseFacts(ClaimFacts facts, Day as_of) {
  facts.as_of = as_of;
  facts.served = facts.service_date <= as_of;
  if (facts.received_date.has_value()) {
    facts.days_since_receipt = static_cast<int>(as_of - *facts.received_date);
  }
  const int waited = static_cast<int>(std::max<absl::civil_diff_t>(0, as_of - facts.service_date));
  if (!facts.paid) facts.survival_days = waited;
  if (facts.open) facts.aging_bucket = AgingBucketForDays(waited);
  return facts;
}

std::vector<int64_t> CountsToVector(const MeasureCounts& counts) {
  std::vector<int64_t> values;
  values.reserve(kCountsVectorSize);
  for (auto field : kCountFields) values.push_back(counts.*field);
  return values;
}

absl::StatusOr<MeasureCounts> CountsFromVector(absl::Span<const int64_t> values) {
  if (values.size() != kCountsVectorSize) {
    return absl::InternalError(absl::StrCat("stored counts have ", values.size(),
                                            " values, expected ", kCountsVectorSize,
                                            ": rebuild the facts"));
  }
  MeasureCounts counts;
  for (size_t i = 0; i < kCountsVectorSize; ++i) counts.*kCountFields[i] = values[i];
  return counts;
}

std::vector<double> SquaresToVector(const ChargeSquares& squares) {
  return {squares.adjudicated, squares.initially_denied, squares.finally_denied};
}

absl::StatusOr<ChargeSquares> SquaresFromVector(absl::Span<const double> values) {
  if (values.size() != kSquaresVectorSize) {
    return absl::InternalError(absl::StrCat("stored charge squares have ", values.size(),
                                            " values, expected ", kSquaresVectorSize));
  }
  return ChargeSquares{values[0], values[1], values[2]};
}

CohortLeaf LeafOf(const ClaimFacts& facts) {
  CohortLeaf leaf;
  leaf.cohort = facts.cohort;
  if (facts.cohort == Cohort::kSpecific) leaf.family = facts.diagnosis_family;
  return leaf;
}

std::string_view CohortId(Cohort cohort) {
  switch (cohort) {
    case Cohort::kNonspecific:
      return "nonspecific";
    case Cohort::kSpecific:
      return "specific";
    case Cohort::kNonCervical:
      break;
  }
  return "non_cervical";
}

std::optional<Cohort> ParseCohortId(std::string_view id) {
  for (Cohort cohort : {Cohort::kNonspecific, Cohort::kSpecific, Cohort::kNonCervical}) {
    if (CohortId(cohort) == id) return cohort;
  }
  return std::nullopt;
}

void CellBuilder::Add(const ClaimFacts& f, int sign) {
  const std::optional<absl::CivilMonth> month = PeriodMonth(f, basis_);
  if (!month.has_value()) return;
  const CohortLeaf leaf = LeafOf(f);

  // Counts: the as-of-independent part of MeasureCounts, with the squares of the charges.
  MeasureCounts one;
  one.Add(f);
  ChargeSquares squares;
  if (f.served && f.adjudicated) {
    const double charge = static_cast<double>(f.charge_cents);
    const double charge2 = charge * charge;
    squares.adjudicated = charge2;
    if (f.initially_denied) squares.initially_denied = charge2;
    if (f.finally_denied) squares.finally_denied = charge2;
  }
  auto& cell = counts_[CountKey(*month, leaf, f.payer_id, f.procedure_family)];
  if (cell.first.empty()) {
    cell.first.assign(kCountsVectorSize, 0);
    cell.second.assign(kSquaresVectorSize, 0);
  }
  const std::vector<int64_t> values = CountsToVector(one);
  for (size_t i = 0; i < values.size(); ++i) cell.first[i] += sign * values[i];
  const std::vector<double> square_values = SquaresToVector(squares);
  for (size_t i = 0; i < square_values.size(); ++i) cell.second[i] += sign * square_values[i];
  if (!f.served) return;  // nothing else is measured before the service

  if (f.adjudicated && f.initially_denied) {
    Accumulate(reasons_,
               ReasonKey(*month, leaf, static_cast<int>(DenialStage::kInitial),
                         static_cast<int>(f.initial_denial_category), f.initial_denial_carc,
                         f.initial_denial_rarc),
               std::array<int64_t, 2>{1, f.charge_cents}, sign);
  }
  if (f.adjudicated && f.finally_denied) {
    Accumulate(reasons_,
               ReasonKey(*month, leaf, static_cast<int>(DenialStage::kFinal),
                         static_cast<int>(f.final_denial_category), f.final_denial_carc,
                         f.final_denial_rarc),
               std::array<int64_t, 2>{1, f.charge_cents}, sign);
  }

  const int day = f.paid ? *f.days_to_payment : static_cast<int>(f.service_date - kEpoch);
  Accumulate(times_, TimeKey(*month, leaf, f.paid, day),
             std::array<int64_t, 3>{1, f.open ? 1 : 0, f.open ? f.charge_cents : 0}, sign);

  if (f.received_date.has_value()) {
    // The same rule as MeasureCounts::Add, with the age test left to the reader.
    std::array<int64_t, kReceiptValues> receipt{};
    receipt[0] = 1;
    const bool owed = !f.finally_denied && (f.open || f.net_paid_cents > 0);
    receipt[1] = owed ? 1 : 0;
    for (size_t k = 0; k < kPromptPayDays.size(); ++k) {
      if (owed && f.receipt_to_payment_days.has_value() &&
          *f.receipt_to_payment_days <= kPromptPayDays[k]) {
        receipt[2 + k] = 1;
      }
      if (f.receipt_to_adjudication_days.has_value() &&
          *f.receipt_to_adjudication_days <= kPromptPayDays[k]) {
        receipt[2 + kPromptPayDays.size() + k] = 1;
      }
    }
    Accumulate(receipts_, ReceiptKey(*month, leaf, *f.received_date), receipt, sign);
  }
}

FactCells CellBuilder::Finish() && {
  FactCells cells;
  for (auto& [key, values] : counts_) {
    if (AllZero(values.first) && AllZero(values.second)) continue;
    CountCell cell;
    std::tie(cell.month, cell.leaf, cell.payer_id, cell.procedure_family) = key;
    cell.counts = *CountsFromVector(values.first);
    cell.squares = *SquaresFromVector(values.second);
    cells.counts.push_back(std::move(cell));
  }
  for (auto& [key, values] : reasons_) {
    if (AllZero(values)) continue;
    ReasonCell cell;
    int stage = 0;
    int category = 0;
    std::tie(cell.month, cell.leaf, stage, category, cell.carc, cell.rarc) = key;
    cell.stage = static_cast<DenialStage>(stage);
    cell.category = static_cast<DenialCategory>(category);
    cell.claims = values[0];
    cell.charge_cents = values[1];
    cells.reasons.push_back(std::move(cell));
  }
  for (auto& [key, values] : times_) {
    if (AllZero(values)) continue;
    TimeCell cell;
    std::tie(cell.month, cell.leaf, cell.paid, cell.day) = key;
    cell.claims = values[0];
    cell.open = values[1];
    cell.open_charge_cents = values[2];
    cells.times.push_back(std::move(cell));
  }
  for (auto& [key, values] : receipts_) {
    if (AllZero(values)) continue;
    ReceiptCell cell;
    std::tie(cell.month, cell.leaf, cell.received_date) = key;
    cell.received = values[0];
    cell.owed = values[1];
    for (size_t k = 0; k < kPromptPayDays.size(); ++k) {
      cell.paid_within[k] = values[2 + k];
      cell.adjudicated_within[k] = values[2 + kPromptPayDays.size() + k];
    }
    cells.receipts.push_back(std::move(cell));
  }
  return cells;
}

bool CellsCanServe(const MeasureFilters& filters, int kinds) {
  if (!filters.rendering_npis.empty() || !filters.places_of_service.empty()) return false;
  const bool dimensioned = !filters.payer_ids.empty() || !filters.procedure_families.empty();
  // The merge bits say how count cells are summed, not which kinds are read.
  return !dimensioned || (kinds & ~(kCountCells | kMergeMonths | kMergeStrata)) == 0;
}

absl::Status CheckCellsCanServe(const MeasureFilters& filters, int kinds) {
  if (CellsCanServe(filters, kinds)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      "stored cells keep only payer and procedure family for count cells; read per-claim "
      "facts for other filters");
}

const MeasureContext& BuiltinMeasureContext() {
  static const CohortTaxonomy* taxonomy = new CohortTaxonomy(*CohortTaxonomy::Builtin());
  static const CodeLists* code_lists = new CodeLists(*CodeLists::Builtin());
  static const ProcedureFamilies* families =
      new ProcedureFamilies(*ProcedureFamilies::Builtin());
  static const MeasureContext* context = new MeasureContext{*taxonomy, *code_lists, *families};
  return *context;
}

// Sums cells whose keys became equal after merging.
template <typename Cell, typename Key, typename Add>
std::vector<Cell> Remerge(std::vector<Cell> cells, Key key, Add add) {
  std::map<decltype(key(cells.front())), Cell> merged;
  for (Cell& cell : cells) {
    auto [it, inserted] = merged.try_emplace(key(cell), cell);
    if (!inserted) add(it->second, cell);
  }
  std::vector<Cell> out;
  out.reserve(merged.size());
  for (auto& [unused, cell] : merged) out.push_back(std::move(cell));
  return out;
}

FactCells KeepKinds(FactCells cells, int kinds, absl::CivilMonth first, Day as_of) {
  if ((kinds & kCountCells) == 0) cells.counts.clear();
  if ((kinds & kReasonCells) == 0) cells.reasons.clear();
  if ((kinds & kTimeCells) == 0) cells.times.clear();
  if ((kinds & kReceiptCells) == 0) cells.receipts.clear();
  if (kinds & kDueReceipts) {
    const Day due = as_of - kPromptPayMinimumAge;
    std::erase_if(cells.receipts, [&](const ReceiptCell& c) { return c.received_date > due; });
    for (ReceiptCell& c : cells.receipts) c.received_date = due;
  }
  for (CountCell& c : cells.counts) {
    if (kinds & kMergeMonths) c.month = first;
    if (kinds & kMergeStrata) {
      c.payer_id.clear();
      c.procedure_family.clear();
    }
  }
  for (ReasonCell& c : cells.reasons) c.month = first;
  for (TimeCell& c : cells.times) c.month = first;
  for (ReceiptCell& c : cells.receipts) c.month = first;
  if (!cells.counts.empty()) {
    cells.counts = Remerge(
        std::move(cells.counts),
        [](const CountCell& c) {
          return std::make_tuple(c.month, c.leaf, c.payer_id, c.procedure_family);
        },
        [](CountCell& a, const CountCell& b) {
          a.counts += b.counts;
          a.squares.adjudicated += b.squares.adjudicated;
          a.squares.initially_denied += b.squares.initially_denied;
          a.squares.finally_denied += b.squares.finally_denied;
        });
  }
  if (!cells.reasons.empty()) {
    cells.reasons = Remerge(
        std::move(cells.reasons),
        [](const ReasonCell& c) {
          return std::make_tuple(c.leaf, static_cast<int>(c.stage),
                                 static_cast<int>(c.category), c.carc, c.rarc);
        },
        [](ReasonCell& a, const ReasonCell& b) {
          a.claims += b.claims;
          a.charge_cents += b.charge_cents;
        });
  }
  if (!cells.times.empty()) {
    cells.times = Remerge(
        std::move(cells.times),
        [](const TimeCell& c) { return std::make_tuple(c.leaf, c.paid, c.day); },
        [](TimeCell& a, const TimeCell& b) {
          a.claims += b.claims;
          a.open += b.open;
          a.open_charge_cents += b.open_charge_cents;
        });
  }
  if (!cells.receipts.empty()) {
    cells.receipts = Remerge(
        std::move(cells.receipts),
        [](const ReceiptCell& c) { return std::make_tuple(c.leaf, c.received_date); },
        [](ReceiptCell& a, const ReceiptCell& b) {
          a.received += b.received;
          a.owed += b.owed;
          for (size_t k = 0; k < kPromptPayDays.size(); ++k) {
            a.paid_within[k] += b.paid_within[k];
            a.adjudicated_within[k] += b.adjudicated_within[k];
          }
        });
  }
  return cells;
}

FactCells CellsOfFacts(const std::vector<ClaimFacts>& facts, const MeasureSelection& selection) {
  CellBuilder builder(selection.basis);
  for (const ClaimFacts& f : facts) {
    if (InSelection(f, selection)) builder.Add(f);
  }
  return std::move(builder).Finish();
}

}  // namespace denialscope
