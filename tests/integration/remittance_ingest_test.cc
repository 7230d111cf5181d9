// Remittance ingest into PostgreSQL: events keyed by content, kept when their claim is not
// there yet and joined when it arrives, reversals netted, batches atomic, and concurrent
// claim and remittance batches never missing each other.
#include <string>
#include <thread>
#include <vector>

#include "analytics/denial.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/test_database.h"

namespace denialscope::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr RecordOutcome kAccepted = RecordOutcome::kAccepted;
constexpr RecordOutcome kDuplicate = RecordOutcome::kDuplicate;

class RemittanceIngestTest : public StoreTest {
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

TEST_F(RemittanceIngestTest, RemittanceBeforeItsClaimIsKeptThenJoins) {
  Practice practice = NewPractice();
  RemittanceEvent denial = MakeDenial("C-1", 10000, Day(2026, 3, 20));
  absl::StatusOr<std::vector<RecordResult>> early = store().IngestRemittances(practice, {denial});
  ASSERT_TRUE(early.ok()) << early.status();
  ASSERT_THAT(*early, SizeIs(1));
  EXPECT_EQ((*early)[0].outcome, kAccepted);
  EXPECT_TRUE((*early)[0].unmatched);
  EXPECT_THAT(LoadAll(practice), IsEmpty());
  EXPECT_EQ(Count("remittance_events", practice), 1);

  ASSERT_TRUE(store().IngestClaims(practice, {MakeClaim("C-1", {"M542"}, Day(2026, 3, 2))}).ok());
  std::vector<ClaimHistory> loaded = LoadAll(practice);
  ASSERT_THAT(loaded, SizeIs(1));
  ASSERT_THAT(loaded[0].events, SizeIs(1));
  EXPECT_EQ(RemittanceContentKey(loaded[0].events[0]), RemittanceContentKey(denial));

  // A later event for the stored claim is matched; the early one re-sent is a duplicate.
  RemittanceEvent payment = MakePayment("C-1", 10000, 8000, Day(2026, 4, 20));
  absl::StatusOr<std::vector<RecordResult>> later =
      store().IngestRemittances(practice, {denial, payment});
  ASSERT_TRUE(later.ok()) << later.status();
  EXPECT_THAT(Outcomes(*later), ElementsAre(kDuplicate, kAccepted));
  EXPECT_FALSE((*later)[1].unmatched);
  EXPECT_THAT(LoadAll(practice)[0].events, SizeIs(2));
}

TEST_F(RemittanceIngestTest, EveryFieldSurvivesTheRoundTrip) {
  Practice practice = NewPractice();
  ASSERT_TRUE(store().IngestClaims(practice, {MakeClaim("C-1", {"M542"}, Day(2026, 3, 2))}).ok());
  RemittanceEvent event = MakeDenial("C-1", 10000, Day(2026, 3, 20), "197");
  event.patient_responsibility_cents = 1234;
  event.received_date = Day(2026, 3, 6);
  event.payment_date.reset();
  event.adjustments = {{GroupCode::kOA, "23", 500, 2.5}, {GroupCode::kCR, "A2", -7, 0}};
  event.remark_codes = {"MA01", "N\"1,2"};
  RemittanceLine second = event.lines[0];
  second.line_control_number = "";
  second.procedure_code = "97140";
  second.modifiers = {"GP", "x\\y"};
  second.charge_cents = 4000;
  second.paid_cents = 1000;
  second.units = 0.5;
  second.service_date = Day(2026, 3, 2);
  second.adjustments = {{GroupCode::kPR, "2", 3000, 0}, {GroupCode::kPI, "96", 0, 1}};
  second.remark_codes = {};
  event.lines.push_back(second);
  absl::StatusOr<std::vector<RecordResult>> results = store().IngestRemittances(practice, {event});
  ASSERT_TRUE(results.ok()) << results.status();
  std::vector<ClaimHistory> loaded = LoadAll(practice);
  ASSERT_THAT(loaded, SizeIs(1));
  ASSERT_THAT(loaded[0].events, SizeIs(1));
  EXPECT_EQ(RemittanceContentKey(loaded[0].events[0]), RemittanceContentKey(event));
  EXPECT_EQ(Count("adjustments", practice), 5);
  EXPECT_EQ(Count("remark_codes", practice), 3);
}

TEST_F(RemittanceIngestTest, RepeatInsideABatchIsDuplicate) {
  Practice practice = NewPractice();
  RemittanceEvent payment = MakePayment("C-1", 10000, 8000, Day(2026, 4, 20));
  absl::StatusOr<std::vector<RecordResult>> results =
      store().IngestRemittances(practice, {payment, payment});
  ASSERT_TRUE(results.ok()) << results.status();
  EXPECT_THAT(Outcomes(*results), ElementsAre(kAccepted, kDuplicate));
  EXPECT_EQ(Count("remittance_events", practice), 1);
  EXPECT_EQ(Count("remittance_lines", practice), 1);
}

TEST_F(RemittanceIngestTest, EventsJoinOnPayerAndClaimId) {
  Practice practice = NewPractice();
  ASSERT_TRUE(store().IngestClaims(practice, {MakeClaim("C-1", {"M542"}, Day(2026, 3, 2))}).ok());
  RemittanceEvent other_payer = MakePayment("C-1", 10000, 8000, Day(2026, 4, 20));
  other_payer.payer_id = "87726";
  absl::StatusOr<std::vector<RecordResult>> results =
      store().IngestRemittances(practice, {other_payer});
  ASSERT_TRUE(results.ok()) << results.status();
  EXPECT_TRUE((*results)[0].unmatched);
  EXPECT_THAT(LoadAll(practice)[0].events, IsEmpty());
}

TEST_F(RemittanceIngestTest, ReversalNetsOut) {
  // DESIGN appendix example 3: pay $70, reverse it, pay $65.
  Practice practice = NewPractice();
  ASSERT_TRUE(
      store().IngestClaims(practice, {MakeClaim("C-1", {"M542"}, Day(2026, 1, 20), 10000)}).ok());
  RemittanceEvent paid = MakePayment("C-1", 10000, 7000, Day(2026, 2, 2));
  RemittanceEvent reversal = MakeReversal(paid, Day(2026, 2, 10));
  RemittanceEvent corrected = MakePayment("C-1", 10000, 6500, Day(2026, 2, 19));
  absl::StatusOr<std::vector<RecordResult>> results =
      store().IngestRemittances(practice, {paid, reversal, corrected});
  ASSERT_TRUE(results.ok()) << results.status();
  EXPECT_THAT(Outcomes(*results), ElementsAre(kAccepted, kAccepted, kAccepted));

  std::vector<ClaimHistory> loaded = LoadAll(practice);
  ASSERT_THAT(loaded, SizeIs(1));
  ASSERT_THAT(loaded[0].events, SizeIs(3));
  ClaimOutcome outcome = DeriveOutcome(loaded[0].events, Day(2026, 7, 1));
  EXPECT_EQ(outcome.net_paid_cents, 6500);
  EXPECT_EQ(outcome.initial, Outcome::kPaid);
  EXPECT_FALSE(outcome.finally_denied);
  ASSERT_TRUE(outcome.first_payment_date.has_value());
  EXPECT_EQ(*outcome.first_payment_date, Day(2026, 2, 3));
}

TEST_F(RemittanceIngestTest, ADatabaseErrorMidBatchStoresNothing) {
  Practice practice = NewPractice();
  ASSERT_TRUE(store().IngestClaims(practice, {MakeClaim("C-1", {"M542"}, Day(2026, 3, 2))}).ok());
  RemittanceEvent good = MakePayment("C-1", 10000, 8000, Day(2026, 4, 20));
  RemittanceEvent bad = MakeDenial("C-2", 10000, Day(2026, 4, 20));
  bad.lines[0].adjustments[0].carc = "";  // violates adjustments' CHECK
  absl::StatusOr<std::vector<RecordResult>> results =
      store().IngestRemittances(practice, {good, bad});
  EXPECT_EQ(results.status().code(), absl::StatusCode::kInvalidArgument);
  for (const char* table : {"remittance_events", "remittance_lines", "adjustments",
                            "remark_codes"}) {
    EXPECT_EQ(Count(table, practice), 0) << table;
  }
  EXPECT_EQ(db().Exec("SELECT event_count FROM claim_facts WHERE practice_id = " +
                      std::to_string(practice.practice_id))[0][0]
                .as<int>(),
            0);
}

TEST_F(RemittanceIngestTest, ConcurrentClaimAndRemittanceBatchesAlwaysJoin) {
  Practice practice = NewPractice();
  constexpr int kRounds = 15;
  constexpr int kPerRound = 20;
  for (int round = 0; round < kRounds; ++round) {
    std::vector<Claim> claims;
    std::vector<RemittanceEvent> events;
    for (int i = 0; i < kPerRound; ++i) {
      std::string id = "R" + std::to_string(round) + "-" + std::to_string(i);
      claims.push_back(MakeClaim(id, {"M542"}, Day(2026, 3, 2)));
      events.push_back(MakePayment(id, 10000, 9000, Day(2026, 3, 30)));
    }
    absl::Status claim_status, event_status;
    std::thread claim_thread([&] { claim_status = store().IngestClaims(practice, claims).status(); });
    std::thread event_thread(
        [&] { event_status = store().IngestRemittances(practice, events).status(); });
    claim_thread.join();
    event_thread.join();
    ASSERT_TRUE(claim_status.ok()) << claim_status;
    ASSERT_TRUE(event_status.ok()) << event_status;
  }
  pqxx::result facts = db().Exec(
      "SELECT count(*), count(*) FILTER (WHERE event_count = 1 AND net_paid_cents = 9000)"
      " FROM claim_facts WHERE practice_id = " +
      std::to_string(practice.practice_id));
  EXPECT_EQ(facts[0][0].as<int>(), kRounds * kPerRound);
  EXPECT_EQ(facts[0][1].as<int>(), kRounds * kPerRound);
}

}  // namespace
}  // namespace denialscope::testing
