// Shared set-up for the integration tests: a fresh PostgreSQL database per test suite on
// the server named by DENIALSCOPE_TEST_DATABASE_URL (dropped afterwards, so suites never see
// each other's rows), a migrated schema, an open PgClaimStore, and record builders.
#ifndef DENIALSCOPE_TESTS_INTEGRATION_TEST_DATABASE_H_
#define DENIALSCOPE_TESTS_INTEGRATION_TEST_DATABASE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "analytics/claim_store.h"
#include "analytics/records.h"
#include "analytics/taxonomy.h"
#include "gtest/gtest.h"
#include "pqxx/pqxx"

namespace denialscope::testing {

inline constexpr char kDatabaseUrlVariable[] = "DENIALSCOPE_TEST_DATABASE_URL";

// `url` with its database replaced by `database` (postgresql:// URLs and key=value strings).
std::string WithDatabase(const std::string& url, const std::string& database);

// A database created for one suite and dropped (WITH FORCE) when destroyed.
class TestDatabase {
 public:
  // FAILED_PRECONDITION naming the variable when DENIALSCOPE_TEST_DATABASE_URL is unset.
  static absl::StatusOr<std::unique_ptr<TestDatabase>> Create();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;
  ~TestDatabase();

  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

  // Runs SQL in the test database (inspection and fault injection), in its own transaction.
  pqxx::result Exec(const std::string& sql);

 private:
  TestDatabase(std::string server_url, std::string name);
  std::string server_url_;
  std::string name_;
  std::string url_;
};

// A taxonomy small enough to read in a test: M54.2 nonspecific, M50.- disc, M99.01
// segmental dysfunction.
const CohortTaxonomy& TestTaxonomy();

// Fixture: one migrated database and one store per suite. Each test makes its own practices
// (NewPractice) so tests of a suite do not interfere.
class StoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override;

  static TestDatabase& db() { return *db_; }
  static ClaimStore& store() { return *store_; }
  // A practice with a fresh NPI.
  static Practice NewPractice();

 private:
  static TestDatabase* db_;
  static ClaimStore* store_;
  static std::string* setup_error_;
};

// --- Record builders ---------------------------------------------------------------------

inline constexpr char kPayer[] = "60054";

// One-line claim: 98941 for `charge_cents` on `service_date`, diagnoses as given (first is
// principal), frequency 1.
Claim MakeClaim(const std::string& claim_id, const std::vector<std::string>& diagnoses,
                Day service_date, Cents charge_cents = 10000);

// An event paying `paid_cents` on the claim's charge, with CO-45 for the rest.
RemittanceEvent MakePayment(const std::string& claim_id, Cents charge_cents, Cents paid_cents,
                            Day production_date);
// Paid 0 with CO-<carc> for the whole charge and the remark N115.
RemittanceEvent MakeDenial(const std::string& claim_id, Cents charge_cents, Day production_date,
                           const std::string& carc = "50");
// CLP02 22: every amount of `paid` negated.
RemittanceEvent MakeReversal(const RemittanceEvent& paid, Day production_date);

std::vector<RecordOutcome> Outcomes(const std::vector<RecordResult>& results);

}  // namespace denialscope::testing

#endif  // DENIALSCOPE_TESTS_INTEGRATION_TEST_DATABASE_H_
