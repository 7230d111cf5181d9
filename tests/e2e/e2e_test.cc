// End to end: the real server on a free port over a real PostgreSQL database, driven by the
// real CLI binary and by gRPC stubs. The summary is checked against numbers this test
// computes on its own from the generator's ground truth, not with the analytics code.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "bench/demo_gen.h"
#include "denialscope/v1/admin_service.grpc.pb.h"
#include "denialscope/v1/analytics_service.grpc.pb.h"
#include "denialscope/v1/ingest_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "tests/e2e/harness.h"

namespace denialscope::testing {
namespace {

namespace v1 = ::denialscope::v1;
using ::testing::HasSubstr;

constexpr char kCli[] = DENIALSCOPE_CLI_PATH;

class E2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = E2eServer::Start();
    ASSERT_NE(server_, nullptr);
  }

  CommandResult Cli(std::vector<std::string> args) {
    args.insert(args.begin(), {kCli, "--server", server_->address()});
    return RunCommand(args, {"DENIALSCOPE_API_KEY=" + server_->admin_key()});
  }

  std::unique_ptr<E2eServer> server_;
};

// Writes one practice's records as JSONL the way a client file would hold them.
std::string WriteJsonl(const DemoPractice& practice, const std::string& dir) {
  const std::string path = absl::StrCat(dir, "/", practice.npi, ".jsonl");
  std::ofstream out(path);
  auto write = [&](const v1::IngestRecord& record) {
    std::string json;
    EXPECT_TRUE(google::protobuf::util::MessageToJsonString(record, &json).ok());
    out << json << "\n";
  };
  // The generator's file order: a few claims come after their remittances.
  for (const v1::IngestRecord& record : IngestOrder(practice)) write(record);
  return path;
}

// What the summary must say for one row, computed from the generator's truth.
struct Expected {
  int64_t claims = 0, adjudicated = 0, adjudicated_charge = 0, charge = 0;
  int64_t initial_denied = 0, initial_denied_charge = 0;
  int64_t final_denied = 0, final_denied_charge = 0;
  int64_t paid = 0;
  std::vector<std::pair<int, bool>> survival;  // (days, paid)
};

// Kaplan–Meier median written out independently: walk the distinct times in order, events
// before censorings at a tie, and stop at the first time S(t) <= 0.5.
std::optional<int> IndependentMedian(std::vector<std::pair<int, bool>> obs) {
  std::sort(obs.begin(), obs.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second > b.second;
  });
  double s = 1.0;
  size_t at_risk = obs.size();
  size_t i = 0;
  while (i < obs.size()) {
    const int t = obs[i].first;
    size_t events = 0, leaving = 0;
    while (i < obs.size() && obs[i].first == t) {
      events += obs[i].second ? 1 : 0;
      ++leaving;
      ++i;
    }
    if (events > 0) {
      s *= 1.0 - static_cast<double>(events) / static_cast<double>(at_risk);
      if (s <= 0.5 + 1e-12) return t;
    }
    at_risk -= leaving;
  }
  return std::nullopt;
}

std::map<std::string, Expected> ExpectedRows(const DemoPractice& practice, absl::CivilDay as_of) {
  std::map<std::string, Expected> rows;
  for (const ClaimTruth& t : practice.truth) {
    if (t.voided) continue;
    // A claim's cohort is its first-submitted coding (the generator recodes only M54.2
    // claims, so a claim first coded specific kept its family).
    std::vector<std::string> keys = {t.original_cohort};
    if (t.original_cohort == "specific") keys.push_back("family:" + t.family);
    for (const std::string& key : keys) {
      Expected& e = rows[key];
      ++e.claims;
      e.charge += t.charge_cents;
      if (t.adjudicated) {
        ++e.adjudicated;
        e.adjudicated_charge += t.charge_cents;
        if (t.initially_denied) {
          ++e.initial_denied;
          e.initial_denied_charge += t.charge_cents;
        }
        if (t.finally_denied) {
          ++e.final_denied;
          e.final_denied_charge += t.charge_cents;
        }
      }
      if (t.service_date > as_of) continue;
      if (t.first_payment_date.has_value()) {
        ++e.paid;
        e.survival.emplace_back(static_cast<int>(*t.first_payment_date - t.service_date), true);
      } else {
        e.survival.emplace_back(static_cast<int>(as_of - t.service_date), false);
      }
    }
  }
  return rows;
}

std::string RowKey(const v1::CohortSummary& row) {
  switch (row.group()) {
    case v1::COHORT_GROUP_NONSPECIFIC:
      return "nonspecific";
    case v1::COHORT_GROUP_SPECIFIC:
      return "specific";
    case v1::COHORT_GROUP_SPECIFIC_FAMILY:
      return "family:" + row.family();
    case v1::COHORT_GROUP_NON_CERVICAL:
      return "non_cervical";
    default:
      return "?";
  }
}

void ExpectRowMatches(const v1::CohortSummary& row, const Expected& e) {
  SCOPED_TRACE(RowKey(row));
  EXPECT_EQ(row.claim_count(), e.claims);
  EXPECT_EQ(row.adjudicated_count(), e.adjudicated);
  EXPECT_EQ(row.charge_cents(), e.charge);
  EXPECT_EQ(row.adjudicated_charge_cents(), e.adjudicated_charge);
  EXPECT_EQ(row.initial_denial_rate().numerator(), e.initial_denied);
  EXPECT_EQ(row.initial_denial_rate().denominator(), e.adjudicated);
  EXPECT_EQ(row.initial_denial_rate_dollars().numerator(), e.initial_denied_charge);
  EXPECT_EQ(row.final_denial_rate().numerator(), e.final_denied);
  EXPECT_EQ(row.final_denial_rate_dollars().numerator(), e.final_denied_charge);
  EXPECT_EQ(row.paid_count(), e.paid);
  EXPECT_EQ(row.censored_count(), static_cast<int64_t>(e.survival.size()) - e.paid);
  const std::optional<int> median = IndependentMedian(e.survival);
  EXPECT_EQ(row.has_median_days_to_payment(), median.has_value());
  if (median.has_value()) {
    EXPECT_EQ(row.median_days_to_payment(), *median);
  }
}

TEST_F(E2eTest, CliIngestThenSummaryMatchesGeneratedTruth) {
  DemoOptions options;
  options.practices = 2;
  options.claims_per_practice = 600;
  const std::vector<DemoPractice> practices = GenerateDemoData(options);
  ASSERT_EQ(practices.size(), 2u);
  TempDir dir;
  std::vector<std::string> files;
  for (const DemoPractice& p : practices) {
    CommandResult created = Cli({"practices", "create", p.npi, p.display_name});
    ASSERT_EQ(created.exit_code, 0) << created.err;
    files.push_back(WriteJsonl(p, dir.path()));
  }
  std::vector<std::string> ingest = {"ingest", "--batch-size", "250"};
  ingest.insert(ingest.end(), files.begin(), files.end());
  CommandResult first = Cli(ingest);
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_THAT(first.out, HasSubstr("rejected 0"));

  const DemoPractice& practice = practices[0];
  const std::string from = absl::StrFormat("%04d-%02d", options.first_month.year(),
                                           options.first_month.month());
  const absl::CivilMonth last = options.first_month + (options.months - 1);
  const std::string to = absl::StrFormat("%04d-%02d", last.year(), last.month());
  const std::string as_of = absl::StrFormat("%04d-%02d-%02d", options.as_of.year(),
                                            options.as_of.month(), options.as_of.day());
  auto summary_json = [&]() {
    CommandResult summary = Cli({"summary", "--practice", practice.npi, "--from", from, "--to",
                                 to, "--as-of", as_of, "--json"});
    EXPECT_EQ(summary.exit_code, 0) << summary.err;
    v1::DenialSummary parsed;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(summary.out, &parsed).ok())
        << summary.out;
    return parsed;
  };
  const v1::DenialSummary summary = summary_json();
  const std::map<std::string, Expected> expected = ExpectedRows(practice, options.as_of);
  std::set<std::string> seen;
  for (const v1::CohortSummary& row : summary.cohorts()) {
    const std::string key = RowKey(row);
    seen.insert(key);
    auto it = expected.find(key);
    if (it == expected.end()) {
      EXPECT_EQ(row.claim_count(), 0) << key;
      continue;
    }
    ExpectRowMatches(row, it->second);
  }
  for (const auto& [key, e] : expected) EXPECT_TRUE(seen.count(key)) << "missing row " << key;

  // The product's point: M54.2 is initially denied more often than specific codes here.
  const Expected& nonspecific = expected.at("nonspecific");
  const Expected& specific = expected.at("specific");
  EXPECT_GT(static_cast<double>(nonspecific.initial_denied) / nonspecific.adjudicated,
            static_cast<double>(specific.initial_denied) / specific.adjudicated);

  // Re-sending every file changes nothing: all duplicates, the same summary.
  CommandResult again = Cli(ingest);
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_THAT(again.out, HasSubstr("accepted 0"));
  EXPECT_EQ(summary_json().SerializeAsString(), summary.SerializeAsString());

  // The table form carries the same rows.
  CommandResult table =
      Cli({"summary", "--practice", practice.npi, "--from", from, "--to", to, "--as-of", as_of});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("M54.2"));
}

v1::ClaimRecord GoodClaim(const std::string& id) {
  v1::ClaimRecord claim;
  claim.set_claim_id(id);
  claim.set_payer_id("60054");
  claim.set_patient_id("MBR-CONFIDENTIAL-991");
  claim.add_diagnoses("M54.2");
  v1::ClaimLineRecord* line = claim.add_lines();
  line->set_line_number(1);
  line->set_procedure_code("98941");
  line->set_charge_cents(9500);
  line->set_units(1);
  line->add_diagnosis_pointers(1);
  line->set_service_date("2026-03-02");
  return claim;
}

class E2eIngestTest : public E2eTest {
 protected:
  void SetUp() override {
    E2eTest::SetUp();
    ASSERT_EQ(Cli({"practices", "create", kNpi, "Test Spine Clinic"}).exit_code, 0);
  }
  static constexpr char kNpi[] = "1234567893";
};

TEST_F(E2eIngestTest, BadRecordsGetTheirErrorAndNothingElseIsLost) {
  auto stub = v1::IngestService::NewStub(server_->Channel());
  grpc::ClientContext context;
  v1::IngestResponse response;
  auto writer = stub->IngestClaims(&context, &response);
  v1::IngestClaimsRequest batch;
  batch.set_parent(absl::StrCat("practices/", kNpi));
  *batch.add_claims() = GoodClaim("C-1");                        // index 0
  v1::ClaimRecord negative = GoodClaim("C-2");                   // index 1
  negative.mutable_lines(0)->set_charge_cents(-100);
  *batch.add_claims() = negative;
  v1::ClaimRecord no_id = GoodClaim("");                         // index 2
  *batch.add_claims() = no_id;
  v1::ClaimRecord bad_date = GoodClaim("C-4");                   // index 3
  bad_date.mutable_lines(0)->set_service_date("2026-02-30");
  *batch.add_claims() = bad_date;
  v1::ClaimRecord bad_code = GoodClaim("C-5");                   // index 4
  bad_code.set_diagnoses(0, "54.2");  // no leading letter
  *batch.add_claims() = bad_code;
  *batch.add_claims() = GoodClaim("C-6");                        // index 5
  ASSERT_TRUE(writer->Write(batch));
  // A second batch: its indexes continue the stream's.
  v1::IngestClaimsRequest second;
  second.set_parent(batch.parent());
  *second.add_claims() = GoodClaim("C-1");  // index 6: duplicate of index 0
  v1::ClaimRecord foreign = GoodClaim("C-7");  // index 7: another practice's claim
  foreign.set_billing_npi("1245319599");
  *second.add_claims() = foreign;
  ASSERT_TRUE(writer->Write(second));
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();

  EXPECT_EQ(response.received(), 8);
  EXPECT_EQ(response.accepted(), 2);
  EXPECT_EQ(response.duplicate(), 1);
  EXPECT_EQ(response.rejected(), 5);
  EXPECT_EQ(response.batches(), 2);
  std::map<int64_t, std::set<std::string>> fields;
  for (const v1::RecordError& e : response.errors()) {
    fields[e.record_index()].insert(e.field());
    EXPECT_FALSE(e.reason().empty());
  }
  EXPECT_EQ(fields.size(), 5u);
  EXPECT_TRUE(fields[1].count("lines[0].charge_cents"));
  EXPECT_TRUE(fields[2].count("claim_id"));
  EXPECT_TRUE(fields[3].count("lines[0].service_date"));
  EXPECT_TRUE(fields[4].count("diagnoses[0]"));
  EXPECT_TRUE(fields[7].count("billing_npi"));

  // The two good claims are stored and counted in the summary.
  auto analytics = v1::AnalyticsService::NewStub(server_->Channel());
  v1::GetDenialSummaryRequest request;
  request.set_practice(batch.parent());
  request.set_from_month("2026-03");
  request.set_to_month("2026-03");
  request.set_as_of_date("2026-07-15");
  v1::DenialSummary summary;
  grpc::ClientContext summary_context;
  ASSERT_TRUE(analytics->GetDenialSummary(&summary_context, request, &summary).ok());
  ASSERT_GT(summary.cohorts_size(), 0);
  EXPECT_EQ(summary.cohorts(0).group(), v1::COHORT_GROUP_NONSPECIFIC);
  EXPECT_EQ(summary.cohorts(0).claim_count(), 2);
  EXPECT_EQ(summary.cohorts(0).adjudicated_count(), 0);
  EXPECT_EQ(summary.cohorts(0).censored_count(), 2);

  // The patient identifier never reaches the log.
  for (const std::string& line : server_->log().Lines()) {
    EXPECT_THAT(line, ::testing::Not(HasSubstr("MBR-CONFIDENTIAL-991")));
  }
}

TEST_F(E2eIngestTest, RemittanceBeforeItsClaimJoinsWhenTheClaimArrives) {
  auto stub = v1::IngestService::NewStub(server_->Channel());
  v1::RemittanceRecord denial;
  denial.set_claim_id("C-LATE");
  denial.set_payer_id("60054");
  denial.set_status_code(1);
  denial.set_charge_cents(9500);
  denial.set_paid_cents(0);
  denial.set_production_date("2026-03-20");
  denial.set_payment_date("2026-03-20");
  v1::AdjustmentRecord* cas = denial.add_adjustments();
  cas->set_group_code("CO");
  cas->set_reason_code("50");
  cas->set_amount_cents(9500);
  {
    grpc::ClientContext context;
    v1::IngestResponse response;
    auto writer = stub->IngestRemittances(&context, &response);
    v1::IngestRemittancesRequest batch;
    batch.set_parent(absl::StrCat("practices/", kNpi));
    *batch.add_remittances() = denial;
    ASSERT_TRUE(writer->Write(batch));
    writer->WritesDone();
    ASSERT_TRUE(writer->Finish().ok());
    EXPECT_EQ(response.accepted(), 1);
    EXPECT_EQ(response.unmatched(), 1);
  }
  {
    grpc::ClientContext context;
    v1::IngestResponse response;
    auto writer = stub->IngestClaims(&context, &response);
    v1::IngestClaimsRequest batch;
    batch.set_parent(absl::StrCat("practices/", kNpi));
    *batch.add_claims() = GoodClaim("C-LATE");
    ASSERT_TRUE(writer->Write(batch));
    writer->WritesDone();
    ASSERT_TRUE(writer->Finish().ok());
    EXPECT_EQ(response.accepted(), 1);
  }
  auto analytics = v1::AnalyticsService::NewStub(server_->Channel());
  v1::GetDenialSummaryRequest request;
  request.set_practice(absl::StrCat("practices/", kNpi));
  request.set_from_month("2026-03");
  request.set_to_month("2026-03");
  request.set_as_of_date("2026-07-15");
  v1::DenialSummary summary;
  grpc::ClientContext context;
  ASSERT_TRUE(analytics->GetDenialSummary(&context, request, &summary).ok());
  const v1::CohortSummary& m542 = summary.cohorts(0);
  EXPECT_EQ(m542.adjudicated_count(), 1);
  EXPECT_EQ(m542.initial_denial_rate().numerator(), 1);
  EXPECT_EQ(m542.initial_denial_rate_dollars().numerator(), 9500);
}

TEST_F(E2eTest, UnknownPracticeIsNotFoundNamingTheNpi) {
  auto stub = v1::IngestService::NewStub(server_->Channel());
  grpc::ClientContext context;
  v1::IngestResponse response;
  auto writer = stub->IngestClaims(&context, &response);
  v1::IngestClaimsRequest batch;
  batch.set_parent("practices/1234567893");
  *batch.add_claims() = GoodClaim("C-1");
  writer->Write(batch);
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("1234567893"));
}

TEST_F(E2eTest, SummaryArgumentsAreValidatedWithTheFieldNamed) {
  ASSERT_EQ(Cli({"practices", "create", "1234567893", "Clinic"}).exit_code, 0);
  auto stub = v1::AnalyticsService::NewStub(server_->Channel());
  auto call = [&](const std::string& practice, const std::string& from, const std::string& to,
                  const std::string& as_of) {
    v1::GetDenialSummaryRequest request;
    request.set_practice(practice);
    request.set_from_month(from);
    request.set_to_month(to);
    request.set_as_of_date(as_of);
    v1::DenialSummary summary;
    grpc::ClientContext context;
    return stub->GetDenialSummary(&context, request, &summary);
  };
  grpc::Status reversed = call("practices/1234567893", "2026-05", "2026-01", "");
  EXPECT_EQ(reversed.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(reversed.error_message(), HasSubstr("from_month"));
  grpc::Status bad_date = call("practices/1234567893", "2026-01", "2026-02", "2026-13-01");
  EXPECT_EQ(bad_date.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(bad_date.error_message(), HasSubstr("as_of_date"));
  grpc::Status bad_name = call("clinics/1", "2026-01", "2026-02", "");
  EXPECT_EQ(bad_name.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(bad_name.error_message(), HasSubstr("practice"));
  grpc::Status unknown = call("practices/1245319599", "2026-01", "2026-02", "");
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(E2eTest, PracticesAreOnboardedExplicitlyAndPaged) {
  EXPECT_EQ(Cli({"practices", "create", "1234567890", "Bad Check Digit"}).exit_code, 1);
  for (const char* npi : {"1234567893", "1245319599", "1003000126"}) {
    ASSERT_EQ(Cli({"practices", "create", npi, "Clinic"}).exit_code, 0);
  }
  CommandResult duplicate = Cli({"practices", "create", "1234567893", "Again"});
  EXPECT_EQ(duplicate.exit_code, 1);
  EXPECT_THAT(duplicate.err, HasSubstr("1234567893"));
  auto stub = v1::AdminService::NewStub(server_->Channel());
  v1::ListPracticesRequest request;
  request.set_page_size(2);
  std::vector<std::string> names;
  do {
    v1::ListPracticesResponse response;
    grpc::ClientContext context;
    ASSERT_TRUE(stub->ListPractices(&context, request, &response).ok());
    for (const auto& p : response.practices()) names.push_back(p.name());
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  EXPECT_EQ(names, (std::vector<std::string>{"practices/1003000126", "practices/1234567893",
                                             "practices/1245319599"}));
  request.set_page_token("not-a-token");
  v1::ListPracticesResponse response;
  grpc::ClientContext context;
  EXPECT_EQ(stub->ListPractices(&context, request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(E2eTest, ReflectionListsEveryServiceAndHealthIsServing) {
  denialscope::testing::ServerReflectionRequest list;
  list.set_list_services("*");
  // The descriptors are served too, so grpcurl can build requests.
  denialscope::testing::ServerReflectionRequest file;
  file.set_file_containing_symbol("denialscope.v1.AnalyticsService");
  auto responses = ReflectionExchange(server_->Channel(), {list, file});
  ASSERT_TRUE(responses.ok()) << responses.status();
  ASSERT_EQ(responses->size(), 2u);
  std::set<std::string> services;
  for (const auto& s : (*responses)[0].list_services_response().service()) {
    services.insert(s.name());
  }
  for (const char* expected :
       {"denialscope.v1.AdminService", "denialscope.v1.IngestService",
        "denialscope.v1.AnalyticsService", "grpc.health.v1.Health",
        "grpc.reflection.v1alpha.ServerReflection"}) {
    EXPECT_TRUE(services.count(expected)) << expected;
  }
  EXPECT_GT((*responses)[1].file_descriptor_response().file_descriptor_proto_size(), 0);

  auto health = grpc::health::v1::Health::NewStub(server_->Channel());
  for (const char* service : {"", "denialscope.v1.AnalyticsService"}) {
    grpc::health::v1::HealthCheckRequest check;
    check.set_service(service);
    grpc::health::v1::HealthCheckResponse answer;
    grpc::ClientContext health_context;
    ASSERT_TRUE(health->Check(&health_context, check, &answer).ok());
    EXPECT_EQ(answer.status(), grpc::health::v1::HealthCheckResponse::SERVING) << service;
  }
}

TEST_F(E2eTest, EveryCallLeavesOneStructuredLogLine) {
  ASSERT_EQ(Cli({"practices", "create", "1234567893", "Clinic"}).exit_code, 0);
  ASSERT_EQ(Cli({"practices", "list"}).exit_code, 0);
  const std::vector<std::string> lines = server_->log().Lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_THAT(lines[0], HasSubstr("\"method\":\"AdminService.CreatePractice\""));
  EXPECT_THAT(lines[0], HasSubstr("\"practice\":\"1234567893\""));
  EXPECT_THAT(lines[0], HasSubstr("\"status\":\"OK\""));
  EXPECT_THAT(lines[0], HasSubstr("\"duration_ms\":"));
  EXPECT_THAT(lines[1], HasSubstr("\"method\":\"AdminService.ListPractices\""));
}

}  // namespace
}  // namespace denialscope::testing
