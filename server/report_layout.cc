// The monthly report's tables and chart data (see report_layout.h).
#include "server/report_layout.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace denialscope {

namespace v1 = ::denialscope::v1;

namespace {

constexpr char kNonspecificColor[] = "#c0392b";
constexpr char kSpecificColor[] = "#2471a3";

// A headline value as shown: "12.3%", "41 days", "$1,234"; "n/a" when unset.
std::string HeadlineValue(const v1::HeadlineMeasure& row, bool has, double value) {
  if (!has) return "n/a";
  if (row.unit() == "ratio") return absl::StrFormat("%.1f%%", 100 * value);
  if (row.unit() == "days") return absl::StrFormat("%.0f days", value);
  return Dollars(value);
}

std::string RateText(const v1::RateEstimate& r) {
  if (!r.interval().has_estimate()) return absl::StrCat(r.numerator(), "/", r.denominator());
  std::string out = absl::StrFormat("%.1f%% (%d/%d)", 100 * r.interval().estimate(),
                                    r.numerator(), r.denominator());
  if (r.interval().has_lower() && r.interval().has_upper()) {
    absl::StrAppend(&out, absl::StrFormat(" [%.1f\u2013%.1f]", 100 * r.interval().lower(),
                                          100 * r.interval().upper()));
  }
  return out;
}

std::string RatioText(const v1::RiskRatio& r) {
  if (!r.has_estimate()) return "n/a";
  std::string out = absl::StrFormat("%.2f", r.estimate());
  if (r.has_lower() && r.has_upper()) {
    absl::StrAppend(&out, absl::StrFormat(" [%.2f\u2013%.2f]", r.lower(), r.upper()));
  }
  if (r.insufficient_data()) absl::StrAppend(&out, " (small sample)");
  return out;
}

std::string GroupName(v1::CohortGroup group) {
  return group == v1::COHORT_GROUP_NONSPECIFIC ? "M54.2" : "Specific cervical";
}

}  // namespace

std::string Dollars(double cents) {
  const int64_t whole = std::llround(cents / 100);
  std::string digits = absl::StrCat(whole < 0 ? -whole : whole);
  std::string grouped;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped.push_back(',');
    grouped.push_back(digits[i]);
  }
  return absl::StrCat(whole < 0 ? "-$" : "$", grouped);
}

std::string PracticeName(const v1::MonthlyReport& report) {
  return report.practice_display_name().empty() ? report.practice()
                                                : report.practice_display_name();
}

ReportChart TrendChart(const v1::MonthlyReport& report) {
  ReportChart chart{"12-month trend", "Initial denial rate by month of service",
                    "No claims in these months.", {}, {}, true, 0.05};
  std::vector<std::string>* months = &chart.categories;
  std::vector<ChartSeries>* series = &chart.series;
  const v1::GetTrendResponse& trend = report.denial_trend();
  for (const v1::TrendSeries& s : trend.series()) {
    if (s.group() != v1::COHORT_GROUP_NONSPECIFIC && s.group() != v1::COHORT_GROUP_SPECIFIC) {
      continue;
    }
    ChartSeries out{GroupName(s.group()),
                    s.group() == v1::COHORT_GROUP_NONSPECIFIC ? kNonspecificColor
                                                              : kSpecificColor,
                    {}};
    if (months->empty()) {
      for (const v1::TrendPoint& p : s.points()) months->push_back(p.month());
    }
    for (const v1::TrendPoint& p : s.points()) {
      out.values.push_back(p.value().has_value() ? std::optional<double>(p.value().value())
                                                 : std::nullopt);
    }
    series->push_back(std::move(out));
  }
  return chart;
}

ReportChart ReasonsChart(const v1::MonthlyReport& report) {
  ReportChart chart{"Why claims were denied", "Initially denied claims by root cause",
                    "No initial denials this month.", {}, {}, false, 0};
  std::vector<std::string>* categories = &chart.categories;
  std::vector<ChartSeries>* series = &chart.series;
  const v1::ListDenialReasonsResponse& reasons = report.reasons();
  std::vector<std::string> ids;
  for (const v1::CohortReasons& cohort : reasons.cohorts()) {
    if (cohort.group() != v1::COHORT_GROUP_NONSPECIFIC &&
        cohort.group() != v1::COHORT_GROUP_SPECIFIC) {
      continue;
    }
    for (const v1::CategoryReasons& c : cohort.categories()) {
      if (std::find(ids.begin(), ids.end(), c.category()) == ids.end()) {
        ids.push_back(c.category());
        categories->push_back(c.display_name());
      }
    }
  }
  for (const v1::CohortReasons& cohort : reasons.cohorts()) {
    if (cohort.group() != v1::COHORT_GROUP_NONSPECIFIC &&
        cohort.group() != v1::COHORT_GROUP_SPECIFIC) {
      continue;
    }
    ChartSeries out{GroupName(cohort.group()),
                    cohort.group() == v1::COHORT_GROUP_NONSPECIFIC ? kNonspecificColor
                                                                   : kSpecificColor,
                    std::vector<std::optional<double>>(ids.size(), 0.0)};
    for (const v1::CategoryReasons& c : cohort.categories()) {
      const size_t i = static_cast<size_t>(
          std::find(ids.begin(), ids.end(), c.category()) - ids.begin());
      out.values[i] = static_cast<double>(c.claims());
    }
    series->push_back(std::move(out));
  }
  return chart;
}

std::vector<ReportTable> ReportTables(const v1::MonthlyReport& report) {
  std::vector<ReportTable> tables;
  ReportTable headline{"Headline measures",
                 {{"Cohort", "Measure", report.month(), report.previous_month(),
                   absl::StrCat(report.trailing_from_month(), " to ", report.month())}}};
  for (const v1::HeadlineMeasure& row : report.headline()) {
    headline.rows.push_back(
        {row.cohort(), row.label(), HeadlineValue(row, row.has_this_month(), row.this_month()),
         HeadlineValue(row, row.has_previous_month(), row.previous_month()),
         HeadlineValue(row, row.has_trailing_12_months(), row.trailing_12_months())});
  }
  tables.push_back(std::move(headline));

  ReportTable comparison{"M54.2 compared with specific cervical codes",
                   {{"Reference", "Measure", "M54.2 [95% CI]", "Reference [95% CI]",
                     "Risk ratio [95% CI]", "Adjusted risk ratio (payer x procedure)",
                     "p-value"}}};
  for (const v1::CohortComparison& c : report.comparison().comparisons()) {
    for (const v1::MeasureComparison& m : c.measures()) {
      comparison.rows.push_back(
          {c.display_name(), v1::Measure_Name(m.measure()), RateText(m.nonspecific()),
           RateText(m.reference()), RatioText(m.risk_ratio()), RatioText(m.adjusted_risk_ratio()),
           m.test().has_p_value() ? absl::StrFormat("%.3g", m.test().p_value()) : "n/a"});
    }
  }
  tables.push_back(std::move(comparison));

  ReportTable trend{"Initial denial rate by month", {{"Month", "Cohort", "Denied", "Adjudicated",
                                                "Rate"}}};
  for (const v1::TrendSeries& s : report.denial_trend().series()) {
    for (const v1::TrendPoint& p : s.points()) {
      trend.rows.push_back({p.month(), s.display_name(),
                            absl::StrFormat("%.0f", p.value().numerator()),
                            absl::StrFormat("%.0f", p.value().denominator()),
                            p.value().has_value()
                                ? absl::StrFormat("%.1f%%", 100 * p.value().value())
                                : "n/a"});
    }
  }
  tables.push_back(std::move(trend));

  ReportTable reasons{"Denial reasons (initial denials)",
                {{"Cohort", "Category", "CARC", "Description", "Claims", "Denied charges"}}};
  for (const v1::CohortReasons& cohort : report.reasons().cohorts()) {
    for (const v1::CategoryReasons& category : cohort.categories()) {
      for (const v1::ReasonCount& carc : category.carcs()) {
        reasons.rows.push_back({cohort.display_name(), category.display_name(), carc.code(),
                                carc.description(), absl::StrCat(carc.claims()),
                                Dollars(static_cast<double>(carc.charge_cents()))});
      }
    }
  }
  tables.push_back(std::move(reasons));

  ReportTable timeline{"Payment timeline (Kaplan\u2013Meier, unpaid claims censored)",
                 {{"Cohort", "Claims", "Paid", "Median days", "90th percentile days",
                   "Open claims", "Open charges"}}};
  for (const v1::CohortTimeline& t : report.timeline().cohorts()) {
    timeline.rows.push_back(
        {t.display_name(), absl::StrCat(t.claims()), absl::StrCat(t.paid()),
         t.median().has_day() ? absl::StrCat(t.median().day()) : "not reached",
         t.p90().has_day() ? absl::StrCat(t.p90().day()) : "not reached",
         absl::StrCat(t.open_claims()), Dollars(static_cast<double>(t.open_charge_cents()))});
  }
  tables.push_back(std::move(timeline));

  ReportTable worklist{"Worklist: M54.2 claims denied for coding or medical necessity",
                 {{"Claim", "Date of service", "Payer", "Procedures", "Diagnoses", "Category",
                   "CARC", "RARC", "Charge"}}};
  for (const v1::DeniedClaim& c : report.worklist().denied_claims()) {
    worklist.rows.push_back({c.claim_id(), c.service_date(), c.payer_id(),
                             absl::StrJoin(c.procedure_codes(), " "),
                             absl::StrJoin(c.diagnoses(), " "), c.denial_category(), c.carc(),
                             c.rarc(), Dollars(static_cast<double>(c.charge_cents()))});
  }
  tables.push_back(std::move(worklist));
  return tables;
}

}  // namespace denialscope
