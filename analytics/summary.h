// The denial summary per cohort (GetDenialSummary): counts, initial and final denial rates by
// count and by dollars, and the censored Kaplan–Meier median days to payment.
#ifndef DENIALSCOPE_ANALYTICS_SUMMARY_H_
#define DENIALSCOPE_ANALYTICS_SUMMARY_H_

#include <optional>
#include <string>
#include <vector>

#include "analytics/records.h"
#include "analytics/taxonomy.h"

namespace denialscope {

// A ratio kept as its parts, so callers see the denominators behind every rate.
struct Ratio {
  double numerator = 0;
  double denominator = 0;
  std::optional<double> Value() const;  // nullopt when the denominator is 0
};

enum class SummaryGroup {
  kNonspecific,  // M54.2
  kSpecific,     // every specific cervical family together
  kFamily,       // one specific family (CohortSummary::family)
  kNonCervical,
};

struct CohortSummary {
  SummaryGroup group = SummaryGroup::kNonCervical;
  std::string family;        // for kFamily
  std::string display_name;  // "M54.2 (cervicalgia)", "Disc disorders (M50.-)", ...
  int64_t claim_count = 0;        // claims with service dates in the period
  int64_t adjudicated_count = 0;  // with an outcome on or before the as-of date
  Cents charge_cents = 0;              // all claims in the group
  Cents adjudicated_charge_cents = 0;  // the dollar denominator
  Ratio initial_denial_by_count;
  Ratio initial_denial_by_dollars;  // charges of initially denied claims / adjudicated charges
  Ratio final_denial_by_count;
  Ratio final_denial_by_dollars;
  int64_t paid_count = 0;      // claims with a payment > 0 by the as-of date
  int64_t censored_count = 0;  // claims still unpaid at the as-of date
  std::optional<int> median_days_to_payment;  // Kaplan–Meier, nullopt when S never <= 0.5
};

struct DenialSummary {
  Day as_of;
  std::vector<CohortSummary> cohorts;  // nonspecific, specific, each family, non-cervical
};

// `claims` are the claims whose date of service lies in the period. Claims with a date of
// service after `as_of` are counted but not adjudicated and not in the survival estimate.
DenialSummary ComputeDenialSummary(const std::vector<ClaimHistory>& claims, Day as_of,
                                   const CohortTaxonomy& taxonomy, CohortRule rule);

}  // namespace denialscope

#endif  // DENIALSCOPE_ANALYTICS_SUMMARY_H_
