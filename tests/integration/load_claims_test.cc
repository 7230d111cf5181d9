// LoadClaims against PostgreSQL: the date-of-service window, voided claims left out, and one
// practice never seeing another's claims or events.
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/test_database.h"

namespace denialscope::testing {
namespace {

using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAre;

class LoadClaimsTest : public StoreTest {
 protected:
  std::set<std::string> LoadIds(const Practice& practice, Day from, Day to) {
    absl::StatusOr<std::vector<ClaimHistory>> claims = store().LoadClaims(practice, {from, to});
    EXPECT_TRUE(claims.ok()) << claims.status();
    std::set<std::string> ids;
    if (!claims.ok()) return ids;
    for (const ClaimHistory& history : *claims) ids.insert(history.claim.claim_id);
    return ids;
  }
};

TEST_F(LoadClaimsTest, SelectsByDateOfServiceInclusive) {
  Practice practice = NewPractice();
  Claim spans = MakeClaim("SPANS", {"M542"}, Day(2026, 2, 5));
  spans.lines.push_back(spans.lines[0]);
  spans.lines[1].line_number = 2;
  spans.lines[1].service_date = Day(2026, 1, 31);  // the earliest line decides: January
  ASSERT_TRUE(store()
                  .IngestClaims(practice, {MakeClaim("JAN31", {"M542"}, Day(2026, 1, 31)),
                                           MakeClaim("FEB01", {"M542"}, Day(2026, 2, 1)),
                                           MakeClaim("FEB28", {"M542"}, Day(2026, 2, 28)),
                                           MakeClaim("MAR01", {"M542"}, Day(2026, 3, 1)), spans})
                  .ok());
  EXPECT_EQ(LoadIds(practice, Day(2026, 2, 1), Day(2026, 2, 28)),
            (std::set<std::string>{"FEB01", "FEB28"}));
  EXPECT_EQ(LoadIds(practice, Day(2026, 1, 31), Day(2026, 1, 31)),
            (std::set<std::string>{"JAN31", "SPANS"}));
  EXPECT_EQ(LoadIds(practice, Day(2026, 1, 1), Day(2026, 12, 31)).size(), 5u);
  EXPECT_THAT(LoadIds(practice, Day(2025, 1, 1), Day(2025, 12, 31)), IsEmpty());
  EXPECT_THAT(LoadIds(practice, Day(2026, 3, 1), Day(2026, 2, 1)), IsEmpty());  // empty range
}

TEST_F(LoadClaimsTest, LeavesOutVoidedClaims) {
  Practice practice = NewPractice();
  Claim kept = MakeClaim("KEPT", {"M542"}, Day(2026, 2, 1));
  Claim voided = MakeClaim("VOIDED", {"M542"}, Day(2026, 2, 1));
  ASSERT_TRUE(store().IngestClaims(practice, {kept, voided}).ok());
  voided.frequency = FrequencyCode::kVoid;
  ASSERT_TRUE(store().IngestClaims(practice, {voided}).ok());
  EXPECT_EQ(LoadIds(practice, Day(2026, 1, 1), Day(2026, 12, 31)),
            (std::set<std::string>{"KEPT"}));
}

TEST_F(LoadClaimsTest, PracticesAreIsolated) {
  Practice a = NewPractice();
  Practice b = NewPractice();
  Claim a_claim = MakeClaim("SHARED-ID", {"M542"}, Day(2026, 2, 1));
  Claim b_claim = MakeClaim("SHARED-ID", {"M5012"}, Day(2026, 2, 1));
  b_claim.patient_key = "someone else";
  ASSERT_TRUE(store().IngestClaims(a, {a_claim}).ok());
  ASSERT_TRUE(store().IngestClaims(b, {b_claim, MakeClaim("B-ONLY", {"M542"}, Day(2026, 2, 2))}).ok());

  // An event sent to B for the shared id joins B's claim, never A's.
  RemittanceEvent b_event = MakePayment("SHARED-ID", 10000, 4200, Day(2026, 3, 1));
  absl::StatusOr<std::vector<RecordResult>> b_results = store().IngestRemittances(b, {b_event});
  ASSERT_TRUE(b_results.ok()) << b_results.status();
  EXPECT_FALSE((*b_results)[0].unmatched);
  // The same event content sent to A is new there (event ids are per practice).
  RemittanceEvent a_only = MakePayment("A-ONLY", 10000, 100, Day(2026, 3, 1));
  absl::StatusOr<std::vector<RecordResult>> a_results = store().IngestRemittances(a, {a_only});
  ASSERT_TRUE(a_results.ok()) << a_results.status();
  EXPECT_TRUE((*a_results)[0].unmatched);

  absl::StatusOr<std::vector<ClaimHistory>> a_claims =
      store().LoadClaims(a, {Day(2026, 1, 1), Day(2026, 12, 31)});
  ASSERT_TRUE(a_claims.ok()) << a_claims.status();
  ASSERT_THAT(*a_claims, SizeIs(1));
  EXPECT_EQ(ClaimContentKey((*a_claims)[0].claim), ClaimContentKey(a_claim));
  EXPECT_THAT((*a_claims)[0].events, IsEmpty());

  absl::StatusOr<std::vector<ClaimHistory>> b_claims =
      store().LoadClaims(b, {Day(2026, 1, 1), Day(2026, 12, 31)});
  ASSERT_TRUE(b_claims.ok()) << b_claims.status();
  ASSERT_THAT(*b_claims, SizeIs(2));
  for (const ClaimHistory& history : *b_claims) {
    if (history.claim.claim_id == "SHARED-ID") {
      EXPECT_EQ(ClaimContentKey(history.claim), ClaimContentKey(b_claim));
      ASSERT_THAT(history.events, SizeIs(1));
      EXPECT_EQ(history.events[0].paid_cents, 4200);
    }
  }
  // A's facts are untouched by B's event.
  EXPECT_EQ(db().Exec("SELECT event_count FROM claim_facts WHERE practice_id = " +
                      std::to_string(a.practice_id))[0][0]
                .as<int>(),
            0);
}

TEST_F(LoadClaimsTest, LoadsManyClaimsWithTheirEvents) {
  Practice practice = NewPractice();
  std::vector<Claim> claims;
  std::vector<RemittanceEvent> events;
  for (int i = 0; i < 1000; ++i) {
    std::string id = "MANY-" + std::to_string(i);
    claims.push_back(MakeClaim(id, {"M542"}, Day(2026, 1, 1) + i % 90));
    events.push_back(MakeDenial(id, 10000, Day(2026, 4, 1)));
    if (i % 2 == 0) events.push_back(MakePayment(id, 10000, 9000, Day(2026, 5, 1)));
  }
  ASSERT_TRUE(store().IngestClaims(practice, claims).ok());
  ASSERT_TRUE(store().IngestRemittances(practice, events).ok());
  absl::StatusOr<std::vector<ClaimHistory>> loaded =
      store().LoadClaims(practice, {Day(2026, 1, 1), Day(2026, 3, 31)});
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_EQ(loaded->size(), 1000u);
  size_t total_events = 0;
  for (const ClaimHistory& history : *loaded) {
    total_events += history.events.size();
    for (const RemittanceEvent& event : history.events) {
      EXPECT_EQ(event.claim_id, history.claim.claim_id);
      ASSERT_THAT(event.lines, SizeIs(1));
    }
  }
  EXPECT_EQ(total_events, 1500u);
}

}  // namespace
}  // namespace denialscope::testing
