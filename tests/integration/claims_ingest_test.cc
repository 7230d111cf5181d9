// Claim ingest into PostgreSQL: new, duplicate, conflicting, replaced and voided claims,
// every field surviving the round trip, and a failed batch storing nothing.
#include <algorithm>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/test_database.h"

namespace denialscope::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr RecordOutcome kAccepted = RecordOutcome::kAccepted;
constexpr RecordOutcome kDuplicate = RecordOutcome::kDuplicate;
constexpr RecordOutcome kRejected = RecordOutcome::kRejected;

class ClaimsIngestTest : public StoreTest {
 protected:
  std::vector<ClaimHistory> LoadAll(const Practice& practice) {
    absl::StatusOr<std::vector<ClaimHistory>> claims =
        store().LoadClaims(practice, {Day(2000, 1, 1), Day(2100, 1, 1)});
    EXPECT_TRUE(claims.ok()) << claims.status();
    return claims.ok() ? *claims : std::vector<ClaimHistory>();
  }
  int Count(const std::string& table, const Practice& practice) {
    return db()
        .Exec("SELECT count(*) FROM " + table +
              " WHERE practice_id = " + std::to_string(practice.practice_id))[0][0]
        .as<int>();
  }
};

TEST_F(ClaimsIngestTest, NewClaimsAreAcceptedAndResendingIsDuplicate) {
  Practice practice = NewPractice();
  std::vector<Claim> batch = {MakeClaim("C-1", {"M542"}, Day(2026, 3, 2)),
                              MakeClaim("C-2", {"M5012"}, Day(2026, 3, 3))};
  absl::StatusOr<std::vector<RecordResult>> first = store().IngestClaims(practice, batch);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_THAT(Outcomes(*first), ElementsAre(kAccepted, kAccepted));

  absl::StatusOr<std::vector<RecordResult>> again = store().IngestClaims(practice, batch);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_THAT(Outcomes(*again), ElementsAre(kDuplicate, kDuplicate));
  EXPECT_EQ(Count("claims", practice), 2);
  EXPECT_EQ(Count("claim_submissions", practice), 2);
  EXPECT_EQ(Count("claim_lines", practice), 2);
  EXPECT_EQ(Count("claim_diagnoses", practice), 2);
}

TEST_F(ClaimsIngestTest, EmptyBatchIsEmpty) {
  Practice practice = NewPractice();
  absl::StatusOr<std::vector<RecordResult>> results = store().IngestClaims(practice, {});
  ASSERT_TRUE(results.ok()) << results.status();
  EXPECT_THAT(*results, IsEmpty());
}

TEST_F(ClaimsIngestTest, EveryFieldSurvivesTheRoundTrip) {
  Practice practice = NewPractice();
  Claim claim = MakeClaim("C-RT \"quoted\", {braces}\\", {"M542", "M5012", "M9901"},
                          Day(2026, 2, 10), 12345);
  claim.submission_date.reset();
  claim.payer_name = "Payer, \"Inc\"";
  claim.patient_key = "k\\e\"y";
  claim.billing_npi = practice.npi;
  ClaimLine second = claim.lines[0];
  second.line_number = 2;
  second.line_control_number = "";
  second.procedure_code = "97140";
  second.modifiers = {"GP", "59", "NULL", "a,b", ""};
  second.charge_cents = 5000;
  second.units = 1.25;
  second.diagnosis_pointers = {3, 1, 2};
  second.service_date = Day(2026, 2, 9);  // earlier than line 1: the claim's date of service
  second.rendering_npi = "1888888882";
  claim.lines.push_back(second);
  claim.total_charge_cents = 17345;
  ASSERT_TRUE(store().IngestClaims(practice, {claim}).ok());

  std::vector<ClaimHistory> loaded = LoadAll(practice);
  ASSERT_THAT(loaded, SizeIs(1));
  EXPECT_EQ(ClaimContentKey(loaded[0].claim), ClaimContentKey(claim));
  EXPECT_EQ(loaded[0].claim.frequency, FrequencyCode::kOriginal);
  EXPECT_THAT(loaded[0].claim.lines[1].modifiers, ElementsAre("GP", "59", "NULL", "a,b", ""));
  EXPECT_EQ(loaded[0].claim.lines[1].units, 1.25);
  EXPECT_EQ(db().Exec("SELECT service_date::text FROM claims WHERE practice_id = " +
                      std::to_string(practice.practice_id))[0][0]
                .as<std::string>(),
            "2026-02-09");
}

TEST_F(ClaimsIngestTest, OriginalWithNewContentIsRejected) {
  Practice practice = NewPractice();
  ASSERT_TRUE(store().IngestClaims(practice, {MakeClaim("C-1", {"M542"}, Day(2026, 3, 2))}).ok());
  Claim changed = MakeClaim("C-1", {"M5012"}, Day(2026, 3, 2));
  absl::StatusOr<std::vector<RecordResult>> results = store().IngestClaims(practice, {changed});
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_THAT(*results, SizeIs(1));
  EXPECT_EQ((*results)[0].outcome, kRejected);
  EXPECT_EQ((*results)[0].field, "claim_id");
  EXPECT_THAT((*results)[0].reason, HasSubstr("frequency code 7"));
  EXPECT_THAT(LoadAll(practice)[0].claim.diagnoses, ElementsAre("M542"));
}

TEST_F(ClaimsIngestTest, ReplacementRewritesTheClaimAndKeepsEverySubmission) {
  Practice practice = NewPractice();
  Claim original = MakeClaim("C-1", {"M542"}, Day(2026, 3, 2));
  original.lines.push_back(original.lines[0]);
  original.lines[1].line_number = 2;
  original.total_charge_cents = 20000;
  ASSERT_TRUE(store().IngestClaims(practice, {original}).ok());

  Claim replacement = MakeClaim("C-1", {"M5012", "M542"}, Day(2026, 3, 4), 15000);
  replacement.frequency = FrequencyCode::kReplacement;
  absl::StatusOr<std::vector<RecordResult>> replaced =
      store().IngestClaims(practice, {replacement});
  ASSERT_TRUE(replaced.ok()) << replaced.status();
  EXPECT_THAT(Outcomes(*replaced), ElementsAre(kAccepted));

  std::vector<ClaimHistory> loaded = LoadAll(practice);
  ASSERT_THAT(loaded, SizeIs(1));
  EXPECT_EQ(ClaimContentKey(loaded[0].claim), ClaimContentKey(replacement));
  EXPECT_EQ(loaded[0].claim.frequency, FrequencyCode::kReplacement);
  EXPECT_EQ(Count("claim_lines", practice), 1);
  EXPECT_EQ(Count("claim_diagnoses", practice), 2);
  EXPECT_EQ(Count("claim_submissions", practice), 2);
  EXPECT_EQ(db().Exec("SELECT version FROM claims WHERE practice_id = " +
                      std::to_string(practice.practice_id))[0][0]
                .as<int>(),
            2);

  // Re-sending either submission changes nothing.
  absl::StatusOr<std::vector<RecordResult>> resent =
      store().IngestClaims(practice, {original, replacement});
  ASSERT_TRUE(resent.ok()) << resent.status();
  EXPECT_THAT(Outcomes(*resent), ElementsAre(kDuplicate, kDuplicate));
  EXPECT_EQ(ClaimContentKey(LoadAll(practice)[0].claim), ClaimContentKey(replacement));
}

TEST_F(ClaimsIngestTest, FirstSubmittedDiagnosesAreKeptAcrossReplacements) {
  Practice practice = NewPractice();
  ASSERT_TRUE(store().IngestClaims(practice, {MakeClaim("C-1", {"M542"}, Day(2026, 3, 2))}).ok());
  EXPECT_THAT(LoadAll(practice)[0].first_diagnoses, IsEmpty());

  // A replacement that keeps the coding records nothing.
  Claim same_coding = MakeClaim("C-1", {"M542"}, Day(2026, 3, 2), 12000);
  same_coding.frequency = FrequencyCode::kReplacement;
  ASSERT_TRUE(store().IngestClaims(practice, {same_coding}).ok());
  EXPECT_THAT(LoadAll(practice)[0].first_diagnoses, IsEmpty());

  Claim recoded = MakeClaim("C-1", {"M5012", "M542"}, Day(2026, 3, 2));
  recoded.frequency = FrequencyCode::kReplacement;
  ASSERT_TRUE(store().IngestClaims(practice, {recoded}).ok());
  std::vector<ClaimHistory> loaded = LoadAll(practice);
  ASSERT_THAT(loaded, SizeIs(1));
  EXPECT_THAT(loaded[0].first_diagnoses, ElementsAre("M542"));
  EXPECT_THAT(loaded[0].claim.diagnoses, ElementsAre("M5012", "M542"));

  Claim recoded_again = MakeClaim("C-1", {"M9901"}, Day(2026, 3, 2));
  recoded_again.frequency = FrequencyCode::kReplacement;
  ASSERT_TRUE(store().IngestClaims(practice, {recoded_again}).ok());
  EXPECT_THAT(LoadAll(practice)[0].first_diagnoses, ElementsAre("M542"));
}

TEST_F(ClaimsIngestTest, ReplacementWithTheActiveContentIsDuplicate) {
  Practice practice = NewPractice();
  Claim claim = MakeClaim("C-1", {"M542"}, Day(2026, 3, 2));
  ASSERT_TRUE(store().IngestClaims(practice, {claim}).ok());
  claim.frequency = FrequencyCode::kReplacement;
  absl::StatusOr<std::vector<RecordResult>> results = store().IngestClaims(practice, {claim});
  ASSERT_TRUE(results.ok()) << results.status();
  EXPECT_THAT(Outcomes(*results), ElementsAre(kDuplicate));
}

TEST_F(ClaimsIngestTest, ReplacementWithoutOriginalIsStored) {
  Practice practice = NewPractice();
  Claim claim = MakeClaim("C-1", {"M542"}, Day(2026, 3, 2));
  claim.frequency = FrequencyCode::kReplacement;
  absl::StatusOr<std::vector<RecordResult>> results = store().IngestClaims(practice, {claim});
  ASSERT_TRUE(results.ok()) << results.status();
  EXPECT_THAT(Outcomes(*results), ElementsAre(kAccepted));
  EXPECT_THAT(LoadAll(practice), SizeIs(1));
}

TEST_F(ClaimsIngestTest, VoidWithdrawsTheClaimAndReplacementRevivesIt) {
  Practice practice = NewPractice();
  Claim claim = MakeClaim("C-1", {"M542"}, Day(2026, 3, 2));
  ASSERT_TRUE(store().IngestClaims(practice, {claim}).ok());

  Claim void_claim = claim;
  void_claim.frequency = FrequencyCode::kVoid;
  absl::StatusOr<std::vector<RecordResult>> voided = store().IngestClaims(practice, {void_claim});
  ASSERT_TRUE(voided.ok()) << voided.status();
  EXPECT_THAT(Outcomes(*voided), ElementsAre(kAccepted));
  EXPECT_THAT(LoadAll(practice), IsEmpty());
  EXPECT_EQ(Count("claim_facts", practice), 0);

  absl::StatusOr<std::vector<RecordResult>> again = store().IngestClaims(practice, {void_claim});
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_THAT(Outcomes(*again), ElementsAre(kDuplicate));

  // An original cannot bring it back; a replacement can.
  absl::StatusOr<std::vector<RecordResult>> original = store().IngestClaims(practice, {claim});
  ASSERT_TRUE(original.ok()) << original.status();
  EXPECT_THAT(Outcomes(*original), ElementsAre(kDuplicate));
  Claim revived = MakeClaim("C-1", {"M5012"}, Day(2026, 3, 2));
  revived.frequency = FrequencyCode::kReplacement;
  absl::StatusOr<std::vector<RecordResult>> replaced = store().IngestClaims(practice, {revived});
  ASSERT_TRUE(replaced.ok()) << replaced.status();
  EXPECT_THAT(Outcomes(*replaced), ElementsAre(kAccepted));
  std::vector<ClaimHistory> loaded = LoadAll(practice);
  ASSERT_THAT(loaded, SizeIs(1));
  EXPECT_THAT(loaded[0].claim.diagnoses, ElementsAre("M5012"));
  EXPECT_EQ(Count("claim_facts", practice), 1);
}

TEST_F(ClaimsIngestTest, VoidOfAnUnknownClaimIsRejected) {
  Practice practice = NewPractice();
  Claim claim = MakeClaim("C-404", {"M542"}, Day(2026, 3, 2));
  claim.frequency = FrequencyCode::kVoid;
  absl::StatusOr<std::vector<RecordResult>> results = store().IngestClaims(practice, {claim});
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_THAT(*results, SizeIs(1));
  EXPECT_EQ((*results)[0].outcome, kRejected);
  EXPECT_EQ((*results)[0].field, "frequency_code");
  EXPECT_EQ(Count("claims", practice), 0);
}

TEST_F(ClaimsIngestTest, RecordsOfOneBatchAreDecidedInOrder) {
  Practice practice = NewPractice();
  Claim original = MakeClaim("C-1", {"M542"}, Day(2026, 3, 2));
  Claim conflicting = MakeClaim("C-1", {"M5011"}, Day(2026, 3, 2));
  Claim replacement = MakeClaim("C-1", {"M5012"}, Day(2026, 3, 2));
  replacement.frequency = FrequencyCode::kReplacement;
  absl::StatusOr<std::vector<RecordResult>> results =
      store().IngestClaims(practice, {original, original, conflicting, replacement});
  ASSERT_TRUE(results.ok()) << results.status();
  EXPECT_THAT(Outcomes(*results), ElementsAre(kAccepted, kDuplicate, kRejected, kAccepted));
  std::vector<ClaimHistory> loaded = LoadAll(practice);
  ASSERT_THAT(loaded, SizeIs(1));
  EXPECT_EQ(ClaimContentKey(loaded[0].claim), ClaimContentKey(replacement));
  EXPECT_EQ(Count("claim_submissions", practice), 2);
}

TEST_F(ClaimsIngestTest, SameClaimIdAtAnotherPayerIsAnotherClaim) {
  Practice practice = NewPractice();
  Claim first = MakeClaim("C-1", {"M542"}, Day(2026, 3, 2));
  Claim second = MakeClaim("C-1", {"M5012"}, Day(2026, 3, 2));
  second.payer_id = "87726";
  absl::StatusOr<std::vector<RecordResult>> results =
      store().IngestClaims(practice, {first, second});
  ASSERT_TRUE(results.ok()) << results.status();
  EXPECT_THAT(Outcomes(*results), ElementsAre(kAccepted, kAccepted));
  EXPECT_THAT(LoadAll(practice), SizeIs(2));
  EXPECT_EQ(Count("payers", practice), 2);
}

TEST_F(ClaimsIngestTest, ADatabaseErrorMidBatchStoresNothing) {
  Practice practice = NewPractice();
  Claim good = MakeClaim("C-1", {"M542"}, Day(2026, 3, 2));
  Claim bad = MakeClaim("C-2", {"M542"}, Day(2026, 3, 2));
  bad.payer_id = "BAD-PAYER";
  bad.lines[0].charge_cents = -5;  // violates claim_lines' CHECK: validation would stop it
  Claim also_good = MakeClaim("C-3", {"M542"}, Day(2026, 3, 2));
  absl::StatusOr<std::vector<RecordResult>> results =
      store().IngestClaims(practice, {good, bad, also_good});
  EXPECT_EQ(results.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(results.status().message(), HasSubstr("ingesting claims"));
  for (const char* table : {"claims", "claim_lines", "claim_diagnoses", "claim_submissions",
                            "claim_facts", "payers"}) {
    EXPECT_EQ(Count(table, practice), 0) << table;
  }
  // The store is still usable and the good claims go in on a retry without the bad one.
  absl::StatusOr<std::vector<RecordResult>> retry =
      store().IngestClaims(practice, {good, also_good});
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_THAT(Outcomes(*retry), ElementsAre(kAccepted, kAccepted));
}

TEST_F(ClaimsIngestTest, AClaimWithoutLinesIsRejectedAlone) {
  Practice practice = NewPractice();
  Claim empty = MakeClaim("C-0", {"M542"}, Day(2026, 3, 2));
  empty.lines.clear();
  absl::StatusOr<std::vector<RecordResult>> results =
      store().IngestClaims(practice, {empty, MakeClaim("C-1", {"M542"}, Day(2026, 3, 2))});
  ASSERT_TRUE(results.ok()) << results.status();
  EXPECT_THAT(Outcomes(*results), ElementsAre(kRejected, kAccepted));
  EXPECT_EQ((*results)[0].field, "lines");
}

TEST_F(ClaimsIngestTest, LargeBatchGoesInWhole) {
  Practice practice = NewPractice();
  std::vector<Claim> batch;
  for (int i = 0; i < 2000; ++i) {
    batch.push_back(MakeClaim("BULK-" + std::to_string(i), {i % 2 == 0 ? "M542" : "M5012"},
                              Day(2026, 1, 1) + i % 300));
  }
  absl::StatusOr<std::vector<RecordResult>> results = store().IngestClaims(practice, batch);
  ASSERT_TRUE(results.ok()) << results.status();
  std::vector<RecordOutcome> outcomes = Outcomes(*results);
  EXPECT_EQ(std::count(outcomes.begin(), outcomes.end(), kAccepted), 2000);
  EXPECT_EQ(Count("claims", practice), 2000);
  EXPECT_EQ(Count("claim_facts", practice), 2000);
}

}  // namespace
}  // namespace denialscope::testing
