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
#include "server/report_layout.h"
#include "server/svg_chart.h"

namespace denialscope {
namespace {

namespace v1 = ::denialscope::v1;

std::string HtmlTable(const ReportTable& table) {
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
  const std::string practice = PracticeName(report);
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
  if (!report.family_findings().empty()) {
    absl::StrAppend(&out, "<h2>M54.2 against each specific family</h2>");
    for (const std::string& finding : report.family_findings()) {
      absl::StrAppend(&out, "<p>", EscapeXml(finding), "</p>");
    }
  }
  std::vector<ReportTable> tables = ReportTables(report);
  absl::StrAppend(&out, HtmlTable(tables[0]));

  const ReportChart trend = TrendChart(report);
  absl::StrAppend(&out, "<h2>", EscapeXml(trend.heading), "</h2>",
                  LineChartSvg(trend.title, trend.categories, trend.series, trend.percent,
                               trend.min_y_max));
  const ReportChart reasons = ReasonsChart(report);
  absl::StrAppend(&out, "<h2>", EscapeXml(reasons.heading), "</h2>");
  if (reasons.categories.empty()) {
    absl::StrAppend(&out, "<p class=\"empty\">", EscapeXml(reasons.empty_text), "</p>");
  } else {
    absl::StrAppend(&out, BarChartSvg(reasons.title, reasons.categories, reasons.series,
                                      reasons.percent));
  }
  const ReportChart survival = SurvivalChart(report);
  absl::StrAppend(&out, "<h2>", EscapeXml(survival.heading), "</h2>");
  if (survival.categories.empty()) {
    absl::StrAppend(&out, "<p class=\"empty\">", EscapeXml(survival.empty_text), "</p>");
  } else {
    absl::StrAppend(&out, StepChartSvg(survival.title, survival.categories, survival.series),
                    "<p class=\"sub\">A claim leaves the curve when it is first paid; a claim "
                    "still unpaid on the as-of date counts as waiting up to that date "
                    "(censored), not as never paid. The median and 90th percentile are in the "
                    "payment timeline table below.</p>");
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
  for (const std::string& finding : report.family_findings()) {
    out += CsvRow({"Family finding", finding});
  }
  for (const ReportTable& table : ReportTables(report)) {
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
