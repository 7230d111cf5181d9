// Runs the schema migrations compiled into the binary: at start-up, each in a transaction,
// recorded in schema_migrations (DESIGN §4).
#include "pqxx/pqxx"
#include "sql/migrations.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "sql/pg_claim_store.h"
#include "sql/pg_errors.h"
#include "sql/queries.h"

namespace denialscope {

absl::StatusOr<std::vector<std::string>> ApplyMigrationFiles(
    const std::string& url, const std::vector<EmbeddedFile>& files) {
  std::vector<const EmbeddedFile*> ordered;
  absl::flat_hash_set<std::string> names;
  for (const EmbeddedFile& file : files) {
    if (!absl::EndsWith(file.name, ".sql")) {
      return absl::InvalidArgumentError(
          absl::StrCat("migration '", file.name, "' is not a .sql file"));
    }
    if (!names.insert(file.name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("two migrations are named '", file.name, "'"));
    }
    ordered.push_back(&file);
  }
  std::sort(ordered.begin(), ordered.end(),
            [](const EmbeddedFile* a, const EmbeddedFile* b) { return a->name < b->name; });

  std::vector<std::string> applied;
  std::unique_ptr<pqxx::connection> connection;
  try {
    connection = std::make_unique<pqxx::connection>(url);
  } catch (...) {
    absl::Status status = StatusFromCurrentException("migrations: connecting to the database");
    return absl::UnavailableError(status.message());
  }
  for (const EmbeddedFile* file : ordered) {
    try {
      pqxx::work tx(*connection);
      // Under the lock, re-read what is applied: another server may have run it meanwhile.
      tx.exec(queries::kLockMigrations);
      tx.exec(queries::kCreateSchemaMigrations);
      pqxx::result done = tx.exec_params(queries::kSelectMigration, file->name);
      if (!done.empty()) {
        tx.abort();
        continue;
      }
      tx.exec(file->contents);
      tx.exec_params(queries::kInsertMigration, file->name);
      tx.commit();
      applied.push_back(file->name);
    } catch (...) {
      absl::Status status = StatusFromCurrentException(
          absl::StrCat("migration ", file->name, " failed, nothing of it was applied"));
      return absl::Status(status.code() == absl::StatusCode::kInvalidArgument
                              ? absl::StatusCode::kInternal
                              : status.code(),
                          status.message());
    }
  }
  return applied;
}

absl::StatusOr<std::vector<std::string>> ApplyMigrations(const std::string& url) {
  return ApplyMigrationFiles(url, internal::MigrationFiles());
}

}  // namespace denialscope
