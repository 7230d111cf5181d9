// End to end, the security and tenancy guarantees of issue 6 on the real server over a real
// PostgreSQL database:
//   - isolation: every method of every denialscope.v1 service, enumerated from the generated
//     descriptors (a method added later is covered without editing this file), refuses a
//     call without a key, a key of another practice and a key without the scope;
//   - keys through the CLI: create, use, expire, revoke, and the audit trail;
//   - limits: message size, calls in flight per key, database deadlines, all
//     RESOURCE_EXHAUSTED, and the server keeps serving;
//   - PHI: a patient's name, member id, birth date and address sent in an 837 and a JSONL
//     record appear in no log line and no text column of any table;
//   - TLS and mutual TLS with certificates made here by the openssl command, through gRPC
//     stubs, the CLI and the server binary.
#include <chrono>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "cli/channel.h"
#include "denialscope/v1/admin_service.grpc.pb.h"
#include "denialscope/v1/analytics_service.grpc.pb.h"
#include "denialscope/v1/ingest_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
#include "gtest/gtest.h"
#include "pqxx/pqxx"
#include "server/api_key.h"
#include "server/authz_policy.h"
#include "server/call_limiter.h"
#include "tests/e2e/harness.h"
#include "tests/unit/ingest/ingest_test_util.h"

namespace denialscope::testing {
namespace {

namespace v1 = ::denialscope::v1;
using ::testing::AnyOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kCli[] = DENIALSCOPE_CLI_PATH;
constexpr char kServer[] = DENIALSCOPE_SERVER_PATH;
constexpr char kPracticeA[] = "1234567893";
constexpr char kPracticeB[] = "1245319599";
constexpr char kNotOnboarded[] = "1999999984";

std::string PracticeName(const std::string& npi) { return "practices/" + npi; }

// --- Calling any method generically -----------------------------------------------------------

// Sends `request` as the only message of a call to `method` (of any streaming kind: the wire
// format is the same) and reads every answer; returns the call's status.
grpc::Status CallMethod(const std::shared_ptr<grpc::Channel>& channel,
                        const google::protobuf::MethodDescriptor& method,
                        const google::protobuf::Message& request) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  grpc::CompletionQueue cq;
  auto call = stub.PrepareCall(
      &context, absl::StrCat("/", method.service()->full_name(), "/", method.name()), &cq);
  int tag = 0;
  auto await = [&cq, &tag]() {
    void* got = nullptr;
    bool ok = false;
    return cq.Next(&got, &ok) && got == &tag && ok;
  };
  call->StartCall(&tag);
  if (await()) {
    const std::string bytes = request.SerializeAsString();
    grpc::Slice slice(bytes);
    grpc::ByteBuffer out(&slice, 1);
    call->Write(out, &tag);
    if (await()) {
      call->WritesDone(&tag);
      if (await()) {
        grpc::ByteBuffer in;
        do {
          call->Read(&in, &tag);
        } while (await());
      }
    }
  }
  grpc::Status status;
  call->Finish(&status, &tag);
  void* got = nullptr;
  bool ok = false;
  cq.Next(&got, &ok);
  cq.Shutdown();
  while (cq.Next(&got, &ok)) {
  }
  return status;
}

// A request for `method` with nothing set but the practice field of its policy.
std::unique_ptr<google::protobuf::Message> RequestFor(
    const google::protobuf::MethodDescriptor& method, const std::string& npi) {
  std::unique_ptr<google::protobuf::Message> request(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(method.input_type())
          ->New());
  const MethodPolicy* policy = FindMethodPolicy(ShortMethodName(method));
  if (policy != nullptr && !policy->practice_field.empty()) {
    const google::protobuf::FieldDescriptor* field =
        method.input_type()->FindFieldByName(std::string(policy->practice_field));
    request->GetReflection()->SetString(request.get(), field, PracticeName(npi));
  }
  return request;
}

class SecurityTest : public ::testing::Test {
 protected:
  void SetUp() override { Start({}); }

  void Start(const E2eOptions& options) {
    server_.reset();
    server_ = E2eServer::Start(options);
    ASSERT_NE(server_, nullptr);
    auto admin = v1::AdminService::NewStub(AdminChannel());
    for (const char* npi : {kPracticeA, kPracticeB}) {
      v1::CreatePracticeRequest request;
      request.mutable_practice()->set_npi(npi);
      request.mutable_practice()->set_display_name(absl::StrCat("Practice ", npi));
      v1::Practice practice;
      grpc::ClientContext context;
      ASSERT_TRUE(admin->CreatePractice(&context, request, &practice).ok());
    }
  }

  // A channel with the admin key that the server under test accepts.
  virtual std::shared_ptr<grpc::Channel> AdminChannel() { return server_->Channel(); }

  CommandResult Cli(std::vector<std::string> args, const std::string& key) {
    args.insert(args.begin(), {kCli, "--server", server_->address()});
    return RunCommand(args, {"DENIALSCOPE_API_KEY=" + key});
  }

  bool Serving(const std::shared_ptr<grpc::Channel>& channel) {
    auto health = grpc::health::v1::Health::NewStub(channel);
    grpc::health::v1::HealthCheckResponse answer;
    grpc::ClientContext context;
    return health->Check(&context, {}, &answer).ok() &&
           answer.status() == grpc::health::v1::HealthCheckResponse::SERVING;
  }

  grpc::Status Summary(const std::shared_ptr<grpc::Channel>& channel, const std::string& npi) {
    auto stub = v1::AnalyticsService::NewStub(channel);
    v1::GetDenialSummaryRequest request;
    request.set_practice(PracticeName(npi));
    request.set_from_month("2026-01");
    request.set_to_month("2026-06");
    v1::DenialSummary summary;
    grpc::ClientContext context;
    return stub->GetDenialSummary(&context, request, &summary);
  }

  std::unique_ptr<E2eServer> server_;
  TempDir dir_;
};

// --- Isolation ---------------------------------------------------------------------------------

TEST_F(SecurityTest, EveryMethodRefusesMissingKeysOtherPracticesAndMissingScopes) {
  const std::string key_a = server_->CreateKey({Scope::kIngest, Scope::kRead, Scope::kReport},
                                               {kPracticeA});
  const std::string read_a = server_->CreateKey({Scope::kRead}, {kPracticeA});
  auto anonymous = server_->ChannelWithKey("");
  auto practice_a = server_->ChannelWithKey(key_a);
  auto reader_a = server_->ChannelWithKey(read_a);
  auto admin = server_->Channel();
  const std::vector<grpc::StatusCode> refusals = {grpc::StatusCode::UNAUTHENTICATED,
                                                  grpc::StatusCode::PERMISSION_DENIED};

  std::set<std::string> services;
  int practice_methods = 0;
  for (const google::protobuf::MethodDescriptor* method : ApiMethods()) {
    const std::string name = ShortMethodName(*method);
    SCOPED_TRACE(name);
    services.insert(method->service()->full_name());
    const MethodPolicy* policy = FindMethodPolicy(name);
    ASSERT_NE(policy, nullptr);

    // No key at all.
    EXPECT_EQ(CallMethod(anonymous, *method, *RequestFor(*method, kPracticeA)).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);

    if (policy->practice_field.empty()) {
      // Admin-wide: a practice key, whatever its scopes, is refused; an admin key is not.
      EXPECT_EQ(CallMethod(practice_a, *method, *RequestFor(*method, kPracticeA)).error_code(),
                grpc::StatusCode::PERMISSION_DENIED);
      EXPECT_THAT(CallMethod(admin, *method, *RequestFor(*method, kPracticeA)).error_code(),
                  Not(AnyOf(refusals[0], refusals[1])));
      continue;
    }
    ++practice_methods;
    // Another practice is refused, and exactly as one that does not exist: no hint.
    const grpc::Status other = CallMethod(practice_a, *method, *RequestFor(*method, kPracticeB));
    const grpc::Status missing =
        CallMethod(practice_a, *method, *RequestFor(*method, kNotOnboarded));
    EXPECT_EQ(other.error_code(), grpc::StatusCode::PERMISSION_DENIED) << other.error_message();
    EXPECT_EQ(missing.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(absl::StrReplaceAll(other.error_message(), {{kPracticeB, "X"}}),
              absl::StrReplaceAll(missing.error_message(), {{kNotOnboarded, "X"}}));
    // The key's own practice passes authorization (the request may still be incomplete).
    EXPECT_THAT(CallMethod(practice_a, *method, *RequestFor(*method, kPracticeA)).error_code(),
                Not(AnyOf(refusals[0], refusals[1])));
    // A read-only key cannot ingest (nor report); it can read.
    const grpc::Status read_only = CallMethod(reader_a, *method, *RequestFor(*method, kPracticeA));
    if (policy->scope == Scope::kRead) {
      EXPECT_THAT(read_only.error_code(), Not(AnyOf(refusals[0], refusals[1])));
    } else {
      EXPECT_EQ(read_only.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    }
  }
  // The enumeration found the whole API the server serves.
  EXPECT_GE(practice_methods, 8);
  for (const char* service : {"denialscope.v1.AdminService", "denialscope.v1.IngestService",
                              "denialscope.v1.AnalyticsService"}) {
    EXPECT_TRUE(services.count(service)) << service;
  }
  denialscope::testing::ServerReflectionRequest list;
  list.set_list_services("");
  auto listed = ReflectionExchange(anonymous, {list});  // reflection needs no key
  ASSERT_TRUE(listed.ok()) << listed.status();
  for (const auto& service : (*listed)[0].list_services_response().service()) {
    if (absl::StartsWith(service.name(), "denialscope.v1.")) {
      EXPECT_TRUE(services.count(service.name())) << service.name() << " was not enumerated";
    }
  }
  EXPECT_TRUE(Serving(anonymous));  // health needs no key either
}

// --- Keys through the CLI, and the audit trail ------------------------------------------------

TEST_F(SecurityTest, KeysAreCreatedUsedExpiredRevokedAndAudited) {
  const std::string admin = server_->admin_key();
  CommandResult created = Cli({"keys", "create", "--practice", kPracticeA, "--scopes",
                               "read,report", "--expires", "2026-08-01", "--name", "dashboard"},
                              admin);
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const std::string key(absl::StripAsciiWhitespace(created.out));
  ASSERT_TRUE(absl::StartsWith(key, "ds_")) << created.out;
  EXPECT_THAT(created.err, HasSubstr("shown only now"));
  const std::string key_id = ParseApiKey(key)->key_id;

  // A read key reads its practice, not the other one, and cannot create keys.
  EXPECT_EQ(Cli({"summary", "--practice", kPracticeA, "--from", "2026-01", "--to", "2026-06"},
                key)
                .exit_code,
            0);
  CommandResult other =
      Cli({"summary", "--practice", kPracticeB, "--from", "2026-01", "--to", "2026-06"}, key);
  EXPECT_NE(other.exit_code, 0);
  EXPECT_THAT(other.err, HasSubstr("may not access practices/1245319599"));
  EXPECT_NE(Cli({"keys", "list"}, key).exit_code, 0);
  // Only the hash is kept: the secret is in no table.
  pqxx::connection db(server_->database_url());
  pqxx::work tx(db);
  EXPECT_EQ(tx.exec_params("SELECT count(*) FROM api_keys WHERE key_id = $1", key_id)[0][0]
                .as<int>(),
            1);
  EXPECT_EQ(tx.exec_params("SELECT count(*) FROM api_keys WHERE position($1 IN"
                           " encode(secret_hash, 'escape')) > 0 OR position($1 IN display_name) > 0",
                           key.substr(20))[0][0]
                .as<int>(),
            0);
  tx.commit();

  // Expiry: the key stops at 00:00 UTC on its expiry date.
  server_->clock().Advance(absl::Hours(24 * 20));  // 2026-08-04
  CommandResult expired =
      Cli({"summary", "--practice", kPracticeA, "--from", "2026-01", "--to", "2026-06"}, key);
  EXPECT_NE(expired.exit_code, 0);
  EXPECT_THAT(expired.err, HasSubstr("expired"));

  // Revocation, effective at once.
  const std::string second = server_->CreateKey({Scope::kRead}, {kPracticeA});
  ASSERT_TRUE(Summary(server_->ChannelWithKey(second), kPracticeA).ok());
  CommandResult revoked = Cli({"keys", "revoke", second.substr(3, 16)}, admin);
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  const grpc::Status refused = Summary(server_->ChannelWithKey(second), kPracticeA);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(refused.error_message(), HasSubstr("revoked"));
  CommandResult listed = Cli({"keys", "list"}, admin);
  EXPECT_THAT(listed.out, HasSubstr(absl::StrCat("apiKeys/", second.substr(3, 16))));
  EXPECT_THAT(listed.out, HasSubstr("revoked"));
  EXPECT_THAT(listed.out, Not(HasSubstr(second.substr(20))));  // never a secret

  // Every authenticated call left an audit row, refused ones included; filters work.
  CommandResult audit = Cli({"audit", "--key", key_id}, admin);
  ASSERT_EQ(audit.exit_code, 0) << audit.err;
  EXPECT_THAT(audit.out, HasSubstr("AnalyticsService.GetDenialSummary\tpractices/1234567893\tOK"));
  EXPECT_THAT(audit.out, HasSubstr("practices/1245319599\tPERMISSION_DENIED"));
  EXPECT_THAT(audit.out, HasSubstr("AdminService.ListApiKeys\t-\tPERMISSION_DENIED"));
  CommandResult by_practice = Cli({"audit", "--practice", kPracticeB, "--json"}, admin);
  ASSERT_EQ(by_practice.exit_code, 0) << by_practice.err;
  EXPECT_THAT(by_practice.out, HasSubstr("\"practice\": \"practices/1245319599\""));
  EXPECT_THAT(by_practice.out, Not(HasSubstr("\"practice\": \"practices/1234567893\"")));
  // Only admins read it.
  EXPECT_NE(Cli({"audit"}, second).exit_code, 0);
}

// --- Limits -------------------------------------------------------------------------------------

TEST_F(SecurityTest, AKeyHasAtMostItsShareOfCallsInFlight) {
  E2eOptions options;
  options.server.max_calls_per_key = 2;
  Start(options);
  const std::string key = server_->CreateKey({Scope::kIngest, Scope::kRead}, {kPracticeA});
  auto channel = server_->ChannelWithKey(key);
  auto stub = v1::IngestService::NewStub(channel);
  // Two open ingest streams hold the key's two slots until they end.
  struct OpenStream {
    grpc::ClientContext context;
    v1::IngestResponse response;
    std::unique_ptr<grpc::ClientWriter<v1::IngestClaimsRequest>> writer;
  };
  std::vector<std::unique_ptr<OpenStream>> streams;
  for (int i = 0; i < 2; ++i) {
    streams.push_back(std::make_unique<OpenStream>());
    streams.back()->writer = stub->IngestClaims(&streams.back()->context, &streams.back()->response);
    v1::IngestClaimsRequest batch;
    batch.set_parent(PracticeName(kPracticeA));
    ASSERT_TRUE(streams.back()->writer->Write(batch));
  }
  // Wait until both handlers hold their slots: a third call sent earlier could take a slot
  // first and leave one stream refused instead (seen on a loaded machine).
  const std::string key_id = ParseApiKey(key)->key_id;
  for (int attempt = 0; attempt < 200; ++attempt) {
    if (server_->server().call_limiter().InFlight(key_id) == 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(server_->server().call_limiter().InFlight(key_id), 2);
  const grpc::Status third = Summary(channel, kPracticeA);
  EXPECT_EQ(third.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(third.error_message(), HasSubstr("calls in flight"));
  // Other keys are not affected.
  EXPECT_TRUE(Summary(server_->Channel(), kPracticeA).ok());
  for (auto& stream : streams) {
    stream->writer->WritesDone();
    const grpc::Status finished = stream->writer->Finish();
    EXPECT_TRUE(finished.ok()) << finished.error_code() << ": " << finished.error_message();
  }
  EXPECT_TRUE(Summary(channel, kPracticeA).ok());  // the slots are free again
}

TEST_F(SecurityTest, OversizedMessagesAreRefusedAndTheServerKeepsServing) {
  E2eOptions options;
  options.server.max_receive_message_bytes = 64 << 10;
  Start(options);
  auto stub = v1::IngestService::NewStub(server_->Channel());
  v1::IngestClaimsRequest batch;
  batch.set_parent(PracticeName(kPracticeA));
  for (int i = 0; i < 2000; ++i) {
    v1::ClaimRecord* claim = batch.add_claims();
    claim->set_claim_id(absl::StrCat("BIG-CLAIM-WITH-A-LONG-IDENTIFIER-", i));
    claim->set_payer_id("60054");
    claim->add_diagnoses("M54.2");
  }
  ASSERT_GT(batch.ByteSizeLong(), 64u << 10);
  grpc::ClientContext context;
  v1::IngestResponse response;
  auto writer = stub->IngestClaims(&context, &response);
  writer->Write(batch);
  writer->WritesDone();
  EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_TRUE(Serving(server_->Channel()));
  EXPECT_TRUE(Summary(server_->Channel(), kPracticeA).ok());
}

TEST_F(SecurityTest, DatabaseWorkPastItsDeadlineIsResourceExhausted) {
  E2eOptions options;
  options.statement_timeout = absl::Milliseconds(300);
  Start(options);
  // Another session holds every claim-key lock of practice A, so an ingest waits on them
  // until the statement timeout cancels it.
  pqxx::connection holder(server_->database_url());
  pqxx::nontransaction lock(holder);
  const int64_t practice_id =
      lock.exec_params("SELECT practice_id FROM practices WHERE npi = $1", kPracticeA)[0][0]
          .as<int64_t>();
  lock.exec_params("SELECT count(pg_advisory_lock($1 * 64 + b)) FROM generate_series(0, 63) b",
                   practice_id);
  auto stub = v1::IngestService::NewStub(server_->Channel());
  grpc::ClientContext context;
  v1::IngestResponse response;
  auto writer = stub->IngestClaims(&context, &response);
  v1::IngestClaimsRequest batch;
  batch.set_parent(PracticeName(kPracticeA));
  v1::ClaimRecord* claim = batch.add_claims();
  claim->set_claim_id("SLOW-1");
  claim->set_payer_id("60054");
  claim->set_patient_id("P-1");
  claim->add_diagnoses("M54.2");
  v1::ClaimLineRecord* line = claim->add_lines();
  line->set_line_number(1);
  line->set_procedure_code("98941");
  line->set_charge_cents(10000);
  line->set_units(1);
  line->add_diagnosis_pointers(1);
  line->set_service_date("2026-03-02");
  writer->Write(batch);
  writer->WritesDone();
  const grpc::Status status = writer->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  lock.exec("SELECT pg_advisory_unlock_all()");
  EXPECT_TRUE(Serving(server_->Channel()));
}

// --- PHI ------------------------------------------------------------------------------------

TEST_F(SecurityTest, PatientIdentifiersAppearInNoLogLineAndNoTable) {
  // Names, member ids, a birth date and an address: in an 837 through ImportFile, an 835
  // through ImportFile and a JSONL record through IngestClaims.
  const std::vector<std::string> secrets = {"ZQXLASTNAME", "ZQXFIRSTNAME", "ZQXMEMBER991",
                                            "ZQXJSONMEMBER", "19610417",    "1961-04-17",
                                            "ZQX STREET",    "ZQXTOWN"};
  const std::string claims = File837({absl::StrCat(
      "BHT*0019*00*BATCH1*20260304*1200*CH~"
      "NM1*41*2*BILLING SVC*****46*SUBMITTER1~PER*IC*CONTACT*TE*5555555555~"
      "NM1*40*2*ACME HEALTH PLAN*****46*RECEIVER1~HL*1**20*1~"
      "NM1*85*2*NECK CLINIC*****XX*",
      kPracticeA,
      "~N3*1 MAIN ST~N4*TOWN*ST*12345~REF*EI*123456789~HL*2*1*22*0~SBR*P*18*******CI~"
      "NM1*IL*1*ZQXLASTNAME*ZQXFIRSTNAME****MI*ZQXMEMBER991~N3*9 ZQX STREET~"
      "N4*ZQXTOWN*ST*54321~DMG*D8*19610417*F~"
      "NM1*PR*2*ACME HEALTH PLAN*****PI*PAYER01~"
      "CLM*PHI-1*100.00***11:B:1*Y*A*Y*Y~HI*ABK:M542~"
      "LX*1~SV1*HC:98941*100.00*UN*1***1~DTP*472*D8*20260302~REF*6R*PHI1-1~")});
  const std::string remits = File835({absl::StrCat(
      "BPR*I*0*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*999988880*DA*98765*20260320~"
      "TRN*1*TRACE-1*1512345678~DTM*405*20260320~N1*PR*ACME HEALTH PLAN*XV*PAYER01~"
      "N1*PE*NECK CLINIC*XX*",
      kPracticeA,
      "~LX*1~CLP*PHI-1*4*100.00*0.00**12*ICN-1~"
      "NM1*QC*1*ZQXLASTNAME*ZQXFIRSTNAME****MI*ZQXMEMBER991~"
      "SVC*HC:98941*100.00*0.00**1~DTM*472*20260302~CAS*CO*31*100.00~REF*6R*PHI1-1~")});
  const std::string claims_path = dir_.path() + "/claims.x12";
  const std::string remits_path = dir_.path() + "/remits.x12";
  const std::string jsonl_path = dir_.path() + "/claims.jsonl";
  std::ofstream(claims_path) << claims;
  std::ofstream(remits_path) << remits;
  std::ofstream(jsonl_path)
      << R"({"claim":{"claimId":"PHI-2","payerId":"60054","billingNpi":"1234567893",)"
      << R"("patientId":"ZQXJSONMEMBER","diagnoses":["M54.2"],"lines":[{"lineNumber":1,)"
      << R"("procedureCode":"98941","chargeCents":9500,"units":1,"diagnosisPointers":[1],)"
      << R"("serviceDate":"2026-03-02"}]}})"
      << "\n";
  const std::string admin = server_->admin_key();
  CommandResult imported =
      Cli({"import", "--practice", kPracticeA, claims_path, remits_path}, admin);
  ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;
  CommandResult ingested = Cli({"ingest", "--practice", kPracticeA, jsonl_path}, admin);
  ASSERT_EQ(ingested.exit_code, 0) << ingested.out << ingested.err;
  ASSERT_EQ(Cli({"worklist", "--practice", kPracticeA, "--from", "2026-03", "--to", "2026-03",
                 "--as-of", "2026-07-15"},
                admin)
                .exit_code,
            0);

  pqxx::connection db(server_->database_url());
  pqxx::work tx(db);
  ASSERT_EQ(tx.exec("SELECT count(*) FROM claims")[0][0].as<int>(), 2);  // it was stored
  // Every column of every table, as text (arrays, bytea and numbers included).
  int columns = 0;
  for (const pqxx::row& column :
       tx.exec("SELECT table_name, column_name FROM information_schema.columns"
               " WHERE table_schema = 'public' ORDER BY table_name, ordinal_position")) {
    ++columns;
    const std::string table = tx.quote_name(column[0].c_str());
    const std::string name = tx.quote_name(column[1].c_str());
    for (const std::string& secret : secrets) {
      EXPECT_EQ(tx.exec_params("SELECT count(*) FROM " + table + " WHERE position(upper($1) IN"
                               " upper(" + name + "::text)) > 0",
                               secret)[0][0]
                    .as<int>(),
                0)
          << secret << " is stored in " << column[0].c_str() << "." << column[1].c_str();
    }
  }
  EXPECT_GT(columns, 50);
  tx.commit();
  for (const std::string& line : server_->log().Lines()) {
    for (const std::string& secret : secrets) {
      EXPECT_THAT(line, Not(HasSubstr(secret)));
    }
  }
  EXPECT_GT(server_->log().Lines().size(), 3u);
}

// --- TLS ----------------------------------------------------------------------------------------

// A CA, a server certificate for localhost and 127.0.0.1, and a client certificate, made with
// the openssl command in `dir`.
struct Certificates {
  std::string ca, server_cert, server_key, client_cert, client_key;
  std::string other_ca;  // a CA that signed nothing here
};

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bool Openssl(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/usr/bin/openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  CommandResult result = RunCommand(argv);
  EXPECT_EQ(result.exit_code, 0) << absl::StrJoin(argv, " ") << ": " << result.err;
  return result.exit_code == 0;
}

std::optional<Certificates> MakeCertificates(const std::string& dir) {
  auto path = [&dir](const std::string& name) { return dir + "/" + name; };
  const std::vector<std::string> ec = {"-newkey", "ec", "-pkeyopt",
                                       "ec_paramgen_curve:prime256v1", "-nodes"};
  auto new_ca = [&](const std::string& name) {
    std::vector<std::string> args = {"req", "-x509"};
    args.insert(args.end(), ec.begin(), ec.end());
    args.insert(args.end(), {"-keyout", path(name + ".key"), "-out", path(name + ".crt"),
                             "-days", "2", "-subj", "/CN=" + name});
    return Openssl(args);
  };
  auto new_leaf = [&](const std::string& name, const std::string& extensions) {
    std::ofstream(path(name + ".ext")) << extensions << "\n";
    std::vector<std::string> request = {"req"};
    request.insert(request.end(), ec.begin(), ec.end());
    request.insert(request.end(), {"-keyout", path(name + ".key"), "-out", path(name + ".csr"),
                                   "-subj", "/CN=" + name});
    return Openssl(request) &&
           Openssl({"x509", "-req", "-in", path(name + ".csr"), "-CA", path("ca.crt"), "-CAkey",
                    path("ca.key"), "-CAcreateserial", "-out", path(name + ".crt"), "-days", "2",
                    "-extfile", path(name + ".ext")});
  };
  if (!new_ca("ca") || !new_ca("other-ca") ||
      !new_leaf("localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                             "extendedKeyUsage=serverAuth") ||
      !new_leaf("client", "extendedKeyUsage=clientAuth")) {
    return std::nullopt;
  }
  return Certificates{ReadText(path("ca.crt")),     ReadText(path("localhost.crt")),
                      ReadText(path("localhost.key")), ReadText(path("client.crt")),
                      ReadText(path("client.key")), ReadText(path("other-ca.crt"))};
}

std::shared_ptr<grpc::Channel> TlsChannel(const std::string& target, const std::string& key,
                                          const std::string& ca, const std::string& cert = "",
                                          const std::string& cert_key = "") {
  cli::ChannelOptions options;
  options.target = target;
  options.api_key = key;
  options.tls_ca_pem = ca;
  options.tls_cert_pem = cert;
  options.tls_key_pem = cert_key;
  options.tls_server_name = "localhost";
  return cli::MakeChannel(options);
}

class TlsTest : public SecurityTest {
 protected:
  void SetUp() override {
    std::optional<Certificates> certificates = MakeCertificates(dir_.path());
    ASSERT_TRUE(certificates.has_value());
    certs_ = *std::move(certificates);
  }

  // TLS with the client certificate, which a server without mutual TLS ignores.
  std::shared_ptr<grpc::Channel> AdminChannel() override {
    return TlsChannel(server_->address(), server_->admin_key(), certs_.ca, certs_.client_cert,
                      certs_.client_key);
  }

  void StartTls(bool mutual) {
    E2eOptions options;
    options.server.tls_cert_pem = certs_.server_cert;
    options.server.tls_key_pem = certs_.server_key;
    if (mutual) options.server.tls_client_ca_pem = certs_.ca;
    Start(options);
  }

  Certificates certs_;
};

TEST_F(TlsTest, TlsServesOnlyTlsClientsThatTrustItsCa) {
  StartTls(/*mutual=*/false);
  const std::string admin = server_->admin_key();
  EXPECT_TRUE(Summary(TlsChannel(server_->address(), admin, certs_.ca), kPracticeA).ok());
  EXPECT_EQ(Summary(server_->Channel(), kPracticeA).error_code(),  // plaintext
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(Summary(TlsChannel(server_->address(), admin, certs_.other_ca), kPracticeA)
                .error_code(),
            grpc::StatusCode::UNAVAILABLE);
  // TLS does not replace the key.
  EXPECT_EQ(Summary(TlsChannel(server_->address(), "", certs_.ca), kPracticeA).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  // The CLI over TLS.
  const std::string ca_path = dir_.path() + "/ca.crt";
  CommandResult listed = RunCommand({kCli, "--server", server_->address(), "--tls-ca", ca_path,
                                     "--tls-server-name", "localhost", "practices", "list"},
                                    {"DENIALSCOPE_API_KEY=" + admin});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr(PracticeName(kPracticeA)));
}

TEST_F(TlsTest, MutualTlsRequiresAClientCertificateSignedByTheClientCa) {
  StartTls(/*mutual=*/true);
  const std::string admin = server_->admin_key();
  EXPECT_EQ(Summary(TlsChannel(server_->address(), admin, certs_.ca), kPracticeA).error_code(),
            grpc::StatusCode::UNAVAILABLE);  // no client certificate
  EXPECT_TRUE(Summary(TlsChannel(server_->address(), admin, certs_.ca, certs_.client_cert,
                                 certs_.client_key),
                      kPracticeA)
                  .ok());
  EXPECT_EQ(Summary(TlsChannel(server_->address(), "", certs_.ca, certs_.client_cert,
                               certs_.client_key),
                    kPracticeA)
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  CommandResult cli = RunCommand(
      {kCli, "--server", server_->address(), "--tls-ca", dir_.path() + "/ca.crt", "--tls-cert",
       dir_.path() + "/client.crt", "--tls-key", dir_.path() + "/client.key",
       "--tls-server-name", "localhost", "summary", "--practice", kPracticeA, "--from",
       "2026-01", "--to", "2026-06"},
      {"DENIALSCOPE_API_KEY=" + admin});
  EXPECT_EQ(cli.exit_code, 0) << cli.err;
}

TEST_F(TlsTest, TheServerBinaryBootstrapsAnAdminKeyAndServesTlsBeyondLoopback) {
  server_ = E2eServer::Start();  // for its migrated database only
  ASSERT_NE(server_, nullptr);
  const std::string secret = "DENIALSCOPE_PATIENT_KEY_SECRET=tls-test-secret-0123456789";
  CommandResult bootstrap = RunCommand(
      {kServer, "--database_url", server_->database_url(), "--create_admin_key", "operator"},
      {secret});
  ASSERT_EQ(bootstrap.exit_code, 0) << bootstrap.err;
  const std::string key(absl::StripAsciiWhitespace(bootstrap.out));
  EXPECT_TRUE(absl::StartsWith(key, "ds_"));
  EXPECT_THAT(bootstrap.err, Not(HasSubstr(key)));  // the key goes to stdout only

  // Without TLS a non-loopback address is refused; with it, it serves.
  CommandResult refused = RunCommand(
      {kServer, "--database_url", server_->database_url(), "--listen", "0.0.0.0:0"}, {secret});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("--tls_cert"));
  std::unique_ptr<ServerProcess> process = ServerProcess::Start(
      {kServer, "--database_url", server_->database_url(), "--listen", "0.0.0.0:0",
       "--tls_cert", dir_.path() + "/localhost.crt", "--tls_key", dir_.path() + "/localhost.key"},
      {secret});
  ASSERT_NE(process, nullptr);
  const std::string target = absl::StrCat("127.0.0.1:", process->port());
  CommandResult listed = RunCommand({kCli, "--server", target, "--tls-ca",
                                     dir_.path() + "/ca.crt", "--tls-server-name", "localhost",
                                     "--api-key", key, "keys", "list"});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr("operator\tadmin\tall practices\tactive"));
  EXPECT_THAT(process->Stderr(), Not(HasSubstr(key.substr(20))));
}

}  // namespace
}  // namespace denialscope::testing
