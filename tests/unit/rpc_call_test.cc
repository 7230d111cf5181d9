// The security guard over in-memory stores: API key format and hashing, the policy table's
// coverage of the API, and what RpcCall answers for missing, bad, expired and revoked keys,
// missing scopes and other practices, plus the audit rows it leaves. No database.
#include <memory>
#include <set>
#include <string>

#include "absl/strings/str_replace.h"
#include "analytics/memory_access_store.h"
#include "analytics/memory_claim_store.h"
#include "denialscope/v1/admin_service.grpc.pb.h"
#include "denialscope/v1/analytics_service.grpc.pb.h"
#include "denialscope/v1/ingest_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "server/api_key.h"
#include "server/authz_policy.h"
#include "server/call_limiter.h"
#include "server/server.h"
#include "tests/unit/test_server.h"

namespace denialscope {
namespace {

namespace v1 = ::denialscope::v1;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kPracticeA[] = "1234567893";
constexpr char kPracticeB[] = "1245319599";

TEST(ApiKeyTest, KeysAreRandomParseBackAndAreStoredOnlyAsAHash) {
  absl::StatusOr<NewApiKey> a = GenerateApiKey();
  absl::StatusOr<NewApiKey> b = GenerateApiKey();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->plaintext, b->plaintext);
  EXPECT_NE(a->key_id, b->key_id);
  EXPECT_EQ(a->secret_hash.size(), 32u);
  absl::StatusOr<ParsedApiKey> parsed = ParseApiKey(a->plaintext);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->key_id, a->key_id);
  EXPECT_EQ(parsed->secret.size(), 64u);  // 256 bits in hex
  EXPECT_TRUE(SecretHashesEqual(HashApiKeySecret(parsed->secret), a->secret_hash));
  EXPECT_FALSE(SecretHashesEqual(HashApiKeySecret(parsed->secret), b->secret_hash));
  EXPECT_THAT(a->plaintext, Not(HasSubstr(a->secret_hash)));
}

TEST(ApiKeyTest, MalformedKeysAndHeadersAreUnauthenticated) {
  for (const char* bad : {"", "ds_", "ds_0123_abcd", "xx_0123456789abcdef_",
                          "ds_0123456789ABCDEF_00", "ds_0123456789abcdef"}) {
    EXPECT_EQ(ParseApiKey(bad).status().code(), absl::StatusCode::kUnauthenticated) << bad;
  }
  EXPECT_EQ(*BearerToken("Bearer abc"), "abc");
  EXPECT_EQ(*BearerToken("bearer  abc "), "abc");
  EXPECT_EQ(BearerToken("").status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(BearerToken("Basic abc").status().code(), absl::StatusCode::kUnauthenticated);
}

TEST(AuthzPolicyTest, EveryApiMethodHasAPolicyAndEveryPolicyAMethod) {
  EXPECT_TRUE(CheckPolicyCoversApi().ok()) << CheckPolicyCoversApi();
  std::set<std::string> methods;
  for (const auto* method : ApiMethods()) methods.insert(ShortMethodName(*method));
  EXPECT_THAT(methods, ::testing::Contains("AnalyticsService.GetDenialSummary"));
  for (const MethodPolicy& policy : MethodPolicies()) {
    EXPECT_TRUE(methods.count(std::string(policy.method)))
        << policy.method << " is in the policy table but not in the API";
  }
}

TEST(AuthzPolicyTest, PracticeIsReadFromThePolicyField) {
  const MethodPolicy* policy = FindMethodPolicy("AdminService.GetPractice");
  ASSERT_NE(policy, nullptr);
  v1::GetPracticeRequest request;
  request.set_name("practices/1234567893");
  EXPECT_EQ(*PracticeOfRequest(*policy, request), "1234567893");
  request.set_name("practices/1234567893/claims/C-1");
  EXPECT_EQ(*PracticeOfRequest(*policy, request), "1234567893");
  request.set_name("practices/12");
  EXPECT_EQ(PracticeOfRequest(*policy, request).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FindMethodPolicy("AdminService.NoSuchMethod"), nullptr);
}

TEST(CallLimiterTest, CapsCallsPerKeyAndFreesSlots) {
  CallLimiter limiter(2);
  EXPECT_TRUE(limiter.TryAcquire("k"));
  EXPECT_TRUE(limiter.TryAcquire("k"));
  EXPECT_FALSE(limiter.TryAcquire("k"));
  EXPECT_TRUE(limiter.TryAcquire("other"));
  limiter.Release("k");
  EXPECT_TRUE(limiter.TryAcquire("k"));
}

class GuardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(claims_.CreatePractice(kPracticeA, "A").ok());
    ASSERT_TRUE(claims_.CreatePractice(kPracticeB, "B").ok());
    taxonomy_ = std::make_unique<CohortTaxonomy>(*CohortTaxonomy::Builtin());
    hasher_ = std::make_unique<PatientKeyHasher>(
        *PatientKeyHasher::Create("unit-test-secret-0123456789"));
    ServerOptions options;
    options.listen_address = "127.0.0.1:0";
    auto server = DenialscopeServer::Start(
        options, TestContext(&claims_, taxonomy_.get(), hasher_.get(), &clock_, &log_, &access_));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                   grpc::InsecureChannelCredentials());
  }

  // A key stored directly in the access store; returns its plaintext.
  std::string MakeKey(std::vector<Scope> scopes, std::vector<std::string> practices,
                      std::optional<absl::Time> expire = std::nullopt) {
    return TestApiKey(access_, std::move(scopes), std::move(practices), clock_.Now(), expire);
  }

  grpc::Status Summary(const std::string& key, const std::string& npi) {
    grpc::ClientContext context;
    if (!key.empty()) context.AddMetadata("authorization", "Bearer " + key);
    v1::GetDenialSummaryRequest request;
    request.set_practice(absl::StrCat("practices/", npi));
    request.set_from_month("2026-01");
    request.set_to_month("2026-03");
    v1::DenialSummary response;
    return v1::AnalyticsService::NewStub(channel_)->GetDenialSummary(&context, request,
                                                                      &response);
  }

  MemoryClaimStore claims_;
  MemoryAccessStore access_;
  std::unique_ptr<CohortTaxonomy> taxonomy_;
  std::unique_ptr<PatientKeyHasher> hasher_;
  FakeClock clock_{absl::FromCivil(absl::CivilDay(2026, 7, 1), absl::UTCTimeZone())};
  MemoryLogSink log_;
  std::unique_ptr<DenialscopeServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(GuardTest, AKeyReadsItsOwnPracticeOnly) {
  const std::string key = MakeKey({Scope::kRead}, {kPracticeA});
  EXPECT_TRUE(Summary(key, kPracticeA).ok());
  grpc::Status other = Summary(key, kPracticeB);
  EXPECT_EQ(other.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // A practice that does not exist gets the same answer as one that does.
  grpc::Status missing = Summary(key, "1999999984");
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(missing.error_message(),
            absl::StrReplaceAll(other.error_message(), {{kPracticeB, "1999999984"}}));
}

TEST_F(GuardTest, MissingMalformedAndWrongKeysAreUnauthenticated) {
  EXPECT_EQ(Summary("", kPracticeA).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Summary("not-a-key", kPracticeA).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  const std::string key = MakeKey({Scope::kRead}, {kPracticeA});
  std::string forged = key;
  forged.back() = forged.back() == '0' ? '1' : '0';
  EXPECT_EQ(Summary(forged, kPracticeA).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  const std::string unknown = "ds_0123456789abcdef_" + std::string(64, '0');
  EXPECT_EQ(Summary(unknown, kPracticeA).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(GuardTest, ExpiredAndRevokedKeysAreRefused) {
  const std::string expiring =
      MakeKey({Scope::kRead}, {kPracticeA}, clock_.Now() + absl::Hours(1));
  EXPECT_TRUE(Summary(expiring, kPracticeA).ok());
  clock_.Advance(absl::Hours(2));
  grpc::Status expired = Summary(expiring, kPracticeA);
  EXPECT_EQ(expired.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(expired.error_message(), HasSubstr("expired"));

  const std::string key = MakeKey({Scope::kRead}, {kPracticeA});
  EXPECT_TRUE(Summary(key, kPracticeA).ok());
  ASSERT_TRUE(access_.RevokeApiKey(ParseApiKey(key)->key_id, clock_.Now()).ok());
  grpc::Status revoked = Summary(key, kPracticeA);
  EXPECT_EQ(revoked.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(revoked.error_message(), HasSubstr("revoked"));
}

TEST_F(GuardTest, AReadKeyCannotIngestNorAdminister) {
  const std::string key = MakeKey({Scope::kRead, Scope::kReport}, {kPracticeA});
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + key);
  v1::IngestResponse response;
  auto writer = v1::IngestService::NewStub(channel_)->IngestClaims(&context, &response);
  v1::IngestClaimsRequest request;
  request.set_parent(absl::StrCat("practices/", kPracticeA));
  writer->Write(request);
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(status.error_message(), HasSubstr("\"ingest\" scope"));

  grpc::ClientContext list_context;
  list_context.AddMetadata("authorization", "Bearer " + key);
  v1::ListPracticesResponse practices;
  EXPECT_EQ(v1::AdminService::NewStub(channel_)
                ->ListPractices(&list_context, v1::ListPracticesRequest(), &practices)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(GuardTest, EveryAuthenticatedCallLeavesAnAuditRowAndALogLineWithTheKey) {
  const std::string key = MakeKey({Scope::kRead}, {kPracticeA});
  const std::string key_id = ParseApiKey(key)->key_id;
  ASSERT_TRUE(Summary(key, kPracticeA).ok());
  ASSERT_FALSE(Summary(key, kPracticeB).ok());
  ASSERT_FALSE(Summary("", kPracticeA).ok());  // unauthenticated: logged, not audited
  std::vector<AuditEvent> events = access_.AuditEvents();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].key_id, key_id);
  EXPECT_EQ(events[0].method, "AnalyticsService.GetDenialSummary");
  EXPECT_EQ(events[0].practice_npi, kPracticeA);
  EXPECT_EQ(events[0].status, "OK");
  EXPECT_EQ(events[1].practice_npi, kPracticeB);
  EXPECT_EQ(events[1].status, "PERMISSION_DENIED");
  std::vector<std::string> lines = log_.Lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_THAT(lines[0], HasSubstr(absl::StrCat("\"key\":\"", key_id, "\"")));
  EXPECT_THAT(lines[2], HasSubstr("\"status\":\"UNAUTHENTICATED\""));
  for (const std::string& line : lines) EXPECT_THAT(line, Not(HasSubstr(key.substr(20))));
}

}  // namespace
}  // namespace denialscope
