// GroupCommitAccessStore over the in-memory store and over a fault-injecting one: rows of
// concurrent callers are written together, each exactly once and in arrival order, a lone
// row is written at once, and a failed write reaches every caller whose row it held.
#include "analytics/group_commit_access_store.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "analytics/memory_access_store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace denialscope {
namespace {

AuditEvent Event(int64_t rows) {
  AuditEvent event;
  event.time = absl::FromUnixSeconds(1780000000);
  event.key_id = "00000000000000a1";
  event.method = "AnalyticsService.CompareCohorts";
  event.practice_npi = "1234567893";
  event.status = "OK";
  event.rows = rows;
  return event;
}

// A MemoryAccessStore whose group writes can be held (to let callers pile up), counted and
// failed on command; a failed write stores nothing, as one PostgreSQL statement would not.
class ControlledAccessStore : public MemoryAccessStore {
 public:
  absl::Status AppendAuditEvents(absl::Span<const AuditEvent> events) override {
    {
      absl::MutexLock lock(&control_mu_);
      group_sizes_.push_back(static_cast<int>(events.size()));
      ++entered_;
      control_mu_.Await(absl::Condition(
          +[](bool* held) { return !*held; }, &held_));
      if (fail_next_ > 0) {
        --fail_next_;
        return absl::UnavailableError("the audit table is unreachable");
      }
    }
    return MemoryAccessStore::AppendAuditEvents(events);
  }

  void Hold() {
    absl::MutexLock lock(&control_mu_);
    held_ = true;
  }
  void Release() {
    absl::MutexLock lock(&control_mu_);
    held_ = false;
  }
  void FailNext(int count) {
    absl::MutexLock lock(&control_mu_);
    fail_next_ = count;
  }
  // Waits until `count` writes have started.
  void AwaitEntered(int count) {
    absl::MutexLock lock(&control_mu_);
    const auto reached = [&]() { return entered_ >= count; };
    control_mu_.Await(absl::Condition(&reached));
  }
  std::vector<int> group_sizes() {
    absl::MutexLock lock(&control_mu_);
    return group_sizes_;
  }

 private:
  absl::Mutex control_mu_;
  bool held_ ABSL_GUARDED_BY(control_mu_) = false;
  int fail_next_ ABSL_GUARDED_BY(control_mu_) = 0;
  int entered_ ABSL_GUARDED_BY(control_mu_) = 0;
  std::vector<int> group_sizes_ ABSL_GUARDED_BY(control_mu_);
};

std::vector<int64_t> StoredRows(const MemoryAccessStore& store) {
  std::vector<int64_t> rows;
  for (const AuditEvent& event : store.AuditEvents()) rows.push_back(event.rows);
  return rows;
}

// Holds the inner store's writes, starts a caller of row 0 (whose write is then held) and
// queues callers of rows 1..count-1 behind it one at a time, so they queue in row order.
// `results[i]` receives row i's status when its thread ends.
std::vector<std::thread> QueueBehindAHeldWrite(GroupCommitAccessStore& store,
                                               ControlledAccessStore& memory, int count,
                                               std::vector<absl::Status>& results) {
  memory.Hold();
  results.assign(static_cast<size_t>(count), absl::OkStatus());
  std::vector<std::thread> threads;
  threads.emplace_back([&store, &results] { results[0] = store.AppendAuditEvent(Event(0)); });
  memory.AwaitEntered(1);
  for (int i = 1; i < count; ++i) {
    threads.emplace_back(
        [&store, &results, i] { results[i] = store.AppendAuditEvent(Event(i)); });
    for (int spin = 0; spin < 20000 && store.waiting_rows() != static_cast<size_t>(i); ++spin) {
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
    EXPECT_EQ(store.waiting_rows(), static_cast<size_t>(i));
  }
  return threads;
}

void JoinAll(std::vector<std::thread>& threads) {
  for (std::thread& thread : threads) thread.join();
}

TEST(GroupCommitAccessStoreTest, ALoneRowIsWrittenAtOnceByItsCaller) {
  auto inner = std::make_unique<ControlledAccessStore>();
  ControlledAccessStore* memory = inner.get();
  GroupCommitAccessStore store(std::move(inner));
  ASSERT_TRUE(store.AppendAuditEvent(Event(7)).ok());
  ASSERT_TRUE(store.AppendAuditEvent(Event(8)).ok());
  EXPECT_THAT(StoredRows(*memory), ::testing::ElementsAre(7, 8));
  EXPECT_THAT(memory->group_sizes(), ::testing::ElementsAre(1, 1));
  EXPECT_EQ(store.group_writes(), 2);
  // The stored row is the caller's, with the id the inner store gave it.
  const std::vector<AuditEvent> events = memory->AuditEvents();
  EXPECT_EQ(events[1].audit_id, 2);
  EXPECT_EQ(events[1].method, "AnalyticsService.CompareCohorts");
}

// While one write is in progress the rows arriving meanwhile wait and go in the next one.
TEST(GroupCommitAccessStoreTest, RowsArrivingDuringAWriteShareTheNextOne) {
  auto inner = std::make_unique<ControlledAccessStore>();
  ControlledAccessStore* memory = inner.get();
  GroupCommitAccessStore store(std::move(inner));
  std::vector<absl::Status> results;
  std::vector<std::thread> threads = QueueBehindAHeldWrite(store, *memory, 6, results);
  memory->Release();
  JoinAll(threads);
  for (const absl::Status& status : results) EXPECT_TRUE(status.ok()) << status;
  EXPECT_THAT(memory->group_sizes(), ::testing::ElementsAre(1, 5));
  EXPECT_THAT(StoredRows(*memory), ::testing::ElementsAre(0, 1, 2, 3, 4, 5));
  EXPECT_EQ(store.waiting_rows(), 0u);
}

TEST(GroupCommitAccessStoreTest, AGroupIsCappedAndTheRestFollowsInOrder) {
  auto inner = std::make_unique<ControlledAccessStore>();
  ControlledAccessStore* memory = inner.get();
  GroupCommitAccessStore store(std::move(inner), /*max_group=*/2);
  std::vector<absl::Status> results;
  std::vector<std::thread> threads = QueueBehindAHeldWrite(store, *memory, 6, results);
  memory->Release();
  JoinAll(threads);
  for (const absl::Status& status : results) EXPECT_TRUE(status.ok()) << status;
  EXPECT_THAT(memory->group_sizes(), ::testing::ElementsAre(1, 2, 2, 1));
  EXPECT_THAT(StoredRows(*memory), ::testing::ElementsAre(0, 1, 2, 3, 4, 5));
}

// A failed write is reported to every caller whose row it held (the server then withholds
// their answers), stores none of them, and the next write goes on normally.
TEST(GroupCommitAccessStoreTest, AFailedWriteReachesEveryCallerInItsGroup) {
  auto inner = std::make_unique<ControlledAccessStore>();
  ControlledAccessStore* memory = inner.get();
  GroupCommitAccessStore store(std::move(inner));
  std::vector<absl::Status> results;
  std::vector<std::thread> threads = QueueBehindAHeldWrite(store, *memory, 4, results);
  memory->FailNext(2);  // the held write and the group of three behind it
  memory->Release();
  JoinAll(threads);
  for (const absl::Status& status : results) {
    EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  }
  EXPECT_THAT(memory->group_sizes(), ::testing::ElementsAre(1, 3));
  EXPECT_THAT(StoredRows(*memory), ::testing::IsEmpty());
  ASSERT_TRUE(store.AppendAuditEvent(Event(9)).ok());
  EXPECT_THAT(StoredRows(*memory), ::testing::ElementsAre(9));
}

TEST(GroupCommitAccessStoreTest, ManyCallersStoreEveryRowOnce) {
  auto inner = std::make_unique<MemoryAccessStore>();
  MemoryAccessStore* memory = inner.get();
  GroupCommitAccessStore store(std::move(inner), /*max_group=*/4);
  constexpr int kThreads = 8;
  constexpr int kPerThread = 200;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        if (!store.AppendAuditEvent(Event(t * 1000 + i)).ok()) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  std::vector<int64_t> rows = StoredRows(*memory);
  ASSERT_EQ(rows.size(), static_cast<size_t>(kThreads * kPerThread));
  // Each thread's rows in the order it appended them, none lost or doubled.
  std::vector<int64_t> next(kThreads, 0);
  for (int64_t value : rows) {
    const int64_t thread = value / 1000;
    EXPECT_EQ(value % 1000, next[thread]) << value;
    next[thread] = value % 1000 + 1;
  }
  EXPECT_THAT(next, ::testing::Each(kPerThread));
  EXPECT_LE(store.group_writes(), kThreads * kPerThread);
}

TEST(GroupCommitAccessStoreTest, KeysAndListsPassThrough) {
  GroupCommitAccessStore store(std::make_unique<MemoryAccessStore>());
  ApiKeyRecord key;
  key.key_id = "00000000000000b1";
  key.scopes = {Scope::kRead};
  ASSERT_TRUE(store.CreateApiKey(key).ok());
  EXPECT_EQ(store.CreateApiKey(key).code(), absl::StatusCode::kAlreadyExists);
  ASSERT_TRUE(store.GetApiKey(key.key_id).ok());
  EXPECT_EQ(store.ListApiKeys(10, "")->keys.size(), 1u);
  EXPECT_TRUE(store.RevokeApiKey(key.key_id, absl::FromUnixSeconds(5))->revoke_time.has_value());
  ASSERT_TRUE(store.AppendAuditEvents({Event(1), Event(2)}).ok());
  EXPECT_EQ(store.ListAuditEvents(AuditQuery{})->events.size(), 2u);
}

}  // namespace
}  // namespace denialscope
