// The monthly report's renderers (see report_render.h).
#include "server/report_render.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/json_util.h"
#include "server/svg_chart.h"

namespace denialscope {
namespace {

namespace v1 = ::denialscope::v1;

constexpr char kNonspecificColor[] = "#c0392b";
constexpr char kSpecificColor[] = "#2471a3";

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

// The trend's series of the two cohorts, with the months as categories.
void TrendSeries(const v1::GetTrendResponse& trend, std::vector<std::string>* months,
                 std::vector<ChartSeries>* series) {
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
}

// Denied claims per category for the two cohorts.
void ReasonSeries(const v1::ListDenialReasonsResponse& reasons,
                  std::vector<std::string>* categories, std::vector<ChartSeries>* series) {
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
}

// A table as rows of cells; the first row is the header. Shared by HTML and CSV.
struct Table {
  std::string title;
  std::vector<std::vector<std::string>> rows;
};

std::vector<Table> Tables(const v1::MonthlyReport& report) {
  std::vector<Table> tables;
  Table headline{"Headline measures",
                 {{"Cohort", "Measure", report.month(), report.previous_month(),
                   absl::StrCat(report.trailing_from_month(), " to ", report.month())}}};
  for (const v1::HeadlineMeasure& row : report.headline()) {
    headline.rows.push_back(
        {row.cohort(), row.label(), HeadlineValue(row, row.has_this_month(), row.this_month()),
         HeadlineValue(row, row.has_previous_month(), row.previous_month()),
         HeadlineValue(row, row.has_trailing_12_months(), row.trailing_12_months())});
  }
  tables.push_back(std::move(headline));

  Table comparison{"M54.2 compared with specific cervical codes",
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

  Table trend{"Initial denial rate by month", {{"Month", "Cohort", "Denied", "Adjudicated",
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

  Table reasons{"Denial reasons (initial denials)",
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

  Table timeline{"Payment timeline (Kaplan\u2013Meier, unpaid claims censored)",
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

  Table worklist{"Worklist: M54.2 claims denied for coding or medical necessity",
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

std::string HtmlTable(const Table& table) {
  std::string out = absl::StrCat("<h2>", EscapeXml(table.title), "</h2>");
  if (table.rows.size() <= 1) {
    absl::StrAppend(&out, "<p class=\"empty\">Nothing to show for this month.</p>");
    return out;
  }
  absl::StrAppend(&out, "<table><thead><tr>");
  for (const std::string& cell : table.rows[0]) {
    absl::StrAppend(&out, "<th>", EscapeXml(cell), "</th>");
  }
  absl::StrAppend(&out, "</tr></thead><tbody>");
  for (size_t r = 1; r < table.rows.size(); ++r) {
    absl::StrAppend(&out, "<tr>");
    for (const std::string& cell : table.rows[r]) {
      absl::StrAppend(&out, "<td>", EscapeXml(cell), "</td>");
    }
    absl::StrAppend(&out, "</tr>");
  }
  absl::StrAppend(&out, "</tbody></table>");
  return out;
}

constexpr char kStyle[] = R"(
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;
max-width:1040px;margin:24px auto;padding:0 20px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd}
.sub{color:#555;margin:0 0 16px}.finding{font-size:17px;margin:6px 0}
.warning{background:#fff4e5;border-left:4px solid #e67e22;padding:6px 10px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f4f6f8}tbody tr:nth-child(even){background:#fafafa}
svg.chart{width:100%;height:auto;max-width:760px;display:block;margin:8px 0}
.chart-title{font-size:14px;font-weight:600}.axis,.legend,.value{font-size:11px;fill:#444}
.grid{stroke:#e5e5e5}.empty{color:#777}
@media print{body{margin:0;max-width:none;font-size:11pt}h2{break-after:avoid}
table,svg.chart{break-inside:avoid}tr{break-inside:avoid}.warning{border:1px solid #e67e22}
@page{size:A4;margin:15mm}}
)";

std::string CsvField(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string CsvRow(const std::vector<std::string>& cells) {
  std::vector<std::string> quoted;
  quoted.reserve(cells.size());
  for (const std::string& cell : cells) quoted.push_back(CsvField(cell));
  return absl::StrCat(absl::StrJoin(quoted, ","), "\r\n");
}

}  // namespace

std::string RenderReportHtml(const v1::MonthlyReport& report) {
  const std::string practice = report.practice_display_name().empty()
                                   ? report.practice()
                                   : report.practice_display_name();
  const std::string title = absl::StrCat(practice, " \u2014 neck-pain claims, ", report.month());
  std::string out = absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>",
      EscapeXml(title), "</title><style>", kStyle, "</style></head><body><h1>",
      EscapeXml(title), "</h1><p class=\"sub\">", EscapeXml(report.practice()),
      " \u00b7 claims by date of service \u00b7 outcomes as of ", EscapeXml(report.as_of_date()),
      "</p><p>", EscapeXml(report.data_note()), "</p>");
  for (const std::string& finding : report.findings()) {
    absl::StrAppend(&out, "<p class=\"finding\">", EscapeXml(finding), "</p>");
  }
  for (const std::string& warning : report.warnings()) {
    absl::StrAppend(&out, "<p class=\"warning\">", EscapeXml(warning), "</p>");
  }
  std::vector<Table> tables = Tables(report);
  absl::StrAppend(&out, HtmlTable(tables[0]));

  std::vector<std::string> months;
  std::vector<ChartSeries> trend;
  TrendSeries(report.denial_trend(), &months, &trend);
  absl::StrAppend(&out, "<h2>12-month trend</h2>",
                  LineChartSvg("Initial denial rate by month of service", months, trend, true,
                               0.05));
  std::vector<std::string> categories;
  std::vector<ChartSeries> reasons;
  ReasonSeries(report.reasons(), &categories, &reasons);
  absl::StrAppend(&out, "<h2>Why claims were denied</h2>");
  if (categories.empty()) {
    absl::StrAppend(&out, "<p class=\"empty\">No initial denials this month.</p>");
  } else {
    absl::StrAppend(&out, BarChartSvg("Initially denied claims by root cause", categories,
                                      reasons, false));
  }
  for (size_t i = 1; i < tables.size(); ++i) absl::StrAppend(&out, HtmlTable(tables[i]));
  absl::StrAppend(&out, "</body></html>\n");
  return out;
}

std::string RenderReportCsv(const v1::MonthlyReport& report) {
  std::string out = "\xEF\xBB\xBF";
  out += CsvRow({"Report", report.name()});
  out += CsvRow({"Practice", report.practice_display_name(), report.practice()});
  out += CsvRow({"As of", report.as_of_date()});
  out += CsvRow({"Note", report.data_note()});
  for (const std::string& finding : report.findings()) out += CsvRow({"Finding", finding});
  for (const std::string& warning : report.warnings()) out += CsvRow({"Warning", warning});
  for (const Table& table : Tables(report)) {
    out += "\r\n";
    out += CsvRow({table.title});
    for (const std::vector<std::string>& row : table.rows) out += CsvRow(row);
  }
  return out;
}

absl::StatusOr<std::string> RenderReportJson(const v1::MonthlyReport& report) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = false;
  const auto status = google::protobuf::util::MessageToJsonString(report, &out, options);
  if (!status.ok()) {
    return absl::InternalError(absl::StrCat("JSON rendering failed: ", status.ToString()));
  }
  return out;
}

}  // namespace denialscope
