// End to end: generated practices ingested through the real server into PostgreSQL, then
// CompareCohorts, GetPaymentTimeline and the ListDeniedClaims worklist (through every page)
// checked against numbers this test computes on its own from the generator's per-claim
// truth and records, never with the analytics code; and the report commands of the CLI.
#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/demo_gen.h"
#include "denialscope/v1/admin_service.grpc.pb.h"
#include "denialscope/v1/analytics_service.grpc.pb.h"
#include "denialscope/v1/ingest_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "tests/e2e/harness.h"

namespace denialscope::testing {
namespace {

namespace v1 = ::denialscope::v1;
using ::testing::HasSubstr;

constexpr char kCli[] = DENIALSCOPE_CLI_PATH;

std::string Month(absl::CivilMonth m) { return absl::StrFormat("%04d-%02d", m.year(), m.month()); }
std::string Date(absl::CivilDay d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

// The procedure family of a code, written out from DESIGN §1 for the codes the generator
// bills.
std::string FamilyOfCode(const std::string& code) {
  if (code >= "99202" && code <= "99215" && code.size() == 5) return "em";
  if (code.size() == 5 && code[0] == '9' && code[1] == '7') return "pt_rehab";
  if (code >= "98940" && code <= "98942") return "chiropractic";
  for (const char* c : {"62321", "64490", "64491", "20552", "20553", "64633"}) {
    if (code == c) return "injection";
  }
  if (code >= "72020" && code <= "72159" && code.size() == 5) return "imaging";
  return "other";
}

// One claim as the test sees it: truth plus what the claim record says.
struct TruthClaim {
  const ClaimTruth* truth;
  std::string procedure_family;  // of the highest-charge line, first on a tie
};

std::vector<TruthClaim> Claims(const DemoPractice& practice) {
  std::map<std::string, const v1::ClaimRecord*> first_version;
  for (const v1::ClaimRecord& c : practice.claims) first_version.emplace(c.claim_id(), &c);
  std::vector<TruthClaim> out;
  for (const ClaimTruth& t : practice.truth) {
    if (t.voided) continue;
    const v1::ClaimRecord& record = *first_version.at(t.claim_id);
    const v1::ClaimLineRecord* top = nullptr;
    for (const v1::ClaimLineRecord& line : record.lines()) {
      if (top == nullptr || line.charge_cents() > top->charge_cents()) top = &line;
    }
    out.push_back({&t, FamilyOfCode(top->procedure_code())});
  }
  return out;
}

class AnalyticsE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    options_ = new DemoOptions();
    options_->practices = 1;
    options_->claims_per_practice = 1500;
    practices_ = new std::vector<DemoPractice>(GenerateDemoData(*options_));
  }
  static void TearDownTestSuite() {
    delete practices_;
    delete options_;
  }

  void SetUp() override {
    server_ = E2eServer::Start();
    ASSERT_NE(server_, nullptr);
    const DemoPractice& p = practice();
    auto admin = v1::AdminService::NewStub(server_->Channel());
    v1::CreatePracticeRequest create;
    create.mutable_practice()->set_npi(p.npi);
    create.mutable_practice()->set_display_name(p.display_name);
    v1::Practice created;
    grpc::ClientContext context;
    ASSERT_TRUE(admin->CreatePractice(&context, create, &created).ok());
    // The demo files' order: claims, remittances, then the late claims (their events wait).
    auto ingest = v1::IngestService::NewStub(server_->Channel());
    const std::string parent = absl::StrCat("practices/", p.npi);
    const std::vector<v1::IngestRecord> records = IngestOrder(p);
    size_t i = 0;
    while (i < records.size()) {
      const bool claims = records[i].has_claim();
      grpc::ClientContext stream_context;
      v1::IngestResponse response;
      if (claims) {
        auto writer = ingest->IngestClaims(&stream_context, &response);
        v1::IngestClaimsRequest batch;
        batch.set_parent(parent);
        for (; i < records.size() && records[i].has_claim(); ++i) {
          *batch.add_claims() = records[i].claim();
          if (batch.claims_size() == 500) {
            ASSERT_TRUE(writer->Write(batch));
            batch.clear_claims();
          }
        }
        if (batch.claims_size() > 0) {
          ASSERT_TRUE(writer->Write(batch));
        }
        writer->WritesDone();
        ASSERT_TRUE(writer->Finish().ok());
      } else {
        auto writer = ingest->IngestRemittances(&stream_context, &response);
        v1::IngestRemittancesRequest batch;
        batch.set_parent(parent);
        for (; i < records.size() && records[i].has_remittance(); ++i) {
          *batch.add_remittances() = records[i].remittance();
          if (batch.remittances_size() == 500) {
            ASSERT_TRUE(writer->Write(batch));
            batch.clear_remittances();
          }
        }
        if (batch.remittances_size() > 0) {
          ASSERT_TRUE(writer->Write(batch));
        }
        writer->WritesDone();
        ASSERT_TRUE(writer->Finish().ok());
      }
      EXPECT_EQ(response.rejected(), 0);
    }
    stub_ = v1::AnalyticsService::NewStub(server_->Channel());
  }

  static const DemoPractice& practice() { return practices_->front(); }

  template <typename Request>
  Request Scope() const {
    Request request;
    request.set_from_month(Month(options_->first_month));
    request.set_to_month(Month(options_->first_month + (options_->months - 1)));
    request.set_as_of_date(Date(options_->as_of));
    return request;
  }

  static DemoOptions* options_;
  static std::vector<DemoPractice>* practices_;
  std::unique_ptr<E2eServer> server_;
  std::unique_ptr<v1::AnalyticsService::Stub> stub_;
};

DemoOptions* AnalyticsE2eTest::options_ = nullptr;
std::vector<DemoPractice>* AnalyticsE2eTest::practices_ = nullptr;

struct Cell {
  int64_t x = 0, n = 0;
  double denied_charge = 0, charge = 0;
};

TEST_F(AnalyticsE2eTest, CompareCohortsMatchesTheGeneratedTruth) {
  // Initial denials per cohort and per payer × procedure-family stratum, from the truth.
  Cell nonspecific, specific;
  std::map<std::pair<std::string, std::string>, std::pair<Cell, Cell>> strata;
  for (const TruthClaim& c : Claims(practice())) {
    const ClaimTruth& t = *c.truth;
    if (!t.adjudicated || t.original_cohort == "non_cervical") continue;
    Cell& total = t.original_cohort == "nonspecific" ? nonspecific : specific;
    auto& pair = strata[{t.payer_id, c.procedure_family}];
    Cell& stratum = t.original_cohort == "nonspecific" ? pair.first : pair.second;
    for (Cell* cell : {&total, &stratum}) {
      ++cell->n;
      cell->charge += static_cast<double>(t.charge_cents);
      if (t.initially_denied) {
        ++cell->x;
        cell->denied_charge += static_cast<double>(t.charge_cents);
      }
    }
  }
  // Mantel–Haenszel by its definition: Σ x1·n2/N / Σ x2·n1/N over strata with both groups.
  double mh_num = 0, mh_den = 0;
  for (const auto& [key, pair] : strata) {
    const Cell& a = pair.first;
    const Cell& b = pair.second;
    if (a.n == 0 || b.n == 0) continue;
    const double total = static_cast<double>(a.n + b.n);
    mh_num += static_cast<double>(a.x) * static_cast<double>(b.n) / total;
    mh_den += static_cast<double>(b.x) * static_cast<double>(a.n) / total;
  }

  auto request = Scope<v1::CompareCohortsRequest>();
  request.set_practice(absl::StrCat("practices/", practice().npi));
  v1::CompareCohortsResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(stub_->CompareCohorts(&context, request, &response).ok());
  EXPECT_EQ(response.source(), v1::DATA_SOURCE_MONTHLY_AGGREGATES);
  const v1::CohortComparison& vs_specific = response.comparisons(0);
  ASSERT_EQ(vs_specific.reference_group(), v1::COHORT_GROUP_SPECIFIC);
  const v1::MeasureComparison* denial = nullptr;
  for (const v1::MeasureComparison& m : vs_specific.measures()) {
    if (m.measure() == v1::MEASURE_INITIAL_DENIAL_RATE) denial = &m;
  }
  ASSERT_NE(denial, nullptr);
  EXPECT_EQ(denial->nonspecific().numerator(), nonspecific.x);
  EXPECT_EQ(denial->nonspecific().denominator(), nonspecific.n);
  EXPECT_EQ(denial->reference().numerator(), specific.x);
  EXPECT_EQ(denial->reference().denominator(), specific.n);
  const double p1 = static_cast<double>(nonspecific.x) / static_cast<double>(nonspecific.n);
  const double p2 = static_cast<double>(specific.x) / static_cast<double>(specific.n);
  EXPECT_NEAR(denial->risk_ratio().estimate(), p1 / p2, 1e-9);
  EXPECT_NEAR(denial->adjusted_risk_ratio().estimate(), mh_num / mh_den, 1e-9);
  EXPECT_LT(denial->adjusted_risk_ratio().lower(), denial->adjusted_risk_ratio().estimate());
  EXPECT_LT(denial->test().p_value(), 0.05);  // the generator makes M54.2 denials likelier
  // Excess initially denied dollars: D1 - C1 · D0 / C0.
  EXPECT_NEAR(vs_specific.excess_initially_denied().estimate_cents(),
              nonspecific.denied_charge - nonspecific.charge * specific.denied_charge /
                                                  specific.charge,
              1e-3);
  EXPECT_LT(vs_specific.excess_initially_denied().lower_cents(),
            vs_specific.excess_initially_denied().estimate_cents());

  // An as-of date before the practice's latest event is answered from the raw events.
  request.set_as_of_date(Date(options_->as_of - 60));
  v1::CompareCohortsResponse earlier;
  grpc::ClientContext earlier_context;
  ASSERT_TRUE(stub_->CompareCohorts(&earlier_context, request, &earlier).ok());
  EXPECT_EQ(earlier.source(), v1::DATA_SOURCE_RAW_EVENTS);
  EXPECT_LT(earlier.nonspecific_adjudicated(), response.nonspecific_adjudicated());
}

// S(t) of the product-limit estimate at each event day, from (days, paid) pairs: the share
// still unpaid after day t is the product over event days <= t of (1 - events / at risk).
std::optional<int> MedianFromPairs(const std::vector<std::pair<int, bool>>& pairs) {
  std::map<int, std::pair<int, int>> by_day;  // day -> (events, leaving)
  for (const auto& [day, paid] : pairs) {
    by_day[day].first += paid ? 1 : 0;
    by_day[day].second += 1;
  }
  double unpaid = 1.0;
  int64_t at_risk = static_cast<int64_t>(pairs.size());
  for (const auto& [day, counts] : by_day) {
    if (counts.first > 0) {
      unpaid *= static_cast<double>(at_risk - counts.first) / static_cast<double>(at_risk);
      if (unpaid <= 0.5 + 1e-12) return day;
    }
    at_risk -= counts.second;
  }
  return std::nullopt;
}

// The server keeps answers (server/answer_cache.h, on by default) only until the practice's
// data changes: the same call twice is served from the cache, and after one more M54.2 claim
// is ingested the next answer counts it.
TEST_F(AnalyticsE2eTest, AnIngestChangesTheNextAnswerDespiteTheCache) {
  auto request = Scope<v1::CompareCohortsRequest>();
  request.set_practice(absl::StrCat("practices/", practice().npi));
  auto compare = [&](v1::CompareCohortsResponse* response) {
    grpc::ClientContext context;
    const grpc::Status status = stub_->CompareCohorts(&context, request, response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  };
  auto cached_calls = [&] {
    int n = 0;
    for (const std::string& line : server_->log().Lines()) {
      if (line.find("AnalyticsService.CompareCohorts") != std::string::npos &&
          line.find("\"cached\":1") != std::string::npos) {
        ++n;
      }
    }
    return n;
  };
  v1::CompareCohortsResponse first, second, third;
  compare(&first);
  compare(&second);
  EXPECT_EQ(cached_calls(), 1);
  EXPECT_EQ(second.nonspecific_claims(), first.nonspecific_claims());
  EXPECT_EQ(second.nonspecific_adjudicated(), first.nonspecific_adjudicated());

  // One new M54.2 claim in the period, not adjudicated, dated before the as-of date.
  v1::ClaimRecord claim;
  claim.set_claim_id("CACHE-E2E-1");
  claim.set_payer_id(practice().claims.front().payer_id());
  claim.set_patient_id("P-CACHE");
  claim.add_diagnoses("M54.2");
  claim.set_submission_date(Date(absl::CivilDay(options_->first_month) + 12));
  v1::ClaimLineRecord* line = claim.add_lines();
  line->set_line_number(1);
  line->set_procedure_code("98941");
  line->set_charge_cents(10000);
  line->set_units(1);
  line->add_diagnosis_pointers(1);
  line->set_service_date(Date(absl::CivilDay(options_->first_month) + 10));
  auto ingest = v1::IngestService::NewStub(server_->Channel());
  grpc::ClientContext context;
  v1::IngestResponse ingested;
  auto writer = ingest->IngestClaims(&context, &ingested);
  v1::IngestClaimsRequest batch;
  batch.set_parent(request.practice());
  *batch.add_claims() = claim;
  ASSERT_TRUE(writer->Write(batch));
  writer->WritesDone();
  ASSERT_TRUE(writer->Finish().ok());
  ASSERT_EQ(ingested.accepted(), 1);

  compare(&third);
  EXPECT_EQ(cached_calls(), 1);  // computed again, not served
  EXPECT_EQ(third.source(), v1::DATA_SOURCE_MONTHLY_AGGREGATES);
  EXPECT_EQ(third.nonspecific_claims(), first.nonspecific_claims() + 1);
  EXPECT_EQ(third.nonspecific_adjudicated(), first.nonspecific_adjudicated());
}

TEST_F(AnalyticsE2eTest, TimelineMediansMatchTheGeneratedTruth) {
  std::map<std::string, std::vector<std::pair<int, bool>>> pairs;
  const absl::CivilDay as_of = options_->as_of;
  for (const TruthClaim& c : Claims(practice())) {
    const ClaimTruth& t = *c.truth;
    if (t.service_date > as_of) continue;
    const std::pair<int, bool> observation =
        t.first_payment_date.has_value()
            ? std::make_pair(static_cast<int>(*t.first_payment_date - t.service_date), true)
            : std::make_pair(static_cast<int>(as_of - t.service_date), false);
    pairs[t.original_cohort].push_back(observation);
  }
  auto request = Scope<v1::GetPaymentTimelineRequest>();
  request.set_practice(absl::StrCat("practices/", practice().npi));
  v1::GetPaymentTimelineResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(stub_->GetPaymentTimeline(&context, request, &response).ok());
  EXPECT_EQ(response.source(), v1::DATA_SOURCE_MONTHLY_AGGREGATES);
  for (const v1::CohortTimeline& t : response.cohorts()) {
    std::string key;
    if (t.group() == v1::COHORT_GROUP_NONSPECIFIC) key = "nonspecific";
    if (t.group() == v1::COHORT_GROUP_SPECIFIC) key = "specific";
    if (t.group() == v1::COHORT_GROUP_NON_CERVICAL) key = "non_cervical";
    if (key.empty()) continue;
    SCOPED_TRACE(key);
    const std::vector<std::pair<int, bool>>& obs = pairs[key];
    EXPECT_EQ(t.claims(), static_cast<int>(obs.size()));
    EXPECT_EQ(t.paid(), std::count_if(obs.begin(), obs.end(), [](auto& o) { return o.second; }));
    const std::optional<int> median = MedianFromPairs(obs);
    ASSERT_EQ(t.median().has_day(), median.has_value());
    if (median.has_value()) {
      EXPECT_EQ(t.median().day(), *median);
      EXPECT_LE(t.median().lower(), *median);
    }
  }
  EXPECT_TRUE(response.log_rank().has_p_value());
}

TEST_F(AnalyticsE2eTest, WorklistPagesThroughEveryFinallyDeniedClaimInOrder) {
  // Expected: every finally denied claim, by charge descending, then payer and claim id.
  std::vector<std::tuple<int64_t, std::string, std::string>> expected;
  for (const TruthClaim& c : Claims(practice())) {
    const ClaimTruth& t = *c.truth;
    if (t.adjudicated && t.finally_denied) {
      expected.emplace_back(-t.charge_cents, t.payer_id, t.claim_id);
    }
  }
  std::sort(expected.begin(), expected.end());
  ASSERT_GT(expected.size(), 40u);

  auto request = Scope<v1::ListDeniedClaimsRequest>();
  request.set_parent(absl::StrCat("practices/", practice().npi));
  request.set_page_size(37);
  std::vector<std::tuple<int64_t, std::string, std::string>> listed;
  int pages = 0;
  do {
    v1::ListDeniedClaimsResponse page;
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->ListDeniedClaims(&context, request, &page).ok());
    EXPECT_EQ(page.source(), v1::DATA_SOURCE_CLAIM_FACTS);
    EXPECT_LE(page.denied_claims_size(), 37);
    for (const v1::DeniedClaim& c : page.denied_claims()) {
      listed.emplace_back(-c.charge_cents(), c.payer_id(), c.claim_id());
      if (c.likely_fixable_by_recoding()) {
        EXPECT_EQ(c.cohort(), v1::COHORT_GROUP_NONSPECIFIC);
      }
    }
    request.set_page_token(page.next_page_token());
    ++pages;
  } while (!request.page_token().empty() && pages < 1000);
  EXPECT_EQ(listed, expected);
  EXPECT_EQ(pages, static_cast<int>((expected.size() + 36) / 37));
}

TEST_F(AnalyticsE2eTest, TheCliShowsEveryReport) {
  std::vector<std::string> scope = {"--practice", practice().npi, "--from",
                                    Month(options_->first_month), "--to",
                                    Month(options_->first_month + (options_->months - 1)),
                                    "--as-of", Date(options_->as_of)};
  auto cli = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {kCli, "--server", server_->address()});
    args.insert(args.end(), scope.begin(), scope.end());
    return RunCommand(args, {"DENIALSCOPE_API_KEY=" + server_->admin_key()});
  };
  CommandResult compare = cli({"compare"});
  ASSERT_EQ(compare.exit_code, 0) << compare.err;
  EXPECT_THAT(compare.out, HasSubstr("RR adjusted"));
  EXPECT_THAT(compare.out, HasSubstr("excess initially denied dollars"));
  CommandResult timeline = cli({"timeline"});
  ASSERT_EQ(timeline.exit_code, 0) << timeline.err;
  EXPECT_THAT(timeline.out, HasSubstr("Log-rank"));
  CommandResult trend = cli({"trend", "--measure", "initial_denial_rate"});
  ASSERT_EQ(trend.exit_code, 0) << trend.err;
  EXPECT_THAT(trend.out, HasSubstr(Month(options_->first_month)));
  CommandResult reasons = cli({"reasons", "--json"});
  ASSERT_EQ(reasons.exit_code, 0) << reasons.err;
  EXPECT_THAT(reasons.out, HasSubstr("\"categories\""));
  CommandResult worklist = cli({"worklist", "--page-size", "5"});
  ASSERT_EQ(worklist.exit_code, 0) << worklist.err;
  EXPECT_THAT(worklist.out, HasSubstr("--page-token"));
  CommandResult bad = cli({"trend", "--measure", "nonsense"});
  EXPECT_EQ(bad.exit_code, 2);
}

}  // namespace
}  // namespace denialscope::testing
