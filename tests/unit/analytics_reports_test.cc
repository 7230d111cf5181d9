// The report RPCs of AnalyticsService over the in-memory store: what the RPC layer adds to the
// pure reports (scope parsing, the choice of data path, paging, the API's errors), on a small
// practice whose numbers are worked out by hand below. Loopback only, no database.
#include <memory>
#include <string>
#include <vector>

#include "analytics/memory_access_store.h"
#include "analytics/memory_claim_store.h"
#include "cli/channel.h"
#include "denialscope/v1/analytics_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "server/patient_key.h"
#include "server/server.h"
#include "tests/unit/test_records.h"
#include "tests/unit/test_server.h"

namespace denialscope {
namespace {

namespace v1 = ::denialscope::v1;
using ::testing::HasSubstr;
using testing::Adj;
using testing::MakeClaim;
using testing::MakeEvent;

constexpr char kPractice[] = "practices/1234567893";

// Five claims of March 2026, all with payer PAYER1 and procedure 99213 (E/M):
//   A M54.2    $250  denied CO-50 N115 on 03-20 (medical necessity), never paid
//   B M54.2    $100  paid $80 on 03-25
//   C M54.2    $300  denied CO-197 on 03-22 (authorization), never paid
//   D M50.121  $100  paid $90 on 03-18
//   E M50.121  $200  paid $150 on 04-30
// M54.2: 2 of 3 initially denied; specific: 0 of 2. The latest stored date is 04-30.
class AnalyticsReportsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    practice_ = *store_.CreatePractice(testing::kTestNpi, "Clinic");
    std::vector<Claim> claims = {
        MakeClaim("A", {"M542"}, {25000}, Day(2026, 3, 2)),
        MakeClaim("B", {"M542"}, {10000}, Day(2026, 3, 3)),
        MakeClaim("C", {"M542"}, {30000}, Day(2026, 3, 4)),
        MakeClaim("D", {"M50121"}, {10000}, Day(2026, 3, 5)),
        MakeClaim("E", {"M50121"}, {20000}, Day(2026, 3, 6)),
    };
    claims[0].rendering_npi = "1999999984";
    ASSERT_TRUE(store_.IngestClaims(practice_, claims).ok());
    RemittanceEvent denied_a =
        MakeEvent("A", 1, 25000, 0, Day(2026, 3, 20), {Adj(GroupCode::kCO, "50", 25000)});
    denied_a.remark_codes = {"N115"};
    ASSERT_TRUE(store_
                    .IngestRemittances(
                        practice_,
                        {denied_a,
                         MakeEvent("B", 1, 10000, 8000, Day(2026, 3, 25),
                                   {Adj(GroupCode::kCO, "45", 2000)}),
                         MakeEvent("C", 1, 30000, 0, Day(2026, 3, 22),
                                   {Adj(GroupCode::kCO, "197", 30000)}),
                         MakeEvent("D", 1, 10000, 9000, Day(2026, 3, 18),
                                   {Adj(GroupCode::kCO, "45", 1000)}),
                         MakeEvent("E", 1, 20000, 15000, Day(2026, 4, 30),
                                   {Adj(GroupCode::kCO, "45", 5000)})})
                    .ok());
    taxonomy_ = std::make_unique<CohortTaxonomy>(*CohortTaxonomy::Builtin());
    hasher_ = std::make_unique<PatientKeyHasher>(
        *PatientKeyHasher::Create("unit-test-secret-0123456789"));
    ServerOptions options;
    options.listen_address = "127.0.0.1:0";
    auto server = DenialscopeServer::Start(
        options, TestContext(&store_, taxonomy_.get(), hasher_.get(), &clock_, &log_, &access_));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    // Every call carries an admin key (the key rides on the channel), so an unknown practice
    // is NOT_FOUND rather than PERMISSION_DENIED.
    cli::ChannelOptions channel;
    channel.target = absl::StrCat("127.0.0.1:", server_->port());
    channel.api_key = TestApiKey(access_, {denialscope::Scope::kAdmin}, {}, clock_.Now());
    stub_ = v1::AnalyticsService::NewStub(cli::MakeChannel(channel));
  }

  template <typename Request>
  static Request Scope(const std::string& as_of = "2026-06-30") {
    Request request;
    request.set_from_month("2026-01");
    request.set_to_month("2026-06");
    request.set_as_of_date(as_of);
    return request;
  }

  v1::CompareCohortsRequest CompareRequest(const std::string& as_of = "2026-06-30") {
    auto request = Scope<v1::CompareCohortsRequest>(as_of);
    request.set_practice(kPractice);
    return request;
  }

  v1::ListDeniedClaimsRequest WorklistRequest(int page_size) {
    auto request = Scope<v1::ListDeniedClaimsRequest>();
    request.set_parent(kPractice);
    request.set_page_size(page_size);
    return request;
  }

  grpc::Status Compare(const v1::CompareCohortsRequest& request,
                       v1::CompareCohortsResponse* response) {
    grpc::ClientContext context;
    return stub_->CompareCohorts(&context, request, response);
  }
  grpc::Status Worklist(const v1::ListDeniedClaimsRequest& request,
                        v1::ListDeniedClaimsResponse* response) {
    grpc::ClientContext context;
    return stub_->ListDeniedClaims(&context, request, response);
  }

  static const v1::MeasureComparison& Measure(const v1::CohortComparison& c, v1::Measure m) {
    for (const v1::MeasureComparison& measure : c.measures()) {
      if (measure.measure() == m) return measure;
    }
    ADD_FAILURE() << "no measure " << m;
    return c.measures(0);
  }

  MemoryClaimStore store_;
  MemoryAccessStore access_;
  Practice practice_;
  std::unique_ptr<CohortTaxonomy> taxonomy_;
  std::unique_ptr<PatientKeyHasher> hasher_;
  FakeClock clock_{absl::FromCivil(absl::CivilDay(2026, 7, 1), absl::UTCTimeZone())};
  MemoryLogSink log_;
  std::unique_ptr<DenialscopeServer> server_;
  std::unique_ptr<v1::AnalyticsService::Stub> stub_;
};

TEST_F(AnalyticsReportsTest, CompareCountsByHandAndSaysWhereTheAnswerCameFrom) {
  v1::CompareCohortsResponse response;
  ASSERT_TRUE(Compare(CompareRequest(), &response).ok());
  EXPECT_EQ(response.source(), v1::DATA_SOURCE_MONTHLY_AGGREGATES);
  EXPECT_EQ(response.nonspecific_claims(), 3);
  ASSERT_GE(response.comparisons_size(), 1);
  const v1::CohortComparison& specific = response.comparisons(0);
  EXPECT_EQ(specific.reference_group(), v1::COHORT_GROUP_SPECIFIC);
  EXPECT_EQ(specific.reference_claims(), 2);
  const v1::MeasureComparison& denial = Measure(specific, v1::MEASURE_INITIAL_DENIAL_RATE);
  EXPECT_EQ(denial.nonspecific().numerator(), 2);
  EXPECT_EQ(denial.nonspecific().denominator(), 3);
  EXPECT_EQ(denial.reference().numerator(), 0);
  EXPECT_NEAR(denial.difference().estimate(), 2.0 / 3, 1e-12);
  // One zero cell: Katz with 0.5 added everywhere, (2.5/4) / (0.5/3) = 3.75.
  EXPECT_EQ(denial.risk_ratio().method(), v1::STAT_METHOD_KATZ_LOG_HALF_CORRECTED);
  EXPECT_NEAR(denial.risk_ratio().estimate(), 3.75, 1e-12);
  EXPECT_EQ(denial.test().method(), v1::STAT_METHOD_FISHER_EXACT);  // expected cells < 5
  EXPECT_TRUE(denial.insufficient_data());
  // Excess initially denied dollars: M54.2 denied $550 of $650, specific rate 0: all $550.
  EXPECT_NEAR(specific.excess_initially_denied().estimate_cents(), 55000, 1e-6);

  // As of 04-29 (before E's payment) the aggregates cannot answer: the raw events do, and
  // E is simply not adjudicated yet.
  v1::CompareCohortsResponse earlier;
  ASSERT_TRUE(Compare(CompareRequest("2026-04-29"), &earlier).ok());
  EXPECT_EQ(earlier.source(), v1::DATA_SOURCE_RAW_EVENTS);
  EXPECT_EQ(Measure(earlier.comparisons(0), v1::MEASURE_INITIAL_DENIAL_RATE)
                .reference()
                .denominator(),
            1);

  // A payer filter is kept by the aggregates' count cells: they answer, with the same counts.
  v1::CompareCohortsRequest by_payer = CompareRequest();
  by_payer.mutable_filter()->add_payer_ids("PAYER1");
  v1::CompareCohortsResponse payer;
  ASSERT_TRUE(Compare(by_payer, &payer).ok());
  EXPECT_EQ(payer.source(), v1::DATA_SOURCE_MONTHLY_AGGREGATES);
  EXPECT_EQ(payer.nonspecific_claims(), 3);
  EXPECT_EQ(Measure(payer.comparisons(0), v1::MEASURE_INITIAL_DENIAL_RATE).nonspecific().numerator(),
            2);

  // A rendering-provider filter is beyond the aggregates: per-claim facts answer.
  v1::CompareCohortsRequest by_provider = CompareRequest();
  by_provider.mutable_filter()->add_rendering_npis("1999999984");
  v1::CompareCohortsResponse provider;
  ASSERT_TRUE(Compare(by_provider, &provider).ok());
  EXPECT_EQ(provider.source(), v1::DATA_SOURCE_CLAIM_FACTS);
  EXPECT_EQ(provider.nonspecific_claims(), 1);
}

TEST_F(AnalyticsReportsTest, WorklistPagesByChargeWithTokensBoundToTheQuery) {
  v1::ListDeniedClaimsResponse first;
  ASSERT_TRUE(Worklist(WorklistRequest(1), &first).ok());
  ASSERT_EQ(first.denied_claims_size(), 1);
  const v1::DeniedClaim& c = first.denied_claims(0);
  EXPECT_EQ(c.claim_id(), "C");  // $300 before $250
  EXPECT_EQ(c.name(), "practices/1234567893/claims/C");
  EXPECT_EQ(c.denial_category(), "authorization");
  EXPECT_EQ(c.carc(), "197");
  EXPECT_FALSE(c.likely_fixable_by_recoding());
  EXPECT_EQ(c.service_date(), "2026-03-04");
  EXPECT_THAT(c.diagnoses(), ::testing::ElementsAre("M54.2"));
  EXPECT_THAT(c.procedure_codes(), ::testing::ElementsAre("99213"));
  ASSERT_FALSE(first.next_page_token().empty());

  v1::ListDeniedClaimsRequest next = WorklistRequest(1);
  next.set_page_token(first.next_page_token());
  v1::ListDeniedClaimsResponse second;
  ASSERT_TRUE(Worklist(next, &second).ok());
  ASSERT_EQ(second.denied_claims_size(), 1);
  EXPECT_EQ(second.denied_claims(0).claim_id(), "A");
  EXPECT_EQ(second.denied_claims(0).rarc(), "N115");
  EXPECT_TRUE(second.denied_claims(0).likely_fixable_by_recoding());
  EXPECT_TRUE(second.next_page_token().empty());

  // The same token with another query is refused, naming the field.
  v1::ListDeniedClaimsRequest other = next;
  other.set_to_month("2026-05");
  v1::ListDeniedClaimsResponse refused;
  grpc::Status status = Worklist(other, &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("page_token"));

  // Only the codable ones.
  v1::ListDeniedClaimsRequest coding = WorklistRequest(0);
  coding.add_denial_categories("medical_necessity");
  coding.add_cohorts(v1::COHORT_GROUP_NONSPECIFIC);
  v1::ListDeniedClaimsResponse codable;
  ASSERT_TRUE(Worklist(coding, &codable).ok());
  ASSERT_EQ(codable.denied_claims_size(), 1);
  EXPECT_EQ(codable.denied_claims(0).claim_id(), "A");
}

TEST_F(AnalyticsReportsTest, InvalidArgumentsNameTheField) {
  auto expect = [](const grpc::Status& status, grpc::StatusCode code, const char* field) {
    EXPECT_EQ(status.error_code(), code) << status.error_message();
    EXPECT_THAT(status.error_message(), HasSubstr(field));
  };
  v1::CompareCohortsResponse response;
  v1::CompareCohortsRequest unknown = CompareRequest();
  unknown.set_practice("practices/1245319599");
  expect(Compare(unknown, &response), grpc::StatusCode::NOT_FOUND, "1245319599");
  v1::CompareCohortsRequest backwards = CompareRequest();
  backwards.set_from_month("2026-07");
  expect(Compare(backwards, &response), grpc::StatusCode::INVALID_ARGUMENT, "from_month");
  v1::CompareCohortsRequest too_long = CompareRequest();
  too_long.set_from_month("2023-01");
  expect(Compare(too_long, &response), grpc::StatusCode::INVALID_ARGUMENT, "to_month");
  v1::CompareCohortsRequest family = CompareRequest();
  family.mutable_filter()->add_procedure_families("massage");
  expect(Compare(family, &response), grpc::StatusCode::INVALID_ARGUMENT,
         "filter.procedure_families[0]");
  v1::CompareCohortsRequest confidence = CompareRequest();
  confidence.set_confidence_level(1.5);
  expect(Compare(confidence, &response), grpc::StatusCode::INVALID_ARGUMENT,
         "confidence_level");
  v1::ListDeniedClaimsResponse worklist;
  expect(Worklist(WorklistRequest(-1), &worklist), grpc::StatusCode::INVALID_ARGUMENT,
         "page_size");
  v1::ListDeniedClaimsRequest garbage = WorklistRequest(5);
  garbage.set_page_token("not-a-token");
  expect(Worklist(garbage, &worklist), grpc::StatusCode::INVALID_ARGUMENT, "page_token");
  v1::GetTrendRequest trend = Scope<v1::GetTrendRequest>();
  trend.set_practice(kPractice);
  v1::GetTrendResponse trend_response;
  grpc::ClientContext context;
  expect(stub_->GetTrend(&context, trend, &trend_response), grpc::StatusCode::INVALID_ARGUMENT,
         "measure");
}

TEST_F(AnalyticsReportsTest, TrendReasonsAndTimelineFromTheSameData) {
  v1::GetTrendRequest trend = Scope<v1::GetTrendRequest>();
  trend.set_practice(kPractice);
  trend.set_measure(v1::MEASURE_INITIAL_DENIAL_RATE_DOLLARS);
  v1::GetTrendResponse series;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->GetTrend(&context, trend, &series).ok());
  }
  ASSERT_GE(series.series_size(), 2);
  ASSERT_EQ(series.series(0).points_size(), 6);  // January to June
  const v1::TrendPoint& march = series.series(0).points(2);
  EXPECT_EQ(march.month(), "2026-03");
  EXPECT_NEAR(march.value().value(), 55000.0 / 65000, 1e-12);  // $550 of $650 denied
  EXPECT_FALSE(series.series(0).points(0).value().has_value());

  v1::ListDenialReasonsRequest reasons = Scope<v1::ListDenialReasonsRequest>();
  reasons.set_practice(kPractice);
  v1::ListDenialReasonsResponse why;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->ListDenialReasons(&context, reasons, &why).ok());
  }
  const v1::CohortReasons& m542 = why.cohorts(0);
  EXPECT_EQ(m542.denied_claims(), 2);
  ASSERT_EQ(m542.categories_size(), 2);
  EXPECT_EQ(m542.categories(0).charge_cents() + m542.categories(1).charge_cents(), 55000);

  v1::GetPaymentTimelineRequest timeline = Scope<v1::GetPaymentTimelineRequest>();
  timeline.set_practice(kPractice);
  v1::GetPaymentTimelineResponse times;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->GetPaymentTimeline(&context, timeline, &times).ok());
  }
  // Specific: D paid 13 days after service, E 55 days: S drops to 0.5 at 13, so the median
  // is 13 days; both paid by day 60.
  const v1::CohortTimeline& specific = times.cohorts(1);
  EXPECT_EQ(specific.claims(), 2);
  EXPECT_EQ(specific.median().day(), 13);
  EXPECT_NEAR(specific.share_paid(2).share(), 1.0, 1e-12);
  // M54.2: only B is paid (22 days); A and C are finally denied, censored at the as-of date.
  const v1::CohortTimeline& m542_times = times.cohorts(0);
  EXPECT_EQ(m542_times.paid(), 1);
  EXPECT_FALSE(m542_times.median().has_day());
  EXPECT_EQ(m542_times.open_claims(), 0);
}

// The curve's points, worked by hand for M54.2 as of 2026-06-30: B paid 22 days after
// service (at risk 3, S = 2/3); C (served 03-04) and A (03-02) never paid, censored at 118
// and 120 days. Every day: three points. Event days (the default): the first point, the
// payments and the last point; C's censoring folds into the point of day 22, so each
// point's at_risk - events - censored is the next point's at_risk.
TEST_F(AnalyticsReportsTest, TimelineCurvePointsByDetail) {
  struct Point {
    int day, at_risk, events, censored;
  };
  const auto points = [&](v1::CurveDetail detail) {
    v1::GetPaymentTimelineRequest request = Scope<v1::GetPaymentTimelineRequest>();
    request.set_practice(kPractice);
    request.set_curve_detail(detail);
    v1::GetPaymentTimelineResponse response;
    grpc::ClientContext context;
    const grpc::Status status = stub_->GetPaymentTimeline(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<Point> out;
    if (!status.ok()) return out;
    for (const v1::CurvePoint& p : response.cohorts(0).curve()) {
      EXPECT_NEAR(p.survival(), 2.0 / 3.0, 1e-12) << p.day();
      out.push_back({p.day(), p.at_risk(), p.events(), p.censored()});
    }
    return out;
  };
  const auto as_text = [](const std::vector<Point>& ps) {
    std::string text;
    for (const Point& p : ps) {
      text += std::to_string(p.day) + ":" + std::to_string(p.at_risk) + "/" +
              std::to_string(p.events) + "/" + std::to_string(p.censored) + " ";
    }
    return text;
  };
  EXPECT_EQ(as_text(points(v1::CURVE_DETAIL_EVERY_DAY)), "22:3/1/0 118:2/0/1 120:1/0/1 ");
  EXPECT_EQ(as_text(points(v1::CURVE_DETAIL_EVENT_DAYS)), "22:3/1/1 120:1/0/1 ");
  EXPECT_EQ(as_text(points(v1::CURVE_DETAIL_UNSPECIFIED)), "22:3/1/1 120:1/0/1 ");

  v1::GetPaymentTimelineRequest unknown = Scope<v1::GetPaymentTimelineRequest>();
  unknown.set_practice(kPractice);
  unknown.set_curve_detail(static_cast<v1::CurveDetail>(7));
  v1::GetPaymentTimelineResponse response;
  grpc::ClientContext context;
  const grpc::Status status = stub_->GetPaymentTimeline(&context, unknown, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("curve_detail"));
}

}  // namespace
}  // namespace denialscope
