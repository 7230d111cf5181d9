// 835 remittances: every segment the analytics read, the worked examples of DESIGN.md
// (denial with CO-50/N115, patient-responsibility-only, reversal and correction), provider
// adjustments, and the errors that reject one event or a whole transaction set.
#include "ingest/x12_835.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/ingest/ingest_test_util.h"

namespace denialscope {
namespace {

using ::denialscope::testing::File835;
using ::denialscope::testing::FindProblem;
using ::denialscope::testing::ImportResult;
using ::denialscope::testing::ImportX12;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

// Header of a payment to the test practice; ST = 1, so the first CLP after it is segment 8.
constexpr char kHeader[] =
    "BPR*I*165.00*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*999988880*DA*98765*20260320~"
    "TRN*1*TRACE12345*1512345678~"
    "DTM*405*20260318~"
    "N1*PR*ACME HEALTH PLAN*XV*PAYER01~"
    "N1*PE*NECK CLINIC*XX*1234567893~"
    "LX*1~";

bool SameAdjustment(const Adjustment& a, GroupCode group, const std::string& carc, Cents cents) {
  return a.group == group && a.carc == carc && a.amount_cents == cents;
}

TEST(X12RemittanceTest, ReadsEverySegment) {
  const std::string file = File835({
      "BPR*I*165.00*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*999988880*DA*98765*"
      "20260320~"
      "TRN*1*TRACE12345*1512345678~"
      "DTM*405*20260318~"
      "N1*PR*ACME HEALTH PLAN*XV*PAYER01~"
      "N3*1 PAYER WAY~"
      "N4*TOWN*ST*12345~"
      "REF*2U*REF2U~"
      "N1*PE*NECK CLINIC*XX*1234567893~"
      "LX*1~"
      "CLP*PCN-1*1*200.00*150.00*10.00*12*PAYERCTL1*11*1~"
      "CAS*OA*23*5.00~"
      "NM1*QC*1*DOE*JANE****MI*MEMBER-QC~"
      "NM1*IL*1*DOE*JOHN****MI*MEMBER-IL~"
      "MOA***MA01*N1~"
      "MIA*0***138.40*MA02~"
      "DTM*050*20260305~"
      "DTM*232*20260301~"
      "DTM*233*20260302~"
      "SVC*HC:98941:GA:AT*120.00*90.00**2*HC:98940~"
      "DTM*472*20260301~"
      "CAS*CO*45*20.00*1*253*1.00**A2*2.00**59*3.00**94*1.00**B10*3.00~"
      "REF*6R*LINE-1~"
      "AMT*B6*100.00~"
      "LQ*HE*N115~"
      "SVC*HC:97140*80.00*60.00~"
      "DTM*150*20260302~"
      "DTM*151*20260303~"
      "CAS*PR*2*10.00~"
      "CAS*PI*104*10.00~"
      "REF*6R*LINE-2~"
      "PLB*1234567893*20261231*L6:INTEREST*-5.00*WO:RECOUP1*20.00~"});
  const ImportResult result = ImportX12(file);
  ASSERT_EQ(result.error_count, 0) << result.ProblemText();
  EXPECT_EQ(result.warning_count, 0) << result.ProblemText();
  ASSERT_THAT(result.sink.remittances, SizeIs(1));
  const ParsedRemittance& remittance = result.sink.remittances[0];
  const RemittanceEvent& event = remittance.event;
  EXPECT_EQ(event.claim_id, "PCN-1");
  EXPECT_EQ(event.payer_id, "PAYER01");  // N104 wins over REF*2U and TRN03
  EXPECT_EQ(event.payer_name, "ACME HEALTH PLAN");
  EXPECT_EQ(event.status_code, 1);
  EXPECT_EQ(event.charge_cents, 20000);
  EXPECT_EQ(event.paid_cents, 15000);
  EXPECT_EQ(event.patient_responsibility_cents, 1000);
  EXPECT_EQ(event.payer_claim_control_number, "PAYERCTL1");
  EXPECT_EQ(event.received_date, absl::CivilDay(2026, 3, 5));
  EXPECT_EQ(event.production_date, absl::CivilDay(2026, 3, 18));
  EXPECT_EQ(event.payment_date, absl::CivilDay(2026, 3, 20));
  EXPECT_EQ(event.trace_number, "TRACE12345");
  ASSERT_THAT(event.adjustments, SizeIs(1));
  EXPECT_TRUE(SameAdjustment(event.adjustments[0], GroupCode::kOA, "23", 500));
  EXPECT_THAT(event.remark_codes, ElementsAre("MA01", "N1", "MA02"));
  EXPECT_EQ(remittance.payee_npi, "1234567893");
  EXPECT_EQ(remittance.patient_id, "MEMBER-QC");
  EXPECT_EQ(remittance.subscriber_id, "MEMBER-IL");
  EXPECT_EQ(remittance.statement_from, absl::CivilDay(2026, 3, 1));
  EXPECT_EQ(remittance.statement_to, absl::CivilDay(2026, 3, 2));
  EXPECT_EQ(remittance.position.segment, 11);
  EXPECT_EQ(remittance.position.byte_offset, static_cast<int64_t>(file.find("CLP*PCN-1")));

  ASSERT_THAT(event.lines, SizeIs(2));
  ASSERT_THAT(remittance.line_extras, SizeIs(2));
  const RemittanceLine& first = event.lines[0];
  EXPECT_EQ(first.line_control_number, "LINE-1");
  EXPECT_EQ(first.procedure_code, "98941");
  EXPECT_THAT(first.modifiers, ElementsAre("GA", "AT"));
  EXPECT_EQ(first.charge_cents, 12000);
  EXPECT_EQ(first.paid_cents, 9000);
  EXPECT_DOUBLE_EQ(first.units, 2);
  EXPECT_EQ(first.service_date, absl::CivilDay(2026, 3, 1));
  ASSERT_THAT(first.adjustments, SizeIs(6));  // six triplets in one CAS
  EXPECT_TRUE(SameAdjustment(first.adjustments[0], GroupCode::kCO, "45", 2000));
  EXPECT_DOUBLE_EQ(first.adjustments[0].quantity, 1);
  EXPECT_TRUE(SameAdjustment(first.adjustments[5], GroupCode::kCO, "B10", 300));
  EXPECT_THAT(first.remark_codes, ElementsAre("N115"));
  EXPECT_EQ(remittance.line_extras[0].original_procedure_code, "98940");
  EXPECT_EQ(remittance.line_extras[0].allowed_cents, 10000);

  const RemittanceLine& second = event.lines[1];
  EXPECT_EQ(second.procedure_code, "97140");
  EXPECT_DOUBLE_EQ(second.units, 1);  // SVC05 absent: one unit
  EXPECT_EQ(second.service_date, absl::CivilDay(2026, 3, 2));  // DTM*150 without a 472
  ASSERT_THAT(second.adjustments, SizeIs(2));
  EXPECT_TRUE(SameAdjustment(second.adjustments[0], GroupCode::kPR, "2", 1000));
  EXPECT_TRUE(SameAdjustment(second.adjustments[1], GroupCode::kPI, "104", 1000));
  EXPECT_EQ(second.line_control_number, "LINE-2");
  EXPECT_FALSE(remittance.line_extras[1].allowed_cents.has_value());

  ASSERT_THAT(result.sink.adjustments, SizeIs(2));
  const ProviderLevelAdjustment& interest = result.sink.adjustments[0].adjustment;
  EXPECT_EQ(interest.provider_id, "1234567893");
  EXPECT_EQ(interest.fiscal_period_date, absl::CivilDay(2026, 12, 31));
  EXPECT_EQ(interest.reason_code, "L6");
  EXPECT_EQ(interest.reference, "INTEREST");
  EXPECT_EQ(interest.amount_cents, -500);
  EXPECT_EQ(interest.payer_id, "PAYER01");
  EXPECT_EQ(result.sink.adjustments[0].payee_npi, "1234567893");
  EXPECT_EQ(interest.trace_number, "TRACE12345");
  EXPECT_EQ(interest.payment_date, absl::CivilDay(2026, 3, 20));
  EXPECT_EQ(interest.sequence, 1);
  const ProviderLevelAdjustment& recoupment = result.sink.adjustments[1].adjustment;
  EXPECT_EQ(recoupment.reason_code, "WO");
  EXPECT_EQ(recoupment.amount_cents, 2000);
  EXPECT_EQ(recoupment.sequence, 2);
  EXPECT_EQ(result.counts.remittances, 1);
  EXPECT_EQ(result.counts.provider_adjustments, 2);

  // Patient names never reach a record.
  EXPECT_THAT(testing::Dump(result), ::testing::Not(HasSubstr("DOE")));
}

TEST(X12RemittanceTest, PayerIdFallsBackToRef2uThenTrn03) {
  const ImportResult with_ref = ImportX12(File835(
      {"BPR*I*0*C*NON************20260320~TRN*1*T1*1999999999~N1*PR*PLAN~REF*2U*REF2U~"
       "N1*PE*CLINIC*XX*1234567893~CLP*A*1*10*10*0*12*X~"}));
  ASSERT_THAT(with_ref.sink.remittances, SizeIs(1)) << with_ref.ProblemText();
  EXPECT_EQ(with_ref.sink.remittances[0].event.payer_id, "REF2U");
  const ImportResult with_trn = ImportX12(File835(
      {"BPR*I*0*C*NON************20260320~TRN*1*T1*1999999999~N1*PR*PLAN~"
       "N1*PE*CLINIC*XX*1234567893~CLP*A*1*10*10*0*12*X~"}));
  ASSERT_THAT(with_trn.sink.remittances, SizeIs(1)) << with_trn.ProblemText();
  EXPECT_EQ(with_trn.sink.remittances[0].event.payer_id, "1999999999");
}

TEST(X12RemittanceTest, DeniedClaimWithLineCo50AndN115) {
  const ImportResult result = ImportX12(File835({absl::StrCat(
      kHeader,
      "CLP*PCN-D*1*200.00*0*0*12*CTL-D~"
      "SVC*HC:98941*100.00*0**1~DTM*472*20260301~CAS*CO*50*100.00~REF*6R*L1~LQ*HE*N115~"
      "SVC*HC:98941*100.00*0**1~DTM*472*20260301~CAS*CO*50*100.00~REF*6R*L2~LQ*HE*N115~")}));
  ASSERT_EQ(result.error_count, 0) << result.ProblemText();
  ASSERT_THAT(result.sink.remittances, SizeIs(1));
  const RemittanceEvent& event = result.sink.remittances[0].event;
  EXPECT_EQ(event.paid_cents, 0);
  EXPECT_THAT(event.adjustments, IsEmpty());
  ASSERT_THAT(event.lines, SizeIs(2));
  for (const RemittanceLine& line : event.lines) {
    EXPECT_EQ(line.paid_cents, 0);
    ASSERT_THAT(line.adjustments, SizeIs(1));
    EXPECT_TRUE(SameAdjustment(line.adjustments[0], GroupCode::kCO, "50", 10000));
    EXPECT_THAT(line.remark_codes, ElementsAre("N115"));
  }
}

TEST(X12RemittanceTest, PatientResponsibilityOnlyZeroPay) {
  const ImportResult result = ImportX12(File835({absl::StrCat(
      kHeader,
      "CLP*PCN-P*1*150.00*0*105.00*12*CTL-P~CAS*CO*45*45.00~CAS*PR*1*105.00~"
      "SVC*HC:99213*150.00*0~DTM*472*20260301~")}));
  ASSERT_EQ(result.error_count, 0) << result.ProblemText();
  ASSERT_THAT(result.sink.remittances, SizeIs(1));
  const RemittanceEvent& event = result.sink.remittances[0].event;
  EXPECT_EQ(event.paid_cents, 0);
  EXPECT_EQ(event.patient_responsibility_cents, 10500);
  ASSERT_THAT(event.adjustments, SizeIs(2));
  EXPECT_TRUE(SameAdjustment(event.adjustments[0], GroupCode::kCO, "45", 4500));
  EXPECT_TRUE(SameAdjustment(event.adjustments[1], GroupCode::kPR, "1", 10500));
}

TEST(X12RemittanceTest, ReversalAndCorrectionInOneFile) {
  const std::string payment =
      "BPR*I*70.00*C*ACH*CCP*01*1*DA*1*1512345678**01*2*DA*2*20260203~TRN*1*T-1*1512345678~"
      "DTM*405*20260201~N1*PR*ACME*XV*PAYER01~N1*PE*CLINIC*XX*1234567893~LX*1~"
      "CLP*PCN-3*1*100.00*70.00*0*12*CTL-A~CAS*CO*45*30.00~"
      "SVC*HC:98941*100.00*70.00~DTM*472*20260120~CAS*CO*45*30.00~";
  const std::string reversal_and_correction =
      "BPR*I*-5.00*C*ACH*CCP*01*1*DA*1*1512345678**01*2*DA*2*20260220~TRN*1*T-2*1512345678~"
      "DTM*405*20260218~N1*PR*ACME*XV*PAYER01~N1*PE*CLINIC*XX*1234567893~LX*1~"
      "CLP*PCN-3*22*-100.00*-70.00*0*12*CTL-A~CAS*CO*45*-30.00~"
      "SVC*HC:98941*-100.00*-70.00**-1~DTM*472*20260120~CAS*CO*45*-30.00~"
      "CLP*PCN-3*1*100.00*65.00*0*12*CTL-B~CAS*CO*45*35.00~"
      "SVC*HC:98941*100.00*65.00~DTM*472*20260120~CAS*CO*45*35.00~";
  const ImportResult result = ImportX12(File835({payment, reversal_and_correction}));
  ASSERT_EQ(result.error_count, 0) << result.ProblemText();
  ASSERT_THAT(result.sink.remittances, SizeIs(3));
  const RemittanceEvent& paid = result.sink.remittances[0].event;
  const RemittanceEvent& reversal = result.sink.remittances[1].event;
  const RemittanceEvent& correction = result.sink.remittances[2].event;
  EXPECT_EQ(paid.paid_cents, 7000);
  EXPECT_EQ(paid.payment_date, absl::CivilDay(2026, 2, 3));
  EXPECT_EQ(reversal.status_code, kClaimStatusReversal);
  EXPECT_EQ(reversal.charge_cents, -10000);
  EXPECT_EQ(reversal.paid_cents, -7000);
  EXPECT_EQ(reversal.adjustments[0].amount_cents, -3000);
  EXPECT_EQ(reversal.lines[0].paid_cents, -7000);
  EXPECT_DOUBLE_EQ(reversal.lines[0].units, -1);
  EXPECT_EQ(reversal.payment_date, absl::CivilDay(2026, 2, 20));
  EXPECT_EQ(correction.status_code, 1);
  EXPECT_EQ(correction.paid_cents, 6500);
  EXPECT_EQ(correction.payer_claim_control_number, "CTL-B");
}

TEST(X12RemittanceTest, LegacyCrGroupIsAccepted) {
  const ImportResult result =
      ImportX12(File835({absl::StrCat(kHeader, "CLP*A*1*10*0*0*12*X~CAS*CR*18*10.00~")}));
  ASSERT_EQ(result.error_count, 0) << result.ProblemText();
  EXPECT_EQ(result.sink.remittances[0].event.adjustments[0].group, GroupCode::kCR);
}

TEST(X12RemittanceTest, NonNumericAmountRejectsTheEventWithItsPosition) {
  const std::string file = File835({absl::StrCat(
      kHeader, "CLP*BAD*1*100.00*12A.00*0*12*X~SVC*HC:99213*100.00*0~CLP*GOOD*1*10*10*0*12*Y~")});
  const ImportResult result = ImportX12(file);
  ASSERT_THAT(result.sink.remittances, SizeIs(1));
  EXPECT_EQ(result.sink.remittances[0].event.claim_id, "GOOD");
  ASSERT_THAT(result.sink.rejected, SizeIs(1));
  EXPECT_EQ(result.sink.rejected[0].claim_id, "BAD");
  EXPECT_EQ(result.sink.rejected[0].kind, RecordKind::kRemittance);
  const Problem* problem = FindProblem(result, "CLP04");
  ASSERT_NE(problem, nullptr) << result.ProblemText();
  EXPECT_EQ(problem->severity, Severity::kError);
  EXPECT_EQ(problem->segment_id, "CLP");
  EXPECT_EQ(problem->claim_id, "BAD");
  EXPECT_EQ(problem->position.interchange, 1);
  EXPECT_EQ(problem->position.transaction_set, 1);
  EXPECT_EQ(problem->position.segment, 8);
  EXPECT_EQ(problem->position.byte_offset, static_cast<int64_t>(file.find("CLP*BAD")));
  EXPECT_THAT(problem->reason, HasSubstr("'12A.00' is not an amount"));
  EXPECT_EQ(result.counts.remittances_rejected, 1);
}

TEST(X12RemittanceTest, ImpossibleDateRejectsTheEvent) {
  const ImportResult result = ImportX12(
      File835({absl::StrCat(kHeader, "CLP*A*1*10*10*0*12*X~DTM*050*20260230~")}));
  EXPECT_THAT(result.sink.remittances, IsEmpty());
  const Problem* problem = FindProblem(result, "DTM02");
  ASSERT_NE(problem, nullptr) << result.ProblemText();
  EXPECT_THAT(problem->reason, HasSubstr("'20260230' is not a real date"));
  EXPECT_EQ(problem->position.segment, 9);
}

TEST(X12RemittanceTest, HeaderErrorRejectsEveryEventOfTheSet) {
  const ImportResult result = ImportX12(File835(
      {"BPR*I*10.00*C*ACH*CCP*01*1*DA*1*1512345678**01*2*DA*2*20261332~TRN*1*T*1~"
       "N1*PR*ACME*XV*P~N1*PE*C*XX*1234567893~CLP*A*1*10*10*0*12*X~CLP*B*1*10*10*0*12*Y~",
       absl::StrCat(kHeader, "CLP*C*1*10*10*0*12*Z~")}));
  ASSERT_THAT(result.sink.remittances, SizeIs(1));
  EXPECT_EQ(result.sink.remittances[0].event.claim_id, "C");
  ASSERT_THAT(result.sink.rejected, SizeIs(2));
  EXPECT_EQ(result.sink.rejected[1].claim_id, "B");
  EXPECT_EQ(result.sink.rejected[1].problem.element, "BPR16");
  EXPECT_EQ(result.error_count, 1) << result.ProblemText();
}

TEST(X12RemittanceTest, UnknownGroupCodeIsAnError) {
  const ImportResult result =
      ImportX12(File835({absl::StrCat(kHeader, "CLP*A*1*10*0*0*12*X~CAS*ZZ*45*10.00~")}));
  EXPECT_THAT(result.sink.remittances, IsEmpty());
  const Problem* problem = FindProblem(result, "CAS01");
  ASSERT_NE(problem, nullptr);
  EXPECT_THAT(problem->reason, HasSubstr("group code 'ZZ' is unknown"));
}

TEST(X12RemittanceTest, CasAmountWithoutReasonAndMissingClpAmountsAreErrors) {
  const ImportResult result = ImportX12(File835(
      {absl::StrCat(kHeader, "CLP*A*1*10*0*0*12*X~CAS*CO**10.00~CLP*090909*22~")}));
  EXPECT_THAT(result.sink.remittances, IsEmpty());
  EXPECT_NE(FindProblem(result, "CAS02"), nullptr) << result.ProblemText();
  EXPECT_NE(FindProblem(result, "CLP03"), nullptr) << result.ProblemText();
  EXPECT_EQ(result.counts.remittances_rejected, 2);
}

TEST(X12RemittanceTest, BadPlbPairIsRejectedAlone) {
  const ImportResult result = ImportX12(File835(
      {absl::StrCat(kHeader, "CLP*A*1*10*10*0*12*X~PLB*1234567893*20261231*L6*1.00*WO*X~")}));
  ASSERT_THAT(result.sink.adjustments, SizeIs(1));
  EXPECT_EQ(result.sink.adjustments[0].adjustment.reason_code, "L6");
  EXPECT_EQ(result.sink.adjustments[0].adjustment.sequence, 1);  // the bad pair is 2
  ASSERT_THAT(result.sink.rejected, SizeIs(1));
  EXPECT_EQ(result.sink.rejected[0].kind, RecordKind::kProviderAdjustment);
  EXPECT_EQ(result.sink.rejected[0].problem.element, "PLB06");
  EXPECT_EQ(result.counts.provider_adjustments_rejected, 1);
}

TEST(X12RemittanceTest, PayeeWithoutNpiIsAWarning) {
  const ImportResult result = ImportX12(File835(
      {"BPR*I*0*C*NON************20260320~TRN*1*T*1~N1*PR*P*XV*P1~N1*PE*C*FI*123456789~"
       "CLP*A*1*10*10*0*12*X~"}));
  ASSERT_THAT(result.sink.remittances, SizeIs(1));
  EXPECT_EQ(result.sink.remittances[0].payee_npi, "");
  EXPECT_EQ(result.error_count, 0);
  ASSERT_NE(FindProblem(result, "N103"), nullptr);
  EXPECT_EQ(FindProblem(result, "N103")->severity, Severity::kWarning);
}

}  // namespace
}  // namespace denialscope
