// Exception mapping against real server errors: what a caller is told to do about each kind
// of failure (retry later, retry now, fix the input, or report a bug), and a store that
// recovers by itself when its connections are cut.
#include "sql/pg_errors.h"

#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sql/connection_pool.h"
#include "tests/integration/test_database.h"

namespace denialscope::testing {
namespace {

using ::testing::HasSubstr;

class PgErrorsTest : public StoreTest {
 protected:
  // Runs `sql` on a fresh session and returns the mapped error (OK when it succeeded).
  absl::Status Run(const std::string& sql, absl::Duration statement_timeout = absl::Seconds(30)) {
    ConnectionPoolOptions options;
    options.url = db().url();
    options.pool_size = 1;
    options.statement_timeout = statement_timeout;
    absl::StatusOr<std::unique_ptr<ConnectionPool>> pool =
        ConnectionPool::Create(std::move(options));
    if (!pool.ok()) return pool.status();
    absl::StatusOr<ConnectionPool::Lease> lease = (*pool)->Acquire();
    if (!lease.ok()) return lease.status();
    try {
      pqxx::work tx(lease->connection());
      tx.exec(sql);
      tx.commit();
      return absl::OkStatus();
    } catch (...) {
      return StatusFromCurrentException("running a test statement");
    }
  }

  static std::string Raise(const std::string& sqlstate) {
    return "DO $$ BEGIN RAISE EXCEPTION 'raised %', '" + sqlstate + "' USING ERRCODE = '" +
           sqlstate + "'; END $$";
  }
};

TEST_F(PgErrorsTest, BadInputIsInvalidArgument) {
  absl::Status division = Run("SELECT 1 / 0");
  EXPECT_EQ(division.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(division.message(), HasSubstr("running a test statement: division by zero"));
  EXPECT_EQ(Run("SELECT 'not a date'::date").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Run("CREATE TEMP TABLE t (x int PRIMARY KEY); INSERT INTO t VALUES (1), (1)").code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(PgErrorsTest, ConflictsAreAborted) {
  EXPECT_EQ(Run(Raise("40001")).code(), absl::StatusCode::kAborted);  // serialization
  EXPECT_EQ(Run(Raise("40P01")).code(), absl::StatusCode::kAborted);  // deadlock
}

TEST_F(PgErrorsTest, ServerTroubleIsUnavailable) {
  EXPECT_EQ(Run(Raise("57P03")).code(), absl::StatusCode::kUnavailable);  // cannot connect now
  EXPECT_EQ(Run(Raise("53200")).code(), absl::StatusCode::kUnavailable);  // out of memory
  EXPECT_EQ(Run("SELECT pg_terminate_backend(pg_backend_pid())").code(),
            absl::StatusCode::kUnavailable);
}

TEST_F(PgErrorsTest, StatementTimeoutIsResourceExhausted) {
  EXPECT_EQ(Run("SELECT pg_sleep(5)", absl::Milliseconds(200)).code(),
            absl::StatusCode::kResourceExhausted);
}

TEST_F(PgErrorsTest, BugsAreInternal) {
  EXPECT_EQ(Run("SELECT * FROM no_such_table").code(), absl::StatusCode::kInternal);
  EXPECT_EQ(Run("SELEC 1").code(), absl::StatusCode::kInternal);
}

TEST_F(PgErrorsTest, StoreRecoversWhenItsConnectionsAreCut) {
  Practice practice = NewPractice();
  ASSERT_TRUE(store().GetPractice(practice.npi).ok());
  // Every pooled session of the store ends, as when PostgreSQL restarts.
  db().Exec(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
      " WHERE datname = current_database() AND pid <> pg_backend_pid()");
  absl::StatusOr<Practice> again = store().GetPractice(practice.npi);
  EXPECT_TRUE(again.ok()) << again.status();
  absl::StatusOr<std::vector<RecordResult>> ingested =
      store().IngestClaims(practice, {MakeClaim("C-1", {"M542"}, Day(2026, 3, 2))});
  EXPECT_TRUE(ingested.ok()) << ingested.status();
}

}  // namespace
}  // namespace denialscope::testing
