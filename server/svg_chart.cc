// The report's SVG charts (see svg_chart.h).
#include "server/svg_chart.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace denialscope {
namespace {

constexpr double kWidth = 720;
constexpr double kLeft = 56;
constexpr double kRight = 16;
constexpr double kTop = 36;

std::string Num(double v) { return absl::StrFormat("%.1f", v); }

std::string Open(double height, const std::string& title) {
  return absl::StrCat("<svg class=\"chart\" viewBox=\"0 0 ",
                      Num(kWidth), " ", Num(height), "\" role=\"img\" aria-label=\"",
                      EscapeXml(title), "\"><title>", EscapeXml(title),
                      "</title><text x=\"", Num(kLeft), "\" y=\"20\" class=\"chart-title\">",
                      EscapeXml(title), "</text>");
}

std::string Legend(const std::vector<ChartSeries>& series, double y) {
  std::string out;
  double x = kLeft;
  for (const ChartSeries& s : series) {
    absl::StrAppend(&out, "<rect x=\"", Num(x), "\" y=\"", Num(y - 9), "\" width=\"10\" ",
                    "height=\"10\" fill=\"", s.color, "\"/><text x=\"", Num(x + 14), "\" y=\"",
                    Num(y), "\" class=\"legend\">", EscapeXml(s.name), "</text>");
    x += 24 + 7.0 * static_cast<double>(s.name.size());
  }
  return out;
}

}  // namespace

std::string ChartValue(double v, bool percent) {
  return percent ? absl::StrFormat("%.1f%%", 100 * v) : absl::StrFormat("%.0f", v);
}

double ChartAxisMax(double max) {
  if (max <= 0) return 1;
  const double step = std::pow(10, std::floor(std::log10(max)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * step >= max) return m * step;
  }
  return 10 * step;
}

std::string EscapeXml(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string LineChartSvg(const std::string& title, const std::vector<std::string>& categories,
                         const std::vector<ChartSeries>& series, bool percent,
                         double min_y_max) {
  constexpr double kHeight = 300;
  constexpr double kBottom = 56;
  const double plot_w = kWidth - kLeft - kRight;
  const double plot_h = kHeight - kTop - kBottom;
  double max = min_y_max;
  for (const ChartSeries& s : series) {
    for (const std::optional<double>& v : s.values) {
      if (v.has_value()) max = std::max(max, *v);
    }
  }
  max = ChartAxisMax(max);
  const size_t n = categories.size();
  auto x_of = [&](size_t i) {
    return kLeft + (n <= 1 ? plot_w / 2 : plot_w * static_cast<double>(i) /
                                              static_cast<double>(n - 1));
  };
  auto y_of = [&](double v) { return kTop + plot_h * (1 - v / max); };
  std::string out = Open(kHeight, title);
  for (int tick = 0; tick <= 4; ++tick) {
    const double v = max * tick / 4;
    absl::StrAppend(&out, "<line x1=\"", Num(kLeft), "\" x2=\"", Num(kWidth - kRight),
                    "\" y1=\"", Num(y_of(v)), "\" y2=\"", Num(y_of(v)),
                    "\" class=\"grid\"/><text x=\"", Num(kLeft - 6), "\" y=\"",
                    Num(y_of(v) + 4), "\" class=\"axis\" text-anchor=\"end\">",
                    ChartValue(v, percent), "</text>");
  }
  for (size_t i = 0; i < n; ++i) {
    absl::StrAppend(&out, "<text x=\"", Num(x_of(i)), "\" y=\"", Num(kHeight - kBottom + 16),
                    "\" class=\"axis\" text-anchor=\"middle\">", EscapeXml(categories[i]),
                    "</text>");
  }
  for (const ChartSeries& s : series) {
    // A polyline per run of months with data, so a month without claims is a gap.
    std::string points;
    auto flush = [&]() {
      if (!points.empty()) {
        absl::StrAppend(&out, "<polyline class=\"line\" fill=\"none\" stroke=\"", s.color,
                        "\" stroke-width=\"2\" points=\"", points, "\"/>");
      }
      points.clear();
    };
    for (size_t i = 0; i < n && i < s.values.size(); ++i) {
      if (!s.values[i].has_value()) {
        flush();
        continue;
      }
      absl::StrAppend(&points, points.empty() ? "" : " ", Num(x_of(i)), ",",
                      Num(y_of(*s.values[i])));
    }
    flush();
    for (size_t i = 0; i < n && i < s.values.size(); ++i) {
      if (!s.values[i].has_value()) continue;
      absl::StrAppend(&out, "<circle class=\"point\" cx=\"", Num(x_of(i)), "\" cy=\"",
                      Num(y_of(*s.values[i])), "\" r=\"3.5\" fill=\"", s.color, "\"><title>",
                      EscapeXml(s.name), " ", EscapeXml(categories[i]), ": ",
                      ChartValue(*s.values[i], percent), "</title></circle>");
    }
  }
  absl::StrAppend(&out, Legend(series, kHeight - 12), "</svg>");
  return out;
}

std::string BarChartSvg(const std::string& title, const std::vector<std::string>& categories,
                        const std::vector<ChartSeries>& series, bool percent) {
  constexpr double kBar = 14;
  constexpr double kLabel = 200;
  const double group = kBar * static_cast<double>(std::max<size_t>(series.size(), 1)) + 10;
  const double height = kTop + group * static_cast<double>(categories.size()) + 40;
  const double plot_w = kWidth - kLabel - kRight - 60;
  double max = 0;
  for (const ChartSeries& s : series) {
    for (const std::optional<double>& v : s.values) {
      if (v.has_value()) max = std::max(max, *v);
    }
  }
  max = ChartAxisMax(max);
  std::string out = Open(height, title);
  for (size_t c = 0; c < categories.size(); ++c) {
    const double y0 = kTop + group * static_cast<double>(c);
    absl::StrAppend(&out, "<text x=\"", Num(kLabel - 6), "\" y=\"",
                    Num(y0 + group / 2), "\" class=\"axis\" text-anchor=\"end\">",
                    EscapeXml(categories[c]), "</text>");
    for (size_t s = 0; s < series.size(); ++s) {
      const double v = c < series[s].values.size() ? series[s].values[c].value_or(0) : 0;
      const double y = y0 + kBar * static_cast<double>(s);
      const double w = plot_w * v / max;
      absl::StrAppend(&out, "<rect class=\"bar\" x=\"", Num(kLabel), "\" y=\"", Num(y),
                      "\" width=\"", Num(w), "\" height=\"", Num(kBar - 2), "\" fill=\"",
                      series[s].color, "\"><title>", EscapeXml(series[s].name), ", ",
                      EscapeXml(categories[c]), ": ", ChartValue(v, percent), "</title></rect>",
                      "<text x=\"", Num(kLabel + w + 4), "\" y=\"", Num(y + kBar - 4),
                      "\" class=\"value\">", ChartValue(v, percent), "</text>");
    }
  }
  absl::StrAppend(&out, Legend(series, height - 12), "</svg>");
  return out;
}

std::string StepChartSvg(const std::string& title, const std::vector<std::string>& categories,
                         const std::vector<ChartSeries>& series) {
  constexpr double kHeight = 300;
  constexpr double kBottom = 56;
  constexpr size_t kLabelEvery = 30;
  const double plot_w = kWidth - kLeft - kRight;
  const double plot_h = kHeight - kTop - kBottom;
  const size_t n = categories.size();
  const double last = n <= 1 ? 1 : static_cast<double>(n - 1);
  auto x_of = [&](size_t i) { return kLeft + plot_w * static_cast<double>(i) / last; };
  auto y_of = [&](double v) { return kTop + plot_h * (1 - v); };
  std::string out = Open(kHeight, title);
  for (int tick = 0; tick <= 4; ++tick) {
    const double v = tick / 4.0;
    absl::StrAppend(&out, "<line x1=\"", Num(kLeft), "\" x2=\"", Num(kWidth - kRight),
                    "\" y1=\"", Num(y_of(v)), "\" y2=\"", Num(y_of(v)),
                    "\" class=\"grid\"/><text x=\"", Num(kLeft - 6), "\" y=\"",
                    Num(y_of(v) + 4), "\" class=\"axis\" text-anchor=\"end\">",
                    ChartValue(v, true), "</text>");
  }
  for (size_t i = 0; i < n; i += kLabelEvery) {
    absl::StrAppend(&out, "<line x1=\"", Num(x_of(i)), "\" x2=\"", Num(x_of(i)), "\" y1=\"",
                    Num(kTop), "\" y2=\"", Num(kTop + plot_h), "\" class=\"grid\"/>",
                    "<text x=\"", Num(x_of(i)), "\" y=\"", Num(kHeight - kBottom + 16),
                    "\" class=\"axis\" text-anchor=\"middle\">", EscapeXml(categories[i]),
                    "</text>");
  }
  absl::StrAppend(&out, "<text x=\"", Num(kLeft + plot_w / 2), "\" y=\"",
                  Num(kHeight - kBottom + 32), "\" class=\"axis\" text-anchor=\"middle\">",
                  "days since service</text>");
  for (const ChartSeries& s : series) {
    std::string path;
    for (size_t i = 0; i < n && i < s.values.size() && s.values[i].has_value(); ++i) {
      const double y = y_of(*s.values[i]);
      if (i == 0) {
        absl::StrAppend(&path, "M", Num(x_of(0)), " ", Num(y));
      } else {
        absl::StrAppend(&path, " H", Num(x_of(i)), " V", Num(y));
      }
    }
    if (path.empty()) continue;
    absl::StrAppend(&out, "<path class=\"step\" fill=\"none\" stroke=\"", s.color,
                    "\" stroke-width=\"2\" d=\"", path, "\"><title>", EscapeXml(s.name),
                    "</title></path>");
  }
  absl::StrAppend(&out, Legend(series, kHeight - 12), "</svg>");
  return out;
}

}  // namespace denialscope
