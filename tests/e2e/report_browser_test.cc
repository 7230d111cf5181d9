// End to end: the HTML monthly report, pulled from the real server on demo data, opened in
// Debian's headless Chromium. Why a browser: the HTML tests elsewhere check the markup; only a
// browser shows that the page parses, logs nothing to the console and actually draws its
// charts. The screenshot is decoded here (PNG: zlib + row filters) and the charts are found by
// their cohort colors, which nothing but the charts uses; each chart is also drawn alone, and
// the page without its charts must show none of those colors. Skips only when chromium is not
// installed (scripts/install-deps.sh installs it).
#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/harness.h"
#include "tests/e2e/report_demo.h"

namespace denialscope::testing {
namespace {

namespace v1 = ::denialscope::v1;

// The cohort colors of server/report_layout.cc: M54.2 and specific codes.
constexpr uint8_t kNonspecificRgb[3] = {0xc0, 0x39, 0x2b};
constexpr uint8_t kSpecificRgb[3] = {0x24, 0x71, 0xa3};

std::optional<std::string> FindChromium() {
  const char* path = std::getenv("PATH");
  for (absl::string_view dir : absl::StrSplit(path == nullptr ? "" : path, ':')) {
    for (const char* name : {"chromium", "chromium-browser"}) {
      const std::filesystem::path candidate = std::filesystem::path(std::string(dir)) / name;
      if (std::filesystem::exists(candidate)) return candidate.string();
    }
  }
  return std::nullopt;
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  ASSERT_TRUE(out.good()) << path;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Runs headless Chromium on `html_path` with `mode` ("--screenshot=..." or "--dump-dom").
CommandResult RunChromium(const std::string& chromium, const std::string& profile,
                          const std::string& html_path, const std::string& mode,
                          const std::string& window) {
  return RunCommand({chromium, "--headless", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--disable-background-networking",
                     "--no-first-run", "--hide-scrollbars", "--enable-logging=stderr", "--v=0",
                     absl::StrCat("--user-data-dir=", profile),
                     absl::StrCat("--window-size=", window), mode,
                     absl::StrCat("file://", html_path)});
}

// Chromium logs every console message (errors, uncaught exceptions, warnings) as a
// ":CONSOLE" line; a page without scripts that loads fine logs none.
std::vector<std::string> ConsoleLines(const std::string& log) {
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    if (absl::StrContains(line, ":CONSOLE")) lines.emplace_back(line);
  }
  return lines;
}

struct Image {
  uint32_t width = 0;
  uint32_t height = 0;
  std::vector<uint8_t> rgb;  // 3 bytes a pixel, rows top to bottom
};

uint32_t BigEndian32(const std::string& bytes, size_t at) {
  return (static_cast<uint32_t>(static_cast<uint8_t>(bytes[at])) << 24) |
         (static_cast<uint32_t>(static_cast<uint8_t>(bytes[at + 1])) << 16) |
         (static_cast<uint32_t>(static_cast<uint8_t>(bytes[at + 2])) << 8) |
         static_cast<uint32_t>(static_cast<uint8_t>(bytes[at + 3]));
}

int Paeth(int a, int b, int c) {
  const int p = a + b - c;
  const int pa = std::abs(p - a);
  const int pb = std::abs(p - b);
  const int pc = std::abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

// Decodes the PNGs Chromium writes: 8-bit RGB or RGBA, not interlaced. Fails the test on
// anything else, so a change of format cannot pass unnoticed.
std::optional<Image> DecodePng(const std::string& png) {
  if (png.size() < 8 || png.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) {
    ADD_FAILURE() << "not a PNG";
    return std::nullopt;
  }
  Image image;
  int channels = 0;
  std::string compressed;
  for (size_t at = 8; at + 12 <= png.size();) {
    const uint32_t length = BigEndian32(png, at);
    const std::string type = png.substr(at + 4, 4);
    if (at + 12 + length > png.size()) break;
    const std::string data = png.substr(at + 8, length);
    if (type == "IHDR") {
      image.width = BigEndian32(data, 0);
      image.height = BigEndian32(data, 4);
      const int depth = static_cast<uint8_t>(data[8]);
      const int color = static_cast<uint8_t>(data[9]);
      const int interlace = static_cast<uint8_t>(data[12]);
      if (depth != 8 || (color != 2 && color != 6) || interlace != 0) {
        ADD_FAILURE() << "unexpected PNG format: depth " << depth << " color " << color
                      << " interlace " << interlace;
        return std::nullopt;
      }
      channels = color == 2 ? 3 : 4;
    } else if (type == "IDAT") {
      compressed += data;
    }
    at += 12 + length;
  }
  if (channels == 0 || image.width == 0 || image.height == 0) {
    ADD_FAILURE() << "PNG without a header";
    return std::nullopt;
  }
  const size_t stride = static_cast<size_t>(image.width) * static_cast<size_t>(channels);
  std::vector<uint8_t> raw((stride + 1) * image.height);
  uLongf raw_size = static_cast<uLongf>(raw.size());
  if (uncompress(raw.data(), &raw_size, reinterpret_cast<const Bytef*>(compressed.data()),
                 static_cast<uLong>(compressed.size())) != Z_OK ||
      raw_size != raw.size()) {
    ADD_FAILURE() << "PNG image data does not inflate to " << raw.size() << " bytes";
    return std::nullopt;
  }
  std::vector<uint8_t> pixels(stride * image.height);
  for (size_t y = 0; y < image.height; ++y) {
    const uint8_t filter = raw[y * (stride + 1)];
    const uint8_t* in = &raw[y * (stride + 1) + 1];
    uint8_t* out = &pixels[y * stride];
    const uint8_t* up = y > 0 ? &pixels[(y - 1) * stride] : nullptr;
    for (size_t x = 0; x < stride; ++x) {
      const int a = x >= static_cast<size_t>(channels) ? out[x - channels] : 0;
      const int b = up != nullptr ? up[x] : 0;
      const int c = (up != nullptr && x >= static_cast<size_t>(channels)) ? up[x - channels] : 0;
      int predicted = 0;
      switch (filter) {
        case 0: predicted = 0; break;
        case 1: predicted = a; break;
        case 2: predicted = b; break;
        case 3: predicted = (a + b) / 2; break;
        case 4: predicted = Paeth(a, b, c); break;
        default:
          ADD_FAILURE() << "PNG row " << y << " has unknown filter " << int{filter};
          return std::nullopt;
      }
      out[x] = static_cast<uint8_t>(in[x] + predicted);
    }
  }
  image.rgb.reserve(static_cast<size_t>(image.width) * image.height * 3);
  for (size_t i = 0; i < pixels.size(); i += static_cast<size_t>(channels)) {
    image.rgb.insert(image.rgb.end(), pixels.begin() + static_cast<std::ptrdiff_t>(i),
                     pixels.begin() + static_cast<std::ptrdiff_t>(i + 3));
  }
  return image;
}

// Pixels within a small distance of `rgb` (antialiased edges fall outside it).
int64_t CountColor(const Image& image, const uint8_t (&rgb)[3]) {
  int64_t n = 0;
  for (size_t i = 0; i + 2 < image.rgb.size(); i += 3) {
    const int distance = std::abs(image.rgb[i] - rgb[0]) + std::abs(image.rgb[i + 1] - rgb[1]) +
                         std::abs(image.rgb[i + 2] - rgb[2]);
    n += distance <= 24;
  }
  return n;
}

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

// The <svg>...</svg> elements of `html`, in order.
std::vector<std::string> SvgElements(const std::string& html) {
  std::vector<std::string> out;
  for (size_t at = html.find("<svg"); at != std::string::npos; at = html.find("<svg", at)) {
    const size_t end = html.find("</svg>", at);
    if (end == std::string::npos) break;
    out.push_back(html.substr(at, end + 6 - at));
    at = end;
  }
  return out;
}

TEST(ReportBrowserTest, HtmlReportDrawsItsChartsInHeadlessChromium) {
  const std::optional<std::string> chromium = FindChromium();
  if (!chromium.has_value()) {
    GTEST_SKIP() << "chromium is not installed (scripts/install-deps.sh installs Debian's "
                    "chromium): the HTML report was not opened in a browser";
  }
  std::unique_ptr<E2eServer> server = E2eServer::Start();
  ASSERT_NE(server, nullptr);
  const DemoPractice practice = MakeReportDemoPractice(1500);
  LoadReportDemoPractice(*server, practice);
  const Pulled pulled =
      PullReport(*server, absl::StrCat("practices/", practice.npi, "/reports/2026-03"),
                 v1::REPORT_FORMAT_HTML, "2026-07-15");
  ASSERT_TRUE(pulled.status.ok()) << pulled.status.error_message();
  const std::string& html = pulled.bytes;
  // Three charts: the 12-month trend, the denial reasons and the payment timeline.
  const std::vector<std::string> charts = SvgElements(html);
  ASSERT_EQ(charts.size(), 3u);
  EXPECT_EQ(Count(html, "<path class=\"step\""), 2u);

  TempDir dir;
  const std::string profile = absl::StrCat(dir.path(), "/profile");
  const std::string page = absl::StrCat(dir.path(), "/report.html");
  WriteFile(page, html);

  // The DOM Chromium built holds every chart element the file has.
  const CommandResult dom = RunChromium(*chromium, profile, page, "--dump-dom", "1280,4000");
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  EXPECT_EQ(Count(dom.out, "<svg"), charts.size());
  EXPECT_EQ(Count(dom.out, "<path class=\"step\""), 2u);
  EXPECT_EQ(Count(dom.out, "<circle class=\"point\""), Count(html, "<circle class=\"point\""));
  EXPECT_EQ(Count(dom.out, "<rect class=\"bar\""), Count(html, "<rect class=\"bar\""));
  EXPECT_THAT(ConsoleLines(dom.err), ::testing::IsEmpty());

  // The whole page: drawn, nothing on the console, both cohorts' colors on screen.
  const std::string shot = absl::StrCat(dir.path(), "/report.png");
  const CommandResult run = RunChromium(*chromium, profile, page,
                                        absl::StrCat("--screenshot=", shot), "1280,4000");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(ConsoleLines(run.err), ::testing::IsEmpty());
  std::optional<Image> image = DecodePng(ReadFile(shot));
  ASSERT_TRUE(image.has_value());
  EXPECT_EQ(image->width, 1280u);
  EXPECT_EQ(image->height, 4000u);
  // For a look by eye: DENIALSCOPE_REPORT_BROWSER_OUT=<dir> keeps the page and its screenshot.
  if (const char* keep = std::getenv("DENIALSCOPE_REPORT_BROWSER_OUT"); keep != nullptr) {
    WriteFile(absl::StrCat(keep, "/report.html"), html);
    WriteFile(absl::StrCat(keep, "/report.png"), ReadFile(shot));
  }
  const int64_t page_red = CountColor(*image, kNonspecificRgb);
  const int64_t page_blue = CountColor(*image, kSpecificRgb);

  // Each chart alone, with the page's stylesheet: it draws both cohorts (lines, bars or
  // steps plus the legend swatch: more than a swatch's 100 pixels each).
  const size_t head_end = html.find("</head>");
  ASSERT_NE(head_end, std::string::npos);
  const std::string head = html.substr(0, head_end + 7);
  int64_t charts_red = 0;
  int64_t charts_blue = 0;
  for (size_t i = 0; i < charts.size(); ++i) {
    SCOPED_TRACE(absl::StrCat("chart ", i));
    const std::string alone = absl::StrCat(dir.path(), "/chart", i, ".html");
    WriteFile(alone, absl::StrCat(head, "<body>", charts[i], "</body></html>"));
    const std::string alone_shot = absl::StrCat(dir.path(), "/chart", i, ".png");
    const CommandResult r = RunChromium(*chromium, profile, alone,
                                        absl::StrCat("--screenshot=", alone_shot), "1280,900");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::optional<Image> chart = DecodePng(ReadFile(alone_shot));
    ASSERT_TRUE(chart.has_value());
    const int64_t red = CountColor(*chart, kNonspecificRgb);
    const int64_t blue = CountColor(*chart, kSpecificRgb);
    EXPECT_GT(red, 150) << "M54.2 not drawn";
    EXPECT_GT(blue, 150) << "specific codes not drawn";
    charts_red += red;
    charts_blue += blue;
  }

  // The page without its charts shows neither color: the page's colored pixels are the charts'.
  std::string stripped = html;
  for (const std::string& chart : charts) {
    stripped.replace(stripped.find(chart), chart.size(), "");
  }
  const std::string bare = absl::StrCat(dir.path(), "/bare.html");
  WriteFile(bare, stripped);
  const std::string bare_shot = absl::StrCat(dir.path(), "/bare.png");
  ASSERT_EQ(RunChromium(*chromium, profile, bare, absl::StrCat("--screenshot=", bare_shot),
                        "1280,4000")
                .exit_code,
            0);
  std::optional<Image> bare_image = DecodePng(ReadFile(bare_shot));
  ASSERT_TRUE(bare_image.has_value());
  EXPECT_EQ(CountColor(*bare_image, kNonspecificRgb), 0);
  EXPECT_EQ(CountColor(*bare_image, kSpecificRgb), 0);
  // The page draws the charts at the same size as the single-chart pages (same stylesheet),
  // so it shows (nearly) all their colored pixels: all three charts are on the screenshot.
  EXPECT_GE(page_red * 10, charts_red * 9);
  EXPECT_GE(page_blue * 10, charts_blue * 9);
}

}  // namespace
}  // namespace denialscope::testing
