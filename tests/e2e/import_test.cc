// End to end: files as practices have them (X12 837P and 835, JSONL, CSV) imported through
// the real CLI into the real server and PostgreSQL; re-importing changes nothing; malformed
// files get their problems with positions and the server keeps serving.
#include <fstream>

#include "absl/strings/str_cat.h"
#include "denialscope/v1/analytics_service.grpc.pb.h"
#include "denialscope/v1/ingest_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "pqxx/pqxx"
#include "tests/e2e/harness.h"
#include "tests/unit/ingest/ingest_test_util.h"

namespace denialscope::testing {
namespace {

namespace v1 = ::denialscope::v1;
using ::testing::HasSubstr;

constexpr char kCli[] = DENIALSCOPE_CLI_PATH;
constexpr char kNpi[] = "1234567893";

// Billing provider 1234567893, payer PAYER01, subscriber = patient.
constexpr char kHeader837[] =
    "BHT*0019*00*BATCH1*20260304*1200*CH~"
    "NM1*41*2*BILLING SVC*****46*SUBMITTER1~"
    "PER*IC*CONTACT*TE*5555555555~"
    "NM1*40*2*ACME HEALTH PLAN*****46*RECEIVER1~"
    "HL*1**20*1~"
    "NM1*85*2*NECK CLINIC*****XX*1234567893~"
    "N3*1 MAIN ST~"
    "N4*TOWN*ST*12345~"
    "REF*EI*123456789~"
    "HL*2*1*22*0~"
    "SBR*P*18*******CI~"
    "NM1*IL*1*PATIENTLASTNAME*JANE****MI*MEMBER-SECRET-77~"
    "NM1*PR*2*ACME HEALTH PLAN*****PI*PAYER01~";

// C-100: M54.2, chiropractic $100 + therapy $100 on 2026-03-02.
// C-101: M50.121, facet injection $150 on 2026-03-03.
const std::string kClaims837 = File837({absl::StrCat(
    kHeader837,
    "CLM*C-100*200.00***11:B:1*Y*A*Y*Y~HI*ABK:M542~"
    "LX*1~SV1*HC:98941*100.00*UN*1***1~DTP*472*D8*20260302~REF*6R*C100-1~"
    "LX*2~SV1*HC:97140:59*100.00*UN*1***1~DTP*472*D8*20260302~REF*6R*C100-2~"
    "CLM*C-101*150.00***11:B:1*Y*A*Y*Y~HI*ABK:M50121~"
    "LX*1~SV1*HC:64490*150.00*UN*1***1~DTP*472*D8*20260303~REF*6R*C101-1~")});

std::string Remittance(const std::string& production, const std::string& body) {
  return absl::StrCat("BPR*I*0*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*999988880*DA*"
                      "98765*",
                      production,
                      "~TRN*1*TRACE-", production, "*1512345678~DTM*405*", production,
                      "~N1*PR*ACME HEALTH PLAN*XV*PAYER01~N1*PE*NECK CLINIC*XX*1234567893~"
                      "LX*1~",
                      body);
}

// Set 1 (2026-03-20): C-100 denied CO-50 on both lines with N115; C-101 paid $120 (CO-45 $30).
constexpr char kMarchEvents[] =
    "CLP*C-100*1*200.00*0.00**12*ICN-1~"
    "SVC*HC:98941*100.00*0.00**1~DTM*472*20260302~CAS*CO*50*100.00~REF*6R*C100-1~"
    "LQ*HE*N115~"
    "SVC*HC:97140:59*100.00*0.00**1~DTM*472*20260302~CAS*CO*50*100.00~"
    "REF*6R*C100-2~LQ*HE*N115~"
    "CLP*C-101*1*150.00*120.00**12*ICN-2~"
    "SVC*HC:64490*150.00*120.00**1~DTM*472*20260303~CAS*CO*45*30.00~"
    "REF*6R*C101-1~";
// Set 2 (2026-04-20): C-100 paid $120 after appeal (CO-45 $80): overturned.
constexpr char kAprilEvents[] =
    "CLP*C-100*1*200.00*120.00**12*ICN-3~"
    "SVC*HC:98941*100.00*60.00**1~DTM*472*20260302~CAS*CO*45*40.00~REF*6R*C100-1~"
    "SVC*HC:97140:59*100.00*60.00**1~DTM*472*20260302~CAS*CO*45*40.00~"
    "REF*6R*C100-2~";
const std::string kRemits835 =
    File835({Remittance("20260320", kMarchEvents), Remittance("20260420", kAprilEvents)});

// The same remittances as the payer really sent them: set 1 also carries provider-level
// adjustments, $5.00 interest paid (L6, negative), a $12.00 forward balance (FB) and a $20.00
// recoupment (WO) of an overpayment on a claim outside this file.
constexpr char kProviderAdjustments[] =
    "PLB*1234567893*20261231*L6:INTEREST*-5.00*FB:FWD0301*12.00~"
    "PLB*1234567893*20261231*WO:RECOUP-C-9*20.00~";
const std::string kRemitsWithPlb835 = File835(
    {Remittance("20260320", absl::StrCat(kMarchEvents, kProviderAdjustments)),
     Remittance("20260420", kAprilEvents)});

class ImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = E2eServer::Start();
    ASSERT_NE(server_, nullptr);
    ASSERT_EQ(Cli({"practices", "create", kNpi, "Neck Clinic"}).exit_code, 0);
  }

  CommandResult Cli(std::vector<std::string> args) {
    args.insert(args.begin(), {kCli, "--server", server_->address()});
    return RunCommand(args, {"DENIALSCOPE_API_KEY=" + server_->admin_key()});
  }

  std::string Write(const std::string& name, const std::string& content) {
    const std::string path = absl::StrCat(dir_.path(), "/", name);
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  CommandResult Import(const std::vector<std::string>& files,
                       const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"import", "--practice", kNpi};
    args.insert(args.end(), extra.begin(), extra.end());
    args.insert(args.end(), files.begin(), files.end());
    return Cli(args);
  }

  // ImportFile from a plain gRPC client that sends the bytes in one chunk and declares no
  // content hash.
  v1::ImportFileResponse ImportWithoutHash(const std::string& bytes) {
    auto stub = v1::IngestService::NewStub(server_->Channel());
    grpc::ClientContext context;
    v1::ImportFileResponse response;
    auto writer = stub->ImportFile(&context, &response);
    v1::ImportFileRequest request;
    request.set_parent(absl::StrCat("practices/", kNpi));
    request.set_file_name("resent");
    request.set_chunk(bytes);
    EXPECT_TRUE(writer->Write(request));
    writer->WritesDone();
    grpc::Status status = writer->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  v1::DenialSummary Summary() {
    auto stub = v1::AnalyticsService::NewStub(server_->Channel());
    v1::GetDenialSummaryRequest request;
    request.set_practice(absl::StrCat("practices/", kNpi));
    request.set_from_month("2026-03");
    request.set_to_month("2026-03");
    request.set_as_of_date("2026-07-15");
    v1::DenialSummary summary;
    grpc::ClientContext context;
    EXPECT_TRUE(stub->GetDenialSummary(&context, request, &summary).ok());
    return summary;
  }

  bool Serving() {
    auto health = grpc::health::v1::Health::NewStub(server_->Channel());
    grpc::health::v1::HealthCheckResponse answer;
    grpc::ClientContext context;
    return health->Check(&context, {}, &answer).ok() &&
           answer.status() == grpc::health::v1::HealthCheckResponse::SERVING;
  }

  std::unique_ptr<E2eServer> server_;
  TempDir dir_;
};

TEST_F(ImportTest, X12RemittancesBeforeClaimsJoinAndReimportChangesNothing) {
  const std::string remits = Write("era.835", kRemits835);
  const std::string claims = Write("batch.837", kClaims837);

  // The ERA first: its three events wait for their claims.
  CommandResult first = Import({remits});
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_THAT(first.out, HasSubstr("X12"));
  EXPECT_THAT(first.out, HasSubstr("3 remittance events"));
  EXPECT_THAT(first.out, HasSubstr("accepted 3, duplicate 0, rejected 0, unmatched 3"));
  CommandResult second = Import({claims});
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_THAT(second.out, HasSubstr("2 claims (3 lines)"));
  EXPECT_THAT(second.out, HasSubstr("accepted 2, duplicate 0, rejected 0"));
  // Not a terminal: plain progress lines on stderr, never a bar of carriage returns.
  EXPECT_THAT(second.err, HasSubstr("batch.837: 100%"));

  const v1::DenialSummary summary = Summary();
  const v1::CohortSummary& m542 = summary.cohorts(0);
  ASSERT_EQ(m542.group(), v1::COHORT_GROUP_NONSPECIFIC);
  EXPECT_EQ(m542.claim_count(), 1);
  EXPECT_EQ(m542.adjudicated_count(), 1);
  EXPECT_EQ(m542.initial_denial_rate().numerator(), 1);         // CO-50 on 03-20
  EXPECT_EQ(m542.initial_denial_rate_dollars().numerator(), 20000);
  EXPECT_EQ(m542.final_denial_rate().numerator(), 0);            // paid on 04-20
  EXPECT_EQ(m542.median_days_to_payment(), 49);                  // 03-02 -> 04-20
  const v1::CohortSummary& specific = summary.cohorts(1);
  EXPECT_EQ(specific.claim_count(), 1);
  EXPECT_EQ(specific.initial_denial_rate().numerator(), 0);
  EXPECT_EQ(specific.median_days_to_payment(), 17);              // 03-03 -> 03-20

  // Both files again: the CLI declares each file's SHA-256 and the server's file registry
  // answers at once with the first import's summary; nothing changes.
  CommandResult again = Import({claims, remits});
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_THAT(again.out, HasSubstr("batch.837: already imported on "));
  EXPECT_THAT(again.out, HasSubstr("not sent again"));
  EXPECT_THAT(again.out, HasSubstr("unmatched 0, at the first import"));
  EXPECT_THAT(again.out, HasSubstr("era.835: already imported on "));
  EXPECT_THAT(again.out, HasSubstr("accepted 2, duplicate 0, rejected 0"));
  EXPECT_THAT(again.out, HasSubstr("accepted 3, duplicate 0, rejected 0, unmatched 3"));
  EXPECT_EQ(Summary().SerializeAsString(), summary.SerializeAsString());

  // A client that declares no hash sends the bytes again: every record is a duplicate, and
  // the answer still says the file was imported before.
  v1::ImportFileResponse resent = ImportWithoutHash(kRemits835);
  EXPECT_TRUE(resent.already_imported());
  EXPECT_TRUE(resent.has_first_import_time());
  EXPECT_EQ(resent.accepted(), 0);
  EXPECT_EQ(resent.duplicate(), 3);
  EXPECT_EQ(Summary().SerializeAsString(), summary.SerializeAsString());

  // The subscriber's member id and name never reach a log line.
  for (const std::string& line : server_->log().Lines()) {
    EXPECT_THAT(line, ::testing::Not(HasSubstr("MEMBER-SECRET-77")));
    EXPECT_THAT(line, ::testing::Not(HasSubstr("PATIENTLASTNAME")));
  }
}

TEST_F(ImportTest, SmallChunksGiveTheSameResult) {
  const std::string claims = Write("batch.837", kClaims837);
  CommandResult result = Import({claims}, {"--chunk-size", "7"});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_THAT(result.out, HasSubstr("accepted 2, duplicate 0, rejected 0"));
}

TEST_F(ImportTest, AnEnvelopeErrorRejectsItsTransactionSetAndKeepsTheOthers) {
  // The first set's SE count is wrong; the second set is fine.
  std::string broken = kRemits835;
  const size_t se = broken.find("SE*");
  ASSERT_NE(se, std::string::npos);
  broken.replace(se, broken.find('*', se + 3) - se, "SE*99");
  CommandResult result = Import({Write("broken.835", broken)});
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  EXPECT_THAT(result.out, HasSubstr("accepted 1"));  // the second set's event
  EXPECT_THAT(result.out, HasSubstr("SE"));
  EXPECT_THAT(result.out, HasSubstr("interchange 1, set 1"));
  EXPECT_TRUE(Serving());
}

TEST_F(ImportTest, GarbageAndTruncatedFilesGetProblemsAndTheServerKeepsServing) {
  std::string garbage;
  for (int i = 0; i < 200000; ++i) garbage.push_back(static_cast<char>((i * 7919) % 251));
  CommandResult binary = Import({Write("garbage.bin", garbage)}, {"--format", "x12"});
  EXPECT_EQ(binary.exit_code, 0) << "nothing was read, so nothing was rejected: "
                                 << binary.out << binary.err;
  EXPECT_THAT(binary.out, HasSubstr("problems"));
  CommandResult truncated = Import({Write("cut.837", kClaims837.substr(0, 700))});
  EXPECT_THAT(truncated.out, HasSubstr("problems"));
  EXPECT_THAT(truncated.out, HasSubstr("accepted 0"));
  // A file whose first import had problems is read again, so they are listed again.
  CommandResult again = Import({Write("cut.837", kClaims837.substr(0, 700))});
  EXPECT_THAT(again.out, HasSubstr("cut.837: already imported on "));
  EXPECT_THAT(again.out, HasSubstr("(read again: its records are duplicates)"));
  EXPECT_THAT(again.out, HasSubstr("problems"));
  EXPECT_TRUE(Serving());
  EXPECT_EQ(Summary().cohorts(0).claim_count(), 0);
}

TEST_F(ImportTest, JsonlAndCsvFilesImportWithLinePositions) {
  const std::string jsonl = Write(
      "records.jsonl",
      "{\"claim\":{\"claimId\":\"J-1\",\"payerId\":\"PAYER01\",\"diagnoses\":[\"M54.2\"],"
      "\"lines\":[{\"lineNumber\":1,\"procedureCode\":\"98941\",\"chargeCents\":9500,"
      "\"units\":1,\"diagnosisPointers\":[1],\"serviceDate\":\"2026-03-05\"}]}}\n"
      "this is not json\n"
      "{\"claim\":{\"claimId\":\"J-2\",\"payerId\":\"PAYER01\",\"diagnoses\":[\"M54.2\"],"
      "\"lines\":[{\"lineNumber\":1,\"procedureCode\":\"98941\",\"chargeCents\":-5,"
      "\"units\":1,\"diagnosisPointers\":[1],\"serviceDate\":\"2026-03-05\"}]}}\n");
  CommandResult result = Import({jsonl});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.out, HasSubstr("JSONL"));
  EXPECT_THAT(result.out, HasSubstr("accepted 1, duplicate 0, rejected 2"));
  EXPECT_THAT(result.out, HasSubstr("at line 2"));
  EXPECT_THAT(result.out, HasSubstr("at line 3 lines[0].charge_cents"));
  EXPECT_EQ(Summary().cohorts(0).claim_count(), 1);

  // CSV: one row per service line; a bad date is reported at its line and column.
  const std::string csv = Write(
      "export.csv",
      "claim_id,payer_id,billing_npi,patient_id,diagnoses,procedure_code,line_charge,units,"
      "diagnosis_pointers,service_date\r\n"
      "K-1,PAYER01,1234567893,MBR-1,M50.121,64490,150.00,1,1,2026-03-10\r\n"
      "K-1,PAYER01,1234567893,MBR-1,M50.121,99213,80.00,1,1,2026-03-10\r\n"
      "K-2,PAYER01,1234567893,MBR-2,M54.2,98941,95.00,1,1,2026-02-31\r\n");
  CommandResult from_csv = Import({csv});
  EXPECT_EQ(from_csv.exit_code, 1);
  EXPECT_THAT(from_csv.out, HasSubstr("CSV"));
  EXPECT_THAT(from_csv.out, HasSubstr("2 claims (2 lines)"));  // K-2 read, then rejected
  EXPECT_THAT(from_csv.out, HasSubstr("accepted 1, duplicate 0, rejected 1"));
  EXPECT_THAT(from_csv.out, HasSubstr("at line 4 service_date"));
  EXPECT_EQ(Summary().cohorts(1).claim_count(), 1);
}

TEST_F(ImportTest, ProviderAdjustmentsAreStoredAtProviderLevelOnceAndChangeNoClaim) {
  ASSERT_EQ(Import({Write("batch.837", kClaims837)}).exit_code, 0);
  ASSERT_EQ(Import({Write("era.835", kRemits835)}).exit_code, 0);
  const v1::DenialSummary without_plb = Summary();
  // Hand-derived from the events (see the first test): one M54.2 claim initially denied for
  // $200, paid $120 on 04-20; one specific claim paid on 03-20.
  ASSERT_EQ(without_plb.cohorts(0).initial_denial_rate_dollars().numerator(), 20000);
  ASSERT_EQ(without_plb.cohorts(0).median_days_to_payment(), 49);

  // The ERA with its PLB: the events are the ones stored (duplicates), the pairs are new.
  const std::string with_plb = Write("era-plb.835", kRemitsWithPlb835);
  CommandResult first = Import({with_plb});
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_THAT(first.out, HasSubstr("3 remittance events, 3 provider adjustments"));
  EXPECT_THAT(first.out, HasSubstr("accepted 0, duplicate 3, rejected 0, unmatched 0"));
  EXPECT_THAT(first.out, HasSubstr("stored 3, duplicate 0, rejected 0"));

  pqxx::connection db(server_->database_url());
  auto stored = [&db] {
    pqxx::work tx(db);
    std::string rows;
    for (const pqxx::row& row : tx.exec(
             "SELECT trace_number, sequence, reason_code, reference, amount_cents, payer_id,"
             " provider_id, fiscal_period_date, payment_date FROM provider_adjustments"
             " ORDER BY sequence")) {
      for (const pqxx::field& field : row) absl::StrAppend(&rows, field.c_str(), " ");
      rows += "\n";
    }
    return rows;
  };
  const std::string expected =
      "TRACE-20260320 1 L6 INTEREST -500 PAYER01 1234567893 2026-12-31 2026-03-20 \n"
      "TRACE-20260320 2 FB FWD0301 1200 PAYER01 1234567893 2026-12-31 2026-03-20 \n"
      "TRACE-20260320 3 WO RECOUP-C-9 2000 PAYER01 1234567893 2026-12-31 2026-03-20 \n";
  EXPECT_EQ(stored(), expected);

  // Not spread over claims: what each claim was paid and every measure are unchanged.
  {
    pqxx::work tx(db);
    EXPECT_EQ(tx.exec("SELECT string_agg(claim_id || '=' || paid_cents::text, ','"
                      " ORDER BY claim_id, paid_cents) FROM remittance_events")[0][0]
                  .as<std::string>(),
              "C-100=0,C-100=12000,C-101=12000");
  }
  EXPECT_EQ(Summary().SerializeAsString(), without_plb.SerializeAsString());

  // Again through the CLI: the registry answers with the first import's summary.
  CommandResult again = Import({with_plb});
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_THAT(again.out, HasSubstr("already imported on "));
  EXPECT_THAT(again.out, HasSubstr("stored 3, duplicate 0, rejected 0"));
  EXPECT_EQ(stored(), expected);
  // Again with the bytes re-sent: every pair a duplicate, nothing stored twice.
  v1::ImportFileResponse resent = ImportWithoutHash(kRemitsWithPlb835);
  EXPECT_TRUE(resent.already_imported());
  EXPECT_EQ(resent.provider_adjustments_stored(), 0);
  EXPECT_EQ(resent.provider_adjustments_duplicate(), 3);
  EXPECT_EQ(stored(), expected);
  EXPECT_EQ(Summary().SerializeAsString(), without_plb.SerializeAsString());
}

TEST_F(ImportTest, ProviderAdjustmentForAnotherPayeeIsRejectedWithItsPosition) {
  // A remittance to another practice's NPI: its PLB is not this practice's money.
  const std::string remit = File835({absl::StrCat(
      "BPR*I*0*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*999988880*DA*98765*20260320~"
      "TRN*1*TRACE-X*1512345678~DTM*405*20260320~N1*PR*ACME HEALTH PLAN*XV*PAYER01~"
      "N1*PE*OTHER CLINIC*XX*1245319599~",
      "PLB*1245319599*20261231*L6:INTEREST*-5.00~")});
  CommandResult result = Import({Write("other.835", remit)});
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  EXPECT_THAT(result.out, HasSubstr("stored 0, duplicate 0, rejected 1"));
  EXPECT_THAT(result.out, HasSubstr("PLB payee_npi"));
  EXPECT_THAT(result.out, HasSubstr("1245319599"));
}

}  // namespace
}  // namespace denialscope::testing
