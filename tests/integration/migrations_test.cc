// Migrations against a real server: they apply once, record themselves, are a no-op the
// second time, roll back whole when one fails, and survive concurrent runners.
#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sql/migrations.h"
#include "sql/pg_claim_store.h"
#include "tests/integration/test_database.h"

namespace denialscope::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// The embedded migrations' names, in the order they apply.
const std::vector<std::string>& EmbeddedNames() {
  static const auto* names = [] {
    auto* list = new std::vector<std::string>();
    for (const EmbeddedFile& file : internal::MigrationFiles()) list->push_back(file.name);
    std::sort(list->begin(), list->end());
    return list;
  }();
  return *names;
}

bool TableExists(TestDatabase& db, const std::string& table) {
  return db.Exec("SELECT to_regclass('" + table + "') IS NOT NULL")[0][0].as<bool>();
}

std::unique_ptr<TestDatabase> FreshDatabase() {
  absl::StatusOr<std::unique_ptr<TestDatabase>> db = TestDatabase::Create();
  if (!db.ok()) {
    ADD_FAILURE() << db.status();
    return nullptr;
  }
  return std::move(db).value();
}

TEST(MigrationsTest, AppliesEmbeddedMigrationsOnceAndRecordsThem) {
  std::unique_ptr<TestDatabase> db = FreshDatabase();
  ASSERT_NE(db, nullptr);
  absl::StatusOr<std::vector<std::string>> applied = ApplyMigrations(db->url());
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(*applied, EmbeddedNames());
  ASSERT_FALSE(applied->empty());
  EXPECT_EQ(applied->front(), "0001_init.sql");
  for (const char* table :
       {"practices", "payers", "claims", "claim_submissions", "claim_lines", "claim_diagnoses",
        "remittance_events", "remittance_lines", "adjustments", "remark_codes",
        "claim_facts"}) {
    EXPECT_TRUE(TableExists(*db, table)) << table;
  }
  pqxx::result recorded =
      db->Exec("SELECT name, applied_at IS NOT NULL FROM schema_migrations ORDER BY name");
  ASSERT_EQ(recorded.size(), EmbeddedNames().size());
  for (size_t i = 0; i < recorded.size(); ++i) {
    EXPECT_EQ(recorded[i][0].as<std::string>(), EmbeddedNames()[i]);
    EXPECT_TRUE(recorded[i][1].as<bool>());
  }

  absl::StatusOr<std::vector<std::string>> again = ApplyMigrations(db->url());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_THAT(*again, IsEmpty());
  EXPECT_EQ(db->Exec("SELECT count(*) FROM schema_migrations")[0][0].as<size_t>(),
            EmbeddedNames().size());
}

TEST(MigrationsTest, FailingMigrationLeavesNothingAndNamesTheFile) {
  std::unique_ptr<TestDatabase> db = FreshDatabase();
  ASSERT_NE(db, nullptr);
  std::vector<EmbeddedFile> files = internal::MigrationFiles();
  files.push_back({"0900_partial.sql",
                   "CREATE TABLE it_partial (x integer);\n"
                   "INSERT INTO it_partial VALUES (1);\n"
                   "SELECT 1 / 0;\n"});
  absl::StatusOr<std::vector<std::string>> applied = ApplyMigrationFiles(db->url(), files);
  ASSERT_FALSE(applied.ok());
  EXPECT_THAT(applied.status().message(), HasSubstr("0900_partial.sql"));
  EXPECT_THAT(applied.status().message(), HasSubstr("division by zero"));
  // The good migration before it stays; nothing of the failing one does.
  EXPECT_TRUE(TableExists(*db, "claims"));
  EXPECT_FALSE(TableExists(*db, "it_partial"));
  EXPECT_EQ(db->Exec("SELECT count(*) FROM schema_migrations WHERE name = '0900_partial.sql'")
                [0][0]
                    .as<int>(),
            0);

  // Fixed, it applies, and only it.
  files.back().contents = "CREATE TABLE it_partial (x integer);\n";
  absl::StatusOr<std::vector<std::string>> fixed = ApplyMigrationFiles(db->url(), files);
  ASSERT_TRUE(fixed.ok()) << fixed.status();
  EXPECT_THAT(*fixed, ElementsAre("0900_partial.sql"));
  EXPECT_TRUE(TableExists(*db, "it_partial"));
}

TEST(MigrationsTest, AppliesInNameOrderWhateverTheListOrder) {
  std::unique_ptr<TestDatabase> db = FreshDatabase();
  ASSERT_NE(db, nullptr);
  std::vector<EmbeddedFile> files = {
      {"0002_b.sql", "ALTER TABLE it_a ADD COLUMN y integer;"},
      {"0001_a.sql", "CREATE TABLE it_a (x integer);"},
  };
  absl::StatusOr<std::vector<std::string>> applied = ApplyMigrationFiles(db->url(), files);
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_THAT(*applied, ElementsAre("0001_a.sql", "0002_b.sql"));
}

TEST(MigrationsTest, RejectsDuplicateAndNonSqlNames) {
  std::unique_ptr<TestDatabase> db = FreshDatabase();
  ASSERT_NE(db, nullptr);
  absl::StatusOr<std::vector<std::string>> duplicate = ApplyMigrationFiles(
      db->url(), {{"0001_a.sql", "SELECT 1;"}, {"0001_a.sql", "SELECT 2;"}});
  EXPECT_EQ(duplicate.status().code(), absl::StatusCode::kInvalidArgument);
  absl::StatusOr<std::vector<std::string>> not_sql =
      ApplyMigrationFiles(db->url(), {{"0001_a.txt", "SELECT 1;"}});
  EXPECT_EQ(not_sql.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(MigrationsTest, ConcurrentRunnersApplyEachMigrationOnce) {
  std::unique_ptr<TestDatabase> db = FreshDatabase();
  ASSERT_NE(db, nullptr);
  std::vector<absl::StatusOr<std::vector<std::string>>> results(4);
  std::vector<std::thread> threads;
  for (auto& result : results) {
    threads.emplace_back([&db, &result] { result = ApplyMigrations(db->url()); });
  }
  for (std::thread& thread : threads) thread.join();
  int applied = 0;
  for (const auto& result : results) {
    ASSERT_TRUE(result.ok()) << result.status();
    applied += static_cast<int>(result->size());
  }
  EXPECT_EQ(applied, static_cast<int>(EmbeddedNames().size()));
  EXPECT_EQ(db->Exec("SELECT count(*) FROM schema_migrations")[0][0].as<size_t>(),
            EmbeddedNames().size());
}

TEST(MigrationsTest, StoreRefusesAnUnmigratedDatabase) {
  std::unique_ptr<TestDatabase> db = FreshDatabase();
  ASSERT_NE(db, nullptr);
  PgOptions options;
  options.url = db->url();
  absl::StatusOr<std::unique_ptr<ClaimStore>> store = OpenPgClaimStore(options, &TestTaxonomy());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(store.status().message(), HasSubstr("ApplyMigrations"));
}

TEST(MigrationsTest, UnreachableServerIsUnavailable) {
  absl::StatusOr<std::vector<std::string>> applied =
      ApplyMigrations("postgresql://denialscope@127.0.0.1:1/denialscope?connect_timeout=2");
  EXPECT_EQ(applied.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace denialscope::testing
