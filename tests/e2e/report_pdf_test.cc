// End to end: the monthly report as PDF, pulled through the real server (PostgreSQL, demo
// data) and written by the CLI, then read back the way a person would meet it: poppler's
// pdftotext for the words on each page, pdfinfo for the page count, pdftoppm for the pictures.
// Skips when poppler-utils is not installed (scripts/install-deps.sh installs it).
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/harness.h"
#include "tests/e2e/report_demo.h"

namespace denialscope::testing {
namespace {

namespace v1 = ::denialscope::v1;
using ::testing::HasSubstr;

constexpr char kCli[] = DENIALSCOPE_CLI_PATH;
constexpr char kMonth[] = "2026-03";
constexpr char kAsOf[] = "2026-07-15";

// The absolute path of `tool` on PATH; empty when it is not installed.
std::string FindTool(const std::string& tool) {
  const char* path = std::getenv("PATH");
  for (absl::string_view dir : absl::StrSplit(path == nullptr ? "/usr/bin:/bin" : path, ':')) {
    const std::string candidate = absl::StrCat(std::string(dir), "/", tool);
    if (!dir.empty() && access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

// The share of pixels darker than near-white in a binary PGM ("P5", 8-bit) image; -1 when the
// file is not one.
double InkShare(const std::string& pgm) {
  std::istringstream in(pgm);
  std::string magic;
  int width = 0, height = 0, max = 0;
  in >> magic >> width >> height >> max;
  in.get();  // the one whitespace byte before the pixels
  if (magic != "P5" || width <= 0 || height <= 0 || max != 255) return -1;
  const size_t pixels = static_cast<size_t>(width) * static_cast<size_t>(height);
  const size_t start = static_cast<size_t>(in.tellg());
  if (pgm.size() < start + pixels) return -1;
  size_t ink = 0;
  for (size_t i = 0; i < pixels; ++i) {
    if (static_cast<unsigned char>(pgm[start + i]) < 200) ++ink;
  }
  return static_cast<double>(ink) / static_cast<double>(pixels);
}

class ReportPdfE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { practice_ = new DemoPractice(MakeReportDemoPractice(1500)); }
  static void TearDownTestSuite() { delete practice_; }

  void SetUp() override {
    pdftotext_ = FindTool("pdftotext");
    pdfinfo_ = FindTool("pdfinfo");
    pdftoppm_ = FindTool("pdftoppm");
    if (pdftotext_.empty() || pdfinfo_.empty() || pdftoppm_.empty()) {
      GTEST_SKIP() << "poppler-utils (pdftotext, pdfinfo, pdftoppm) is not installed; "
                      "scripts/install-deps.sh installs it";
    }
    server_ = E2eServer::Start();
    ASSERT_NE(server_, nullptr);
    LoadReportDemoPractice(*server_, *practice_);
  }

  std::string Name() const {
    return absl::StrCat("practices/", practice_->npi, "/reports/", kMonth);
  }

  // pdfinfo's "Pages:" line; 0 when it cannot read the file.
  int PageCount(const std::string& path) {
    const CommandResult info = RunCommand({pdfinfo_, path});
    EXPECT_EQ(info.exit_code, 0) << info.err;
    for (absl::string_view line : absl::StrSplit(info.out, '\n')) {
      if (absl::ConsumePrefix(&line, "Pages:")) {
        int pages = 0;
        if (absl::SimpleAtoi(absl::StripAsciiWhitespace(line), &pages)) return pages;
      }
    }
    return 0;
  }

  // The text of each page (pdftotext separates pages with a form feed).
  std::vector<std::string> PageTexts(const std::string& path) {
    const CommandResult text = RunCommand({pdftotext_, "-layout", path, "-"});
    EXPECT_EQ(text.exit_code, 0) << text.err;
    std::vector<std::string> pages = absl::StrSplit(text.out, '\f');
    if (!pages.empty() && absl::StripAsciiWhitespace(pages.back()).empty()) pages.pop_back();
    return pages;
  }

  static DemoPractice* practice_;
  std::unique_ptr<E2eServer> server_;
  std::string pdftotext_, pdfinfo_, pdftoppm_;
};

DemoPractice* ReportPdfE2eTest::practice_ = nullptr;

TEST_F(ReportPdfE2eTest, ServerAndCliPdfReadBack) {
  const Pulled pulled = PullReport(*server_, Name(), v1::REPORT_FORMAT_PDF, kAsOf);
  ASSERT_TRUE(pulled.status.ok()) << pulled.status.error_message();
  EXPECT_EQ(pulled.content_type, "application/pdf");
  ASSERT_TRUE(absl::StartsWith(pulled.bytes, "%PDF-"));
  const v1::MonthlyReport& report = pulled.report;
  ASSERT_TRUE(report.has_data());
  ASSERT_GT(report.worklist().denied_claims_size(), 0);

  // The CLI writes the same document (binary-safe: pdfinfo and pdftotext read it).
  TempDir dir;
  const std::string cli_path = dir.path() + "/report.pdf";
  const CommandResult cli =
      RunCommand({kCli, "--server", server_->address(), "--api-key", server_->admin_key(),
                  "report", "--practice", practice_->npi, "--month", kMonth, "--format", "pdf",
                  "--as-of", kAsOf, "-o", cli_path});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  const std::string written = ReadAll(cli_path);
  ASSERT_TRUE(absl::StartsWith(written, "%PDF-"));
  // Only the creation time may differ between two renderings, and it has a fixed width.
  EXPECT_EQ(written.size(), pulled.bytes.size());
  const std::string server_path = dir.path() + "/server.pdf";
  std::ofstream(server_path, std::ios::binary) << pulled.bytes;

  const int pages = PageCount(cli_path);
  EXPECT_GE(pages, 2) << "a report with a worklist does not fit on one page";
  EXPECT_EQ(PageCount(server_path), pages);
  const std::vector<std::string> texts = PageTexts(cli_path);
  ASSERT_EQ(texts.size(), static_cast<size_t>(pages));
  EXPECT_EQ(PageTexts(server_path), texts);

  const std::string practice = report.practice_display_name().empty()
                                   ? report.practice()
                                   : report.practice_display_name();
  for (int p = 0; p < pages; ++p) {
    const std::string& text = texts[static_cast<size_t>(p)];
    EXPECT_THAT(text, HasSubstr(practice)) << "page " << p + 1;
    EXPECT_THAT(text, HasSubstr(kMonth)) << "page " << p + 1;
    EXPECT_THAT(text, HasSubstr(absl::StrCat("Page ", p + 1, " of ", pages)));
  }
  std::string all;
  for (const std::string& text : texts) all += text;
  // The headline numbers as the report states them: ratios as percentages with one decimal.
  int checked = 0;
  for (const v1::HeadlineMeasure& row : report.headline()) {
    if (row.unit() != "ratio" || !row.has_this_month()) continue;
    EXPECT_THAT(all, HasSubstr(absl::StrFormat("%.1f%%", 100 * row.this_month()))) << row.label();
    ++checked;
  }
  EXPECT_GT(checked, 0);
  // The first and the last worklist claims (the last is pages away from the first).
  EXPECT_THAT(all, HasSubstr(report.worklist().denied_claims(0).claim_id()));
  EXPECT_THAT(all, HasSubstr(report.worklist()
                                 .denied_claims(report.worklist().denied_claims_size() - 1)
                                 .claim_id()));
  // Long tables continue under their repeated header.
  EXPECT_THAT(all, HasSubstr("(continued)"));

  // One picture per page, none blank: PNGs as asked for, then the same pages in grey to count
  // the ink.
  const CommandResult png =
      RunCommand({pdftoppm_, "-r", "50", "-png", cli_path, dir.path() + "/page"});
  ASSERT_EQ(png.exit_code, 0) << png.err;
  const CommandResult gray =
      RunCommand({pdftoppm_, "-r", "50", "-gray", cli_path, dir.path() + "/gray"});
  ASSERT_EQ(gray.exit_code, 0) << gray.err;
  int pngs = 0, grays = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    const std::string file = entry.path().filename().string();
    if (absl::StartsWith(file, "page-") && absl::EndsWith(file, ".png")) {
      ++pngs;
      EXPECT_TRUE(absl::StartsWith(ReadAll(entry.path().string()), "\x89PNG")) << file;
    }
    if (absl::StartsWith(file, "gray-") && absl::EndsWith(file, ".pgm")) {
      ++grays;
      // Header, footer and body: well above nothing, well below a filled page.
      const double ink = InkShare(ReadAll(entry.path().string()));
      EXPECT_GT(ink, 0.005) << file;
      EXPECT_LT(ink, 0.5) << file;
    }
  }
  EXPECT_EQ(pngs, pages);
  EXPECT_EQ(grays, pages);
}

TEST_F(ReportPdfE2eTest, EmptyMonthSaysSo) {
  const Pulled empty = PullReport(*server_, absl::StrCat("practices/", practice_->npi,
                                                         "/reports/2024-01"),
                                  v1::REPORT_FORMAT_PDF, kAsOf);
  ASSERT_TRUE(empty.status.ok()) << empty.status.error_message();
  TempDir dir;
  const std::string path = dir.path() + "/empty.pdf";
  std::ofstream(path, std::ios::binary) << empty.bytes;
  const int pages = PageCount(path);
  const std::vector<std::string> texts = PageTexts(path);
  ASSERT_EQ(texts.size(), static_cast<size_t>(pages));
  ASSERT_GE(pages, 1);
  EXPECT_THAT(texts[0], HasSubstr("No neck-pain claims"));
  EXPECT_THAT(texts[0], HasSubstr(absl::StrCat("Page 1 of ", pages)));
}

}  // namespace
}  // namespace denialscope::testing
