// RenderReportPdf on hand-built reports: a well-formed PDF whose page count follows the
// content (the e2e test reads the text back with poppler; this one needs nothing installed).
#include "server/report_pdf.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"

namespace denialscope {
namespace {

namespace v1 = ::denialscope::v1;

v1::MonthlyReport Report(int worklist_claims) {
  v1::MonthlyReport report;
  report.set_name("practices/1234567893/reports/2026-03");
  report.set_practice("practices/1234567893");
  report.set_practice_display_name("Cedar Spine & Rehab");
  report.set_month("2026-03");
  report.set_previous_month("2026-02");
  report.set_trailing_from_month("2025-04");
  report.set_as_of_date("2026-07-15");
  report.set_has_data(true);
  report.set_data_note("120 neck-pain claims served in 2026-03.");
  report.add_findings(
      "M54.2 claims were initially denied at 18.0% against 9.0% for specific cervical codes.");
  report.add_warnings(std::string(60, 'x') + " a warning long enough to wrap onto a second "
                      "line of the page, because a practice manager must read all of it.");
  v1::HeadlineMeasure* headline = report.add_headline();
  headline->set_cohort("M54.2");
  headline->set_label("Initial denial rate");
  headline->set_unit("ratio");
  headline->set_this_month(0.18);
  for (v1::CohortGroup group : {v1::COHORT_GROUP_NONSPECIFIC, v1::COHORT_GROUP_SPECIFIC}) {
    v1::TrendSeries* series = report.mutable_denial_trend()->add_series();
    series->set_group(group);
    series->set_display_name(group == v1::COHORT_GROUP_NONSPECIFIC ? "M54.2" : "Specific");
    for (int m = 0; m < 12; ++m) {
      v1::TrendPoint* point = series->add_points();
      point->set_month(absl::StrFormat("2025-%02d", m + 1));
      point->mutable_value()->set_numerator(m);
      point->mutable_value()->set_denominator(40);
      if (m != 5) point->mutable_value()->set_value(m / 40.0);  // a gap in June
    }
    v1::CohortReasons* cohort = report.mutable_reasons()->add_cohorts();
    cohort->set_group(group);
    cohort->set_display_name(series->display_name());
    v1::CategoryReasons* category = cohort->add_categories();
    category->set_category("coding");
    category->set_display_name("Coding / diagnosis specificity");
    category->set_claims(7);
    v1::ReasonCount* carc = category->add_carcs();
    carc->set_code("11");
    carc->set_description("The diagnosis is inconsistent with the procedure.");
    carc->set_claims(7);
    carc->set_charge_cents(123456);
  }
  for (int i = 0; i < worklist_claims; ++i) {
    v1::DeniedClaim* claim = report.mutable_worklist()->add_denied_claims();
    claim->set_claim_id(absl::StrCat("CLM", 100000 + i));
    claim->set_service_date("2026-03-14");
    claim->set_payer_id("87726");
    claim->add_procedure_codes("97140");
    claim->add_diagnoses("M54.2");
    claim->set_denial_category("coding");
    claim->set_carc("11");
    claim->set_charge_cents(15000);
  }
  return report;
}

// Page objects in the file ("/Type /Page", not "/Type /Pages").
int PageObjects(const std::string& pdf) {
  int pages = 0;
  for (size_t at = pdf.find("/Type /Page"); at != std::string::npos;
       at = pdf.find("/Type /Page", at + 1)) {
    if (pdf.compare(at, 12, "/Type /Pages") != 0) ++pages;
  }
  return pages;
}

TEST(ReportPdfTest, IsAWellFormedPdf) {
  const absl::StatusOr<std::string> pdf = RenderReportPdf(Report(3));
  ASSERT_TRUE(pdf.ok()) << pdf.status();
  EXPECT_TRUE(absl::StartsWith(*pdf, "%PDF-"));
  EXPECT_TRUE(absl::EndsWith(absl::StripTrailingAsciiWhitespace(*pdf), "%%EOF"));
  const int pages = PageObjects(*pdf);
  EXPECT_GE(pages, 1);
  // The page tree counts the same pages as there are page objects.
  EXPECT_TRUE(absl::StrContains(*pdf, absl::StrCat("/Count ", pages))) << pages;
  // Text is drawn as text (fonts embedded), not as pictures.
  EXPECT_TRUE(absl::StrContains(*pdf, "/FontFile"));
  EXPECT_FALSE(absl::StrContains(*pdf, "/Subtype /Image"));
}

TEST(ReportPdfTest, LongTablesBreakAcrossPages) {
  const absl::StatusOr<std::string> few = RenderReportPdf(Report(3));
  const absl::StatusOr<std::string> many = RenderReportPdf(Report(300));
  ASSERT_TRUE(few.ok() && many.ok());
  // A worklist row is one 8 pt line (10.8 pt + 5 pt padding = 15.8 pt) and the body of a
  // Letter page is 672 pt high: at most 42 rows a page, so 297 more rows need at least 7 more
  // pages; they fit on 10 even with every page's heading and header row.
  const int extra = PageObjects(*many) - PageObjects(*few);
  EXPECT_GE(extra, 7);
  EXPECT_LE(extra, 10);
}

TEST(ReportPdfTest, EmptyReportIsOnePage) {
  v1::MonthlyReport report;
  report.set_practice("practices/1234567893");
  report.set_month("2024-01");
  report.set_data_note("No neck-pain claims were served in 2024-01.");
  const absl::StatusOr<std::string> pdf = RenderReportPdf(report);
  ASSERT_TRUE(pdf.ok()) << pdf.status();
  EXPECT_EQ(PageObjects(*pdf), 1);
}

TEST(ReportPdfTest, UnbreakableTextIsWrappedNotFatal) {
  v1::MonthlyReport report = Report(1);
  // A cell with no space wider than the page, with multi-byte characters in it.
  report.mutable_worklist()->mutable_denied_claims(0)->set_claim_id(
      absl::StrCat(std::string(150, '9'), "\u00e9\u00e9\u00e9", std::string(150, '8')));
  report.add_findings(std::string(400, 'w'));
  const absl::StatusOr<std::string> pdf = RenderReportPdf(report);
  ASSERT_TRUE(pdf.ok()) << pdf.status();
  EXPECT_TRUE(absl::EndsWith(absl::StripTrailingAsciiWhitespace(*pdf), "%%EOF"));
}

}  // namespace
}  // namespace denialscope
