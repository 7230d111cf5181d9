// The in-memory store's contract, which the PostgreSQL store must match: practices and
// paging, claim duplicates/conflicts/replacements/voids, remittances that arrive before
// their claim, tenant isolation and thread safety.
#include "analytics/memory_claim_store.h"

#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/test_records.h"

namespace denialscope {
namespace {

using ::denialscope::testing::Adj;
using ::denialscope::testing::Dollars;
using ::denialscope::testing::kTestNpi;
using ::denialscope::testing::MakeClaim;
using ::denialscope::testing::MakeEvent;
using ::testing::HasSubstr;

const Day kDos(2026, 3, 2);
const ClaimQuery kAll{Day(2000, 1, 1), Day(2100, 1, 1)};

std::vector<RecordOutcome> Outcomes(const std::vector<RecordResult>& results) {
  std::vector<RecordOutcome> outcomes;
  for (const RecordResult& result : results) outcomes.push_back(result.outcome);
  return outcomes;
}

class MemoryClaimStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { practice_ = store_.CreatePractice(kTestNpi, "Neck Clinic").value(); }

  RecordResult IngestOne(const Claim& claim) {
    absl::StatusOr<std::vector<RecordResult>> results = store_.IngestClaims(practice_, {claim});
    EXPECT_TRUE(results.ok()) << results.status();
    EXPECT_EQ(results->size(), 1u);
    return results->front();
  }
  RecordResult IngestOne(const RemittanceEvent& event) {
    absl::StatusOr<std::vector<RecordResult>> results =
        store_.IngestRemittances(practice_, {event});
    EXPECT_TRUE(results.ok()) << results.status();
    EXPECT_EQ(results->size(), 1u);
    return results->front();
  }
  std::vector<ClaimHistory> LoadAll() { return store_.LoadClaims(practice_, kAll).value(); }

  MemoryClaimStore store_;
  Practice practice_;
};

TEST_F(MemoryClaimStoreTest, PracticesCreateGetAndErrorsNameTheNpi) {
  EXPECT_EQ(practice_.npi, kTestNpi);
  EXPECT_GT(practice_.practice_id, 0);
  absl::StatusOr<Practice> again = store_.CreatePractice(kTestNpi, "Other");
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(again.status().message(), HasSubstr(kTestNpi));
  absl::StatusOr<Practice> got = store_.GetPractice(kTestNpi);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->practice_id, practice_.practice_id);
  EXPECT_EQ(got->display_name, "Neck Clinic");
  absl::StatusOr<Practice> missing = store_.GetPractice("1245319599");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("1245319599"));
}

TEST(MemoryClaimStorePagingTest, ListPracticesOrderedByNpiWithPaging) {
  MemoryClaimStore store;
  for (std::string npi : {"5000000005", "1000000001", "4000000004", "2000000002",
                          "3000000003"}) {
    ASSERT_TRUE(store.CreatePractice(npi, "P" + npi).ok());
  }
  absl::StatusOr<PracticePage> page = store.ListPractices(2, "");
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->practices.size(), 2u);
  EXPECT_EQ(page->practices[0].npi, "1000000001");
  EXPECT_EQ(page->practices[1].npi, "2000000002");
  EXPECT_EQ(page->next_npi, "2000000002");
  page = store.ListPractices(2, page->next_npi);
  ASSERT_EQ(page->practices.size(), 2u);
  EXPECT_EQ(page->practices[0].npi, "3000000003");
  EXPECT_EQ(page->next_npi, "4000000004");
  page = store.ListPractices(2, page->next_npi);
  ASSERT_EQ(page->practices.size(), 1u);
  EXPECT_EQ(page->practices[0].npi, "5000000005");
  EXPECT_EQ(page->next_npi, "");  // the end
  // A page that ends exactly at the last practice says so at once, not with an empty page.
  page = store.ListPractices(5, "");
  EXPECT_EQ(page->practices.size(), 5u);
  EXPECT_EQ(page->next_npi, "");
  // After an NPI that is not itself a practice.
  page = store.ListPractices(10, "2500000000");
  EXPECT_EQ(page->practices.size(), 3u);
  EXPECT_EQ(store.ListPractices(0, "").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(MemoryClaimStoreTest, SameClaimAgainIsADuplicate) {
  const Claim claim = MakeClaim("C1", {"M542"}, {Dollars(100)}, kDos);
  EXPECT_EQ(IngestOne(claim).outcome, RecordOutcome::kAccepted);
  EXPECT_EQ(IngestOne(claim).outcome, RecordOutcome::kDuplicate);
  EXPECT_EQ(LoadAll().size(), 1u);
}

TEST_F(MemoryClaimStoreTest, ChangedOriginalIsRejectedAndAsksForFrequency7) {
  const Claim claim = MakeClaim("C1", {"M542"}, {Dollars(100)}, kDos);
  ASSERT_EQ(IngestOne(claim).outcome, RecordOutcome::kAccepted);
  Claim changed = claim;
  changed.diagnoses = {"M50121"};
  const RecordResult result = IngestOne(changed);
  EXPECT_EQ(result.outcome, RecordOutcome::kRejected);
  EXPECT_EQ(result.field, "claim_id");
  EXPECT_THAT(result.reason, HasSubstr("frequency code 7"));
  EXPECT_THAT(result.reason, HasSubstr("C1"));
  EXPECT_EQ(LoadAll()[0].claim.diagnoses[0], "M542");  // unchanged
}

TEST_F(MemoryClaimStoreTest, ReplacementSupersedesAndResendingTheFileChangesNothing) {
  const Claim original = MakeClaim("C1", {"M542"}, {Dollars(100)}, kDos);
  Claim replacement = original;
  replacement.frequency = FrequencyCode::kReplacement;
  replacement.diagnoses = {"M50121"};
  ASSERT_EQ(IngestOne(original).outcome, RecordOutcome::kAccepted);
  EXPECT_EQ(IngestOne(replacement).outcome, RecordOutcome::kAccepted);
  std::vector<ClaimHistory> claims = LoadAll();
  ASSERT_EQ(claims.size(), 1u);
  EXPECT_EQ(claims[0].claim.diagnoses[0], "M50121");
  // The first coding is kept: it decides the claim's cohort.
  EXPECT_THAT(claims[0].first_diagnoses, ::testing::ElementsAre("M542"));
  // Re-sending both (a retried file) is all duplicates and keeps the replacement.
  absl::StatusOr<std::vector<RecordResult>> again =
      store_.IngestClaims(practice_, {original, replacement});
  ASSERT_TRUE(again.ok());
  EXPECT_THAT(Outcomes(*again),
              ::testing::ElementsAre(RecordOutcome::kDuplicate, RecordOutcome::kDuplicate));
  EXPECT_EQ(LoadAll()[0].claim.diagnoses[0], "M50121");
  // A replacement for a claim never seen stands as the claim.
  Claim orphan = replacement;
  orphan.claim_id = "C2";
  EXPECT_EQ(IngestOne(orphan).outcome, RecordOutcome::kAccepted);
  EXPECT_EQ(LoadAll().size(), 2u);
}

TEST_F(MemoryClaimStoreTest, VoidWithdrawsTheClaim) {
  const Claim original = MakeClaim("C1", {"M542"}, {Dollars(100)}, kDos);
  Claim void_claim = original;
  void_claim.frequency = FrequencyCode::kVoid;
  ASSERT_EQ(IngestOne(original).outcome, RecordOutcome::kAccepted);
  ASSERT_EQ(IngestOne(MakeEvent("C1", 1, Dollars(100), Dollars(80), kDos + 10)).outcome,
            RecordOutcome::kAccepted);
  EXPECT_EQ(IngestOne(void_claim).outcome, RecordOutcome::kAccepted);
  EXPECT_TRUE(LoadAll().empty());
  EXPECT_EQ(IngestOne(void_claim).outcome, RecordOutcome::kDuplicate);
  EXPECT_EQ(IngestOne(original).outcome, RecordOutcome::kDuplicate);  // resent file
  EXPECT_TRUE(LoadAll().empty());
  // Nothing to void.
  Claim unknown = void_claim;
  unknown.claim_id = "C9";
  const RecordResult result = IngestOne(unknown);
  EXPECT_EQ(result.outcome, RecordOutcome::kRejected);
  EXPECT_EQ(result.field, "frequency_code");
  // A replacement brings a voided claim back, with the events that joined before.
  Claim revived = original;
  revived.frequency = FrequencyCode::kReplacement;
  revived.diagnoses = {"M4802"};
  EXPECT_EQ(IngestOne(revived).outcome, RecordOutcome::kAccepted);
  std::vector<ClaimHistory> claims = LoadAll();
  ASSERT_EQ(claims.size(), 1u);
  EXPECT_EQ(claims[0].events.size(), 1u);
}

TEST_F(MemoryClaimStoreTest, ClaimsAreKeyedByPayerToo) {
  ASSERT_EQ(IngestOne(MakeClaim("C1", {"M542"}, {Dollars(100)}, kDos, "P1")).outcome,
            RecordOutcome::kAccepted);
  EXPECT_EQ(IngestOne(MakeClaim("C1", {"M50121"}, {Dollars(100)}, kDos, "P2")).outcome,
            RecordOutcome::kAccepted);
  EXPECT_EQ(LoadAll().size(), 2u);
}

TEST_F(MemoryClaimStoreTest, RemittanceBeforeItsClaimWaitsAndJoinsLater) {
  const RemittanceEvent denied = MakeEvent("C1", 1, Dollars(100), 0, kDos + 5,
                                           {Adj(GroupCode::kCO, "50", Dollars(100))});
  RecordResult result = IngestOne(denied);
  EXPECT_EQ(result.outcome, RecordOutcome::kAccepted);
  EXPECT_TRUE(result.unmatched);
  result = IngestOne(denied);  // same content again
  EXPECT_EQ(result.outcome, RecordOutcome::kDuplicate);
  EXPECT_FALSE(result.unmatched);
  EXPECT_TRUE(LoadAll().empty());

  ASSERT_EQ(IngestOne(MakeClaim("C1", {"M542"}, {Dollars(100)}, kDos)).outcome,
            RecordOutcome::kAccepted);
  const RemittanceEvent paid = MakeEvent("C1", 1, Dollars(100), Dollars(70), kDos + 40);
  result = IngestOne(paid);
  EXPECT_EQ(result.outcome, RecordOutcome::kAccepted);
  EXPECT_FALSE(result.unmatched);
  // An event for the same claim id at another payer does not join.
  EXPECT_TRUE(IngestOne(MakeEvent("C1", 1, Dollars(100), Dollars(70), kDos + 40, {}, "P9"))
                  .unmatched);

  std::vector<ClaimHistory> claims = LoadAll();
  ASSERT_EQ(claims.size(), 1u);
  ASSERT_EQ(claims[0].events.size(), 2u);
  Cents paid_total = 0;
  for (const RemittanceEvent& event : claims[0].events) paid_total += event.paid_cents;
  EXPECT_EQ(paid_total, Dollars(70));
}

TEST_F(MemoryClaimStoreTest, EventsDifferingInAnyFieldAreDistinct) {
  RemittanceEvent a = MakeEvent("C1", 1, Dollars(100), Dollars(70), kDos + 5);
  RemittanceEvent b = a;
  b.trace_number = "EFT2";
  absl::StatusOr<std::vector<RecordResult>> results =
      store_.IngestRemittances(practice_, {a, b, a});
  ASSERT_TRUE(results.ok());
  EXPECT_THAT(Outcomes(*results),
              ::testing::ElementsAre(RecordOutcome::kAccepted, RecordOutcome::kAccepted,
                                     RecordOutcome::kDuplicate));
}

TEST_F(MemoryClaimStoreTest, ProviderAdjustmentsAreKeyedByPayerTraceAndSequence) {
  ASSERT_EQ(IngestOne(MakeClaim("C-1", {"M542"}, {Dollars(100)}, kDos)).outcome,
            RecordOutcome::kAccepted);
  const std::vector<ClaimHistory> before = LoadAll();
  auto plb = [](int sequence, const std::string& reason, Cents amount) {
    ProviderLevelAdjustment a;
    a.payer_id = "60054";
    a.trace_number = "EFT-1";
    a.sequence = sequence;
    a.provider_id = kTestNpi;
    a.reason_code = reason;
    a.amount_cents = amount;
    return a;
  };
  absl::StatusOr<std::vector<RecordResult>> first = store_.IngestProviderAdjustments(
      practice_, {plb(2, "WO", 2000), plb(1, "L6", -500), plb(1, "L6", -500)});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_THAT(Outcomes(*first), ::testing::ElementsAre(RecordOutcome::kAccepted,
                                                       RecordOutcome::kAccepted,
                                                       RecordOutcome::kDuplicate));
  absl::StatusOr<std::vector<RecordResult>> changed =
      store_.IngestProviderAdjustments(practice_, {plb(2, "WO", 2500)});
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(changed->front().outcome, RecordOutcome::kRejected);
  EXPECT_THAT(changed->front().reason, HasSubstr("EFT-1 PLB pair 2"));
  absl::StatusOr<std::vector<ProviderLevelAdjustment>> listed =
      store_.ListProviderAdjustments(practice_);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].reason_code, "L6");  // by sequence
  EXPECT_EQ((*listed)[1].amount_cents, 2000);  // the first content stays
  // Never spread over claims.
  const std::vector<ClaimHistory> after = LoadAll();
  ASSERT_EQ(after.size(), before.size());
  EXPECT_EQ(ClaimContentKey(after[0].claim), ClaimContentKey(before[0].claim));
  EXPECT_TRUE(after[0].events.empty());
  Practice other = store_.CreatePractice("1245319599", "Other").value();
  EXPECT_TRUE(store_.ListProviderAdjustments(other)->empty());
}

TEST_F(MemoryClaimStoreTest, LoadClaimsFiltersByServiceDateInclusive) {
  ASSERT_TRUE(store_
                  .IngestClaims(practice_,
                                {MakeClaim("Feb", {"M542"}, {100}, Day(2026, 2, 28)),
                                 MakeClaim("Mar1", {"M542"}, {100}, Day(2026, 3, 1)),
                                 MakeClaim("Mar31", {"M542"}, {100}, Day(2026, 3, 31)),
                                 MakeClaim("Apr", {"M542"}, {100}, Day(2026, 4, 1))})
                  .ok());
  std::vector<ClaimHistory> march =
      store_.LoadClaims(practice_, {Day(2026, 3, 1), Day(2026, 3, 31)}).value();
  std::vector<std::string> ids;
  for (const ClaimHistory& h : march) ids.push_back(h.claim.claim_id);
  EXPECT_THAT(ids, ::testing::UnorderedElementsAre("Mar1", "Mar31"));
  // The date of service is the earliest line date.
  Claim spanning = MakeClaim("Span", {"M542"}, {100, 100}, Day(2026, 4, 2));
  spanning.lines[1].service_date = Day(2026, 3, 30);
  ASSERT_EQ(IngestOne(spanning).outcome, RecordOutcome::kAccepted);
  EXPECT_EQ(store_.LoadClaims(practice_, {Day(2026, 3, 1), Day(2026, 3, 31)})->size(), 3u);
}

TEST_F(MemoryClaimStoreTest, PracticesNeverSeeEachOther) {
  const Practice other = store_.CreatePractice("1245319599", "Other Clinic").value();
  ASSERT_EQ(IngestOne(MakeClaim("C1", {"M542"}, {100}, kDos)).outcome,
            RecordOutcome::kAccepted);
  ASSERT_EQ(IngestOne(MakeEvent("C1", 1, 100, 100, kDos + 3)).outcome,
            RecordOutcome::kAccepted);
  EXPECT_TRUE(store_.LoadClaims(other, kAll)->empty());
  // The same claim and event in the other practice are new there, and unmatched there.
  absl::StatusOr<std::vector<RecordResult>> event =
      store_.IngestRemittances(other, {MakeEvent("C1", 1, 100, 100, kDos + 3)});
  EXPECT_EQ(event->at(0).outcome, RecordOutcome::kAccepted);
  EXPECT_TRUE(event->at(0).unmatched);
  EXPECT_EQ(store_.IngestClaims(other, {MakeClaim("C1", {"M542"}, {100}, kDos)})->at(0).outcome,
            RecordOutcome::kAccepted);
  EXPECT_EQ(LoadAll()[0].events.size(), 1u);
  // A practice the store never created.
  Practice stranger{99, "1999999995", "Stranger"};
  EXPECT_EQ(store_.LoadClaims(stranger, kAll).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_.IngestClaims(stranger, {}).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_.IngestRemittances(stranger, {}).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(MemoryClaimStoreTest, BatchResultsFollowRecordOrder) {
  const Claim a = MakeClaim("A", {"M542"}, {100}, kDos);
  Claim a_changed = a;
  a_changed.lines[0].charge_cents = 200;
  a_changed.total_charge_cents = 200;
  absl::StatusOr<std::vector<RecordResult>> results =
      store_.IngestClaims(practice_, {a, a, a_changed, MakeClaim("B", {"M542"}, {100}, kDos)});
  ASSERT_TRUE(results.ok());
  EXPECT_THAT(Outcomes(*results),
              ::testing::ElementsAre(RecordOutcome::kAccepted, RecordOutcome::kDuplicate,
                                     RecordOutcome::kRejected, RecordOutcome::kAccepted));
}

TEST_F(MemoryClaimStoreTest, ConcurrentIngestCountsEachClaimOnce) {
  // Four threads each send the same 200 claims: exactly 200 are accepted overall.
  constexpr int kClaims = 200;
  constexpr int kThreads = 4;
  std::vector<Claim> claims;
  for (int i = 0; i < kClaims; ++i) {
    claims.push_back(MakeClaim(absl::StrCat("C", i), {"M542"}, {100}, kDos));
  }
  std::vector<int> accepted(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (const Claim& claim : claims) {
        absl::StatusOr<std::vector<RecordResult>> r = store_.IngestClaims(practice_, {claim});
        if (r.ok() && r->at(0).outcome == RecordOutcome::kAccepted) ++accepted[t];
        (void)store_.LoadClaims(practice_, kAll);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  int total = 0;
  for (int n : accepted) total += n;
  EXPECT_EQ(total, kClaims);
  EXPECT_EQ(LoadAll().size(), static_cast<size_t>(kClaims));
}

}  // namespace
}  // namespace denialscope
