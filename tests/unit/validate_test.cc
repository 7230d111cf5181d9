// Record validation: a valid claim and event pass, and each problem names its field path.
#include "ingest/validate.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/test_records.h"

namespace denialscope {
namespace {

using ::denialscope::testing::Adj;
using ::denialscope::testing::kTestNpi;
using ::denialscope::testing::MakeClaim;
using ::denialscope::testing::MakeEvent;
using ::denialscope::testing::RemitLine;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> Fields(const std::vector<FieldError>& errors) {
  std::vector<std::string> fields;
  for (const FieldError& error : errors) {
    EXPECT_FALSE(error.reason.empty()) << error.field;
    fields.push_back(error.field);
  }
  return fields;
}

Claim ValidClaim() {
  Claim claim = MakeClaim("PCN-1", {"M542", "M50121"}, {10000, 5000}, absl::CivilDay(2026, 3, 2));
  claim.lines[1].diagnosis_pointers = {1, 2};
  claim.rendering_npi = kTestNpi;
  claim.submission_date = absl::CivilDay(2026, 3, 4);
  return claim;
}

std::vector<std::string> ClaimFields(const Claim& claim) {
  return Fields(ValidateClaim(claim, kTestNpi));
}

TEST(ValidateClaimTest, ValidClaimPasses) {
  EXPECT_THAT(ValidateClaim(ValidClaim(), kTestNpi), IsEmpty());
  Claim no_total = ValidClaim();
  no_total.total_charge_cents = 0;  // 0 means "the sum of the lines"
  no_total.billing_npi.clear();     // optional
  EXPECT_THAT(ValidateClaim(no_total, kTestNpi), IsEmpty());
}

TEST(ValidateClaimTest, EachProblemNamesItsField) {
  Claim c = ValidClaim();
  c.claim_id.clear();
  EXPECT_THAT(ClaimFields(c), ElementsAre("claim_id"));
  c = ValidClaim();
  c.claim_id = std::string(39, 'X');
  EXPECT_THAT(ClaimFields(c), ElementsAre("claim_id"));
  c = ValidClaim();
  c.payer_id.clear();
  EXPECT_THAT(ClaimFields(c), ElementsAre("payer_id"));
  c = ValidClaim();
  c.frequency = static_cast<FrequencyCode>(3);
  EXPECT_THAT(ClaimFields(c), ElementsAre("frequency_code"));
  c = ValidClaim();
  c.billing_npi = "1245319599";
  EXPECT_THAT(ClaimFields(c), ElementsAre("billing_npi"));
  c = ValidClaim();
  c.rendering_npi = "1234567890";
  EXPECT_THAT(ClaimFields(c), ElementsAre("rendering_npi"));
  c = ValidClaim();
  c.lines[1].rendering_npi = "123";
  EXPECT_THAT(ClaimFields(c), ElementsAre("lines[1].rendering_npi"));
}

TEST(ValidateClaimTest, Diagnoses) {
  Claim c = ValidClaim();
  c.diagnoses.clear();
  c.lines[0].diagnosis_pointers.clear();
  c.lines[1].diagnosis_pointers.clear();
  EXPECT_THAT(ClaimFields(c), ElementsAre("diagnoses"));
  c = ValidClaim();
  c.diagnoses.assign(13, "M542");
  EXPECT_THAT(ClaimFields(c), ElementsAre("diagnoses"));
  c = ValidClaim();
  c.diagnoses[1] = "M5";
  EXPECT_THAT(ClaimFields(c), ElementsAre("diagnoses[1]"));
  c = ValidClaim();
  c.diagnoses[0] = "M54.2";  // syntactically fine but not normalized by the importer
  const std::vector<FieldError> errors = ValidateClaim(c, kTestNpi);
  ASSERT_THAT(Fields(errors), ElementsAre("diagnoses[0]"));
  EXPECT_THAT(errors[0].reason, ::testing::HasSubstr("M542"));
}

TEST(ValidateClaimTest, Lines) {
  Claim c = ValidClaim();
  c.lines.clear();
  c.total_charge_cents = 0;
  EXPECT_THAT(ClaimFields(c), ElementsAre("lines"));

  c = ValidClaim();
  c.lines.resize(51, c.lines[0]);
  for (size_t i = 0; i < c.lines.size(); ++i) c.lines[i].line_number = static_cast<int>(i) + 1;
  c.total_charge_cents = 0;
  EXPECT_THAT(ClaimFields(c), ElementsAre("lines"));

  c = ValidClaim();
  c.lines[1].line_number = 1;
  EXPECT_THAT(ClaimFields(c), ElementsAre("lines[1].line_number"));
  c.lines[1].line_number = 0;
  EXPECT_THAT(ClaimFields(c), ElementsAre("lines[1].line_number"));

  c = ValidClaim();
  c.lines[0].procedure_code.clear();
  EXPECT_THAT(ClaimFields(c), ElementsAre("lines[0].procedure_code"));

  c = ValidClaim();
  c.lines[0].charge_cents = -1;
  c.total_charge_cents = 0;
  EXPECT_THAT(ClaimFields(c), ElementsAre("lines[0].charge_cents"));

  c = ValidClaim();
  c.lines[1].units = -0.5;
  EXPECT_THAT(ClaimFields(c), ElementsAre("lines[1].units"));

  c = ValidClaim();
  c.lines[0].modifiers = {"GP", "59", "XS", "KX", "25"};
  EXPECT_THAT(ClaimFields(c), ElementsAre("lines[0].modifiers"));
  c.lines[0].modifiers = {"GP", "G"};
  EXPECT_THAT(ClaimFields(c), ElementsAre("lines[0].modifiers[1]"));

  c = ValidClaim();
  c.lines[1].diagnosis_pointers = {1, 3};
  EXPECT_THAT(ClaimFields(c), ElementsAre("lines[1].diagnosis_pointers[1]"));
  c.lines[1].diagnosis_pointers = {0};
  EXPECT_THAT(ClaimFields(c), ElementsAre("lines[1].diagnosis_pointers[0]"));
  c.lines[1].diagnosis_pointers = {1, 2, 1, 2, 1};
  EXPECT_THAT(ClaimFields(c), ElementsAre("lines[1].diagnosis_pointers"));

  c = ValidClaim();
  c.lines[1].service_date = absl::CivilDay(2026, 3, 5);  // after the 03-04 submission
  EXPECT_THAT(ClaimFields(c), ElementsAre("lines[1].service_date"));
}

TEST(ValidateClaimTest, TotalChargeMustAddUp) {
  Claim c = ValidClaim();
  c.total_charge_cents = 14999;  // lines: 10000 + 5000
  EXPECT_THAT(ClaimFields(c), ElementsAre("total_charge_cents"));
}

TEST(ValidateClaimTest, ErrorsAreAllReportedTogether) {
  Claim c = ValidClaim();
  c.claim_id.clear();
  c.payer_id.clear();
  c.lines[0].procedure_code.clear();
  EXPECT_THAT(ClaimFields(c), ElementsAre("claim_id", "payer_id", "lines[0].procedure_code"));
}

RemittanceEvent ValidEvent() {
  RemittanceEvent event = MakeEvent("PCN-1", 1, 15000, 6000, absl::CivilDay(2026, 3, 20),
                                    {Adj(GroupCode::kPR, "2", 1000)});
  event.lines = {RemitLine("L1", 10000, 6000, {Adj(GroupCode::kCO, "45", 4000)}),
                 RemitLine("L2", 5000, 0, {Adj(GroupCode::kCO, "97", 5000)})};
  return event;
}

TEST(ValidateRemittanceTest, ValidEventPasses) {
  EXPECT_THAT(ValidateRemittance(ValidEvent()), IsEmpty());
  RemittanceEvent payment_date_only = ValidEvent();
  payment_date_only.production_date.reset();
  EXPECT_THAT(ValidateRemittance(payment_date_only), IsEmpty());
  // A reversal negates every amount, charges included.
  RemittanceEvent reversal = ValidEvent();
  reversal.status_code = kClaimStatusReversal;
  reversal.charge_cents = -15000;
  reversal.paid_cents = -6000;
  reversal.lines[0].charge_cents = -10000;
  EXPECT_THAT(ValidateRemittance(reversal), IsEmpty());
}

TEST(ValidateRemittanceTest, EachProblemNamesItsField) {
  auto fields = [](const RemittanceEvent& e) { return Fields(ValidateRemittance(e)); };
  RemittanceEvent e = ValidEvent();
  e.claim_id.clear();
  EXPECT_THAT(fields(e), ElementsAre("claim_id"));
  e = ValidEvent();
  e.payer_id.clear();
  EXPECT_THAT(fields(e), ElementsAre("payer_id"));
  e = ValidEvent();
  e.status_code = 0;
  EXPECT_THAT(fields(e), ElementsAre("status_code"));
  e = ValidEvent();
  e.production_date.reset();
  e.payment_date.reset();
  EXPECT_THAT(fields(e), ElementsAre("production_date"));
  e = ValidEvent();
  e.charge_cents = -1;
  EXPECT_THAT(fields(e), ElementsAre("charge_cents"));
  e = ValidEvent();
  e.adjustments[0].carc.clear();
  EXPECT_THAT(fields(e), ElementsAre("adjustments[0].reason_code"));
  e = ValidEvent();
  e.lines[1].adjustments[0].carc.clear();
  EXPECT_THAT(fields(e), ElementsAre("lines[1].adjustments[0].reason_code"));
  e = ValidEvent();
  e.lines[0].procedure_code.clear();
  EXPECT_THAT(fields(e), ElementsAre("lines[0].procedure_code"));
  e = ValidEvent();
  e.lines[1].charge_cents = -5;
  EXPECT_THAT(fields(e), ElementsAre("lines[1].charge_cents"));
}

}  // namespace
}  // namespace denialscope
