// claim_facts, the per-claim facts maintained on ingest: cohort by principal diagnosis and the
// netted outcome of every stored event, kept right after claims, remittances, reversals,
// replacements and voids.
#include <optional>
#include <string>
#include <vector>

#include "analytics/denial.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/test_database.h"

namespace denialscope::testing {
namespace {

struct Facts {
  std::string cohort;
  std::string family;
  std::string cohort_code;
  std::string principal_dx;
  std::string service_date;
  int64_t charge_cents = 0;
  int event_count = 0;
  bool adjudicated = false;
  std::string initial_outcome;
  std::optional<std::string> initial_date;
  bool initial_partial_denial = false;
  std::string final_outcome;
  bool finally_denied = false;
  bool overturned = false;
  int64_t net_paid_cents = 0;
  std::optional<std::string> first_payment_date;
};

std::optional<std::string> OptionalText(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return field.as<std::string>();
}

class ClaimFactsTest : public StoreTest {
 protected:
  std::optional<Facts> Read(const Practice& practice, const std::string& claim_id) {
    pqxx::result rows = db().Exec(
        "SELECT cohort, family, cohort_code, principal_dx, service_date::text, charge_cents,"
        " event_count, adjudicated, initial_outcome, initial_date::text,"
        " initial_partial_denial, final_outcome, finally_denied, overturned, net_paid_cents,"
        " first_payment_date::text FROM claim_facts WHERE practice_id = " +
        std::to_string(practice.practice_id) + " AND claim_id = '" + claim_id + "'");
    if (rows.empty()) return std::nullopt;
    const pqxx::row& r = rows[0];
    Facts facts;
    facts.cohort = r[0].as<std::string>();
    facts.family = r[1].as<std::string>();
    facts.cohort_code = r[2].as<std::string>();
    facts.principal_dx = r[3].as<std::string>();
    facts.service_date = r[4].as<std::string>();
    facts.charge_cents = r[5].as<int64_t>();
    facts.event_count = r[6].as<int>();
    facts.adjudicated = r[7].as<bool>();
    facts.initial_outcome = r[8].as<std::string>();
    facts.initial_date = OptionalText(r[9]);
    facts.initial_partial_denial = r[10].as<bool>();
    facts.final_outcome = r[11].as<std::string>();
    facts.finally_denied = r[12].as<bool>();
    facts.overturned = r[13].as<bool>();
    facts.net_paid_cents = r[14].as<int64_t>();
    facts.first_payment_date = OptionalText(r[15]);
    return facts;
  }

  void Ingest(const Practice& practice, const std::vector<Claim>& claims) {
    absl::StatusOr<std::vector<RecordResult>> results = store().IngestClaims(practice, claims);
    ASSERT_TRUE(results.ok()) << results.status();
  }
  void Ingest(const Practice& practice, const std::vector<RemittanceEvent>& events) {
    absl::StatusOr<std::vector<RecordResult>> results =
        store().IngestRemittances(practice, events);
    ASSERT_TRUE(results.ok()) << results.status();
  }
};

TEST_F(ClaimFactsTest, NewClaimHasItsCohortAndNoOutcome) {
  Practice practice = NewPractice();
  Ingest(practice, std::vector<Claim>{MakeClaim("NS", {"M542", "M5012"}, Day(2026, 3, 2), 9500),
                                      MakeClaim("SP", {"M9901", "M542"}, Day(2026, 3, 3)),
                                      MakeClaim("NC", {"I10"}, Day(2026, 3, 4))});
  std::optional<Facts> nonspecific = Read(practice, "NS");
  ASSERT_TRUE(nonspecific.has_value());
  EXPECT_EQ(nonspecific->cohort, "nonspecific");
  EXPECT_EQ(nonspecific->family, "");
  EXPECT_EQ(nonspecific->principal_dx, "M542");
  EXPECT_EQ(nonspecific->service_date, "2026-03-02");
  EXPECT_EQ(nonspecific->charge_cents, 9500);
  EXPECT_EQ(nonspecific->event_count, 0);
  EXPECT_FALSE(nonspecific->adjudicated);
  EXPECT_EQ(nonspecific->initial_outcome, "none");
  EXPECT_EQ(nonspecific->final_outcome, "none");
  EXPECT_FALSE(nonspecific->initial_date.has_value());

  std::optional<Facts> specific = Read(practice, "SP");
  ASSERT_TRUE(specific.has_value());
  EXPECT_EQ(specific->cohort, "specific");
  EXPECT_EQ(specific->family, "segmental");
  EXPECT_EQ(specific->cohort_code, "M9901");

  std::optional<Facts> outside = Read(practice, "NC");
  ASSERT_TRUE(outside.has_value());
  EXPECT_EQ(outside->cohort, "non_cervical");
}

TEST_F(ClaimFactsTest, DeniedThenOverturned) {
  // DESIGN appendix example 1.
  Practice practice = NewPractice();
  Claim claim = MakeClaim("C-1", {"M542"}, Day(2026, 3, 2), 10000);
  claim.lines.push_back(claim.lines[0]);
  claim.lines[1].line_number = 2;
  claim.total_charge_cents = 20000;
  Ingest(practice, std::vector<Claim>{claim});
  RemittanceEvent denial = MakeDenial("C-1", 20000, Day(2026, 3, 10));
  Ingest(practice, std::vector<RemittanceEvent>{denial});
  std::optional<Facts> denied = Read(practice, "C-1");
  ASSERT_TRUE(denied.has_value());
  EXPECT_TRUE(denied->adjudicated);
  EXPECT_EQ(denied->initial_outcome, "denied");
  EXPECT_EQ(denied->initial_date, "2026-03-10");
  EXPECT_TRUE(denied->finally_denied);
  EXPECT_EQ(denied->net_paid_cents, 0);

  Ingest(practice, std::vector<RemittanceEvent>{MakePayment("C-1", 20000, 12000, Day(2026, 4, 20))});
  std::optional<Facts> paid = Read(practice, "C-1");
  ASSERT_TRUE(paid.has_value());
  EXPECT_EQ(paid->event_count, 2);
  EXPECT_EQ(paid->initial_outcome, "denied");
  EXPECT_EQ(paid->final_outcome, "paid");
  EXPECT_FALSE(paid->finally_denied);
  EXPECT_TRUE(paid->overturned);
  EXPECT_EQ(paid->net_paid_cents, 12000);
  EXPECT_EQ(paid->first_payment_date, "2026-04-21");
  EXPECT_EQ(paid->charge_cents, 20000);
}

TEST_F(ClaimFactsTest, ReversalIsNettedInTheFacts) {
  Practice practice = NewPractice();
  Ingest(practice, std::vector<Claim>{MakeClaim("C-1", {"M5012"}, Day(2026, 1, 20))});
  RemittanceEvent paid = MakePayment("C-1", 10000, 7000, Day(2026, 2, 2));
  Ingest(practice, std::vector<RemittanceEvent>{paid});
  EXPECT_EQ(Read(practice, "C-1")->net_paid_cents, 7000);

  Ingest(practice, std::vector<RemittanceEvent>{MakeReversal(paid, Day(2026, 2, 10))});
  std::optional<Facts> reversed = Read(practice, "C-1");
  ASSERT_TRUE(reversed.has_value());
  EXPECT_EQ(reversed->net_paid_cents, 0);
  EXPECT_EQ(reversed->initial_outcome, "paid");  // the reversal is not an outcome
  EXPECT_EQ(reversed->first_payment_date, "2026-02-03");

  Ingest(practice, std::vector<RemittanceEvent>{MakePayment("C-1", 10000, 6500, Day(2026, 2, 19))});
  std::optional<Facts> corrected = Read(practice, "C-1");
  ASSERT_TRUE(corrected.has_value());
  EXPECT_EQ(corrected->net_paid_cents, 6500);
  EXPECT_EQ(corrected->event_count, 3);
  EXPECT_EQ(corrected->cohort, "specific");
  EXPECT_EQ(corrected->family, "disc");
}

TEST_F(ClaimFactsTest, ReplacementRecomputesTheFactsButTheCohortFollowsTheFirstCoding) {
  // An M54.2 claim denied, then recoded to M50.12 and paid, stays an M54.2 claim: the
  // cohort follows the coding the payer first adjudicated.
  Practice practice = NewPractice();
  Ingest(practice, std::vector<Claim>{MakeClaim("C-1", {"M542"}, Day(2026, 3, 2))});
  Ingest(practice, std::vector<RemittanceEvent>{MakeDenial("C-1", 10000, Day(2026, 3, 20))});
  EXPECT_EQ(Read(practice, "C-1")->cohort, "nonspecific");

  Claim replacement = MakeClaim("C-1", {"M5012"}, Day(2026, 3, 5), 11000);
  replacement.frequency = FrequencyCode::kReplacement;
  Ingest(practice, std::vector<Claim>{replacement});
  std::optional<Facts> facts = Read(practice, "C-1");
  ASSERT_TRUE(facts.has_value());
  EXPECT_EQ(facts->cohort, "nonspecific");
  EXPECT_EQ(facts->cohort_code, "M542");
  EXPECT_EQ(facts->principal_dx, "M5012");  // the current coding
  EXPECT_EQ(facts->service_date, "2026-03-05");
  EXPECT_EQ(facts->charge_cents, 11000);
  EXPECT_EQ(facts->event_count, 1);
  EXPECT_EQ(facts->initial_outcome, "denied");
}

TEST_F(ClaimFactsTest, ReplacementOfAFirstClaimInTheSameBatchKeepsItsCoding) {
  Practice practice = NewPractice();
  Claim replacement = MakeClaim("C-1", {"M9901"}, Day(2026, 3, 2));
  replacement.frequency = FrequencyCode::kReplacement;
  Ingest(practice, std::vector<Claim>{MakeClaim("C-1", {"M542"}, Day(2026, 3, 2)), replacement});
  std::optional<Facts> facts = Read(practice, "C-1");
  ASSERT_TRUE(facts.has_value());
  EXPECT_EQ(facts->cohort, "nonspecific");
  EXPECT_EQ(facts->principal_dx, "M9901");
}

TEST_F(ClaimFactsTest, VoidRemovesTheFacts) {
  Practice practice = NewPractice();
  Claim claim = MakeClaim("C-1", {"M542"}, Day(2026, 3, 2));
  Ingest(practice, std::vector<Claim>{claim});
  ASSERT_TRUE(Read(practice, "C-1").has_value());
  claim.frequency = FrequencyCode::kVoid;
  Ingest(practice, std::vector<Claim>{claim});
  EXPECT_FALSE(Read(practice, "C-1").has_value());
  // Events for a voided claim are stored but make no facts.
  Ingest(practice, std::vector<RemittanceEvent>{MakePayment("C-1", 10000, 100, Day(2026, 4, 1))});
  EXPECT_FALSE(Read(practice, "C-1").has_value());
}

TEST_F(ClaimFactsTest, FactsAgreeWithDeriveOutcomeOverLoadedHistories) {
  Practice practice = NewPractice();
  std::vector<Claim> claims;
  std::vector<RemittanceEvent> events;
  for (int i = 0; i < 40; ++i) {
    std::string id = "M-" + std::to_string(i);
    claims.push_back(MakeClaim(id, {i % 3 == 0 ? "M542" : "M5012"}, Day(2026, 1, 5) + i));
    if (i % 4 != 3) events.push_back(MakeDenial(id, 10000, Day(2026, 2, 1) + i));
    if (i % 2 == 0) events.push_back(MakePayment(id, 10000, 5000 + i, Day(2026, 3, 1) + i));
  }
  Ingest(practice, events);  // events first: all unmatched
  Ingest(practice, claims);  // then the claims join them
  absl::StatusOr<std::vector<ClaimHistory>> loaded =
      store().LoadClaims(practice, {Day(2026, 1, 1), Day(2026, 12, 31)});
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_EQ(loaded->size(), 40u);
  for (const ClaimHistory& history : *loaded) {
    ClaimOutcome expected = DeriveOutcome(history.events, Day(9999, 12, 31));
    std::optional<Facts> facts = Read(practice, history.claim.claim_id);
    ASSERT_TRUE(facts.has_value()) << history.claim.claim_id;
    EXPECT_EQ(facts->event_count, static_cast<int>(history.events.size()));
    EXPECT_EQ(facts->net_paid_cents, expected.net_paid_cents) << history.claim.claim_id;
    EXPECT_EQ(facts->finally_denied, expected.finally_denied) << history.claim.claim_id;
    EXPECT_EQ(facts->overturned, expected.overturned) << history.claim.claim_id;
    EXPECT_EQ(facts->adjudicated, expected.adjudicated) << history.claim.claim_id;
  }
}

}  // namespace
}  // namespace denialscope::testing
