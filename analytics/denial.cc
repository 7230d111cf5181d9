// Denial derivation (DESIGN §1). Every rate in the product rests on these few rules, so they
// live in one place and the SQL side stores their results rather than re-deriving them.
#include "analytics/denial.h"

#include <algorithm>
#include <cstddef>
#include <tuple>

namespace denialscope {
namespace {

constexpr std::string_view kCarcContractual = "45";  // CO-45: contractual write-off
constexpr std::string_view kCarcDuplicate = "18";     // duplicate claim/service

bool IsDenialGroup(GroupCode group) {
  // CR (4010-era corrections) is accepted on ingest but never makes a denial.
  return group == GroupCode::kCO || group == GroupCode::kOA || group == GroupCode::kPI;
}

// A CO/OA/PI adjustment that moves money for a reason other than the contract or a duplicate.
bool IsDenyingAdjustment(const Adjustment& adjustment) {
  if (!IsDenialGroup(adjustment.group) || adjustment.amount_cents == 0) return false;
  if (adjustment.carc == kCarcDuplicate) return false;
  return !(adjustment.group == GroupCode::kCO && adjustment.carc == kCarcContractual);
}

bool HasDuplicateCarc(const std::vector<Adjustment>& adjustments) {
  return std::any_of(adjustments.begin(), adjustments.end(),
                     [](const Adjustment& a) { return a.carc == kCarcDuplicate; });
}

bool EventHasDuplicateCarc(const RemittanceEvent& event) {
  if (HasDuplicateCarc(event.adjustments)) return true;
  return std::any_of(event.lines.begin(), event.lines.end(),
                     [](const RemittanceLine& l) { return HasDuplicateCarc(l.adjustments); });
}

bool EventHasDenyingAdjustment(const RemittanceEvent& event) {
  auto denies = [](const std::vector<Adjustment>& adjustments) {
    return std::any_of(adjustments.begin(), adjustments.end(), IsDenyingAdjustment);
  };
  if (denies(event.adjustments)) return true;
  return std::any_of(event.lines.begin(), event.lines.end(),
                     [&](const RemittanceLine& l) { return denies(l.adjustments); });
}

// CLP03 can be 0 on malformed remittances that still carry line charges; either counts.
bool HasCharge(const RemittanceEvent& event) {
  if (event.charge_cents != 0) return true;
  return std::any_of(event.lines.begin(), event.lines.end(),
                     [](const RemittanceLine& l) { return l.charge_cents != 0; });
}

Outcome ToOutcome(EventKind kind) {
  switch (kind) {
    case EventKind::kPaid:
      return Outcome::kPaid;
    case EventKind::kDenied:
      return Outcome::kDenied;
    case EventKind::kZeroPayNotDenied:
      return Outcome::kZeroPayNotDenied;
    case EventKind::kDuplicateDenial:
    case EventKind::kReversal:
      break;
  }
  return Outcome::kNone;
}

struct DatedEvent {
  const RemittanceEvent* event;
  Day adjudication_date;
  Day payment_sort_date;  // payment date, else the adjudication date
  size_t original_index;
  EventKind kind;
};

}  // namespace

EventKind ClassifyEvent(const RemittanceEvent& event) {
  if (event.status_code == kClaimStatusReversal || event.paid_cents < 0) {
    return EventKind::kReversal;
  }
  if (event.status_code == kClaimStatusDenied) {
    return EventHasDuplicateCarc(event) ? EventKind::kDuplicateDenial : EventKind::kDenied;
  }
  if (event.paid_cents > 0) return EventKind::kPaid;
  if (!HasCharge(event)) return EventKind::kZeroPayNotDenied;  // nothing was asked for
  if (EventHasDuplicateCarc(event)) return EventKind::kDuplicateDenial;
  if (EventHasDenyingAdjustment(event)) return EventKind::kDenied;
  return EventKind::kZeroPayNotDenied;
}

bool IsLineDenied(const RemittanceLine& line) {
  if (line.paid_cents != 0 || line.charge_cents == 0) return false;
  return std::any_of(line.adjustments.begin(), line.adjustments.end(), IsDenyingAdjustment);
}

ClaimOutcome DeriveOutcome(const std::vector<RemittanceEvent>& events, Day as_of) {
  std::vector<DatedEvent> dated;
  dated.reserve(events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    const RemittanceEvent& event = events[i];
    const Day adjudication = event.AdjudicationDate().value_or(as_of);
    if (adjudication > as_of) continue;  // not known yet on the as-of date
    dated.push_back({&event, adjudication, event.payment_date.value_or(adjudication), i,
                     ClassifyEvent(event)});
  }
  std::sort(dated.begin(), dated.end(), [](const DatedEvent& a, const DatedEvent& b) {
    return std::tie(a.adjudication_date, a.payment_sort_date, a.original_index) <
           std::tie(b.adjudication_date, b.payment_sort_date, b.original_index);
  });

  ClaimOutcome result;
  const DatedEvent* latest_outcome = nullptr;
  for (const DatedEvent& d : dated) {
    result.net_paid_cents += d.event->paid_cents;
    const Outcome outcome = ToOutcome(d.kind);
    if (outcome == Outcome::kNone) continue;  // reversals and duplicate denials
    if (result.initial == Outcome::kNone) {
      result.initial = outcome;
      result.initial_date = d.adjudication_date;
      result.initial_partial_denial =
          outcome == Outcome::kPaid &&
          std::any_of(d.event->lines.begin(), d.event->lines.end(), IsLineDenied);
    }
    latest_outcome = &d;
    if (d.kind == EventKind::kPaid &&
        (!result.first_payment_date.has_value() ||
         d.payment_sort_date < *result.first_payment_date)) {
      // A payment counts from its own date even if a reversal later takes it back.
      result.first_payment_date = d.payment_sort_date;
    }
  }
  result.adjudicated = result.initial != Outcome::kNone;
  if (!result.adjudicated) return result;

  if (result.net_paid_cents > 0) {
    result.final = Outcome::kPaid;
  } else if (latest_outcome->kind == EventKind::kDenied) {
    result.final = Outcome::kDenied;
    result.finally_denied = true;
  } else {
    // Zero pay without a denial, or a payment fully taken back by a reversal: nothing kept,
    // but no payer said no.
    result.final = Outcome::kZeroPayNotDenied;
  }
  result.overturned = result.initial == Outcome::kDenied && result.net_paid_cents > 0;
  return result;
}

}  // namespace denialscope
