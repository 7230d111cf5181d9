// A small SVG writer for the report's charts: a line chart (the 12-month trend) and a
// horizontal grouped bar chart (denial reasons). Why our own: the report must be one file
// with no scripts or network assets, and two chart shapes do not justify a dependency.
#ifndef DENIALSCOPE_SERVER_SVG_CHART_H_
#define DENIALSCOPE_SERVER_SVG_CHART_H_

#include <optional>
#include <string>
#include <vector>

namespace denialscope {

// Escapes text for HTML and SVG element content and attribute values.
std::string EscapeXml(const std::string& text);

// A chart value as labelled: "12.3%" when `percent`, else a whole number. Shared with the PDF
// charts so both formats label alike.
std::string ChartValue(double v, bool percent);

// The top of a value axis: the smallest 1, 2, 2.5 or 5 times a power of ten >= `max` (1 when
// `max` <= 0), so the gridlines fall on round numbers.
double ChartAxisMax(double max);

struct ChartSeries {
  std::string name;
  std::string color;                        // CSS color
  std::vector<std::optional<double>> values;  // one per category; unset = no data (a gap)
};

// Lines over `categories` (x axis labels), y from 0 to the largest value (at least
// `min_y_max`), values formatted as percentages when `percent`. Each data point is a
// <circle class="point"> with a <title> giving its value, so the chart is checkable.
std::string LineChartSvg(const std::string& title, const std::vector<std::string>& categories,
                         const std::vector<ChartSeries>& series, bool percent,
                         double min_y_max);

// One group of bars per category (a row), one bar per series; values as `value_suffix`-ed
// numbers. Each bar is a <rect class="bar"> with a <title>.
std::string BarChartSvg(const std::string& title, const std::vector<std::string>& categories,
                        const std::vector<ChartSeries>& series, bool percent);

// A step chart of values over consecutive days (`categories` are the day numbers 0..N, as
// text), y from 0 to 1 shown as percentages: each series is one <path class="step"> that
// holds its value until the next day's, as a Kaplan–Meier curve is read. Unset values end a
// series. The x axis is labelled every 30 days.
std::string StepChartSvg(const std::string& title, const std::vector<std::string>& categories,
                         const std::vector<ChartSeries>& series);

}  // namespace denialscope

#endif  // DENIALSCOPE_SERVER_SVG_CHART_H_
