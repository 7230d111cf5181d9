// End to end: ReportService.GetMonthlyReport on generated demo data through the real server
// and PostgreSQL. The report's numbers must be the AnalyticsService's answers for the same
// month (one source of truth), every format must render and parse back, and the CLI must
// write the file.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/demo_gen.h"
#include "denialscope/v1/admin_service.grpc.pb.h"
#include "denialscope/v1/analytics_service.grpc.pb.h"
#include "denialscope/v1/ingest_service.grpc.pb.h"
#include "denialscope/v1/report_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "tests/e2e/harness.h"
#include "tests/e2e/report_demo.h"

namespace denialscope::testing {
namespace {

namespace v1 = ::denialscope::v1;
using ::google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kCli[] = DENIALSCOPE_CLI_PATH;
constexpr char kMonth[] = "2026-03";
constexpr char kAsOf[] = "2026-07-15";

class ReportE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { practice_ = new DemoPractice(MakeReportDemoPractice(1500)); }
  static void TearDownTestSuite() { delete practice_; }

  void SetUp() override {
    server_ = E2eServer::Start();
    ASSERT_NE(server_, nullptr);
    LoadReportDemoPractice(*server_, *practice_);
  }

  static std::string Parent() { return absl::StrCat("practices/", practice_->npi); }

  Pulled Pull(const std::string& name, v1::ReportFormat format,
              const std::string& as_of = kAsOf) {
    return PullReport(*server_, name, format, as_of);
  }

  Pulled PullMonth(v1::ReportFormat format) {
    return Pull(absl::StrCat(Parent(), "/reports/", kMonth), format);
  }

  template <typename Request>
  Request Scope(const std::string& from, const std::string& to) const {
    Request request;
    request.set_practice(Parent());
    request.set_from_month(from);
    request.set_to_month(to);
    request.set_as_of_date(kAsOf);
    return request;
  }

  static DemoPractice* practice_;
  std::unique_ptr<E2eServer> server_;
};

DemoPractice* ReportE2eTest::practice_ = nullptr;

void ExpectSame(const google::protobuf::Message& report_part,
                const google::protobuf::Message& analytics) {
  std::string diff;
  MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&diff);
  EXPECT_TRUE(differencer.Compare(report_part, analytics)) << diff;
}

TEST_F(ReportE2eTest, NumbersAreTheAnalyticsServiceAnswers) {
  const Pulled pulled = PullMonth(v1::REPORT_FORMAT_STRUCTURED);
  ASSERT_TRUE(pulled.status.ok()) << pulled.status.error_message();
  EXPECT_EQ(pulled.messages, 1);
  const v1::MonthlyReport& report = pulled.report;
  EXPECT_TRUE(report.has_data());
  EXPECT_EQ(report.month(), kMonth);
  EXPECT_EQ(report.previous_month(), "2026-02");
  EXPECT_EQ(report.trailing_from_month(), "2025-04");
  auto stub = v1::AnalyticsService::NewStub(server_->Channel());

  v1::CompareCohortsResponse comparison;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub->CompareCohorts(
                        &context, Scope<v1::CompareCohortsRequest>(kMonth, kMonth), &comparison)
                    .ok());
  }
  ExpectSame(report.comparison(), comparison);
  ASSERT_GT(comparison.nonspecific_adjudicated(), 0);

  v1::GetTrendRequest trend_request = Scope<v1::GetTrendRequest>("2025-04", kMonth);
  trend_request.set_measure(v1::MEASURE_INITIAL_DENIAL_RATE);
  v1::GetTrendResponse trend;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub->GetTrend(&context, trend_request, &trend).ok());
  }
  ExpectSame(report.denial_trend(), trend);

  v1::ListDenialReasonsRequest reasons_request =
      Scope<v1::ListDenialReasonsRequest>(kMonth, kMonth);
  reasons_request.set_stage(v1::DENIAL_STAGE_INITIAL);
  v1::ListDenialReasonsResponse reasons;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub->ListDenialReasons(&context, reasons_request, &reasons).ok());
  }
  ExpectSame(report.reasons(), reasons);

  v1::GetPaymentTimelineResponse timeline;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub->GetPaymentTimeline(
                        &context, Scope<v1::GetPaymentTimelineRequest>(kMonth, kMonth), &timeline)
                    .ok());
  }
  ExpectSame(report.timeline(), timeline);

  v1::ListDeniedClaimsRequest worklist_request;
  worklist_request.set_parent(Parent());
  worklist_request.set_from_month(kMonth);
  worklist_request.set_to_month(kMonth);
  worklist_request.set_as_of_date(kAsOf);
  worklist_request.add_cohorts(v1::COHORT_GROUP_NONSPECIFIC);
  worklist_request.add_denial_categories("diagnosis_coding");
  worklist_request.add_denial_categories("medical_necessity");
  worklist_request.set_page_size(100);
  v1::ListDeniedClaimsResponse worklist;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub->ListDeniedClaims(&context, worklist_request, &worklist).ok());
  }
  ExpectSame(report.worklist(), worklist);
  EXPECT_GT(worklist.denied_claims_size(), 0);
  for (int i = 1; i < worklist.denied_claims_size(); ++i) {
    EXPECT_GE(worklist.denied_claims(i - 1).charge_cents(), worklist.denied_claims(i).charge_cents());
  }

  // The headline's month value of the M54.2 initial denial rate is CompareCohorts' rate.
  const v1::MeasureComparison* initial = nullptr;
  for (const v1::CohortComparison& c : comparison.comparisons()) {
    if (c.reference_group() != v1::COHORT_GROUP_SPECIFIC) continue;
    for (const v1::MeasureComparison& m : c.measures()) {
      if (m.measure() == v1::MEASURE_INITIAL_DENIAL_RATE) initial = &m;
    }
  }
  ASSERT_NE(initial, nullptr);
  bool found = false;
  for (const v1::HeadlineMeasure& row : report.headline()) {
    if (row.group() == v1::COHORT_GROUP_NONSPECIFIC &&
        row.measure() == v1::MEASURE_INITIAL_DENIAL_RATE) {
      found = true;
      ASSERT_TRUE(row.has_this_month());
      EXPECT_DOUBLE_EQ(row.this_month(), static_cast<double>(initial->nonspecific().numerator()) /
                                             initial->nonspecific().denominator());
      EXPECT_TRUE(row.has_previous_month());
      EXPECT_TRUE(row.has_trailing_12_months());
    }
  }
  EXPECT_TRUE(found);
  // Two cohorts x (5 rates + median days + A/R over 90).
  EXPECT_EQ(report.headline_size(), 14);
  ASSERT_FALSE(report.findings().empty());
  bool sentence = false;
  for (const std::string& f : report.findings()) {
    sentence = sentence || absl::StrContains(f, "Claims coded M54.2 were denied ");
  }
  EXPECT_TRUE(sentence) << report.findings(0);

  // The payer table: each row is CompareCohorts and GetTrend with the row's payer filter, and
  // together the rows hold every claim of the month (the demo bills six payers, so no pooling).
  ASSERT_GT(report.payers_size(), 1);
  EXPECT_EQ(report.payers_size(), report.payer_count());
  int64_t claims = 0;
  for (const v1::PayerRow& row : report.payers()) {
    SCOPED_TRACE(row.payer_id());
    EXPECT_EQ(row.payers(), 1);
    // Every demo payer is sent with its name (NM1*PR): "NAME (id)".
    EXPECT_THAT(row.display_name(), ::testing::EndsWith(absl::StrCat(" (", row.payer_id(), ")")));
    v1::CompareCohortsRequest request = Scope<v1::CompareCohortsRequest>(kMonth, kMonth);
    request.mutable_filter()->add_payer_ids(row.payer_id());
    v1::CompareCohortsResponse by_payer;
    {
      grpc::ClientContext context;
      ASSERT_TRUE(stub->CompareCohorts(&context, request, &by_payer).ok());
    }
    EXPECT_EQ(row.nonspecific_claims(), by_payer.nonspecific_claims());
    for (const v1::CohortComparison& c : by_payer.comparisons()) {
      if (c.reference_group() != v1::COHORT_GROUP_SPECIFIC) continue;
      EXPECT_EQ(row.specific_claims(), c.reference_claims());
      for (const v1::MeasureComparison& m : c.measures()) {
        if (m.measure() != v1::MEASURE_INITIAL_DENIAL_RATE) continue;
        ExpectSame(row.nonspecific_initial_denial(), m.nonspecific());
        ExpectSame(row.specific_initial_denial(), m.reference());
        ExpectSame(row.initial_denial_risk_ratio(), m.risk_ratio());
      }
      EXPECT_EQ(row.nonspecific_initial_denial_dollars(), c.excess_initially_denied().rate());
      EXPECT_EQ(row.specific_initial_denial_dollars(),
                c.excess_initially_denied().reference_rate());
    }
    v1::GetTrendRequest paid_request = Scope<v1::GetTrendRequest>(kMonth, kMonth);
    *paid_request.mutable_filter() = request.filter();
    paid_request.set_measure(v1::MEASURE_PAID_TO_CHARGE);
    v1::GetTrendResponse paid;
    {
      grpc::ClientContext context;
      ASSERT_TRUE(stub->GetTrend(&context, paid_request, &paid).ok());
    }
    for (const v1::TrendSeries& series : paid.series()) {
      if (series.group() == v1::COHORT_GROUP_NONSPECIFIC) {
        EXPECT_EQ(row.nonspecific_paid_to_charge(), series.points(0).value().value());
      } else if (series.group() == v1::COHORT_GROUP_SPECIFIC) {
        EXPECT_EQ(row.specific_paid_to_charge(), series.points(0).value().value());
      }
    }
    claims += row.nonspecific_claims() + row.specific_claims();
  }
  int64_t specific_claims = 0;
  for (const v1::CohortComparison& c : comparison.comparisons()) {
    if (c.reference_group() == v1::COHORT_GROUP_SPECIFIC) specific_claims = c.reference_claims();
  }
  EXPECT_EQ(claims, comparison.nonspecific_claims() + specific_claims);
  for (int i = 1; i < report.payers_size(); ++i) {
    EXPECT_GE(report.payers(i - 1).nonspecific_claims() + report.payers(i - 1).specific_claims(),
              report.payers(i).nonspecific_claims() + report.payers(i).specific_claims());
  }
  // The family sentences are there (the demo month has families with and without enough data).
  EXPECT_FALSE(report.family_findings().empty());
}

TEST_F(ReportE2eTest, HtmlIsSelfContainedWithCharts) {
  const Pulled pulled = PullMonth(v1::REPORT_FORMAT_HTML);
  ASSERT_TRUE(pulled.status.ok()) << pulled.status.error_message();
  EXPECT_EQ(pulled.content_type, "text/html; charset=utf-8");
  const std::string& html = pulled.bytes;
  EXPECT_TRUE(absl::StartsWith(html, "<!DOCTYPE html>"));
  EXPECT_THAT(html, HasSubstr("</html>"));
  EXPECT_THAT(html, HasSubstr("@media print"));
  // No scripts, no network assets of any kind.
  for (const char* banned : {"<script", "http://", "https://", "src=", "<link", "@import",
                             "url(", "//cdn"}) {
    EXPECT_THAT(html, Not(HasSubstr(banned))) << banned;
  }
  // Two charts: the 12-month trend (points for both cohorts) and the reasons bars.
  auto count = [&](const std::string& needle) {
    size_t n = 0;
    for (size_t at = html.find(needle); at != std::string::npos; at = html.find(needle, at + 1)) {
      ++n;
    }
    return n;
  };
  // Three charts: the trend, the reasons and the payment timeline (two Kaplan-Meier steps).
  EXPECT_EQ(count("<svg"), 3u);
  EXPECT_EQ(count("</svg>"), 3u);
  EXPECT_EQ(count("<path class=\"step\""), 2u);
  EXPECT_THAT(html, HasSubstr("M54.2 against each specific family"));
  for (const v1::PayerRow& row : pulled.report.payers()) {
    EXPECT_THAT(html, HasSubstr(absl::StrCat("<td>", row.display_name(), "</td>")));
  }
  // One point per month with claims, per cohort (demo data starts 2025-07: 9 of 12 months).
  size_t points = 0;
  for (const v1::TrendSeries& series : pulled.report.denial_trend().series()) {
    if (series.group() != v1::COHORT_GROUP_NONSPECIFIC &&
        series.group() != v1::COHORT_GROUP_SPECIFIC) {
      continue;
    }
    for (const v1::TrendPoint& point : series.points()) points += point.value().has_value();
  }
  EXPECT_EQ(points, 18u);
  EXPECT_EQ(count("<circle class=\"point\""), points);
  EXPECT_GE(count("<polyline class=\"line\""), 2u);
  EXPECT_GE(count("<rect class=\"bar\""), 2u);
  EXPECT_THAT(html, HasSubstr("Claims coded M54.2 were denied"));
  EXPECT_THAT(html, HasSubstr("Worklist"));
  // Every worklist claim id appears.
  for (const v1::DeniedClaim& c : pulled.report.worklist().denied_claims()) {
    EXPECT_THAT(html, HasSubstr(c.claim_id()));
  }
}

// Parses RFC 4180 CSV with CRLF rows; fails the test on anything Excel would misread.
std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  size_t at = 0;
  while (at < text.size()) {
    std::vector<std::string> row;
    if (text.compare(at, 2, "\r\n") == 0) {  // an empty separator line
      rows.push_back(row);
      at += 2;
      continue;
    }
    while (true) {
      EXPECT_EQ(text[at], '"') << "unquoted field at byte " << at;
      if (text[at] != '"') return rows;
      ++at;
      std::string field;
      while (at < text.size()) {
        if (text[at] == '"') {
          if (at + 1 < text.size() && text[at + 1] == '"') {
            field.push_back('"');
            at += 2;
            continue;
          }
          break;
        }
        field.push_back(text[at++]);
      }
      ++at;  // the closing quote
      row.push_back(field);
      if (at < text.size() && text[at] == ',') {
        ++at;
        continue;
      }
      EXPECT_EQ(text.compare(at, 2, "\r\n"), 0) << "row not ended by CRLF at byte " << at;
      at += 2;
      break;
    }
    rows.push_back(row);
  }
  return rows;
}

// The index of the first one-cell row (a table title) starting with `prefix`; rows.size()
// when there is none.
size_t TableTitleRow(const std::vector<std::vector<std::string>>& rows,
                     const std::string& prefix) {
  size_t at = 0;
  while (at < rows.size() && !(rows[at].size() == 1 && absl::StartsWith(rows[at][0], prefix))) {
    ++at;
  }
  return at;
}

TEST_F(ReportE2eTest, CsvIsExcelFriendlyAndParsesBack) {
  const Pulled pulled = PullMonth(v1::REPORT_FORMAT_CSV);
  ASSERT_TRUE(pulled.status.ok()) << pulled.status.error_message();
  const std::string& csv = pulled.bytes;
  ASSERT_TRUE(absl::StartsWith(csv, "\xEF\xBB\xBF"));
  for (size_t i = 0; i < csv.size(); ++i) {
    if (csv[i] == '\n') {
      ASSERT_TRUE(i > 0 && csv[i - 1] == '\r') << "bare LF at byte " << i;
    }
  }
  const std::vector<std::vector<std::string>> rows = ParseCsv(csv.substr(3));
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0], (std::vector<std::string>{"Report", pulled.report.name()}));
  // The worklist table: its title, header, then one row per claim in order.
  const size_t title = TableTitleRow(rows, "Worklist");
  ASSERT_LT(title + 1, rows.size());
  EXPECT_EQ(rows[title + 1][0], "Claim");
  const auto& claims = pulled.report.worklist().denied_claims();
  ASSERT_GE(rows.size(), title + 2 + static_cast<size_t>(claims.size()));
  for (int i = 0; i < claims.size(); ++i) {
    const std::vector<std::string>& row = rows[title + 2 + static_cast<size_t>(i)];
    ASSERT_EQ(row.size(), 9u);
    EXPECT_EQ(row[0], claims[i].claim_id());
    EXPECT_EQ(row[1], claims[i].service_date());
    EXPECT_EQ(row[6], claims[i].carc());
  }
  // The headline table is there with its 14 rows.
  const size_t headline = TableTitleRow(rows, "Headline measures");
  ASSERT_LT(headline + 15, rows.size());
  EXPECT_EQ(rows[headline + 1][0], "Cohort");
  // The payer table: title, header, one row per payer row of the report, in order, with the
  // claim counts of the structured report.
  const size_t payers = TableTitleRow(rows, "Payers (");
  ASSERT_LT(payers + 1, rows.size());
  EXPECT_EQ(rows[payers + 1][0], "Payer");
  const auto& payer_rows = pulled.report.payers();
  ASSERT_FALSE(payer_rows.empty());
  ASSERT_GE(rows.size(), payers + 2 + static_cast<size_t>(payer_rows.size()));
  for (int i = 0; i < payer_rows.size(); ++i) {
    const std::vector<std::string>& row = rows[payers + 2 + static_cast<size_t>(i)];
    ASSERT_EQ(row.size(), 10u);
    EXPECT_EQ(row[0], payer_rows[i].display_name());
    EXPECT_EQ(row[1], absl::StrCat(payer_rows[i].nonspecific_claims()));
    EXPECT_EQ(row[2], absl::StrCat(payer_rows[i].specific_claims()));
  }
  // The family sentences come right after the findings.
  size_t family = 0;
  for (const std::vector<std::string>& row : rows) family += !row.empty() && row[0] == "Family finding";
  EXPECT_EQ(family, static_cast<size_t>(pulled.report.family_findings_size()));
}

TEST_F(ReportE2eTest, JsonIsTheProtobufMapping) {
  const Pulled pulled = PullMonth(v1::REPORT_FORMAT_JSON);
  ASSERT_TRUE(pulled.status.ok()) << pulled.status.error_message();
  EXPECT_EQ(pulled.content_type, "application/json");
  v1::MonthlyReport parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(pulled.bytes, &parsed).ok());
  ExpectSame(parsed, pulled.report);
}

TEST_F(ReportE2eTest, EmptyMonthUnknownPracticeAndErrors) {
  const Pulled empty = Pull(absl::StrCat(Parent(), "/reports/2024-01"), v1::REPORT_FORMAT_HTML);
  ASSERT_TRUE(empty.status.ok()) << empty.status.error_message();
  EXPECT_FALSE(empty.report.has_data());
  EXPECT_THAT(empty.report.data_note(), HasSubstr("No neck-pain claims"));
  EXPECT_THAT(empty.bytes, HasSubstr("No neck-pain claims"));
  EXPECT_EQ(empty.report.worklist().denied_claims_size(), 0);

  EXPECT_EQ(Pull("practices/1234567893/reports/2026-03", v1::REPORT_FORMAT_HTML).status.error_code(),
            grpc::StatusCode::NOT_FOUND);
  const Pulled bad = Pull(absl::StrCat(Parent(), "/reports/2026-13"), v1::REPORT_FORMAT_HTML);
  EXPECT_EQ(bad.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(bad.status.error_message(), HasSubstr("name"));
  EXPECT_EQ(Pull(Parent(), v1::REPORT_FORMAT_HTML).status.error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  // A read-only key lacks the report scope.
  const std::string reader = server_->CreateKey({Scope::kRead}, {practice_->npi});
  auto stub = v1::ReportService::NewStub(server_->ChannelWithKey(reader));
  v1::GetMonthlyReportRequest request;
  request.set_name(absl::StrCat(Parent(), "/reports/", kMonth));
  grpc::ClientContext context;
  auto stream = stub->GetMonthlyReport(&context, request);
  v1::GetMonthlyReportResponse ignored;
  while (stream->Read(&ignored)) {
  }
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ReportE2eTest, TheCliWritesEachFormat) {
  TempDir dir;
  for (const char* format : {"html", "csv", "json"}) {
    const std::string path = absl::StrCat(dir.path(), "/report.", format);
    const CommandResult result =
        RunCommand({kCli, "--server", server_->address(), "--api-key", server_->admin_key(),
                    "report", "--practice", practice_->npi, "--month", kMonth, "--format",
                    format, "--as-of", kAsOf, "-o", path});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    std::ifstream in(path, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    const Pulled pulled = PullMonth(std::string(format) == "html"  ? v1::REPORT_FORMAT_HTML
                                    : std::string(format) == "csv" ? v1::REPORT_FORMAT_CSV
                                                                   : v1::REPORT_FORMAT_JSON);
    EXPECT_EQ(content.str(), pulled.bytes) << format;
  }
  const CommandResult missing =
      RunCommand({kCli, "--server", server_->address(), "--api-key", server_->admin_key(),
                  "report", "--practice", practice_->npi});
  EXPECT_EQ(missing.exit_code, 2);
}

}  // namespace
}  // namespace denialscope::testing
