// The monthly report's content as format-independent pieces: titled tables of display strings
// and chart data. Every renderer (HTML, CSV, PDF) draws these, so a table or chart added here
// appears in every format without touching the renderers.
#ifndef DENIALSCOPE_SERVER_REPORT_LAYOUT_H_
#define DENIALSCOPE_SERVER_REPORT_LAYOUT_H_

#include <string>
#include <vector>

#include "denialscope/v1/report_service.pb.h"
#include "server/svg_chart.h"

namespace denialscope {

// A table as rows of display strings; the first row is the header.
struct ReportTable {
  std::string title;
  std::vector<std::vector<std::string>> rows;
};

// The data of one chart: what LineChartSvg/BarChartSvg (or the PDF renderer) draws.
struct ReportChart {
  std::string heading;     // the section heading above the chart
  std::string title;       // the chart's own title
  std::string empty_text;  // shown instead of the chart when there are no categories
  std::vector<std::string> categories;
  std::vector<ChartSeries> series;
  bool percent = false;
  double min_y_max = 0;  // the y axis reaches at least this, so small rates do not look large
};

// "$1,234" from cents, rounded to whole dollars.
std::string Dollars(double cents);

// The practice's display name (its id when it has none), as shown in titles.
std::string PracticeName(const denialscope::v1::MonthlyReport& report);

// The report's tables in reading order; the first is the headline measures.
std::vector<ReportTable> ReportTables(const denialscope::v1::MonthlyReport& report);

// The initial denial rate per month of the two cohorts (line chart, percent).
ReportChart TrendChart(const denialscope::v1::MonthlyReport& report);

// Initially denied claims per root cause of the two cohorts (grouped bars); no categories
// when nothing was denied.
ReportChart ReasonsChart(const denialscope::v1::MonthlyReport& report);

// Kaplan–Meier curves of the two cohorts: categories are the days since service 0, 1, ...,
// N and each series holds S(day), the share of the cohort's claims not yet paid, up to its
// last observed day (unset after). Unpaid claims are censored at the as-of date, which the
// title says. Drawn as steps (StepChartSvg); no categories when neither cohort has claims.
ReportChart SurvivalChart(const denialscope::v1::MonthlyReport& report);

}  // namespace denialscope

#endif  // DENIALSCOPE_SERVER_REPORT_LAYOUT_H_
