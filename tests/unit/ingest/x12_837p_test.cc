// 837P claims: every segment the analytics read, the hierarchy, replacement and void claims,
// the neck-pain diagnoses (M54.2, M50.121), ICD-9 rejection, and the errors that reject one
// claim or every claim under a billing provider.
#include "ingest/x12_837p.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "analytics/taxonomy.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/ingest/ingest_test_util.h"

namespace denialscope {
namespace {

using ::denialscope::testing::File837;
using ::denialscope::testing::FindProblem;
using ::denialscope::testing::ImportResult;
using ::denialscope::testing::ImportX12;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

// Submitter, receiver, billing provider and a subscriber who is also the patient.
// ST = 1 ... NM1*PR = 14, so a CLM right after it is segment 15.
constexpr char kProviderAndSubscriber[] =
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
    "NM1*IL*1*DOE*JOHN****MI*MEMBER-IL~"
    "NM1*PR*2*ACME HEALTH PLAN*****PI*PAYER01~";

// One claim, one line on 2026-03-02, with `hi` as its diagnoses.
std::string OneLineClaim(const std::string& id, const std::string& clm05, const std::string& hi) {
  return absl::StrCat("CLM*", id, "*100.00***", clm05, "*Y*A*Y*Y~", hi,
                      "~LX*1~SV1*HC:98941*100.00*UN*1***1~DTP*472*D8*20260302~");
}

TEST(X12ClaimTest, ReadsEverySegment) {
  const std::string file = File837({
      "BHT*0019*00*BATCH1*20260304*1200*CH~"
      "NM1*41*2*BILLING SVC*****46*SUBMITTER1~"
      "NM1*40*2*ACME HEALTH PLAN*****46*RECEIVER1~"
      "HL*1**20*1~"
      "PRV*BI*PXC*111N00000X~"
      "NM1*85*2*NECK CLINIC*****XX*1234567893~"
      "N3*1 MAIN ST~"
      "N4*TOWN*ST*12345~"
      "HL*2*1*22*1~"
      "SBR*P**GROUP******CI~"
      "NM1*IL*1*DOE*JOHN****MI*MEMBER-IL~"
      "N3*2 HOME ST~"
      "DMG*D8*19700101*M~"
      "NM1*PR*2*ACME HEALTH PLAN*****PI*PAYER01~"
      "HL*3*2*23*0~"
      "PAT*19~"
      "NM1*QC*1*DOE*JANE~"
      "DMG*D8*20000101*F~"
      "CLM*PCN-1*150.00***11:B:1*Y*A*Y*Y~"
      "DTP*431*D8*20260201~"
      "HI*ABK:M542*ABF:M50121~"
      "NM1*82*1*SMITH*ANNA****XX*1234567893~"
      "SBR*S*18*******MC~"
      "NM1*IL*1*DOE*JOHN****MI*OTHER-MEMBER~"
      "NM1*PR*2*OTHER PLAN*****PI*OTHERPAYER~"
      "LX*1~"
      "SV1*HC:98941:GA:AT*100.00*UN*1***1:2~"
      "DTP*472*D8*20260302~"
      "REF*6R*LINE-1~"
      "LX*2~"
      "SV1*HC:97140*50.00*MJ*2.5***1~"
      "DTP*472*RD8*20260301-20260303~"
      "REF*6R*LINE-2~"
      "NM1*82*1*JONES*BOB****XX*1245319599~"});
  const ImportResult result = ImportX12(file);
  ASSERT_EQ(result.error_count, 0) << result.ProblemText();
  EXPECT_EQ(result.warning_count, 0) << result.ProblemText();
  ASSERT_THAT(result.sink.claims, SizeIs(1));
  const ParsedClaim& parsed = result.sink.claims[0];
  const Claim& claim = parsed.claim;
  EXPECT_EQ(claim.claim_id, "PCN-1");
  EXPECT_EQ(claim.frequency, FrequencyCode::kOriginal);
  EXPECT_EQ(claim.billing_npi, "1234567893");
  EXPECT_EQ(claim.payer_id, "PAYER01");  // not the other payer of loop 2330B
  EXPECT_EQ(claim.payer_name, "ACME HEALTH PLAN");
  EXPECT_EQ(claim.rendering_npi, "1234567893");
  EXPECT_EQ(claim.place_of_service, "11");
  EXPECT_EQ(claim.submission_date, absl::CivilDay(2026, 3, 4));
  EXPECT_EQ(claim.total_charge_cents, 15000);
  EXPECT_THAT(claim.diagnoses, ElementsAre("M542", "M50121"));
  // The raw subscriber id (the 5010 patient loop has no id of its own); the server hashes it.
  EXPECT_EQ(claim.patient_key, "MEMBER-IL");
  EXPECT_EQ(parsed.subscriber_id, "MEMBER-IL");
  EXPECT_EQ(parsed.position.segment, 20);
  EXPECT_EQ(parsed.position.byte_offset, static_cast<int64_t>(file.find("CLM*PCN-1")));

  ASSERT_THAT(claim.lines, SizeIs(2));
  const ClaimLine& first = claim.lines[0];
  EXPECT_EQ(first.line_number, 1);
  EXPECT_EQ(first.line_control_number, "LINE-1");
  EXPECT_EQ(first.procedure_code, "98941");
  EXPECT_THAT(first.modifiers, ElementsAre("GA", "AT"));
  EXPECT_EQ(first.charge_cents, 10000);
  EXPECT_DOUBLE_EQ(first.units, 1);
  EXPECT_THAT(first.diagnosis_pointers, ElementsAre(1, 2));
  EXPECT_EQ(first.service_date, absl::CivilDay(2026, 3, 2));
  EXPECT_EQ(first.rendering_npi, "");
  const ClaimLine& second = claim.lines[1];
  EXPECT_EQ(second.line_number, 2);
  EXPECT_DOUBLE_EQ(second.units, 2.5);
  EXPECT_EQ(second.service_date, absl::CivilDay(2026, 3, 1));  // RD8: the from date
  EXPECT_EQ(second.rendering_npi, "1245319599");               // loop 2420A
  EXPECT_EQ(claim.ServiceDate(), absl::CivilDay(2026, 3, 1));

  // Names, addresses and birth dates are never copied.
  const std::string dump = testing::Dump(result);
  for (const char* personal : {"DOE", "JANE", "HOME ST", "19700101", "20000101", "SMITH"}) {
    EXPECT_THAT(dump, Not(HasSubstr(personal)));
  }
}

TEST(X12ClaimTest, NeckPainDiagnosesReachTheCohorts) {
  const ImportResult result = ImportX12(File837({absl::StrCat(
      kProviderAndSubscriber, OneLineClaim("NONSPECIFIC", "11:B:1", "HI*ABK:M54.2"),
      OneLineClaim("SPECIFIC", "11:B:1", "HI*ABK:M50121*ABF:M542"))}));
  ASSERT_EQ(result.error_count, 0) << result.ProblemText();
  ASSERT_THAT(result.sink.claims, SizeIs(2));
  EXPECT_THAT(result.sink.claims[0].claim.diagnoses, ElementsAre("M542"));
  EXPECT_THAT(result.sink.claims[1].claim.diagnoses, ElementsAre("M50121", "M542"));
  const absl::StatusOr<CohortTaxonomy> taxonomy = CohortTaxonomy::Builtin();
  ASSERT_TRUE(taxonomy.ok()) << taxonomy.status();
  EXPECT_EQ(taxonomy->ClassifyClaim(result.sink.claims[0].claim, CohortRule::kPrincipal).cohort,
            Cohort::kNonspecific);
  EXPECT_EQ(taxonomy->ClassifyClaim(result.sink.claims[1].claim, CohortRule::kPrincipal).cohort,
            Cohort::kSpecific);
}

TEST(X12ClaimTest, ReplacementAndVoidKeepTheOriginalReference) {
  const ImportResult result = ImportX12(File837({absl::StrCat(
      kProviderAndSubscriber, OneLineClaim("PCN-7", "11:B:7", "REF*F8*PAYERCTL-7~HI*ABK:M542"),
      OneLineClaim("PCN-8", "11:B:8", "REF*F8*PAYERCTL-8~HI*ABK:M542"))}));
  ASSERT_EQ(result.error_count, 0) << result.ProblemText();
  ASSERT_THAT(result.sink.claims, SizeIs(2));
  EXPECT_EQ(result.sink.claims[0].claim.frequency, FrequencyCode::kReplacement);
  EXPECT_EQ(result.sink.claims[0].original_reference, "PAYERCTL-7");
  EXPECT_EQ(result.sink.claims[1].claim.frequency, FrequencyCode::kVoid);
  EXPECT_EQ(result.sink.claims[1].original_reference, "PAYERCTL-8");
}

TEST(X12ClaimTest, Icd9IsRejectedClearly) {
  const std::string file = File837({absl::StrCat(
      kProviderAndSubscriber, OneLineClaim("ICD9", "11:B:1", "HI*BK:8901*BF:87200"),
      OneLineClaim("ICD10", "11:B:1", "HI*ABK:M542"))});
  const ImportResult result = ImportX12(file);
  ASSERT_THAT(result.sink.claims, SizeIs(1));
  EXPECT_EQ(result.sink.claims[0].claim.claim_id, "ICD10");
  ASSERT_THAT(result.sink.rejected, SizeIs(1));
  const RejectedRecord& rejected = result.sink.rejected[0];
  EXPECT_EQ(rejected.claim_id, "ICD9");
  EXPECT_EQ(rejected.problem.reason, kIcd9Rejection);
  EXPECT_EQ(rejected.problem.element, "HI01-1");
  EXPECT_EQ(rejected.problem.position.segment, 16);
  EXPECT_EQ(rejected.problem.position.byte_offset, static_cast<int64_t>(file.find("HI*BK")));
  EXPECT_EQ(result.error_count, 1) << result.ProblemText();  // one problem per claim, not per code
}

TEST(X12ClaimTest, PatientWithItsOwnIdIsThePatientKey) {
  const ImportResult result = ImportX12(File837({absl::StrCat(
      kProviderAndSubscriber, "HL*3*2*23*0~PAT*19~NM1*QC*1*DOE*JANE****MI*DEPENDENT-1~",
      OneLineClaim("DEP", "11:B:1", "HI*ABK:M542"))}));
  ASSERT_THAT(result.sink.claims, SizeIs(1)) << result.ProblemText();
  EXPECT_EQ(result.sink.claims[0].claim.patient_key, "DEPENDENT-1");
  EXPECT_EQ(result.sink.claims[0].subscriber_id, "MEMBER-IL");
}

TEST(X12ClaimTest, ClaimErrorsRejectOnlyTheirClaim) {
  struct Case {
    std::string claim;
    std::string element;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"CLM*A*12A.00***11:B:1*Y*A*Y*Y~HI*ABK:M542~LX*1~SV1*HC:98941*100.00*UN*1***1~"
       "DTP*472*D8*20260302~",
       "CLM02", "'12A.00' is not an amount"},
      {OneLineClaim("A", "11:B:6", "HI*ABK:M542"), "CLM05-3", "'6' is not 1 (original)"},
      {OneLineClaim("A", "11:B:1", "HI*ABK:M542*XYZ:M50121"), "HI02-1", "'XYZ' is unknown"},
      {OneLineClaim("A", "11:B:1", "HI*ABF:M542"), "HI01-1", "no principal diagnosis"},
      {OneLineClaim("A", "11:B:1", "HI*ABK:12345"), "HI01-2", ""},
      {"CLM*A*100***11:B:1*Y*A*Y*Y~HI*ABK:M542~LX*1~SV1*HC:98941*100.00*UN*1***1~"
       "DTP*472*D8*20260230~",
       "DTP03", "'20260230' is not a real date"},
      {"CLM*A*100***11:B:1*Y*A*Y*Y~HI*ABK:M542~LX*1~SV1*HC:98941*100.00*UN*1***1~"
       "DTP*472*XX*20260302~",
       "DTP02", "'XX' is unknown"},
      {"CLM*A*100***11:B:1*Y*A*Y*Y~HI*ABK:M542~LX*1~SV1*ZZ:98941*100.00*UN*1***1~"
       "DTP*472*D8*20260302~",
       "SV101-1", "'ZZ' is unknown"},
      {"CLM*A*100***11:B:1*Y*A*Y*Y~HI*ABK:M542~LX*1~SV1*HC:98941*1O0.00*UN*1***1~"
       "DTP*472*D8*20260302~",
       "SV102", "'1O0.00' is not an amount"},
      {"CLM*A*100***11:B:1*Y*A*Y*Y~HI*ABK:M542~LX*1~SV1*HC:98941*100.00*UN*1***1:13~"
       "DTP*472*D8*20260302~",
       "SV107-2", "'13' is not a number from 1 to 12"},
      {"CLM*A*100***11:B:1*Y*A*Y*Y~HI*ABK:M542~LX*1~SV1*HC:98941*100.00*UN*1***1~",
       "DTP03", "no service date"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.claim);
    const ImportResult result = ImportX12(File837(
        {absl::StrCat(kProviderAndSubscriber, c.claim, OneLineClaim("OK", "11:B:1", "HI*ABK:M542"))}));
    ASSERT_THAT(result.sink.claims, SizeIs(1)) << result.ProblemText();
    EXPECT_EQ(result.sink.claims[0].claim.claim_id, "OK");
    ASSERT_THAT(result.sink.rejected, SizeIs(1));
    EXPECT_EQ(result.sink.rejected[0].claim_id, "A");
    const Problem* problem = FindProblem(result, c.element);
    ASSERT_NE(problem, nullptr) << result.ProblemText();
    EXPECT_THAT(problem->reason, HasSubstr(c.reason));
    EXPECT_EQ(problem->claim_id, "A");
    EXPECT_EQ(problem->severity, Severity::kError);
    EXPECT_GE(problem->position.segment, 15);
  }
}

TEST(X12ClaimTest, BillingProviderWithoutNpiRejectsItsClaims) {
  const ImportResult result = ImportX12(File837(
      {"BHT*0019*00*B*20260304*1200*CH~HL*1**20*1~NM1*85*2*CLINIC*****FI*123456789~"
       "HL*2*1*22*0~NM1*IL*1*A*B****MI*M1~NM1*PR*2*P*****PI*P1~" +
       OneLineClaim("A", "11:B:1", "HI*ABK:M542") + OneLineClaim("B", "11:B:1", "HI*ABK:M542") +
       "HL*3**20*1~NM1*85*2*OTHER*****XX*1245319599~HL*4*3*22*0~NM1*IL*1*A*B****MI*M2~"
       "NM1*PR*2*P*****PI*P1~" +
       OneLineClaim("C", "11:B:1", "HI*ABK:M542")}));
  ASSERT_THAT(result.sink.claims, SizeIs(1)) << result.ProblemText();
  EXPECT_EQ(result.sink.claims[0].claim.billing_npi, "1245319599");
  ASSERT_THAT(result.sink.rejected, SizeIs(2));
  EXPECT_EQ(result.sink.rejected[1].claim_id, "B");
  EXPECT_EQ(result.sink.rejected[1].problem.element, "NM108");
  EXPECT_EQ(result.error_count, 1);
}

TEST(X12ClaimTest, ImpossibleSubmissionDateRejectsTheSet) {
  const ImportResult result = ImportX12(File837({absl::StrCat(
      "BHT*0019*00*B*20261301*1200*CH~HL*1**20*1~NM1*85*2*C*****XX*1234567893~HL*2*1*22*0~"
      "NM1*IL*1*A*B****MI*M1~NM1*PR*2*P*****PI*P1~",
      OneLineClaim("A", "11:B:1", "HI*ABK:M542"))}));
  EXPECT_THAT(result.sink.claims, IsEmpty());
  ASSERT_NE(FindProblem(result, "BHT04"), nullptr);
  EXPECT_EQ(result.counts.claims_rejected, 1);
}

TEST(X12ClaimTest, InstitutionalClaimsAreRefused) {
  const std::string set = testing::TransactionSet(
      "837", "0001",
      absl::StrCat(kProviderAndSubscriber, OneLineClaim("A", "11:B:1", "HI*ABK:M542")),
      "005010X223A2");
  const ImportResult result =
      ImportX12(testing::Interchange({set}, "HC", "005010X223A2"));
  EXPECT_THAT(result.sink.claims, IsEmpty());
  ASSERT_THAT(result.sink.rejected, SizeIs(1));
  EXPECT_THAT(result.sink.rejected[0].problem.reason, HasSubstr("only 837P"));
}

TEST(X12ClaimTest, ClaimsInARemittanceImportAreRejected) {
  X12ImportOptions options;
  options.expect = X12Expect::kRemittances;
  const ImportResult result = ImportX12(
      File837({absl::StrCat(kProviderAndSubscriber, OneLineClaim("A", "11:B:1", "HI*ABK:M542"))}),
      0, options);
  EXPECT_THAT(result.sink.claims, IsEmpty());
  ASSERT_THAT(result.sink.rejected, SizeIs(1));
  EXPECT_EQ(result.sink.rejected[0].problem.element, "ST01");
}

}  // namespace
}  // namespace denialscope
