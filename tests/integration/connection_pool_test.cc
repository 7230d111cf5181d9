// The connection pool against a real server: bounded, lazy, times out with UNAVAILABLE, and
// replaces connections that broke.
#include "sql/connection_pool.h"

#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sql/pg_claim_store.h"
#include "tests/integration/test_database.h"

namespace denialscope::testing {
namespace {

using ::testing::HasSubstr;

class ConnectionPoolTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<std::unique_ptr<TestDatabase>> db = TestDatabase::Create();
    if (db.ok()) {
      db_ = db->release();
    } else {
      error_ = new std::string(db.status().ToString());
    }
  }
  static void TearDownTestSuite() {
    delete db_;
    db_ = nullptr;
    delete error_;
    error_ = nullptr;
  }
  void SetUp() override {
    if (error_ != nullptr) FAIL() << *error_;
  }

  std::unique_ptr<ConnectionPool> MakePool(int size, absl::Duration acquire_timeout) {
    ConnectionPoolOptions options;
    options.url = db_->url();
    options.pool_size = size;
    options.acquire_timeout = acquire_timeout;
    options.statement_timeout = absl::Milliseconds(1500);
    absl::StatusOr<std::unique_ptr<ConnectionPool>> pool =
        ConnectionPool::Create(std::move(options));
    EXPECT_TRUE(pool.ok()) << pool.status();
    return pool.ok() ? std::move(pool).value() : nullptr;
  }

  static int BackendPid(pqxx::connection& connection) {
    pqxx::nontransaction tx(connection);
    return tx.exec("SELECT pg_backend_pid()")[0][0].as<int>();
  }

  static TestDatabase* db_;
  static std::string* error_;
};

TestDatabase* ConnectionPoolTest::db_ = nullptr;
std::string* ConnectionPoolTest::error_ = nullptr;

TEST_F(ConnectionPoolTest, OpensLazilyAndReusesConnections) {
  std::unique_ptr<ConnectionPool> pool = MakePool(3, absl::Seconds(5));
  ASSERT_NE(pool, nullptr);
  EXPECT_EQ(pool->open_connections(), 0);
  int pid = 0;
  {
    absl::StatusOr<ConnectionPool::Lease> lease = pool->Acquire();
    ASSERT_TRUE(lease.ok()) << lease.status();
    pid = BackendPid(lease->connection());
    EXPECT_EQ(pool->open_connections(), 1);
  }
  EXPECT_EQ(pool->idle_connections(), 1);
  absl::StatusOr<ConnectionPool::Lease> again = pool->Acquire();
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(BackendPid(again->connection()), pid);
  EXPECT_EQ(pool->open_connections(), 1);
}

TEST_F(ConnectionPoolTest, SessionSettingsAreApplied) {
  std::unique_ptr<ConnectionPool> pool = MakePool(1, absl::Seconds(5));
  ASSERT_NE(pool, nullptr);
  absl::StatusOr<ConnectionPool::Lease> lease = pool->Acquire();
  ASSERT_TRUE(lease.ok()) << lease.status();
  pqxx::nontransaction tx(lease->connection());
  EXPECT_EQ(tx.exec("SHOW statement_timeout")[0][0].as<std::string>(), "1500ms");
}

TEST_F(ConnectionPoolTest, ExhaustedPoolIsUnavailableAfterTheTimeout) {
  std::unique_ptr<ConnectionPool> pool = MakePool(1, absl::Milliseconds(200));
  ASSERT_NE(pool, nullptr);
  absl::StatusOr<ConnectionPool::Lease> acquired = pool->Acquire();
  ASSERT_TRUE(acquired.ok()) << acquired.status();
  std::optional<ConnectionPool::Lease> held(std::move(acquired).value());

  absl::Time start = absl::Now();
  absl::StatusOr<ConnectionPool::Lease> second = pool->Acquire();
  absl::Duration waited = absl::Now() - start;
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(second.status().message(), HasSubstr("no database connection"));
  EXPECT_GE(waited, absl::Milliseconds(190));
  EXPECT_LT(waited, absl::Seconds(5));
  EXPECT_EQ(pool->open_connections(), 1);

  held.reset();  // returns the connection
  absl::StatusOr<ConnectionPool::Lease> third = pool->Acquire();
  EXPECT_TRUE(third.ok()) << third.status();
}

TEST_F(ConnectionPoolTest, WaiterGetsTheConnectionReleasedMeanwhile) {
  std::unique_ptr<ConnectionPool> pool = MakePool(1, absl::Seconds(10));
  ASSERT_NE(pool, nullptr);
  auto held = std::make_unique<absl::StatusOr<ConnectionPool::Lease>>(pool->Acquire());
  ASSERT_TRUE(held->ok()) << held->status();
  std::thread releaser([&held] {
    absl::SleepFor(absl::Milliseconds(100));
    held.reset();
  });
  absl::StatusOr<ConnectionPool::Lease> waited = pool->Acquire();
  releaser.join();
  EXPECT_TRUE(waited.ok()) << waited.status();
  EXPECT_EQ(pool->open_connections(), 1);
}

TEST_F(ConnectionPoolTest, BrokenConnectionIsDiscardedAndReplaced) {
  std::unique_ptr<ConnectionPool> pool = MakePool(1, absl::Seconds(5));
  ASSERT_NE(pool, nullptr);
  int old_pid = 0;
  {
    absl::StatusOr<ConnectionPool::Lease> lease = pool->Acquire();
    ASSERT_TRUE(lease.ok()) << lease.status();
    old_pid = BackendPid(lease->connection());
    db_->Exec("SELECT pg_terminate_backend(" + std::to_string(old_pid) + ")");
    bool broke = false;
    try {
      BackendPid(lease->connection());
    } catch (const pqxx::broken_connection&) {
      broke = true;
      lease->MarkBroken();
    }
    EXPECT_TRUE(broke);
  }
  EXPECT_EQ(pool->open_connections(), 0);
  absl::StatusOr<ConnectionPool::Lease> fresh = pool->Acquire();
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_NE(BackendPid(fresh->connection()), old_pid);
}

TEST_F(ConnectionPoolTest, UnreachableServerIsUnavailable) {
  ConnectionPoolOptions options;
  options.url = "postgresql://denialscope@127.0.0.1:1/denialscope?connect_timeout=2";
  options.pool_size = 1;
  absl::StatusOr<std::unique_ptr<ConnectionPool>> pool =
      ConnectionPool::Create(std::move(options));
  ASSERT_TRUE(pool.ok()) << pool.status();
  absl::StatusOr<ConnectionPool::Lease> lease = (*pool)->Acquire();
  EXPECT_EQ(lease.status().code(), absl::StatusCode::kUnavailable);
  // The failed attempt does not use up the slot.
  EXPECT_EQ((*pool)->open_connections(), 0);
}

TEST_F(ConnectionPoolTest, RejectsBadOptions) {
  ConnectionPoolOptions options;
  options.url = db_->url();
  options.pool_size = 0;
  EXPECT_EQ(ConnectionPool::Create(options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace denialscope::testing
