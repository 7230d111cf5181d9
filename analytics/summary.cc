// The denial summary per cohort. Each claim is derived once (denial.h) and then added to
// every group it belongs to, so the specific total always equals the sum of its families.
#include "analytics/summary.h"

#include <algorithm>
#include <cstddef>
#include <map>
#include <utility>

#include "analytics/denial.h"
#include "analytics/kaplan_meier.h"

namespace denialscope {
namespace {

constexpr std::string_view kSpecificName = "Specific cervical diagnoses (all families)";
constexpr std::string_view kNonCervicalName = "Outside the neck-pain cohort";

// CLM02, or the sum of the lines when a record left it 0 (the ingest convention for "sum").
Cents ClaimCharge(const Claim& claim) {
  if (claim.total_charge_cents != 0) return claim.total_charge_cents;
  Cents sum = 0;
  for (const ClaimLine& line : claim.lines) sum += line.charge_cents;
  return sum;
}

// A group's running totals; the survival observations wait until all claims are seen.
struct Accumulator {
  CohortSummary summary;
  std::vector<SurvivalObservation> observations;

  void Add(Cents charge, bool in_future, const ClaimOutcome& outcome,
           std::optional<int> paid_days, int waiting_days) {
    CohortSummary& s = summary;
    ++s.claim_count;
    s.charge_cents += charge;
    if (in_future) return;  // not yet served on the as-of date: nothing to measure
    if (outcome.adjudicated) {
      ++s.adjudicated_count;
      s.adjudicated_charge_cents += charge;
      if (outcome.initial == Outcome::kDenied) {
        s.initial_denial_by_count.numerator += 1;
        s.initial_denial_by_dollars.numerator += static_cast<double>(charge);
      }
      if (outcome.finally_denied) {
        s.final_denial_by_count.numerator += 1;
        s.final_denial_by_dollars.numerator += static_cast<double>(charge);
      }
    }
    if (paid_days.has_value()) {
      ++s.paid_count;
      observations.push_back({*paid_days, true});
    } else {
      ++s.censored_count;
      observations.push_back({waiting_days, false});
    }
  }

  CohortSummary Finish() && {
    CohortSummary& s = summary;
    const double count = static_cast<double>(s.adjudicated_count);
    const double dollars = static_cast<double>(s.adjudicated_charge_cents);
    s.initial_denial_by_count.denominator = count;
    s.final_denial_by_count.denominator = count;
    s.initial_denial_by_dollars.denominator = dollars;
    s.final_denial_by_dollars.denominator = dollars;
    s.median_days_to_payment = EstimateKaplanMeier(std::move(observations)).Quantile(0.5);
    return std::move(summary);
  }
};

}  // namespace

std::optional<double> Ratio::Value() const {
  if (denominator == 0) return std::nullopt;
  return numerator / denominator;
}

DenialSummary ComputeDenialSummary(const std::vector<ClaimHistory>& claims, Day as_of,
                                   const CohortTaxonomy& taxonomy, CohortRule rule) {
  const std::vector<TaxonomyFamily>& families = taxonomy.families();
  Accumulator nonspecific, specific, non_cervical;
  nonspecific.summary.group = SummaryGroup::kNonspecific;
  nonspecific.summary.display_name = taxonomy.nonspecific_display_name();
  specific.summary.group = SummaryGroup::kSpecific;
  specific.summary.display_name = std::string(kSpecificName);
  non_cervical.summary.group = SummaryGroup::kNonCervical;
  non_cervical.summary.display_name = std::string(kNonCervicalName);
  std::vector<Accumulator> by_family(families.size());
  std::map<std::string, size_t, std::less<>> family_index;
  for (size_t i = 0; i < families.size(); ++i) {
    by_family[i].summary.group = SummaryGroup::kFamily;
    by_family[i].summary.family = families[i].id;
    by_family[i].summary.display_name = families[i].display_name;
    family_index.emplace(families[i].id, i);
  }

  for (const ClaimHistory& history : claims) {
    const Day service_date = history.claim.ServiceDate();
    const bool in_future = service_date > as_of;
    const ClaimOutcome outcome = DeriveOutcome(history.events, as_of);
    std::optional<int> paid_days;
    if (outcome.first_payment_date.has_value() && *outcome.first_payment_date <= as_of) {
      // A payment dated before the service (bad data) is paid on day 0, not a negative time.
      paid_days = static_cast<int>(
          std::max<absl::civil_diff_t>(0, *outcome.first_payment_date - service_date));
    }
    const int waiting_days = static_cast<int>(as_of - service_date);
    const Cents charge = ClaimCharge(history.claim);
    auto add = [&](Accumulator& group) {
      group.Add(charge, in_future, outcome, paid_days, waiting_days);
    };

    const Classification c = taxonomy.ClassifyHistory(history, rule);
    switch (c.cohort) {
      case Cohort::kNonspecific:
        add(nonspecific);
        break;
      case Cohort::kSpecific: {
        add(specific);
        auto it = family_index.find(c.family);
        if (it != family_index.end()) add(by_family[it->second]);
        break;
      }
      case Cohort::kNonCervical:
        add(non_cervical);
        break;
    }
  }

  DenialSummary summary;
  summary.as_of = as_of;
  summary.cohorts.push_back(std::move(nonspecific).Finish());
  summary.cohorts.push_back(std::move(specific).Finish());
  for (Accumulator& family : by_family) summary.cohorts.push_back(std::move(family).Finish());
  summary.cohorts.push_back(std::move(non_cervical).Finish());
  return summary;
}

}  // namespace denialscope
