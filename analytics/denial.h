// Denial derivation (DESIGN §1): what one adjudication event means, and what a claim's
// events add up to as of a date. Pure functions of the records; the as-of date is passed in.
#ifndef DENIALSCOPE_ANALYTICS_DENIAL_H_
#define DENIALSCOPE_ANALYTICS_DENIAL_H_

#include <optional>
#include <vector>

#include "analytics/records.h"

namespace denialscope {

// What a single event says, before netting with the claim's other events.
enum class EventKind {
  kPaid,               // paid > 0
  kDenied,             // CLP02 4, or zero pay on a charge with a CO/OA/PI reason other than CO-45
  kZeroPayNotDenied,   // zero pay that is only patient responsibility or contractual
  kDuplicateDenial,    // zero pay carrying CARC 18: excluded from denial rates
  kReversal,           // CLP02 22 (or a negative payment): netted, never an outcome
};

EventKind ClassifyEvent(const RemittanceEvent& event);

// A service line is denied when it pays 0 on a non-zero charge with a CO/OA/PI reason other
// than the contractual CO-45 and the duplicate CARC 18.
bool IsLineDenied(const RemittanceLine& line);

enum class Outcome { kNone, kPaid, kDenied, kZeroPayNotDenied };

// Everything the measures need about one claim, as of a date.
struct ClaimOutcome {
  bool adjudicated = false;  // has an outcome event on or before the as-of date
  Outcome initial = Outcome::kNone;
  std::optional<Day> initial_date;  // adjudication date of the initial outcome event
  bool initial_partial_denial = false;  // initial event paid with >= 1 denied line
  Outcome final = Outcome::kNone;
  bool finally_denied = false;  // net paid 0 and the latest outcome event is a denial
  Cents net_paid_cents = 0;
  std::optional<Day> first_payment_date;  // earliest payment date of an event paying > 0
  bool overturned = false;  // initially denied, net paid > 0
};

// Nets the events of one claim. Events after `as_of` (by adjudication date) are ignored;
// events without any date are treated as adjudicated on the as-of date.
ClaimOutcome DeriveOutcome(const std::vector<RemittanceEvent>& events, Day as_of);

}  // namespace denialscope

#endif  // DENIALSCOPE_ANALYTICS_DENIAL_H_
