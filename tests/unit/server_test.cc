// The gRPC services over the in-memory store: the API's conversions and contracts, and what
// happens when the store fails mid-stream (fault injection). No database, loopback only.
#include <memory>

#include "analytics/faulty_claim_store.h"
#include "analytics/memory_access_store.h"
#include "analytics/memory_claim_store.h"
#include "denialscope/v1/ingest_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "server/api_convert.h"
#include "server/page_token.h"
#include "server/patient_key.h"
#include "server/server.h"
#include "tests/unit/test_server.h"

namespace denialscope {
namespace {

namespace v1 = ::denialscope::v1;
using ::testing::HasSubstr;

TEST(ApiConvertTest, DatesAreStrictCalendarDates) {
  EXPECT_EQ(*ParseIsoDate("2026-03-10", "d"), Day(2026, 3, 10));
  EXPECT_EQ(*ParseIsoDate("2024-02-29", "d"), Day(2024, 2, 29));  // leap day
  for (const char* bad : {"2026-02-29", "2026-02-30", "2026-13-01", "2026-3-10", "20260310",
                          "1890-01-01", "2026-03-10T00:00", ""}) {
    absl::StatusOr<Day> day = ParseIsoDate(bad, "lines[0].service_date");
    EXPECT_EQ(day.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(std::string(day.status().message()), HasSubstr("lines[0].service_date")) << bad;
  }
  EXPECT_EQ(*ParseIsoMonth("2026-12", "m"), absl::CivilMonth(2026, 12));
  EXPECT_FALSE(ParseIsoMonth("2026-00", "m").ok());
  EXPECT_EQ(FormatIsoDate(Day(2026, 1, 5)), "2026-01-05");
}

TEST(ApiConvertTest, PracticeNamesCarryATenDigitNpi) {
  EXPECT_EQ(*ParsePracticeName("practices/1234567893", "parent"), "1234567893");
  EXPECT_FALSE(ParsePracticeName("practices/123", "parent").ok());
  EXPECT_FALSE(ParsePracticeName("practice/1234567893", "parent").ok());
  EXPECT_EQ(PracticeName("1234567893"), "practices/1234567893");
}

TEST(PageTokenTest, RoundTripsAndRefusesTokensOfOtherQueries) {
  const std::string token = EncodePageToken("ListPractices", "1234567893");
  EXPECT_EQ(*DecodePageToken(token, "ListPractices"), "1234567893");
  EXPECT_EQ(DecodePageToken(token, "ListDeniedClaims").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodePageToken("%%%", "ListPractices").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(PatientKeyTest, IsHmacSha256UnderTheSecret) {
  // RFC 4231 test case 1: key = 20 bytes of 0x0b, data = "Hi There".
  auto hasher = PatientKeyHasher::Create(std::string(20, '\x0b'));
  ASSERT_TRUE(hasher.ok());
  EXPECT_EQ(hasher->Hash("Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hasher->Hash(""), "");
  EXPECT_FALSE(PatientKeyHasher::Create("short").ok());
}

v1::ClaimRecord Claim(const std::string& id) {
  v1::ClaimRecord claim;
  claim.set_claim_id(id);
  claim.set_payer_id("00430");
  claim.set_patient_id("MBR-1");
  claim.add_diagnoses("M50.121");
  v1::ClaimLineRecord* line = claim.add_lines();
  line->set_line_number(1);
  line->set_procedure_code("64490");
  line->set_charge_cents(125000);
  line->set_units(1);
  line->add_diagnosis_pointers(1);
  line->set_service_date("2026-04-01");
  return claim;
}

class IngestFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(memory_.CreatePractice("1234567893", "Clinic").ok());
    taxonomy_ = std::make_unique<CohortTaxonomy>(*CohortTaxonomy::Builtin());
    hasher_ = std::make_unique<PatientKeyHasher>(
        *PatientKeyHasher::Create("unit-test-secret-0123456789"));
    ServerOptions options;
    options.listen_address = "127.0.0.1:0";
    key_ = TestApiKey(access_, {Scope::kIngest}, {"1234567893"}, clock_.Now());
    auto server = DenialscopeServer::Start(
        options, TestContext(&faulty_, taxonomy_.get(), hasher_.get(), &clock_, &log_, &access_));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    stub_ = v1::IngestService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", server_->port()), grpc::InsecureChannelCredentials()));
  }

  // Sends each batch as one message of one stream.
  grpc::Status Send(const std::vector<std::vector<std::string>>& batches,
                    v1::IngestResponse* response) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + key_);
    auto writer = stub_->IngestClaims(&context, response);
    for (const auto& ids : batches) {
      v1::IngestClaimsRequest request;
      request.set_parent("practices/1234567893");
      for (const std::string& id : ids) *request.add_claims() = Claim(id);
      if (!writer->Write(request)) break;
    }
    writer->WritesDone();
    return writer->Finish();
  }

  size_t StoredClaims() {
    auto practice = memory_.GetPractice("1234567893");
    auto claims = memory_.LoadClaims(*practice, {Day(2026, 1, 1), Day(2026, 12, 31)});
    return claims->size();
  }

  MemoryClaimStore memory_;
  FaultyClaimStore faulty_{&memory_};
  MemoryAccessStore access_;
  std::string key_;  // may ingest into practice 1234567893 only
  std::unique_ptr<CohortTaxonomy> taxonomy_;
  std::unique_ptr<PatientKeyHasher> hasher_;
  FakeClock clock_{absl::FromCivil(absl::CivilDay(2026, 7, 1), absl::UTCTimeZone())};
  MemoryLogSink log_;
  std::unique_ptr<DenialscopeServer> server_;
  std::unique_ptr<v1::IngestService::Stub> stub_;
};

TEST_F(IngestFaultTest, AFailedBatchIsReportedAndARetryCountsNothingTwice) {
  v1::IngestResponse first;
  ASSERT_TRUE(Send({{"A", "B"}}, &first).ok());
  EXPECT_EQ(first.accepted(), 2);

  // The database goes away before the next batch is stored.
  faulty_.FailNext(1, absl::UnavailableError("connection lost"),
                   FaultyClaimStore::Method::kIngestClaims);
  v1::IngestResponse failed;
  grpc::Status status = Send({{"B", "C"}}, &failed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("batch 1 was not stored"));
  EXPECT_EQ(StoredClaims(), 2u);  // what was acknowledged before is still there

  // The commit happened but its acknowledgement was lost: the retry finds duplicates only.
  faulty_.FailNext(1, absl::UnavailableError("ack lost"),
                   FaultyClaimStore::Method::kIngestClaims, FaultyClaimStore::Timing::kAfter);
  v1::IngestResponse lost;
  EXPECT_EQ(Send({{"B", "C"}}, &lost).error_code(), grpc::StatusCode::UNAVAILABLE);
  v1::IngestResponse retry;
  ASSERT_TRUE(Send({{"B", "C"}}, &retry).ok());
  EXPECT_EQ(retry.accepted(), 0);
  EXPECT_EQ(retry.duplicate(), 2);
  EXPECT_EQ(StoredClaims(), 3u);
}

TEST_F(IngestFaultTest, ParentMustStayTheSameWithinAStream) {
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + key_);
  v1::IngestResponse response;
  auto writer = stub_->IngestClaims(&context, &response);
  v1::IngestClaimsRequest request;
  request.set_parent("practices/1234567893");
  *request.add_claims() = Claim("A");
  ASSERT_TRUE(writer->Write(request));
  request.set_parent("practices/1245319599");
  writer->Write(request);
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("parent"));
}

}  // namespace
}  // namespace denialscope
