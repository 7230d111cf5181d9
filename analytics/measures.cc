// The measures: one pass per claim into ClaimFacts (reusing denial.h for what events mean),
// then sums. Keeping the per-claim pass separate is what lets storage persist facts on ingest
// and answer dashboards from monthly sums instead of re-reading every event.
#include "analytics/measures.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <map>
#include <tuple>

#include "analytics/denial.h"

namespace denialscope {
namespace {

constexpr std::string_view kSpecificName = "Specific cervical diagnoses (all families)";
constexpr std::string_view kNonCervicalName = "Outside the neck-pain cohort";

int ClampedDays(Day later, Day earlier) {
  return static_cast<int>(std::max<absl::civil_diff_t>(0, later - earlier));
}

Cents ClaimCharge(const Claim& claim) {
  if (claim.total_charge_cents != 0) return claim.total_charge_cents;
  Cents sum = 0;
  for (const ClaimLine& line : claim.lines) sum += line.charge_cents;
  return sum;
}

const ClaimLine* HighestChargeLine(const Claim& claim) {
  const ClaimLine* top = nullptr;
  for (const ClaimLine& line : claim.lines) {
    if (top == nullptr || line.charge_cents > top->charge_cents) top = &line;
  }
  return top;
}

// An event known on the as-of date, in the order denial.cc's DeriveOutcome reads events:
// adjudication date, then payment date, then arrival order.
struct OrderedEvent {
  const RemittanceEvent* event;
  Day adjudication_date;
  Day payment_sort_date;
  size_t index;
  EventKind kind;
};

std::vector<OrderedEvent> OrderEvents(const std::vector<RemittanceEvent>& events, Day as_of) {
  std::vector<OrderedEvent> ordered;
  for (size_t i = 0; i < events.size(); ++i) {
    const Day adjudication = events[i].AdjudicationDate().value_or(as_of);
    if (adjudication > as_of) continue;
    ordered.push_back({&events[i], adjudication, events[i].payment_date.value_or(adjudication), i,
                       ClassifyEvent(events[i])});
  }
  std::sort(ordered.begin(), ordered.end(), [](const OrderedEvent& a, const OrderedEvent& b) {
    return std::tie(a.adjudication_date, a.payment_sort_date, a.index) <
           std::tie(b.adjudication_date, b.payment_sort_date, b.index);
  });
  return ordered;
}

bool IsOutcome(EventKind kind) {
  return kind == EventKind::kPaid || kind == EventKind::kDenied ||
         kind == EventKind::kZeroPayNotDenied;
}

// For each claim line, the event's line that answers it, or nullptr: by line control number
// (REF*6R), else the line at the same position when its procedure agrees, else the first
// unclaimed line with the same procedure code.
std::vector<const RemittanceLine*> MatchLines(const Claim& claim, const RemittanceEvent& event) {
  const size_t n = claim.lines.size();
  std::vector<const RemittanceLine*> matched(n, nullptr);
  std::vector<bool> used(event.lines.size(), false);
  for (size_t i = 0; i < n; ++i) {
    const std::string& control = claim.lines[i].line_control_number;
    if (control.empty()) continue;
    for (size_t j = 0; j < event.lines.size(); ++j) {
      if (!used[j] && event.lines[j].line_control_number == control) {
        matched[i] = &event.lines[j];
        used[j] = true;
        break;
      }
    }
  }
  for (size_t i = 0; i < n && i < event.lines.size(); ++i) {
    if (matched[i] != nullptr || used[i]) continue;
    const std::string& procedure = event.lines[i].procedure_code;
    if (procedure.empty() || procedure == claim.lines[i].procedure_code) {
      matched[i] = &event.lines[i];
      used[i] = true;
    }
  }
  for (size_t i = 0; i < n; ++i) {
    if (matched[i] != nullptr) continue;
    for (size_t j = 0; j < event.lines.size(); ++j) {
      if (!used[j] && event.lines[j].procedure_code == claim.lines[i].procedure_code) {
        matched[i] = &event.lines[j];
        used[j] = true;
        break;
      }
    }
  }
  return matched;
}

// A claim line is denied on an event when the event denies the whole claim, or when its
// answering line pays 0 with a CO/OA/PI reason (denial.h's IsLineDenied).
std::vector<bool> DeniedLines(const Claim& claim, const OrderedEvent& event) {
  std::vector<bool> denied(claim.lines.size(), false);
  const std::vector<const RemittanceLine*> matched = MatchLines(claim, *event.event);
  for (size_t i = 0; i < denied.size(); ++i) {
    denied[i] =
        event.kind == EventKind::kDenied || (matched[i] != nullptr && IsLineDenied(*matched[i]));
  }
  return denied;
}

bool IsContractualCarc(const CodeLists& code_lists, const std::string& carc) {
  return carc == "45" || code_lists.CategoryOfCarc(carc) == DenialCategory::kContractual;
}

// True when the event carries a CO/OA/PI adjustment that is not contractual: a first pass
// allows only contractual write-offs and patient responsibility.
bool HasNonContractualAdjustment(const RemittanceEvent& event, const CodeLists& code_lists) {
  auto any = [&](const std::vector<Adjustment>& adjustments) {
    return std::any_of(adjustments.begin(), adjustments.end(), [&](const Adjustment& a) {
      const bool group =
          a.group == GroupCode::kCO || a.group == GroupCode::kOA || a.group == GroupCode::kPI;
      return group && a.amount_cents != 0 && !IsContractualCarc(code_lists, a.carc);
    });
  };
  if (any(event.adjustments)) return true;
  return std::any_of(event.lines.begin(), event.lines.end(),
                     [&](const RemittanceLine& line) { return any(line.adjustments); });
}

// The reason for the denied lines of a paid event: their adjustments and remarks, then the
// claim-level remarks.
DenialReason PartialDenialReason(const Claim& claim, const RemittanceEvent& event,
                                 const std::vector<bool>& denied, const CodeLists& code_lists) {
  const std::vector<const RemittanceLine*> matched = MatchLines(claim, event);
  std::vector<Adjustment> adjustments;
  std::vector<std::string> remarks;
  for (size_t i = 0; i < matched.size(); ++i) {
    if (!denied[i] || matched[i] == nullptr) continue;
    adjustments.insert(adjustments.end(), matched[i]->adjustments.begin(),
                       matched[i]->adjustments.end());
    remarks.insert(remarks.end(), matched[i]->remark_codes.begin(), matched[i]->remark_codes.end());
  }
  remarks.insert(remarks.end(), event.remark_codes.begin(), event.remark_codes.end());
  return code_lists.ClassifyDenialReason(adjustments, remarks);
}

bool Contains(const std::vector<std::string>& values, const std::string& value) {
  return values.empty() || std::find(values.begin(), values.end(), value) != values.end();
}

std::optional<double> QuantileType7(const std::vector<int>& sorted, double p) {
  if (sorted.empty()) return std::nullopt;
  const double h = static_cast<double>(sorted.size() - 1) * p;
  const size_t lo = static_cast<size_t>(std::floor(h));
  if (lo + 1 >= sorted.size()) return static_cast<double>(sorted.back());
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[lo + 1] - sorted[lo]);
}

// The group order shared by AggregateMeasures and AggregateByMonth.
struct GroupLayout {
  std::vector<std::pair<SummaryGroup, std::string>> groups;
  std::map<std::string, size_t, std::less<>> family_slot;

  explicit GroupLayout(const CohortTaxonomy& taxonomy) {
    groups.emplace_back(SummaryGroup::kNonspecific, "");
    groups.emplace_back(SummaryGroup::kSpecific, "");
    for (const TaxonomyFamily& family : taxonomy.families()) {
      family_slot.emplace(family.id, groups.size());
      groups.emplace_back(SummaryGroup::kFamily, family.id);
    }
    groups.emplace_back(SummaryGroup::kNonCervical, "");
  }

  std::vector<size_t> SlotsOf(const ClaimFacts& facts) const {
    switch (facts.cohort) {
      case Cohort::kNonspecific:
        return {0};
      case Cohort::kSpecific: {
        std::vector<size_t> slots = {1};
        if (auto it = family_slot.find(facts.diagnosis_family); it != family_slot.end()) {
          slots.push_back(it->second);
        }
        return slots;
      }
      case Cohort::kNonCervical:
        break;
    }
    return {groups.size() - 1};
  }
};

std::string DisplayName(const CohortTaxonomy& taxonomy, SummaryGroup group,
                        const std::string& family) {
  switch (group) {
    case SummaryGroup::kNonspecific:
      return taxonomy.nonspecific_display_name();
    case SummaryGroup::kSpecific:
      return std::string(kSpecificName);
    case SummaryGroup::kFamily:
      for (const TaxonomyFamily& f : taxonomy.families()) {
        if (f.id == family) return f.display_name;
      }
      return family;
    case SummaryGroup::kNonCervical:
      break;
  }
  return std::string(kNonCervicalName);
}

Ratio MakeRatio(double numerator, double denominator) { return Ratio{numerator, denominator}; }

}  // namespace

AgingBucket AgingBucketForDays(int days) {
  if (days < 0) return AgingBucket::kNotOpen;
  if (days <= 30) return AgingBucket::k0To30;
  if (days <= 60) return AgingBucket::k31To60;
  if (days <= 90) return AgingBucket::k61To90;
  if (days <= 120) return AgingBucket::k91To120;
  return AgingBucket::kOver120;
}

std::string_view AgingBucketName(AgingBucket bucket) {
  switch (bucket) {
    case AgingBucket::k0To30:
      return "0-30";
    case AgingBucket::k31To60:
      return "31-60";
    case AgingBucket::k61To90:
      return "61-90";
    case AgingBucket::k91To120:
      return "91-120";
    case AgingBucket::kOver120:
      return ">120";
    case AgingBucket::kNotOpen:
      break;
  }
  return "not open";
}

ClaimFacts ComputeClaimFacts(const ClaimHistory& history, Day as_of,
                             const MeasureContext& context) {
  const Claim& claim = history.claim;
  ClaimFacts f;
  f.as_of = as_of;
  f.claim_id = claim.claim_id;
  f.payer_id = claim.payer_id;
  const Classification c = context.taxonomy.ClassifyHistory(history, context.rule);
  f.cohort = c.cohort;
  f.diagnosis_family = c.family;
  f.diagnosis_code = c.code;
  const ClaimLine* top = HighestChargeLine(claim);
  f.procedure_family = context.procedure_families.FamilyOfClaim(claim);
  if (top != nullptr) f.procedure_code = top->procedure_code;
  f.rendering_npi = claim.rendering_npi;
  if (f.rendering_npi.empty() && top != nullptr) f.rendering_npi = top->rendering_npi;
  f.place_of_service = claim.place_of_service;
  f.replacement = claim.frequency == FrequencyCode::kReplacement;
  for (const ClaimLine& line : claim.lines) f.procedure_codes.push_back(line.procedure_code);
  f.diagnoses = claim.diagnoses;
  f.service_date = claim.ServiceDate();
  f.submission_date = claim.submission_date;
  f.charge_cents = ClaimCharge(claim);
  f.line_count = static_cast<int>(claim.lines.size());
  for (const ClaimLine& line : claim.lines) f.line_charge_cents += line.charge_cents;
  if (f.submission_date.has_value()) {
    f.submission_lag_days = ClampedDays(*f.submission_date, f.service_date);
  }
  f.served = f.service_date <= as_of;
  // A claim not yet served on the as-of date has nothing to measure (events dated before
  // their service are bad data and wait with it).
  if (!f.served) return f;

  const std::vector<OrderedEvent> events = OrderEvents(history.events, as_of);
  for (const OrderedEvent& e : events) {
    if (e.event->received_date.has_value() && *e.event->received_date <= as_of &&
        (!f.received_date.has_value() || *e.event->received_date < *f.received_date)) {
      f.received_date = e.event->received_date;
    }
  }
  if (!f.received_date.has_value() && f.submission_date.has_value() &&
      *f.submission_date <= as_of) {
    f.received_date = f.submission_date;
  }
  if (f.received_date.has_value()) {
    f.days_since_receipt = static_cast<int>(as_of - *f.received_date);
  }

  const ClaimOutcome outcome = DeriveOutcome(history.events, as_of);
  f.adjudicated = outcome.adjudicated;
  f.net_paid_cents = outcome.net_paid_cents;
  if (outcome.first_payment_date.has_value() && *outcome.first_payment_date <= as_of) {
    // A payment produced before as-of but dated after it has not arrived yet.
    f.first_payment_date = outcome.first_payment_date;
    f.paid = true;
    f.days_to_payment = ClampedDays(*f.first_payment_date, f.service_date);
    if (f.received_date.has_value()) {
      f.receipt_to_payment_days = ClampedDays(*f.first_payment_date, *f.received_date);
    }
  }
  f.survival_days = f.paid ? *f.days_to_payment : ClampedDays(as_of, f.service_date);

  const OrderedEvent* initial = nullptr;
  const OrderedEvent* latest = nullptr;
  for (const OrderedEvent& e : events) {
    if (!IsOutcome(e.kind)) continue;
    if (initial == nullptr) initial = &e;
    latest = &e;
  }

  if (initial != nullptr) {
    f.initial_adjudication_date = initial->adjudication_date;
    f.final_adjudication_date = latest->adjudication_date;
    f.initially_denied = outcome.initial == Outcome::kDenied;
    f.finally_denied = outcome.finally_denied;
    f.overturned = outcome.overturned;
    if (f.received_date.has_value()) {
      f.turnaround_days = ClampedDays(initial->adjudication_date, *f.received_date);
      f.receipt_to_adjudication_days = f.turnaround_days;
    }

    // Line grain. Net paid per claim line over every known event, reversals included.
    std::vector<Cents> line_net(claim.lines.size(), 0);
    for (const OrderedEvent& e : events) {
      const std::vector<const RemittanceLine*> matched = MatchLines(claim, *e.event);
      for (size_t i = 0; i < matched.size(); ++i) {
        if (matched[i] != nullptr) line_net[i] += matched[i]->paid_cents;
      }
    }
    const std::vector<bool> initially_denied = DeniedLines(claim, *initial);
    const std::vector<bool> denied_on_latest = DeniedLines(claim, *latest);
    for (size_t i = 0; i < claim.lines.size(); ++i) {
      const Cents charge = claim.lines[i].charge_cents;
      const bool finally_denied_line =
          f.finally_denied || (denied_on_latest[i] && line_net[i] <= 0);
      if (initially_denied[i]) {
        ++f.initially_denied_lines;
        f.initially_denied_line_charge_cents += charge;
      }
      if (finally_denied_line) {
        ++f.finally_denied_lines;
        f.finally_denied_line_charge_cents += charge;
      }
      if (initially_denied[i] && !finally_denied_line && f.net_paid_cents > 0) {
        ++f.overturned_lines;
        f.overturned_line_charge_cents += charge;
      }
    }
    f.initial_partial_denial = initial->kind == EventKind::kPaid && f.initially_denied_lines > 0;
    f.final_partial_denial = f.net_paid_cents > 0 && f.finally_denied_lines > 0;
    f.clean = initial->kind == EventKind::kPaid && f.initially_denied_lines == 0 &&
              !HasNonContractualAdjustment(*initial->event, context.code_lists) &&
              &events.back() == initial && !f.replacement;

    DenialReason initial_reason;
    if (f.initially_denied) {
      initial_reason = context.code_lists.ClassifyDenialReason(*initial->event);
    } else if (f.initial_partial_denial) {
      initial_reason =
          PartialDenialReason(claim, *initial->event, initially_denied, context.code_lists);
    }
    f.initial_denial_category = initial_reason.category;
    f.initial_denial_carc = initial_reason.carc;
    f.initial_denial_rarc = initial_reason.rarc;
    if (f.finally_denied) {
      const DenialReason final_reason = context.code_lists.ClassifyDenialReason(*latest->event);
      f.final_denial_category = final_reason.category;
      f.final_denial_carc = final_reason.carc;
      f.final_denial_rarc = final_reason.rarc;
    }
  }

  // Resolved: paid, finally denied, or closed by a zero pay that denies nothing. A payment
  // taken back by a reversal leaves the latest outcome event a payment with net <= 0: open.
  const bool closed_zero_pay =
      latest != nullptr && latest->kind == EventKind::kZeroPayNotDenied && f.net_paid_cents <= 0;
  f.open = f.net_paid_cents <= 0 && !f.finally_denied && !closed_zero_pay;
  if (f.open) f.aging_bucket = AgingBucketForDays(ClampedDays(as_of, f.service_date));
  return f;
}

std::vector<ClaimFacts> ComputeAllClaimFacts(const std::vector<ClaimHistory>& histories, Day as_of,
                                             const MeasureContext& context) {
  std::vector<ClaimFacts> facts;
  facts.reserve(histories.size());
  for (const ClaimHistory& history : histories) {
    if (history.claim.frequency == FrequencyCode::kVoid) continue;
    facts.push_back(ComputeClaimFacts(history, as_of, context));
  }
  return facts;
}

std::optional<absl::CivilMonth> PeriodMonth(const ClaimFacts& facts, PeriodBasis basis) {
  switch (basis) {
    case PeriodBasis::kServiceMonth:
      return absl::CivilMonth(facts.service_date);
    case PeriodBasis::kAdjudicationMonth:
      if (!facts.initial_adjudication_date.has_value()) return std::nullopt;
      return absl::CivilMonth(*facts.initial_adjudication_date);
  }
  return std::nullopt;
}

bool MatchesFilters(const ClaimFacts& facts, const MeasureFilters& filters) {
  return Contains(filters.payer_ids, facts.payer_id) &&
         Contains(filters.procedure_families, facts.procedure_family) &&
         Contains(filters.rendering_npis, facts.rendering_npi) &&
         Contains(filters.places_of_service, facts.place_of_service);
}

bool InSelection(const ClaimFacts& facts, const MeasureSelection& selection) {
  const std::optional<absl::CivilMonth> month = PeriodMonth(facts, selection.basis);
  if (!month.has_value()) return false;
  if (selection.months.first.has_value() && *month < *selection.months.first) return false;
  if (selection.months.last.has_value() && *month > *selection.months.last) return false;
  return MatchesFilters(facts, selection.filters);
}

std::vector<std::pair<SummaryGroup, std::string>> GroupsOf(const ClaimFacts& facts) {
  switch (facts.cohort) {
    case Cohort::kNonspecific:
      return {{SummaryGroup::kNonspecific, ""}};
    case Cohort::kSpecific: {
      std::vector<std::pair<SummaryGroup, std::string>> groups = {{SummaryGroup::kSpecific, ""}};
      if (!facts.diagnosis_family.empty()) {
        groups.emplace_back(SummaryGroup::kFamily, facts.diagnosis_family);
      }
      return groups;
    }
    case Cohort::kNonCervical:
      break;
  }
  return {{SummaryGroup::kNonCervical, ""}};
}

void MeasureCounts::Add(const ClaimFacts& f) {
  ++claims;
  charge_cents += f.charge_cents;
  if (!f.served) return;  // nothing is measured before the service
  ++served;
  if (f.paid) {
    ++paid;
    paid_days_sum += *f.days_to_payment;
  }
  if (f.submission_lag_days.has_value()) {
    ++submission_lag_count;
    submission_lag_days_sum += *f.submission_lag_days;
  }
  if (f.turnaround_days.has_value()) {
    ++turnaround_count;
    turnaround_days_sum += *f.turnaround_days;
  }

  if (f.adjudicated) {
    ++adjudicated;
    adjudicated_charge_cents += f.charge_cents;
    adjudicated_lines += f.line_count;
    adjudicated_line_charge_cents += f.line_charge_cents;
    net_paid_cents += f.net_paid_cents;
    if (f.initially_denied) {
      ++initially_denied;
      initially_denied_charge_cents += f.charge_cents;
    }
    initially_denied_lines += f.initially_denied_lines;
    initially_denied_line_charge_cents += f.initially_denied_line_charge_cents;
    if (f.finally_denied) {
      ++finally_denied;
      finally_denied_charge_cents += f.charge_cents;
    }
    finally_denied_lines += f.finally_denied_lines;
    finally_denied_line_charge_cents += f.finally_denied_line_charge_cents;
    if (f.initial_partial_denial) {
      ++initial_partial_denials;
      initial_partial_denial_charge_cents += f.charge_cents;
      initial_partial_denied_lines += f.initially_denied_lines;
      initial_partial_denied_line_charge_cents += f.initially_denied_line_charge_cents;
    }
    if (f.final_partial_denial) {
      ++final_partial_denials;
      final_partial_denial_charge_cents += f.charge_cents;
      final_partial_denied_lines += f.finally_denied_lines;
      final_partial_denied_line_charge_cents += f.finally_denied_line_charge_cents;
    }
    if (f.overturned) {
      ++overturned;
      overturned_charge_cents += f.charge_cents;
    }
    overturned_lines += f.overturned_lines;
    overturned_line_charge_cents += f.overturned_line_charge_cents;
    if (f.clean) {
      ++clean;
      clean_charge_cents += f.charge_cents;
    }
  }

  if (f.days_since_receipt >= kPromptPayMinimumAge) {
    ++prompt_pay_received;
    // Owed: still open, or paid. Finally denied and zero-pay-closed claims owed nothing.
    const bool owed = !f.finally_denied && (f.open || f.net_paid_cents > 0);
    if (owed) ++prompt_pay_owed;
    for (size_t k = 0; k < kPromptPayDays.size(); ++k) {
      if (f.receipt_to_adjudication_days.has_value() &&
          *f.receipt_to_adjudication_days <= kPromptPayDays[k]) {
        ++adjudicated_within[k];
      }
      if (owed && f.receipt_to_payment_days.has_value() &&
          *f.receipt_to_payment_days <= kPromptPayDays[k]) {
        ++paid_within[k];
      }
    }
  }

  if (f.open) {
    ++open;
    open_charge_cents += f.charge_cents;
    const int bucket = static_cast<int>(f.aging_bucket);
    if (bucket >= 0 && bucket < kAgingBucketCount) {
      ++open_by_bucket[bucket];
      open_charge_by_bucket_cents[bucket] += f.charge_cents;
    }
  }
}

MeasureCounts& MeasureCounts::operator+=(const MeasureCounts& o) {
  claims += o.claims;
  charge_cents += o.charge_cents;
  adjudicated += o.adjudicated;
  adjudicated_charge_cents += o.adjudicated_charge_cents;
  adjudicated_lines += o.adjudicated_lines;
  adjudicated_line_charge_cents += o.adjudicated_line_charge_cents;
  initially_denied += o.initially_denied;
  initially_denied_charge_cents += o.initially_denied_charge_cents;
  initially_denied_lines += o.initially_denied_lines;
  initially_denied_line_charge_cents += o.initially_denied_line_charge_cents;
  finally_denied += o.finally_denied;
  finally_denied_charge_cents += o.finally_denied_charge_cents;
  finally_denied_lines += o.finally_denied_lines;
  finally_denied_line_charge_cents += o.finally_denied_line_charge_cents;
  initial_partial_denials += o.initial_partial_denials;
  initial_partial_denial_charge_cents += o.initial_partial_denial_charge_cents;
  initial_partial_denied_lines += o.initial_partial_denied_lines;
  initial_partial_denied_line_charge_cents += o.initial_partial_denied_line_charge_cents;
  final_partial_denials += o.final_partial_denials;
  final_partial_denial_charge_cents += o.final_partial_denial_charge_cents;
  final_partial_denied_lines += o.final_partial_denied_lines;
  final_partial_denied_line_charge_cents += o.final_partial_denied_line_charge_cents;
  overturned += o.overturned;
  overturned_charge_cents += o.overturned_charge_cents;
  overturned_lines += o.overturned_lines;
  overturned_line_charge_cents += o.overturned_line_charge_cents;
  clean += o.clean;
  clean_charge_cents += o.clean_charge_cents;
  net_paid_cents += o.net_paid_cents;
  served += o.served;
  paid += o.paid;
  paid_days_sum += o.paid_days_sum;
  submission_lag_count += o.submission_lag_count;
  submission_lag_days_sum += o.submission_lag_days_sum;
  turnaround_count += o.turnaround_count;
  turnaround_days_sum += o.turnaround_days_sum;
  prompt_pay_received += o.prompt_pay_received;
  prompt_pay_owed += o.prompt_pay_owed;
  for (size_t k = 0; k < kPromptPayDays.size(); ++k) {
    paid_within[k] += o.paid_within[k];
    adjudicated_within[k] += o.adjudicated_within[k];
  }
  open += o.open;
  open_charge_cents += o.open_charge_cents;
  for (int b = 0; b < kAgingBucketCount; ++b) {
    open_by_bucket[b] += o.open_by_bucket[b];
    open_charge_by_bucket_cents[b] += o.open_charge_by_bucket_cents[b];
  }
  return *this;
}

MeasureRates RatesFromCounts(const MeasureCounts& c) {
  auto d = [](auto value) { return static_cast<double>(value); };
  const double claims = d(c.adjudicated);
  const double dollars = d(c.adjudicated_charge_cents);
  const double lines = d(c.adjudicated_lines);
  const double line_dollars = d(c.adjudicated_line_charge_cents);
  MeasureRates r;
  r.initial_denial_by_count = MakeRatio(d(c.initially_denied), claims);
  r.initial_denial_by_dollars = MakeRatio(d(c.initially_denied_charge_cents), dollars);
  r.initial_line_denial_by_count = MakeRatio(d(c.initially_denied_lines), lines);
  r.initial_line_denial_by_dollars =
      MakeRatio(d(c.initially_denied_line_charge_cents), line_dollars);
  r.final_denial_by_count = MakeRatio(d(c.finally_denied), claims);
  r.final_denial_by_dollars = MakeRatio(d(c.finally_denied_charge_cents), dollars);
  r.final_line_denial_by_count = MakeRatio(d(c.finally_denied_lines), lines);
  r.final_line_denial_by_dollars = MakeRatio(d(c.finally_denied_line_charge_cents), line_dollars);
  r.initial_partial_denial_by_count = MakeRatio(d(c.initial_partial_denials), claims);
  r.initial_partial_denial_by_dollars =
      MakeRatio(d(c.initial_partial_denial_charge_cents), dollars);
  r.initial_partial_line_denial_by_count = MakeRatio(d(c.initial_partial_denied_lines), lines);
  r.initial_partial_line_denial_by_dollars =
      MakeRatio(d(c.initial_partial_denied_line_charge_cents), line_dollars);
  r.final_partial_denial_by_count = MakeRatio(d(c.final_partial_denials), claims);
  r.final_partial_denial_by_dollars = MakeRatio(d(c.final_partial_denial_charge_cents), dollars);
  r.final_partial_line_denial_by_count = MakeRatio(d(c.final_partial_denied_lines), lines);
  r.final_partial_line_denial_by_dollars =
      MakeRatio(d(c.final_partial_denied_line_charge_cents), line_dollars);
  r.overturn_by_count = MakeRatio(d(c.overturned), d(c.initially_denied));
  r.overturn_by_dollars =
      MakeRatio(d(c.overturned_charge_cents), d(c.initially_denied_charge_cents));
  r.overturn_line_by_count = MakeRatio(d(c.overturned_lines), d(c.initially_denied_lines));
  r.overturn_line_by_dollars =
      MakeRatio(d(c.overturned_line_charge_cents), d(c.initially_denied_line_charge_cents));
  r.clean_claim_by_count = MakeRatio(d(c.clean), claims);
  r.clean_claim_by_dollars = MakeRatio(d(c.clean_charge_cents), dollars);
  r.paid_to_charge = MakeRatio(d(c.net_paid_cents), dollars);
  r.paid_per_encounter = MakeRatio(d(c.net_paid_cents), claims);
  r.mean_submission_lag_days = MakeRatio(d(c.submission_lag_days_sum), d(c.submission_lag_count));
  r.mean_turnaround_days = MakeRatio(d(c.turnaround_days_sum), d(c.turnaround_count));
  r.mean_days_to_payment_paid_only = MakeRatio(d(c.paid_days_sum), d(c.paid));
  for (size_t k = 0; k < kPromptPayDays.size(); ++k) {
    r.prompt_paid_within[k] = MakeRatio(d(c.paid_within[k]), d(c.prompt_pay_owed));
    r.prompt_adjudicated_within[k] =
        MakeRatio(d(c.adjudicated_within[k]), d(c.prompt_pay_received));
  }
  return r;
}

DayDistribution DistributionOf(std::vector<int> days) {
  DayDistribution distribution;
  distribution.n = static_cast<int64_t>(days.size());
  if (days.empty()) return distribution;
  std::sort(days.begin(), days.end());
  double sum = 0;
  for (int day : days) sum += day;
  distribution.mean = sum / static_cast<double>(days.size());
  distribution.median = QuantileType7(days, 0.5);
  distribution.p90 = QuantileType7(days, 0.9);
  return distribution;
}

std::vector<CohortMeasures> AggregateMeasures(const std::vector<ClaimFacts>& facts,
                                              const MeasureSelection& selection,
                                              const CohortTaxonomy& taxonomy) {
  const GroupLayout layout(taxonomy);
  struct Accumulator {
    MeasureCounts counts;
    std::vector<int> lags;
    std::vector<int> turnarounds;
    std::vector<SurvivalObservation> survival;
  };
  std::vector<Accumulator> accumulators(layout.groups.size());
  for (const ClaimFacts& f : facts) {
    if (!InSelection(f, selection)) continue;
    for (size_t slot : layout.SlotsOf(f)) {
      Accumulator& a = accumulators[slot];
      a.counts.Add(f);
      if (!f.served) continue;
      if (f.submission_lag_days.has_value()) a.lags.push_back(*f.submission_lag_days);
      if (f.turnaround_days.has_value()) a.turnarounds.push_back(*f.turnaround_days);
      a.survival.push_back({f.survival_days, f.paid});
    }
  }
  std::vector<CohortMeasures> result;
  result.reserve(layout.groups.size());
  for (size_t slot = 0; slot < layout.groups.size(); ++slot) {
    Accumulator& a = accumulators[slot];
    CohortMeasures m;
    m.group = layout.groups[slot].first;
    m.family = layout.groups[slot].second;
    m.display_name = DisplayName(taxonomy, m.group, m.family);
    m.counts = a.counts;
    m.rates = RatesFromCounts(a.counts);
    m.submission_lag = DistributionOf(std::move(a.lags));
    m.turnaround = DistributionOf(std::move(a.turnarounds));
    m.days_to_payment = EstimateKaplanMeier(std::move(a.survival));
    m.median_days_to_payment = m.days_to_payment.Quantile(0.5);
    m.p90_days_to_payment = m.days_to_payment.Quantile(0.9);
    for (size_t k = 0; k < kPromptPayDays.size(); ++k) {
      m.share_paid_by_day[k] = m.days_to_payment.ShareEventBy(kPromptPayDays[k]);
    }
    result.push_back(std::move(m));
  }
  return result;
}

std::vector<CohortMeasures> ComputeMeasures(const std::vector<ClaimHistory>& histories, Day as_of,
                                            const MeasureSelection& selection,
                                            const MeasureContext& context) {
  return AggregateMeasures(ComputeAllClaimFacts(histories, as_of, context), selection,
                           context.taxonomy);
}

std::vector<MonthlyAggregate> AggregateByMonth(const std::vector<ClaimFacts>& facts,
                                               PeriodBasis basis, const MeasureFilters& filters,
                                               const CohortTaxonomy& taxonomy) {
  const GroupLayout layout(taxonomy);
  std::map<std::pair<absl::CivilMonth, size_t>, MeasureCounts> rows;
  for (const ClaimFacts& f : facts) {
    const std::optional<absl::CivilMonth> month = PeriodMonth(f, basis);
    if (!month.has_value() || !MatchesFilters(f, filters)) continue;
    for (size_t slot : layout.SlotsOf(f)) rows[{*month, slot}].Add(f);
  }
  std::vector<MonthlyAggregate> result;
  result.reserve(rows.size());
  for (auto& [key, counts] : rows) {
    MonthlyAggregate row;
    row.month = key.first;
    row.basis = basis;
    row.group = layout.groups[key.second].first;
    row.family = layout.groups[key.second].second;
    row.counts = std::move(counts);
    result.push_back(std::move(row));
  }
  return result;
}

}  // namespace denialscope
