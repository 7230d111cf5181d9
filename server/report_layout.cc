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

// "41 (35–48)" days, "not reached" when the curve never gets there.
std::string QuantileText(const v1::QuantileEstimate& q) {
  if (!q.has_day()) return "not reached";
  std::string out = absl::StrCat(q.day());
  if (q.has_lower() && q.has_upper()) {
    absl::StrAppend(&out, " (", q.lower(), "\u2013", q.upper(), ")");
  } else if (q.has_lower()) {
    absl::StrAppend(&out, " (", q.lower(), "\u2013?)");
  }
  if (q.insufficient_data()) absl::StrAppend(&out, " small sample");
  return out;
}

std::string SharePaidText(const v1::CohortTimeline& t, int day) {
  for (const v1::SharePaid& share : t.share_paid()) {
    if (share.day() == day) return absl::StrFormat("%.1f%%", 100 * share.share());
  }
  return "n/a";
}

std::string PercentOrNa(bool has, double value) {
  return has ? absl::StrFormat("%.1f%%", 100 * value) : "n/a";
}

// "12.3% (5/41)"; "n/a (0 adjudicated)" without adjudicated claims.
std::string PayerRateText(const v1::RateEstimate& r) {
  if (r.denominator() == 0) return "n/a (0 adjudicated)";
  return absl::StrFormat("%.1f%% (%d/%d)", 100.0 * static_cast<double>(r.numerator()) /
                                               static_cast<double>(r.denominator()),
                         r.numerator(), r.denominator());
}

// The measure as a manager reads it; the enum name for a measure without a label here.
std::string MeasureLabel(v1::Measure measure) {
  switch (measure) {
    case v1::MEASURE_INITIAL_DENIAL_RATE: return "Initial denial rate (claims)";
    case v1::MEASURE_FINAL_DENIAL_RATE: return "Final denial rate (claims)";
    case v1::MEASURE_INITIAL_LINE_DENIAL_RATE: return "Initial denial rate (service lines)";
    case v1::MEASURE_FINAL_LINE_DENIAL_RATE: return "Final denial rate (service lines)";
    case v1::MEASURE_PARTIAL_DENIAL_RATE: return "Partial denial rate (initial)";
    case v1::MEASURE_FINAL_PARTIAL_DENIAL_RATE: return "Partial denial rate (final)";
    case v1::MEASURE_OVERTURN_RATE: return "Overturn rate (denials later paid)";
    case v1::MEASURE_CLEAN_CLAIM_RATE: return "Clean-claim rate";
    default: return v1::Measure_Name(measure);
  }
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

ReportChart SurvivalChart(const v1::MonthlyReport& report) {
  const v1::GetPaymentTimelineResponse& timeline = report.timeline();
  std::string title = "Share of claims still unpaid, by days since service";
  if (timeline.log_rank().has_p_value()) {
    absl::StrAppend(&title, " (log-rank p = ",
                    absl::StrFormat("%.2g", timeline.log_rank().p_value()), ")");
  }
  ReportChart chart{"Payment timeline (Kaplan\u2013Meier)", title,
                    "No claims to follow this month.", {}, {}, true, 1};
  int last_day = 0;
  for (const v1::CohortTimeline& t : timeline.cohorts()) {
    if (t.group() != v1::COHORT_GROUP_NONSPECIFIC && t.group() != v1::COHORT_GROUP_SPECIFIC) {
      continue;
    }
    if (t.claims() == 0 || t.curve().empty()) continue;
    last_day = std::max(last_day, t.curve(t.curve_size() - 1).day());
    ChartSeries out{GroupName(t.group()),
                    t.group() == v1::COHORT_GROUP_NONSPECIFIC ? kNonspecificColor
                                                              : kSpecificColor,
                    {}};
    // S(day) for every day up to the cohort's last observed day: 1 before the first step.
    double survival = 1;
    int at = 0;
    const int end = t.curve(t.curve_size() - 1).day();
    for (int day = 0; day <= end; ++day) {
      while (at < t.curve_size() && t.curve(at).day() <= day) survival = t.curve(at++).survival();
      out.values.push_back(survival);
    }
    chart.series.push_back(std::move(out));
  }
  if (chart.series.empty()) return chart;
  for (int day = 0; day <= last_day; ++day) chart.categories.push_back(absl::StrCat(day));
  for (ChartSeries& series : chart.series) series.values.resize(chart.categories.size());
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
          {c.display_name(), MeasureLabel(m.measure()), RateText(m.nonspecific()),
           RateText(m.reference()), RatioText(m.risk_ratio()), RatioText(m.adjusted_risk_ratio()),
           m.test().has_p_value() ? absl::StrFormat("%.3g", m.test().p_value()) : "n/a"});
    }
  }
  tables.push_back(std::move(comparison));

  const bool pooled = !report.payers().empty() &&
                      report.payers(report.payers_size() - 1).payer_id().empty();
  ReportTable payers{
      absl::StrCat("Payers (", report.payer_count(), " with neck-pain claims this month",
                   pooled ? "; the largest by claims, the others pooled in the last row" : "",
                   ")"),
      {{"Payer", "M54.2 claims", "Specific claims", "M54.2 initial denial rate",
        "Specific initial denial rate", "Risk ratio [95% CI]", "M54.2 denied $ share",
        "Specific denied $ share", "M54.2 paid-to-charge", "Specific paid-to-charge"}}};
  for (const v1::PayerRow& row : report.payers()) {
    payers.rows.push_back(
        {row.payers() > 1 ? absl::StrCat(row.display_name(), " (", row.payers(), ")")
                          : row.display_name(),
         absl::StrCat(row.nonspecific_claims()), absl::StrCat(row.specific_claims()),
         PayerRateText(row.nonspecific_initial_denial()),
         PayerRateText(row.specific_initial_denial()), RatioText(row.initial_denial_risk_ratio()),
         PercentOrNa(row.has_nonspecific_initial_denial_dollars(),
                     row.nonspecific_initial_denial_dollars()),
         PercentOrNa(row.has_specific_initial_denial_dollars(),
                     row.specific_initial_denial_dollars()),
         PercentOrNa(row.has_nonspecific_paid_to_charge(), row.nonspecific_paid_to_charge()),
         PercentOrNa(row.has_specific_paid_to_charge(), row.specific_paid_to_charge())});
  }
  tables.push_back(std::move(payers));

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

  ReportTable timeline{
      "Payment timeline (Kaplan\u2013Meier; claims still unpaid are censored at the as-of date)",
      {{"Cohort", "Claims", "Paid", "Median days (95% CI)", "90th percentile days (95% CI)",
        "Paid by day 30", "Paid by day 45", "Paid by day 60"}}};
  ReportTable aging{"A/R aging of open claims (days since service)",
                    {{"Cohort", "Open claims", "Open charges"}}};
  bool aging_header = false;
  for (const v1::CohortTimeline& t : report.timeline().cohorts()) {
    if (t.claims() == 0) continue;  // a family without claims this month says nothing
    timeline.rows.push_back({t.display_name(), absl::StrCat(t.claims()), absl::StrCat(t.paid()),
                             QuantileText(t.median()), QuantileText(t.p90()),
                             SharePaidText(t, 30), SharePaidText(t, 45), SharePaidText(t, 60)});
    if (!aging_header) {
      for (const v1::AgingBucket& bucket : t.aging()) {
        aging.rows[0].push_back(absl::StrCat(bucket.bucket(), " days"));
      }
      aging_header = true;
    }
    std::vector<std::string> row = {t.display_name(), absl::StrCat(t.open_claims()),
                                    Dollars(static_cast<double>(t.open_charge_cents()))};
    for (const v1::AgingBucket& bucket : t.aging()) {
      row.push_back(bucket.claims() == 0
                        ? "\u2013"
                        : absl::StrCat(bucket.claims(), " \u00b7 ",
                                       Dollars(static_cast<double>(bucket.charge_cents()))));
    }
    row.resize(aging.rows[0].size());
    aging.rows.push_back(std::move(row));
  }
  tables.push_back(std::move(timeline));
  tables.push_back(std::move(aging));

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
