// The monthly report as PDF (see report_pdf.h). Cairo draws text (its toy font API through
// fontconfig, embedded as subsets with Unicode maps, so the text stays selectable), lines and
// rectangles straight into a PDF stream. The page count in the footers needs the total before
// the first page is drawn, so the document is laid out twice: once into a discarding stream to
// count pages, then for real; both passes measure the same text, so they break alike.
#include "server/report_pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <numbers>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "analytics/status_macros.h"
#include "server/report_layout.h"
#include "server/svg_chart.h"

namespace denialscope {
namespace {

namespace v1 = ::denialscope::v1;

// US Letter in points, with 0.75 in side margins.
constexpr double kPageWidth = 612;
constexpr double kPageHeight = 792;
constexpr double kMargin = 54;
constexpr double kContentWidth = kPageWidth - 2 * kMargin;
constexpr double kBodyTop = 66;                  // below the running header
constexpr double kBodyBottom = kPageHeight - 54;  // above the running footer

constexpr char kFont[] = "DejaVu Sans";
constexpr double kBodySize = 9.5;
constexpr double kTableSize = 8;
constexpr double kCellPadX = 3;
constexpr double kCellPadY = 2.5;

struct Rgb {
  double r, g, b;
};
constexpr Rgb kText{0.13, 0.13, 0.13};
constexpr Rgb kMuted{0.4, 0.4, 0.4};
constexpr Rgb kRule{0.8, 0.8, 0.8};
constexpr Rgb kGrid{0.9, 0.9, 0.9};
constexpr Rgb kHeaderFill{0.957, 0.965, 0.973};
constexpr Rgb kStripe{0.98, 0.98, 0.98};
constexpr Rgb kWarningFill{1.0, 0.957, 0.898};
constexpr Rgb kWarningBar{0.902, 0.494, 0.133};

// "#rrggbb" as used by ChartSeries; grey for anything else.
Rgb ParseColor(const std::string& css) {
  if (css.size() != 7 || css[0] != '#') return kMuted;
  int v[3];
  for (int i = 0; i < 3; ++i) {
    const std::string hex = css.substr(1 + 2 * i, 2);
    char* end = nullptr;
    v[i] = static_cast<int>(std::strtol(hex.c_str(), &end, 16));
    if (end != hex.c_str() + 2) return kMuted;
  }
  return {v[0] / 255.0, v[1] / 255.0, v[2] / 255.0};
}

// A table cell that reads as a number ("$1,234", "12.3% (4/10) [..]", "41 days", "0.84",
// "0/0"), so its column is aligned right; months and dates ("2026-10") are not.
bool IsNumberCell(const std::string& cell) {
  static const std::regex kNumber(
      R"(^-?\$?[0-9][0-9,./]*%?( days)?( \(.*\))?( \[.*\])?( \(.*\))?$)");
  return std::regex_match(cell, kNumber);
}

bool IsNumberColumn(const ReportTable& table, size_t column) {
  bool any = false;
  for (size_t r = 1; r < table.rows.size(); ++r) {
    if (column >= table.rows[r].size()) continue;
    const std::string& cell = table.rows[r][column];
    if (cell.empty() || cell == "n/a" || cell == "not reached") continue;
    if (!IsNumberCell(cell)) return false;
    any = true;
  }
  return any;
}

// Writes cairo's output into a string; with no string, discards it (the counting pass).
cairo_status_t AppendToString(void* closure, const unsigned char* data, unsigned int length) {
  if (closure != nullptr) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  }
  return CAIRO_STATUS_SUCCESS;
}

// Lays the report out page by page on one cairo context. `total_pages` is 0 in the counting
// pass (the footer then says "Page N of ?", which never changes the layout).
class PdfLayout {
 public:
  PdfLayout(cairo_t* cr, const v1::MonthlyReport& report, int total_pages)
      : cr_(cr), report_(report), total_pages_(total_pages) {
    StartPage();
  }

  int Finish() {
    EndPage();
    return page_;
  }

  void TitleBlock() {
    Paragraph(absl::StrCat("Neck-pain claims, ", report_.month()), 16, true, kText);
    Paragraph(PracticeName(report_), 11, false, kText);
    Paragraph(absl::StrCat(report_.practice(),
                           " \u00b7 claims by date of service \u00b7 outcomes as of ",
                           report_.as_of_date()),
              8.5, false, kMuted);
    y_ += 4;
    if (!report_.data_note().empty()) Paragraph(report_.data_note(), 8.5, false, kMuted);
    y_ += 4;
    for (const std::string& finding : report_.findings()) {
      Paragraph(finding, 10.5, false, kText);
      y_ += 3;
    }
    for (const std::string& warning : report_.warnings()) Warning(warning);
    if (!report_.family_findings().empty()) {
      Heading("M54.2 against each specific family", 3 * LineHeight(kBodySize));
      for (const std::string& finding : report_.family_findings()) {
        Paragraph(finding, kBodySize, false, kText);
        y_ += 3;
      }
    }
  }

  void Heading(const std::string& text, double keep_with_next) {
    const double line = LineHeight(12);
    SetFont(12, true);
    const std::vector<std::string> lines = Wrap(text, kContentWidth);
    EnsureSpace(10 + line * static_cast<double>(lines.size()) + keep_with_next);
    SetFont(12, true);
    y_ += 10;
    for (const std::string& l : lines) {
      DrawText(kMargin, y_ + Ascent(), l, kText);
      y_ += line;
    }
    SetColor(kRule);
    cairo_set_line_width(cr_, 0.6);
    cairo_move_to(cr_, kMargin, y_ + 1);
    cairo_line_to(cr_, kMargin + kContentWidth, y_ + 1);
    cairo_stroke(cr_);
    y_ += 5;
  }

  void Table(const ReportTable& table) {
    if (table.rows.empty()) return;
    const size_t columns = table.rows[0].size();
    SetFont(kTableSize, false);
    const std::vector<double> widths = ColumnWidths(table, columns);
    std::vector<bool> right(columns);
    for (size_t c = 0; c < columns; ++c) right[c] = IsNumberColumn(table, c);

    if (table.rows.size() <= 1) {
      Heading(table.title, LineHeight(kBodySize));
      Paragraph("Nothing to show for this month.", kBodySize, false, kMuted);
      return;
    }
    const double header_height = RowHeight(table.rows[0], widths, true);
    // The heading keeps the header and the first rows (up to three) with it.
    double first_rows = 0;
    for (size_t r = 1; r < table.rows.size() && r <= 3; ++r) {
      first_rows += RowHeight(table.rows[r], widths, false);
    }
    Heading(table.title, header_height + first_rows);
    DrawRow(table.rows[0], widths, right, true, false);
    for (size_t r = 1; r < table.rows.size(); ++r) {
      const double height = RowHeight(table.rows[r], widths, false);
      if (y_ + height > kBodyBottom) {
        NewPage();
        Heading(absl::StrCat(table.title, " (continued)"), header_height + height);
        DrawRow(table.rows[0], widths, right, true, false);
      }
      DrawRow(table.rows[r], widths, right, false, r % 2 == 0);
    }
  }

  // Lines over the categories, y from 0; gaps where a value is unset.
  void LineChart(const ReportChart& chart) {
    const std::optional<Plot> plot = ChartFrame(chart, 190);
    if (!plot.has_value()) return;
    const auto [left, right, top, bottom] = *plot;
    double max = chart.min_y_max;
    for (const ChartSeries& s : chart.series) {
      for (const std::optional<double>& v : s.values) {
        if (v.has_value()) max = std::max(max, *v);
      }
    }
    max = ChartAxisMax(max);
    ValueAxis(*plot, max, chart.percent);
    const size_t n = chart.categories.size();
    const double step = n > 1 ? (right - left) / static_cast<double>(n - 1) : 0;
    auto x_of = [&](size_t i) { return n > 1 ? left + step * static_cast<double>(i)
                                             : (left + right) / 2; };
    double widest = 0;
    for (const std::string& c : chart.categories) widest = std::max(widest, TextWidth(c));
    const size_t every =
        step > 0 ? std::max<size_t>(1, static_cast<size_t>(std::ceil((widest + 6) / step))) : 1;
    for (size_t i = 0; i < n; i += every) {
      const double w = TextWidth(chart.categories[i]);
      const double x = std::clamp(x_of(i) - w / 2, kMargin, kMargin + kContentWidth - w);
      DrawText(x, bottom + 11, chart.categories[i], kMuted);
    }
    Line(left, bottom, right, bottom, kMuted, 0.7);
    for (const ChartSeries& s : chart.series) {
      const Rgb color = ParseColor(s.color);
      SetColor(color);
      cairo_set_line_width(cr_, 1.6);
      bool drawing = false;
      for (size_t i = 0; i < s.values.size() && i < n; ++i) {
        if (!s.values[i].has_value()) {
          drawing = false;
          continue;
        }
        const double y = bottom - (bottom - top) * (*s.values[i] / max);
        if (drawing) {
          cairo_line_to(cr_, x_of(i), y);
        } else {
          cairo_move_to(cr_, x_of(i), y);
          drawing = true;
        }
      }
      cairo_stroke(cr_);
      for (size_t i = 0; i < s.values.size() && i < n; ++i) {
        if (!s.values[i].has_value()) continue;
        cairo_arc(cr_, x_of(i), bottom - (bottom - top) * (*s.values[i] / max), 2, 0,
                  2 * std::numbers::pi);
        cairo_fill(cr_);
      }
    }
    y_ = bottom + 18;
    Legend(chart.series);
  }

  // Kaplan–Meier curves: each series holds its value until the next day's, y from 0 to 100%,
  // the x axis (days since service) labelled every 30 days.
  void StepChart(const ReportChart& chart) {
    constexpr size_t kLabelEvery = 30;
    const std::optional<Plot> plot = ChartFrame(chart, 200);
    if (!plot.has_value()) return;
    const auto [left, right, top, bottom] = *plot;
    const size_t n = chart.categories.size();
    const double last = n <= 1 ? 1 : static_cast<double>(n - 1);
    auto x_of = [&](size_t i) { return left + (right - left) * static_cast<double>(i) / last; };
    auto y_of = [&](double v) { return bottom - (bottom - top) * v; };
    ValueAxis(*plot, 1, true);
    for (size_t i = 0; i < n; i += kLabelEvery) {
      Line(x_of(i), top, x_of(i), bottom, kGrid, 0.5);
      DrawText(x_of(i) - TextWidth(chart.categories[i]) / 2, bottom + 11, chart.categories[i],
               kMuted);
    }
    const std::string axis = "days since service";
    DrawText((left + right - TextWidth(axis)) / 2, bottom + 21, axis, kMuted);
    Line(left, bottom, right, bottom, kMuted, 0.7);
    for (const ChartSeries& s : chart.series) {
      SetColor(ParseColor(s.color));
      cairo_set_line_width(cr_, 1.6);
      bool any = false;
      for (size_t i = 0; i < n && i < s.values.size() && s.values[i].has_value(); ++i) {
        if (i == 0) {
          cairo_move_to(cr_, x_of(0), y_of(*s.values[0]));
        } else {
          double x = 0, y = 0;
          cairo_get_current_point(cr_, &x, &y);
          cairo_line_to(cr_, x_of(i), y);
          cairo_line_to(cr_, x_of(i), y_of(*s.values[i]));
        }
        any = true;
      }
      if (any) cairo_stroke(cr_);
    }
    y_ = bottom + 28;
    Legend(chart.series);
  }

  // One group of horizontal bars per category, one bar per series, values at the bar ends.
  void BarChart(const ReportChart& chart) {
    constexpr double kBar = 9;
    const double group =
        kBar * static_cast<double>(std::max<size_t>(1, chart.series.size())) + 7;
    const double height =
        group * static_cast<double>(chart.categories.size()) + LineHeight(10) + 30;
    Heading(chart.heading, std::min(height, kBodyBottom - kBodyTop - 40));
    if (chart.categories.empty()) {
      Paragraph(chart.empty_text, kBodySize, false, kMuted);
      return;
    }
    ChartTitle(chart.title);
    SetFont(7.5, false);
    double label_width = 0;
    for (const std::string& c : chart.categories) label_width = std::max(label_width, TextWidth(c));
    label_width = std::min(label_width, 170.0);
    const double left = kMargin + label_width + 8;
    const double right = kMargin + kContentWidth - 34;
    double max = 0;
    for (const ChartSeries& s : chart.series) {
      for (const std::optional<double>& v : s.values) {
        if (v.has_value()) max = std::max(max, *v);
      }
    }
    max = ChartAxisMax(max);
    y_ += 4;
    for (size_t c = 0; c < chart.categories.size(); ++c) {
      if (y_ + group > kBodyBottom) {
        NewPage();
        ChartTitle(absl::StrCat(chart.title, " (continued)"));
        SetFont(7.5, false);
      }
      DrawText(kMargin, y_ + Ascent() + 1, FitText(chart.categories[c], label_width), kText);
      for (size_t s = 0; s < chart.series.size(); ++s) {
        const double value =
            c < chart.series[s].values.size() ? chart.series[s].values[c].value_or(0) : 0;
        const double top = y_ + kBar * static_cast<double>(s);
        const double w = (right - left) * value / max;
        SetColor(ParseColor(chart.series[s].color));
        cairo_rectangle(cr_, left, top + 0.5, std::max(w, 0.5), kBar - 1.5);
        cairo_fill(cr_);
        DrawText(left + w + 3, top + kBar - 2, ChartValue(value, chart.percent), kMuted);
      }
      y_ += group;
    }
    Line(left, y_ - group * static_cast<double>(chart.categories.size()) - 2, left, y_ - 5,
         kMuted, 0.7);
    y_ += 4;
    Legend(chart.series);
  }

 private:
  // ----- pages -----

  void StartPage() {
    ++page_;
    y_ = kBodyTop;
    SetFont(8.5, true);
    const std::string practice = PracticeName(report_);
    const std::string right = absl::StrCat("Monthly neck-pain claims report \u00b7 ",
                                           report_.month());
    DrawText(kMargin, 36, FitText(practice, kContentWidth / 2 - 6), kText);
    SetFont(8.5, false);
    DrawText(kMargin + kContentWidth - TextWidth(right), 36, right, kMuted);
    Line(kMargin, 43, kMargin + kContentWidth, 43, kRule, 0.6);
  }

  void EndPage() {
    Line(kMargin, kPageHeight - 44, kMargin + kContentWidth, kPageHeight - 44, kRule, 0.6);
    SetFont(8, false);
    DrawText(kMargin, kPageHeight - 32,
             absl::StrCat(report_.practice(), " \u00b7 outcomes as of ", report_.as_of_date()),
             kMuted);
    const std::string page =
        absl::StrCat("Page ", page_, " of ", total_pages_ > 0 ? absl::StrCat(total_pages_) : "?");
    DrawText(kMargin + kContentWidth - TextWidth(page), kPageHeight - 32, page, kMuted);
    cairo_show_page(cr_);
  }

  void NewPage() {
    EndPage();
    StartPage();
  }

  // Starts a new page unless `height` more points fit on this one (never for a fresh page).
  void EnsureSpace(double height) {
    if (y_ > kBodyTop && y_ + height > kBodyBottom) NewPage();
  }

  // ----- text -----

  void SetFont(double size, bool bold) {
    cairo_select_font_face(cr_, kFont, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr_, size);
  }

  void SetColor(const Rgb& c) { cairo_set_source_rgb(cr_, c.r, c.g, c.b); }

  double TextWidth(const std::string& text) {
    cairo_text_extents_t extents;
    cairo_text_extents(cr_, text.c_str(), &extents);
    return extents.x_advance;
  }

  double Ascent() {
    cairo_font_extents_t extents;
    cairo_font_extents(cr_, &extents);
    return extents.ascent;
  }

  static double LineHeight(double size) { return size * 1.35; }

  void DrawText(double x, double baseline, const std::string& text, const Rgb& color) {
    SetColor(color);
    cairo_move_to(cr_, x, baseline);
    cairo_show_text(cr_, text.c_str());
  }

  void Line(double x0, double y0, double x1, double y1, const Rgb& color, double width) {
    SetColor(color);
    cairo_set_line_width(cr_, width);
    cairo_move_to(cr_, x0, y0);
    cairo_line_to(cr_, x1, y1);
    cairo_stroke(cr_);
  }

  // Lines of at most `width` points in the current font, broken at spaces; a word wider than
  // the line is broken between UTF-8 characters.
  std::vector<std::string> Wrap(const std::string& text, double width) {
    std::vector<std::string> lines;
    std::string line;
    size_t at = 0;
    while (at <= text.size()) {
      size_t end = text.find(' ', at);
      if (end == std::string::npos) end = text.size();
      std::string word = text.substr(at, end - at);
      at = end + 1;
      if (word.empty()) continue;
      const std::string joined = line.empty() ? word : absl::StrCat(line, " ", word);
      if (TextWidth(joined) <= width) {
        line = joined;
        continue;
      }
      if (!line.empty()) lines.push_back(line);
      line.clear();
      while (TextWidth(word) > width) {
        size_t cut = 0;
        for (size_t i = 1; i <= word.size(); ++i) {
          if (i < word.size() && (static_cast<unsigned char>(word[i]) & 0xC0) == 0x80) continue;
          if (TextWidth(word.substr(0, i)) > width) break;
          cut = i;
        }
        if (cut == 0) {  // not even one character fits: emit it anyway
          cut = 1;
          while (cut < word.size() && (static_cast<unsigned char>(word[cut]) & 0xC0) == 0x80) {
            ++cut;
          }
        }
        lines.push_back(word.substr(0, cut));
        word = word.substr(cut);
      }
      line = word;
    }
    if (!line.empty()) lines.push_back(line);
    return lines;
  }

  // `text` cut to `width` with an ellipsis when it is wider.
  std::string FitText(const std::string& text, double width) {
    if (TextWidth(text) <= width) return text;
    std::string cut = text;
    while (!cut.empty() && TextWidth(absl::StrCat(cut, "\u2026")) > width) {
      size_t end = cut.size() - 1;
      while (end > 0 && (static_cast<unsigned char>(cut[end]) & 0xC0) == 0x80) --end;
      cut.resize(end);
    }
    return absl::StrCat(cut, "\u2026");
  }

  void Paragraph(const std::string& text, double size, bool bold, const Rgb& color) {
    SetFont(size, bold);
    const double line = LineHeight(size);
    for (const std::string& l : Wrap(text, kContentWidth)) {
      EnsureSpace(line);
      SetFont(size, bold);
      DrawText(kMargin, y_ + Ascent(), l, color);
      y_ += line;
    }
  }

  // A warning: wrapped text on a pale orange box with a darker bar at its left, kept on one
  // page.
  void Warning(const std::string& text) {
    constexpr double kSize = 9.5;
    SetFont(kSize, false);
    const std::vector<std::string> lines = Wrap(text, kContentWidth - 16);
    const double line = LineHeight(kSize);
    const double height = line * static_cast<double>(lines.size()) + 8;
    EnsureSpace(height + 4);
    SetColor(kWarningFill);
    cairo_rectangle(cr_, kMargin, y_, kContentWidth, height);
    cairo_fill(cr_);
    SetColor(kWarningBar);
    cairo_rectangle(cr_, kMargin, y_, 3, height);
    cairo_fill(cr_);
    SetFont(kSize, false);
    double y = y_ + 4;
    for (const std::string& l : lines) {
      DrawText(kMargin + 10, y + Ascent(), l, kText);
      y += line;
    }
    y_ += height + 4;
  }

  // A chart's plotting area in page coordinates.
  struct Plot {
    double left, right, top, bottom;
  };

  // The chart's heading (kept with `height` points of chart), then its empty text (no plot)
  // or its title and the 120 pt high plotting area below it.
  std::optional<Plot> ChartFrame(const ReportChart& chart, double height) {
    Heading(chart.heading, height);
    if (chart.categories.empty()) {
      Paragraph(chart.empty_text, kBodySize, false, kMuted);
      return std::nullopt;
    }
    ChartTitle(chart.title);
    return Plot{kMargin + 42, kMargin + kContentWidth - 8, y_ + 6, y_ + 126};
  }

  // Five gridlines from 0 to `max`, labelled at the left.
  void ValueAxis(const Plot& plot, double max, bool percent) {
    SetFont(7, false);
    for (int i = 0; i <= 4; ++i) {
      const double y = plot.bottom - (plot.bottom - plot.top) * i / 4;
      Line(plot.left, y, plot.right, y, kGrid, 0.5);
      const std::string label = ChartValue(max * i / 4, percent);
      DrawText(plot.left - 4 - TextWidth(label), y + 2.5, label, kMuted);
    }
  }

  void ChartTitle(const std::string& title) {
    SetFont(9.5, true);
    DrawText(kMargin, y_ + Ascent(), FitText(title, kContentWidth), kText);
    y_ += LineHeight(9.5);
  }

  void Legend(const std::vector<ChartSeries>& series) {
    SetFont(7.5, false);
    double x = kMargin + 42;
    for (const ChartSeries& s : series) {
      SetColor(ParseColor(s.color));
      cairo_rectangle(cr_, x, y_, 8, 8);
      cairo_fill(cr_);
      DrawText(x + 11, y_ + 7, s.name, kText);
      x += 24 + TextWidth(s.name);
    }
    y_ += 14;
  }

  // ----- tables -----

  // Natural widths (every cell on one line) when they fit. Otherwise headers wrap first: each
  // column gets its body's one-line width (at least its header's longest word) and any width
  // left over goes to the headers that still wrap. When even that is too wide, every column
  // gets its longest word and the rest goes in proportion to what the columns still lack.
  std::vector<double> ColumnWidths(const ReportTable& table, size_t columns) {
    std::vector<double> full(columns, 0), body(columns, 0), minimum(columns, 0);
    for (size_t r = 0; r < table.rows.size(); ++r) {
      SetFont(kTableSize, r == 0);
      for (size_t c = 0; c < columns && c < table.rows[r].size(); ++c) {
        const std::string& cell = table.rows[r][c];
        const double width = TextWidth(cell) + 2 * kCellPadX;
        full[c] = std::max(full[c], width);
        if (r > 0) body[c] = std::max(body[c], width);
        size_t at = 0;
        while (at <= cell.size()) {
          size_t end = cell.find(' ', at);
          if (end == std::string::npos) end = cell.size();
          minimum[c] = std::max(minimum[c], TextWidth(cell.substr(at, end - at)) + 2 * kCellPadX);
          at = end + 1;
        }
      }
    }
    double full_sum = 0, body_sum = 0, minimum_sum = 0;
    for (size_t c = 0; c < columns; ++c) {
      body[c] = std::max(body[c], minimum[c]);
      full_sum += full[c];
      body_sum += body[c];
      minimum_sum += minimum[c];
    }
    if (full_sum <= kContentWidth) return full;
    std::vector<double> widths(columns);
    if (body_sum <= kContentWidth) {
      const double spare = kContentWidth - body_sum;
      for (size_t c = 0; c < columns; ++c) {
        widths[c] = body[c] + spare * (full[c] - body[c]) / (full_sum - body_sum);
      }
      return widths;
    }
    if (minimum_sum >= kContentWidth) {
      for (size_t c = 0; c < columns; ++c) widths[c] = minimum[c] * kContentWidth / minimum_sum;
      return widths;
    }
    const double spare = kContentWidth - minimum_sum;
    for (size_t c = 0; c < columns; ++c) {
      widths[c] = minimum[c] + spare * (body[c] - minimum[c]) / (body_sum - minimum_sum);
    }
    return widths;
  }

  double RowHeight(const std::vector<std::string>& row, const std::vector<double>& widths,
                   bool header) {
    SetFont(kTableSize, header);
    size_t lines = 1;
    for (size_t c = 0; c < widths.size() && c < row.size(); ++c) {
      lines = std::max(lines, Wrap(row[c], widths[c] - 2 * kCellPadX).size());
    }
    return LineHeight(kTableSize) * static_cast<double>(lines) + 2 * kCellPadY;
  }

  void DrawRow(const std::vector<std::string>& row, const std::vector<double>& widths,
               const std::vector<bool>& right, bool header, bool stripe) {
    const double height = RowHeight(row, widths, header);
    double total = 0;
    for (double w : widths) total += w;
    if (header || stripe) {
      SetColor(header ? kHeaderFill : kStripe);
      cairo_rectangle(cr_, kMargin, y_, total, height);
      cairo_fill(cr_);
    }
    SetFont(kTableSize, header);
    const double ascent = Ascent();
    double x = kMargin;
    for (size_t c = 0; c < widths.size(); ++c) {
      const std::string cell = c < row.size() ? row[c] : "";
      double line_y = y_ + kCellPadY + ascent;
      for (const std::string& l : Wrap(cell, widths[c] - 2 * kCellPadX)) {
        const double lx = right[c] ? x + widths[c] - kCellPadX - TextWidth(l) : x + kCellPadX;
        DrawText(lx, line_y, l, kText);
        line_y += LineHeight(kTableSize);
      }
      x += widths[c];
    }
    Line(kMargin, y_ + height, kMargin + total, y_ + height, header ? kMuted : kRule,
         header ? 0.7 : 0.4);
    y_ += height;
  }

  cairo_t* cr_;
  const v1::MonthlyReport& report_;
  const int total_pages_;
  int page_ = 0;
  double y_ = kBodyTop;
};

// Draws the whole report into `surface`; returns the page count, and in `status` the first
// error of the drawing context (cairo stops drawing after one).
int Draw(cairo_surface_t* surface, const v1::MonthlyReport& report, int total_pages,
         cairo_status_t* status) {
  cairo_t* cr = cairo_create(surface);
  PdfLayout layout(cr, report, total_pages);
  layout.TitleBlock();
  const std::vector<ReportTable> tables = ReportTables(report);
  if (!tables.empty()) layout.Table(tables[0]);
  layout.LineChart(TrendChart(report));
  layout.BarChart(ReasonsChart(report));
  layout.StepChart(SurvivalChart(report));
  for (size_t i = 1; i < tables.size(); ++i) layout.Table(tables[i]);
  const int pages = layout.Finish();
  *status = cairo_status(cr);
  cairo_destroy(cr);
  return pages;
}

// One pass: a PDF surface writing into `out` (or nowhere), finished and checked.
absl::StatusOr<int> RenderPass(const v1::MonthlyReport& report, int total_pages,
                               std::string* out) {
  cairo_surface_t* surface =
      cairo_pdf_surface_create_for_stream(AppendToString, out, kPageWidth, kPageHeight);
  const std::string title =
      absl::StrCat(PracticeName(report), " \u2014 neck-pain claims, ", report.month());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "denialscope");
  cairo_status_t status = CAIRO_STATUS_SUCCESS;
  const int pages = Draw(surface, report, total_pages, &status);
  cairo_surface_finish(surface);
  if (status == CAIRO_STATUS_SUCCESS) status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS) {
    return absl::InternalError(
        absl::StrCat("PDF rendering failed: ", cairo_status_to_string(status)));
  }
  return pages;
}

}  // namespace

absl::StatusOr<std::string> RenderReportPdf(const v1::MonthlyReport& report) {
  DS_ASSIGN_OR_RETURN(const int pages, RenderPass(report, 0, nullptr));
  std::string out;
  DS_ASSIGN_OR_RETURN(const int drawn, RenderPass(report, pages, &out));
  if (drawn != pages) {
    return absl::InternalError(
        absl::StrCat("PDF layout is unstable: ", pages, " then ", drawn, " pages"));
  }
  return out;
}

}  // namespace denialscope
