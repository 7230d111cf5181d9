// The migration runner behind ApplyMigrations (declared in sql/pg_claim_store.h), exposed
// with an explicit file list so tests can run it on files of their own, including broken
// ones, and check that a failing migration leaves nothing behind.
#ifndef DENIALSCOPE_SQL_MIGRATIONS_H_
#define DENIALSCOPE_SQL_MIGRATIONS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "analytics/embedded_file.h"

namespace denialscope {

namespace internal {
// Generated from sql/migrations/*.sql by cmake/EmbedFiles.cmake, sorted by name.
const std::vector<EmbeddedFile>& MigrationFiles();
}  // namespace internal

// Applies, in name order, every file of `files` whose name is not yet recorded in
// schema_migrations: each in its own transaction holding an advisory lock, recorded with its
// name and time in the same transaction. Returns the names applied. A failing file is rolled
// back whole and the error names it; files before it stay applied. INVALID_ARGUMENT when two
// files share a name or a name does not end in ".sql".
absl::StatusOr<std::vector<std::string>> ApplyMigrationFiles(
    const std::string& url, const std::vector<EmbeddedFile>& files);

}  // namespace denialscope

#endif  // DENIALSCOPE_SQL_MIGRATIONS_H_
