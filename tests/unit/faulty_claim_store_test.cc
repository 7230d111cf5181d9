// The fault-injecting store: failures strike the planned calls only, before or after the
// wrapped store does the work, and a retried batch is never counted twice.
#include "analytics/faulty_claim_store.h"

#include "analytics/memory_claim_store.h"
#include "gtest/gtest.h"
#include "tests/unit/test_records.h"

namespace denialscope {
namespace {

using ::denialscope::testing::kTestNpi;
using ::denialscope::testing::MakeClaim;
using Method = FaultyClaimStore::Method;
using Timing = FaultyClaimStore::Timing;

const Day kDos(2026, 3, 2);
const ClaimQuery kAll{Day(2000, 1, 1), Day(2100, 1, 1)};

TEST(FaultyClaimStoreTest, FailsTheNextNCallsThenRecovers) {
  MemoryClaimStore memory;
  FaultyClaimStore store(&memory);
  store.FailNext(2, absl::UnavailableError("database restarting"));
  EXPECT_EQ(store.CreatePractice(kTestNpi, "P").status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(store.GetPractice(kTestNpi).status().code(), absl::StatusCode::kUnavailable);
  // Failed before reaching the wrapped store: nothing was created.
  EXPECT_EQ(memory.GetPractice(kTestNpi).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(store.CreatePractice(kTestNpi, "P").ok());
  EXPECT_EQ(store.calls(), 3);
  EXPECT_EQ(store.calls(Method::kCreatePractice), 2);
  EXPECT_EQ(store.injected_failures(), 2);
}

TEST(FaultyClaimStoreTest, FailsOnlyTheChosenMethod) {
  MemoryClaimStore memory;
  FaultyClaimStore store(&memory);
  const Practice practice = store.CreatePractice(kTestNpi, "P").value();
  store.FailNext(1, absl::AbortedError("serialization failure"), Method::kIngestClaims);
  EXPECT_TRUE(store.LoadClaims(practice, kAll).ok());
  EXPECT_TRUE(store.ListPractices(10, "").ok());
  const Claim claim = MakeClaim("C1", {"M542"}, {100}, kDos);
  EXPECT_EQ(store.IngestClaims(practice, {claim}).status().code(),
            absl::StatusCode::kAborted);
  EXPECT_TRUE(store.LoadClaims(practice, kAll)->empty());
  // The retry goes through and stores the claim once.
  absl::StatusOr<std::vector<RecordResult>> retry = store.IngestClaims(practice, {claim});
  ASSERT_TRUE(retry.ok());
  EXPECT_EQ(retry->at(0).outcome, RecordOutcome::kAccepted);
  EXPECT_EQ(store.LoadClaims(practice, kAll)->size(), 1u);
}

TEST(FaultyClaimStoreTest, FailureAfterTheWorkMakesTheRetryADuplicate) {
  // A lost commit acknowledgement: the batch is stored, the caller sees UNAVAILABLE, retries,
  // and the store answers "duplicate" instead of storing it twice.
  MemoryClaimStore memory;
  FaultyClaimStore store(&memory);
  const Practice practice = store.CreatePractice(kTestNpi, "P").value();
  store.FailNext(1, absl::UnavailableError("connection reset"), Method::kIngestClaims,
                 Timing::kAfter);
  const Claim claim = MakeClaim("C1", {"M542"}, {100}, kDos);
  EXPECT_EQ(store.IngestClaims(practice, {claim}).status().code(),
            absl::StatusCode::kUnavailable);
  absl::StatusOr<std::vector<RecordResult>> retry = store.IngestClaims(practice, {claim});
  ASSERT_TRUE(retry.ok());
  EXPECT_EQ(retry->at(0).outcome, RecordOutcome::kDuplicate);
  EXPECT_EQ(store.LoadClaims(practice, kAll)->size(), 1u);
}

TEST(FaultyClaimStoreTest, RulesQueueAndClearDropsThem) {
  MemoryClaimStore memory;
  FaultyClaimStore store(&memory);
  store.FailNext(1, absl::UnavailableError("first"), Method::kGetPractice);
  store.FailNext(1, absl::DeadlineExceededError("second"), Method::kGetPractice);
  EXPECT_EQ(store.GetPractice(kTestNpi).status().message(), "first");
  EXPECT_EQ(store.GetPractice(kTestNpi).status().message(), "second");
  EXPECT_EQ(store.GetPractice(kTestNpi).status().code(), absl::StatusCode::kNotFound);
  store.FailNext(5, absl::UnavailableError("x"));
  store.Clear();
  EXPECT_EQ(store.GetPractice(kTestNpi).status().code(), absl::StatusCode::kNotFound);
  // An OK status or a non-positive count plans nothing.
  store.FailNext(1, absl::OkStatus());
  store.FailNext(0, absl::UnavailableError("x"));
  EXPECT_EQ(store.GetPractice(kTestNpi).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store.injected_failures(), 2);
}

}  // namespace
}  // namespace denialscope
