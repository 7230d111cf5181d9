// The gRPC services over the in-memory store: the API's conversions and contracts, what
// happens when the store fails mid-stream (fault injection), and ImportFile's file registry.
// No database, loopback only.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "analytics/faulty_claim_store.h"
#include "analytics/memory_access_store.h"
#include "analytics/memory_claim_store.h"
#include "denialscope/v1/ingest_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
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

// --- ImportFile and the file registry --------------------------------------------------------

// A JSONL file of claims, one IngestRecord per line.
std::string JsonlClaims(const std::vector<std::string>& ids) {
  std::string out;
  for (const std::string& id : ids) {
    v1::IngestRecord record;
    *record.mutable_claim() = Claim(id);
    std::string line;
    EXPECT_TRUE(google::protobuf::util::MessageToJsonString(record, &line).ok());
    out += line + "\n";
  }
  return out;
}

class FileRegistryTest : public IngestFaultTest {
 protected:
  // Streams `bytes` in chunks of 40 after a first message that declares `declared_hash`.
  grpc::Status Import(const std::string& bytes, const std::string& declared_hash,
                      v1::ImportFileResponse* response) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + key_);
    auto writer = stub_->ImportFile(&context, response);
    v1::ImportFileRequest request;
    request.set_parent("practices/1234567893");
    request.set_file_name("claims.jsonl");
    request.set_content_sha256(declared_hash);
    if (writer->Write(request)) {
      for (size_t at = 0; at < bytes.size(); at += 40) {
        v1::ImportFileRequest chunk;
        chunk.set_chunk(bytes.substr(at, 40));
        // The server may answer before reading everything (a known file).
        if (!writer->Write(chunk)) break;
      }
    }
    writer->WritesDone();
    return writer->Finish();
  }

  const std::string file_ = JsonlClaims({"A", "B", "C"});
};

TEST_F(FileRegistryTest, TheSameBytesAgainAreReadAsDuplicatesAndRecognised) {
  v1::ImportFileResponse first;
  ASSERT_TRUE(Import(file_, "", &first).ok());
  EXPECT_EQ(first.accepted(), 3);
  EXPECT_FALSE(first.already_imported());
  EXPECT_FALSE(first.has_first_import_time());
  const absl::Time first_time = clock_.Now();

  clock_.Advance(absl::Hours(30));
  v1::ImportFileResponse again;
  ASSERT_TRUE(Import(file_, "", &again).ok());
  EXPECT_TRUE(again.already_imported());
  EXPECT_FALSE(again.summary_from_registry());
  EXPECT_EQ(FromTimestamp(again.first_import_time()), first_time);
  EXPECT_EQ(again.accepted(), 0);
  EXPECT_EQ(again.duplicate(), 3);
  EXPECT_EQ(again.content_sha256(), first.content_sha256());
  EXPECT_EQ(StoredClaims(), 3u);

  // Other bytes (one more claim) are another file.
  v1::ImportFileResponse other;
  ASSERT_TRUE(Import(JsonlClaims({"A", "B", "C", "D"}), "", &other).ok());
  EXPECT_FALSE(other.already_imported());
  EXPECT_EQ(other.accepted(), 1);
}

TEST_F(FileRegistryTest, ADeclaredHashOfACleanImportIsAnsweredWithoutReading) {
  v1::ImportFileResponse first;
  ASSERT_TRUE(Import(file_, "", &first).ok());
  ASSERT_EQ(first.problem_count(), 0);
  const int ingest_calls = faulty_.calls(FaultyClaimStore::Method::kIngestClaims);

  // The bytes that follow are not even read: garbage would otherwise give problems.
  v1::ImportFileResponse answer;
  ASSERT_TRUE(Import(std::string(5000, '\x01'), first.content_sha256(), &answer).ok());
  EXPECT_TRUE(answer.already_imported());
  EXPECT_EQ(FromTimestamp(answer.first_import_time()), clock_.Now());
  EXPECT_EQ(answer.format(), v1::FILE_FORMAT_JSONL);
  EXPECT_EQ(answer.content_sha256(), first.content_sha256());
  EXPECT_EQ(answer.bytes(), static_cast<int64_t>(file_.size()));
  EXPECT_EQ(answer.claims(), 3);
  EXPECT_EQ(answer.accepted(), 3);  // the first import's summary
  EXPECT_EQ(answer.batches(), 0);   // nothing stored in this call
  EXPECT_TRUE(answer.summary_from_registry());
  EXPECT_EQ(answer.problem_count(), 0);
  EXPECT_EQ(faulty_.calls(FaultyClaimStore::Method::kIngestClaims), ingest_calls);
  // Upper-case hex is the same hash.
  v1::ImportFileResponse upper;
  ASSERT_TRUE(Import("", absl::AsciiStrToUpper(first.content_sha256()), &upper).ok());
  EXPECT_TRUE(upper.already_imported());
}

TEST_F(FileRegistryTest, AFileWithProblemsIsReadAgainSoTheyAreListedAgain) {
  // Line 2 is not JSON.
  const std::string broken = JsonlClaims({"A"}) + "{not json\n" + JsonlClaims({"B"});
  v1::ImportFileResponse first;
  ASSERT_TRUE(Import(broken, "", &first).ok());
  ASSERT_EQ(first.accepted(), 2);
  ASSERT_EQ(first.problem_count(), 1);

  v1::ImportFileResponse again;
  ASSERT_TRUE(Import(broken, first.content_sha256(), &again).ok());
  EXPECT_TRUE(again.already_imported());
  EXPECT_FALSE(again.summary_from_registry());
  EXPECT_EQ(again.duplicate(), 2);
  EXPECT_GE(again.batches(), 1);
  ASSERT_EQ(again.problem_count(), 1);
  EXPECT_EQ(again.problems(0).line(), 2);
}

TEST_F(FileRegistryTest, AWrongDeclaredHashIsAWarningAndTheRealHashIsRecorded) {
  const std::string wrong(64, '0');
  v1::ImportFileResponse first;
  ASSERT_TRUE(Import(file_, wrong, &first).ok());
  EXPECT_EQ(first.accepted(), 3);
  EXPECT_FALSE(first.already_imported());
  ASSERT_EQ(first.problem_count(), 1);
  EXPECT_EQ(first.problems(0).severity(), "warning");
  EXPECT_EQ(first.problems(0).element(), "content_sha256");
  EXPECT_THAT(first.problems(0).reason(), HasSubstr(first.content_sha256()));
  // Nothing is on record under the wrong hash: declaring it again reads the file again.
  v1::ImportFileResponse again;
  ASSERT_TRUE(Import(file_, wrong, &again).ok());
  EXPECT_TRUE(again.already_imported());  // recognised by the bytes' real hash
  EXPECT_EQ(again.duplicate(), 3);
}

TEST_F(FileRegistryTest, AMalformedDeclaredHashIsRefusedBeforeAnythingIsStored) {
  v1::ImportFileResponse response;
  grpc::Status status = Import(file_, "abc123", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("content_sha256"));
  EXPECT_EQ(StoredClaims(), 0u);
}

TEST_F(FileRegistryTest, ARegistryFailureAfterStoringIsAWarningAndNothingIsLost) {
  faulty_.FailNext(1, absl::UnavailableError("connection lost"),
                   FaultyClaimStore::Method::kRecordImportedFile);
  v1::ImportFileResponse first;
  ASSERT_TRUE(Import(file_, "", &first).ok());
  EXPECT_EQ(first.accepted(), 3);
  EXPECT_EQ(StoredClaims(), 3u);
  ASSERT_EQ(first.problem_count(), 1);
  EXPECT_THAT(first.problems(0).reason(), HasSubstr("file registry could not record"));
  // Not on record, so a re-import reads the file again: duplicates only.
  v1::ImportFileResponse again;
  ASSERT_TRUE(Import(file_, "", &again).ok());
  EXPECT_FALSE(again.already_imported());
  EXPECT_EQ(again.duplicate(), 3);
}

TEST_F(FileRegistryTest, ARegistryReadFailureForADeclaredHashIsUnavailable) {
  faulty_.FailNext(1, absl::UnavailableError("connection lost"),
                   FaultyClaimStore::Method::kFindImportedFile);
  v1::ImportFileResponse response;
  grpc::Status status = Import(file_, std::string(64, 'a'), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(StoredClaims(), 0u);
}

}  // namespace
}  // namespace denialscope
