// The MonthlyReport: every number comes from an AnalyticsService answer for the same practice
// and as-of date; this file only chooses the periods, pools months for the trailing average
// and writes the sentences a practice manager reads.
#include "server/monthly_report.h"

#include <cmath>
#include <map>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "analytics/status_macros.h"
#include "server/analytics_answers.h"
#include "server/api_convert.h"
#include "server/report_layout.h"

namespace denialscope {
namespace {

namespace v1 = ::denialscope::v1;

constexpr char kReportsSegment[] = "/reports/";
constexpr size_t kReportsSegmentSize = sizeof(kReportsSegment) - 1;

struct Months {
  absl::CivilMonth month;
  absl::CivilMonth previous;
  absl::CivilMonth trailing_from;
};

// Sets the fields every analytics request of the report shares.
template <typename Request>
Request Scoped(const std::string& practice, absl::CivilMonth from, absl::CivilMonth to,
               const std::string& as_of) {
  Request request;
  request.set_practice(practice);
  request.set_from_month(FormatIsoMonth(from));
  request.set_to_month(FormatIsoMonth(to));
  request.set_as_of_date(as_of);
  return request;
}

// Sum of a cohort's trend values over the months [from, to]; unset without a denominator.
std::optional<double> Pooled(const v1::GetTrendResponse& trend, v1::CohortGroup group,
                             absl::CivilMonth from, absl::CivilMonth to) {
  double numerator = 0;
  double denominator = 0;
  for (const v1::TrendSeries& series : trend.series()) {
    if (series.group() != group) continue;
    for (const v1::TrendPoint& point : series.points()) {
      absl::StatusOr<absl::CivilMonth> month = ParseIsoMonth(point.month(), "month");
      if (!month.ok() || *month < from || *month > to) continue;
      numerator += point.value().numerator();
      denominator += point.value().denominator();
    }
  }
  if (denominator <= 0) return std::nullopt;
  return numerator / denominator;
}

const v1::CohortTimeline* TimelineOf(const v1::GetPaymentTimelineResponse& timeline,
                                     v1::CohortGroup group) {
  for (const v1::CohortTimeline& cohort : timeline.cohorts()) {
    if (cohort.group() == group) return &cohort;
  }
  return nullptr;
}

std::optional<double> MedianDays(const v1::GetPaymentTimelineResponse& timeline,
                                 v1::CohortGroup group) {
  const v1::CohortTimeline* cohort = TimelineOf(timeline, group);
  if (cohort == nullptr || !cohort->median().has_day()) return std::nullopt;
  return cohort->median().day();
}

std::optional<double> OpenOver90Cents(const v1::GetPaymentTimelineResponse& timeline,
                                      v1::CohortGroup group) {
  const v1::CohortTimeline* cohort = TimelineOf(timeline, group);
  if (cohort == nullptr || cohort->claims() == 0) return std::nullopt;
  double cents = 0;
  for (const v1::AgingBucket& bucket : cohort->aging()) {
    if (bucket.bucket() != "0-30" && bucket.bucket() != "31-60" && bucket.bucket() != "61-90") {
      cents += static_cast<double>(bucket.charge_cents());
    }
  }
  return cents;
}

template <typename Row>
void SetValue(std::optional<double> value, void (Row::*set)(double), Row* row) {
  if (value.has_value()) (row->*set)(*value);
}

const v1::CohortComparison* SpecificComparison(const v1::CompareCohortsResponse& comparison) {
  for (const v1::CohortComparison& c : comparison.comparisons()) {
    if (c.reference_group() == v1::COHORT_GROUP_SPECIFIC) return &c;
  }
  return nullptr;
}

// One payer-table row for the payers `payer_ids`: the CompareCohorts and the paid-to-charge
// GetTrend answers for the month with the payer filter. Adds the rows read to `*rows`.
absl::Status FillPayerRow(const ServiceContext& context, const std::string& practice,
                          absl::CivilMonth month, const std::string& as_of,
                          const std::vector<std::string>& payer_ids, v1::PayerRow* row,
                          int64_t* rows) {
  int64_t read = 0;
  v1::CompareCohortsRequest compare =
      Scoped<v1::CompareCohortsRequest>(practice, month, month, as_of);
  for (const std::string& id : payer_ids) compare.mutable_filter()->add_payer_ids(id);
  v1::CompareCohortsResponse comparison;
  DS_RETURN_IF_ERROR(AnswerCompareCohorts(context, compare, &comparison, &read));
  *rows += read;
  v1::GetTrendRequest trend = Scoped<v1::GetTrendRequest>(practice, month, month, as_of);
  *trend.mutable_filter() = compare.filter();
  trend.set_measure(v1::MEASURE_PAID_TO_CHARGE);
  v1::GetTrendResponse paid;
  DS_RETURN_IF_ERROR(AnswerGetTrend(context, trend, &paid, &read));
  *rows += read;

  row->set_payers(static_cast<int32_t>(payer_ids.size()));
  row->set_nonspecific_claims(comparison.nonspecific_claims());
  if (const v1::CohortComparison* specific = SpecificComparison(comparison)) {
    row->set_specific_claims(specific->reference_claims());
    for (const v1::MeasureComparison& m : specific->measures()) {
      if (m.measure() != v1::MEASURE_INITIAL_DENIAL_RATE) continue;
      *row->mutable_nonspecific_initial_denial() = m.nonspecific();
      *row->mutable_specific_initial_denial() = m.reference();
      *row->mutable_initial_denial_risk_ratio() = m.risk_ratio();
    }
    const v1::ExcessDeniedDollars& dollars = specific->excess_initially_denied();
    if (dollars.has_rate()) row->set_nonspecific_initial_denial_dollars(dollars.rate());
    if (dollars.has_reference_rate()) {
      row->set_specific_initial_denial_dollars(dollars.reference_rate());
    }
  }
  SetValue(Pooled(paid, v1::COHORT_GROUP_NONSPECIFIC, month, month),
           &v1::PayerRow::set_nonspecific_paid_to_charge, row);
  SetValue(Pooled(paid, v1::COHORT_GROUP_SPECIFIC, month, month),
           &v1::PayerRow::set_specific_paid_to_charge, row);
  return absl::OkStatus();
}

// The payer table: the top kReportPayers payers by claims, then the rest pooled.
absl::Status AddPayerTable(const ServiceContext& context, const Practice& practice_record,
                           const std::string& practice, absl::CivilMonth month,
                           const std::string& as_of, v1::MonthlyReport* report,
                           int64_t* rows) {
  std::vector<std::pair<std::string, int64_t>> payers;
  int64_t read = 0;
  DS_RETURN_IF_ERROR(AnswerPayerClaims(
      context, Scoped<v1::CompareCohortsRequest>(practice, month, month, as_of), &payers,
      &read));
  *rows += read;
  report->set_payer_count(static_cast<int32_t>(payers.size()));
  std::map<std::string, std::string> names;
  if (!payers.empty()) {
    DS_ASSIGN_OR_RETURN(names, context.store->PayerNames(practice_record));
  }
  std::vector<std::string> others;
  for (size_t i = 0; i < payers.size(); ++i) {
    if (i >= static_cast<size_t>(kReportPayers)) {
      others.push_back(payers[i].first);
      continue;
    }
    v1::PayerRow* row = report->add_payers();
    row->set_payer_id(payers[i].first);
    const auto name = names.find(payers[i].first);
    row->set_display_name(name == names.end()
                              ? payers[i].first
                              : absl::StrCat(name->second, " (", payers[i].first, ")"));
    DS_RETURN_IF_ERROR(
        FillPayerRow(context, practice, month, as_of, {payers[i].first}, row, rows));
  }
  if (!others.empty()) {
    v1::PayerRow* row = report->add_payers();
    row->set_display_name("All other payers");
    DS_RETURN_IF_ERROR(FillPayerRow(context, practice, month, as_of, others, row, rows));
  }
  return absl::OkStatus();
}

std::string Times(double ratio) { return absl::StrFormat("%.1f", ratio); }

// The comparison of M54.2 against all specific cervical codes, as sentences and warnings.
void WriteFindings(const v1::CompareCohortsResponse& comparison, v1::MonthlyReport* report) {
  const v1::CohortComparison* specific = SpecificComparison(comparison);
  const v1::MeasureComparison* initial = nullptr;
  if (specific != nullptr) {
    for (const v1::MeasureComparison& m : specific->measures()) {
      if (m.measure() == v1::MEASURE_INITIAL_DENIAL_RATE) initial = &m;
    }
  }
  if (initial == nullptr || !initial->nonspecific().interval().has_estimate() ||
      !initial->reference().interval().has_estimate()) {
    report->add_findings(
        "There were not enough adjudicated M54.2 and specific cervical claims this month to "
        "compare their denial rates.");
    return;
  }
  report->add_findings(absl::StrFormat(
      "%d of %d adjudicated M54.2 claims (%.1f%%) were denied on first submission, against "
      "%d of %d claims with a specific cervical code (%.1f%%).",
      initial->nonspecific().numerator(), initial->nonspecific().denominator(),
      100 * initial->nonspecific().interval().estimate(), initial->reference().numerator(),
      initial->reference().denominator(), 100 * initial->reference().interval().estimate()));
  const v1::RiskRatio& rr = initial->risk_ratio();
  const v1::ExcessDeniedDollars& excess = specific->excess_initially_denied();
  if (rr.has_estimate()) {
    std::string sentence = absl::StrCat("Claims coded M54.2 were denied ", Times(rr.estimate()),
                                        " times as often as claims with a specific cervical code");
    if (rr.has_lower() && rr.has_upper()) {
      absl::StrAppend(&sentence, " (", std::lround(rr.confidence() * 100), "% CI ",
                      Times(rr.lower()), "\u2013", Times(rr.upper()), ")");
    }
    if (excess.has_estimate_cents()) {
      absl::StrAppend(&sentence, ", costing an estimated ", Dollars(excess.estimate_cents()),
                      " in denied charges this month");
      if (excess.has_lower_cents() && excess.has_upper_cents()) {
        absl::StrAppend(&sentence, " (", Dollars(excess.lower_cents()), " to ",
                        Dollars(excess.upper_cents()), ")");
      }
    }
    absl::StrAppend(&sentence, ".");
    report->add_findings(sentence);
  }
  const v1::RiskRatio& adjusted = initial->adjusted_risk_ratio();
  if (adjusted.has_estimate()) {
    std::string sentence =
        absl::StrCat("Comparing claims to the same payer for the same kind of procedure, the "
                     "ratio is ",
                     Times(adjusted.estimate()));
    if (adjusted.has_lower() && adjusted.has_upper()) {
      absl::StrAppend(&sentence, " (", std::lround(adjusted.confidence() * 100), "% CI ",
                      Times(adjusted.lower()), "\u2013", Times(adjusted.upper()), ")");
    }
    absl::StrAppend(&sentence, ".");
    report->add_findings(sentence);
  }
  if (initial->insufficient_data() || rr.insufficient_data() || adjusted.insufficient_data() ||
      excess.insufficient_data()) {
    report->add_warnings(
        "Small sample: a cohort has fewer than 30 claims or fewer than 10 denials this month, "
        "so the comparison is a rough indication, not a measurement.");
  }
}

const v1::MeasureComparison* InitialDenial(const v1::CohortComparison& comparison) {
  for (const v1::MeasureComparison& m : comparison.measures()) {
    if (m.measure() == v1::MEASURE_INITIAL_DENIAL_RATE) return &m;
  }
  return nullptr;
}

// " (95% CI 1.2–3.4)", or nothing without both bounds.
std::string RatioInterval(const v1::RiskRatio& rr) {
  if (!rr.has_lower() || !rr.has_upper()) return "";
  return absl::StrCat(" (", std::lround(rr.confidence() * 100), "% CI ", Times(rr.lower()),
                      "\u2013", Times(rr.upper()), ")");
}

// M54.2 against each specific family (DESIGN §1: "and vs each family"): one sentence per
// family with enough claims, one sentence naming the families with too few; families with no
// claims in the month are left out.
void WriteFamilyFindings(const v1::CompareCohortsResponse& comparison,
                         v1::MonthlyReport* report) {
  std::vector<std::string> too_few;
  for (const v1::CohortComparison& family : comparison.comparisons()) {
    if (family.reference_group() != v1::COHORT_GROUP_SPECIFIC_FAMILY ||
        family.reference_claims() == 0) {
      continue;
    }
    const v1::MeasureComparison* initial = InitialDenial(family);
    if (initial == nullptr) continue;
    const v1::RiskRatio& rr = initial->risk_ratio();
    const v1::RateEstimate& reference = initial->reference();
    if (initial->insufficient_data() || rr.insufficient_data() || !rr.has_estimate() ||
        !reference.interval().has_estimate() ||
        !initial->nonspecific().interval().has_estimate()) {
      too_few.push_back(absl::StrCat(family.display_name(), " (", reference.denominator(),
                                     " adjudicated, ", reference.numerator(), " denied)"));
      continue;
    }
    std::string how;
    if (rr.has_lower() && rr.lower() > 1) {
      how = absl::StrCat("were denied ", Times(rr.estimate()), " times as often",
                         RatioInterval(rr));
    } else if (rr.has_upper() && rr.upper() < 1) {
      how = absl::StrCat("were denied less often: ", Times(rr.estimate()), " times the rate",
                         RatioInterval(rr));
    } else {
      how = absl::StrCat("were denied at a rate not clearly different (ratio ",
                         Times(rr.estimate()), RatioInterval(rr), ")");
    }
    std::string sentence = absl::StrFormat(
        "Against %s: M54.2 claims %s; %.1f%% of %d M54.2 claims against %.1f%% of %d.",
        family.display_name(), how, 100 * initial->nonspecific().interval().estimate(),
        initial->nonspecific().denominator(), 100 * reference.interval().estimate(),
        reference.denominator());
    const v1::ExcessDeniedDollars& excess = family.excess_initially_denied();
    if (excess.has_estimate_cents() && !excess.insufficient_data()) {
      sentence.pop_back();
      absl::StrAppend(&sentence, "; excess denied charges against this family's dollar rate: ",
                      Dollars(excess.estimate_cents()), ".");
    }
    report->add_family_findings(sentence);
  }
  if (!too_few.empty()) {
    report->add_family_findings(absl::StrCat(
        "Too few claims this month to compare M54.2 with ", absl::StrJoin(too_few, "; "),
        ": a family needs at least 30 adjudicated claims and 10 denials in each cohort."));
  }
}

}  // namespace

absl::StatusOr<v1::MonthlyReport> BuildMonthlyReport(const ServiceContext& context,
                                                     const std::string& name,
                                                     const std::string& as_of_date,
                                                     int64_t* rows) {
  const size_t at = name.find(kReportsSegment);
  if (at == std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "name: \"", name, "\" is not a report name of the form practices/{npi}/reports/{yyyy-mm}"));
  }
  DS_ASSIGN_OR_RETURN(std::string npi, ParsePracticeName(name.substr(0, at), "name"));
  Months months;
  DS_ASSIGN_OR_RETURN(months.month,
                      ParseIsoMonth(name.substr(at + kReportsSegmentSize), "name"));
  months.previous = months.month - 1;
  months.trailing_from = months.month - 11;
  Day as_of;
  if (as_of_date.empty()) {
    as_of = absl::ToCivilDay(context.clock->Now(), absl::UTCTimeZone());
  } else {
    DS_ASSIGN_OR_RETURN(as_of, ParseIsoDate(as_of_date, "as_of_date"));
  }
  DS_ASSIGN_OR_RETURN(Practice practice, context.store->GetPractice(npi));
  const std::string practice_name = PracticeName(npi);
  const std::string as_of_text = FormatIsoDate(as_of);

  v1::MonthlyReport report;
  report.set_name(absl::StrCat(practice_name, kReportsSegment, FormatIsoMonth(months.month)));
  report.set_practice(practice_name);
  report.set_practice_display_name(practice.display_name);
  report.set_month(FormatIsoMonth(months.month));
  report.set_previous_month(FormatIsoMonth(months.previous));
  report.set_trailing_from_month(FormatIsoMonth(months.trailing_from));
  report.set_as_of_date(as_of_text);

  int64_t read = 0;
  int64_t total = 0;
  auto count = [&]() { total += read; };
  DS_RETURN_IF_ERROR(AnswerCompareCohorts(
      context,
      Scoped<v1::CompareCohortsRequest>(practice_name, months.month, months.month, as_of_text),
      report.mutable_comparison(), &read));
  count();
  v1::GetTrendRequest trend = Scoped<v1::GetTrendRequest>(
      practice_name, months.trailing_from, months.month, as_of_text);
  trend.set_measure(v1::MEASURE_INITIAL_DENIAL_RATE);
  DS_RETURN_IF_ERROR(AnswerGetTrend(context, trend, report.mutable_denial_trend(), &read));
  count();
  v1::ListDenialReasonsRequest reasons = Scoped<v1::ListDenialReasonsRequest>(
      practice_name, months.month, months.month, as_of_text);
  reasons.set_stage(v1::DENIAL_STAGE_INITIAL);
  DS_RETURN_IF_ERROR(AnswerListDenialReasons(context, reasons, report.mutable_reasons(), &read));
  count();
  DS_RETURN_IF_ERROR(AnswerGetPaymentTimeline(
      context,
      Scoped<v1::GetPaymentTimelineRequest>(practice_name, months.month, months.month,
                                            as_of_text),
      report.mutable_timeline(), &read));
  count();
  v1::ListDeniedClaimsRequest worklist;
  worklist.set_parent(practice_name);
  worklist.set_from_month(FormatIsoMonth(months.month));
  worklist.set_to_month(FormatIsoMonth(months.month));
  worklist.set_as_of_date(as_of_text);
  worklist.add_cohorts(v1::COHORT_GROUP_NONSPECIFIC);
  worklist.add_denial_categories("diagnosis_coding");
  worklist.add_denial_categories("medical_necessity");
  worklist.set_page_size(kReportWorklistSize);
  DS_RETURN_IF_ERROR(
      AnswerListDeniedClaims(context, worklist, report.mutable_worklist(), &read));
  count();

  // Headline: the month, the one before, and the 12 months pooled, for each cohort. The
  // ratio measures come from one 13-month trend each; the times from three timelines.
  struct RatioMeasure {
    v1::Measure measure;
    const char* label;
  };
  const RatioMeasure ratios[] = {
      {v1::MEASURE_INITIAL_DENIAL_RATE, "Initial denial rate (claims)"},
      {v1::MEASURE_INITIAL_DENIAL_RATE_DOLLARS, "Initial denial rate (dollars)"},
      {v1::MEASURE_FINAL_DENIAL_RATE, "Final denial rate (claims)"},
      {v1::MEASURE_CLEAN_CLAIM_RATE, "Clean-claim rate"},
      {v1::MEASURE_PAID_TO_CHARGE, "Paid-to-charge ratio"},
  };
  std::vector<v1::GetTrendResponse> trends;
  for (const RatioMeasure& ratio : ratios) {
    v1::GetTrendRequest request = Scoped<v1::GetTrendRequest>(
        practice_name, months.month - 12, months.month, as_of_text);
    request.set_measure(ratio.measure);
    DS_RETURN_IF_ERROR(AnswerGetTrend(context, request, &trends.emplace_back(), &read));
    count();
  }
  v1::GetPaymentTimelineResponse timelines[2];
  const std::pair<absl::CivilMonth, absl::CivilMonth> timeline_periods[2] = {
      {months.previous, months.previous}, {months.trailing_from, months.month}};
  for (int i = 0; i < 2; ++i) {
    DS_RETURN_IF_ERROR(AnswerGetPaymentTimeline(
        context,
        Scoped<v1::GetPaymentTimelineRequest>(practice_name, timeline_periods[i].first,
                                              timeline_periods[i].second, as_of_text),
        &timelines[i], &read));
    count();
  }
  const std::pair<v1::CohortGroup, const char*> groups[] = {
      {v1::COHORT_GROUP_NONSPECIFIC, "M54.2 (cervicalgia)"},
      {v1::COHORT_GROUP_SPECIFIC, "Specific cervical codes"}};
  for (const auto& [group, cohort] : groups) {
    for (size_t i = 0; i < trends.size(); ++i) {
      v1::HeadlineMeasure* row = report.add_headline();
      row->set_measure(ratios[i].measure);
      row->set_label(ratios[i].label);
      row->set_unit("ratio");
      row->set_group(group);
      row->set_cohort(cohort);
      SetValue(Pooled(trends[i], group, months.month, months.month),
               &v1::HeadlineMeasure::set_this_month, row);
      SetValue(Pooled(trends[i], group, months.previous, months.previous),
               &v1::HeadlineMeasure::set_previous_month, row);
      SetValue(Pooled(trends[i], group, months.trailing_from, months.month),
               &v1::HeadlineMeasure::set_trailing_12_months, row);
    }
    v1::HeadlineMeasure* median = report.add_headline();
    median->set_label("Median days to payment (Kaplan\u2013Meier)");
    median->set_unit("days");
    median->set_group(group);
    median->set_cohort(cohort);
    SetValue(MedianDays(report.timeline(), group), &v1::HeadlineMeasure::set_this_month, median);
    SetValue(MedianDays(timelines[0], group), &v1::HeadlineMeasure::set_previous_month, median);
    SetValue(MedianDays(timelines[1], group), &v1::HeadlineMeasure::set_trailing_12_months,
             median);
    v1::HeadlineMeasure* aging = report.add_headline();
    aging->set_label("A/R over 90 days (open charges)");
    aging->set_unit("cents");
    aging->set_group(group);
    aging->set_cohort(cohort);
    SetValue(OpenOver90Cents(report.timeline(), group), &v1::HeadlineMeasure::set_this_month,
             aging);
    SetValue(OpenOver90Cents(timelines[0], group), &v1::HeadlineMeasure::set_previous_month,
             aging);
    SetValue(OpenOver90Cents(timelines[1], group),
             &v1::HeadlineMeasure::set_trailing_12_months, aging);
  }

  DS_RETURN_IF_ERROR(
      AddPayerTable(context, practice, practice_name, months.month, as_of_text, &report,
                    &total));

  int64_t claims = report.comparison().nonspecific_claims();
  for (const v1::CohortComparison& c : report.comparison().comparisons()) {
    if (c.reference_group() == v1::COHORT_GROUP_SPECIFIC) claims += c.reference_claims();
  }
  report.set_has_data(claims > 0);
  if (claims == 0) {
    report.set_data_note(absl::StrCat("No neck-pain claims (M54.2 or specific cervical codes) "
                                      "with a date of service in ",
                                      report.month(), " are on file as of ", as_of_text,
                                      ". The tables below are empty."));
  } else {
    report.set_data_note(absl::StrCat(claims, " neck-pain claims with a date of service in ",
                                      report.month(), ", outcomes as of ", as_of_text, "."));
    WriteFindings(report.comparison(), &report);
    WriteFamilyFindings(report.comparison(), &report);
  }
  *rows = total;
  return report;
}

}  // namespace denialscope
