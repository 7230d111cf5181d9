// The PostgreSQL implementation of ClaimStore (libpqxx 6.4), and the migrations it needs.
// pqxx exceptions never leave this folder: they become absl::Status here, by what the caller
// should do (retry -> UNAVAILABLE, conflict -> ABORTED, bad input -> INVALID_ARGUMENT).
#ifndef DENIALSCOPE_SQL_PG_CLAIM_STORE_H_
#define DENIALSCOPE_SQL_PG_CLAIM_STORE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "analytics/claim_store.h"
#include "analytics/code_lists.h"
#include "analytics/taxonomy.h"

namespace denialscope {

struct PgOptions {
  std::string url;  // libpq connection string or postgresql:// URL
  int pool_size = 8;  // connections opened lazily, never more than this
  absl::Duration acquire_timeout = absl::Seconds(10);  // waiting for a free connection
  absl::Duration statement_timeout = absl::Seconds(30);  // SET statement_timeout per session
  // The role every connection runs as (SET ROLE), bound by row-level security; the role of
  // `url` must be allowed to SET ROLE to it (migration 0003 grants it to the migrating role).
  // Empty: the role of `url` itself, which must then not be the owner (OpenPgClaimStore
  // refuses a superuser, a BYPASSRLS role or a table owner either way).
  std::string role = "denialscope_app";
  // The lists stored report facts are derived with (the compiled-in ones when null); they
  // must outlive the store. After changing them, rebuild the facts (RebuildFacts).
  const CodeLists* code_lists = nullptr;
  const ProcedureFamilies* procedure_families = nullptr;
};

// Applies every embedded migration (sql/migrations/NNNN_name.sql) not yet recorded in
// schema_migrations, each in its own transaction, in name order, under an advisory lock so
// concurrent servers do not race. Returns the names applied (empty on a second run). On a
// failing migration nothing of it is kept and the error names the file.
absl::StatusOr<std::vector<std::string>> ApplyMigrations(const std::string& url);

// Opens the store. The taxonomy classifies claims into per-claim facts on ingest; it must
// outlive the store.
absl::StatusOr<std::unique_ptr<ClaimStore>> OpenPgClaimStore(const PgOptions& options,
                                                              const CohortTaxonomy* taxonomy);

}  // namespace denialscope

#endif  // DENIALSCOPE_SQL_PG_CLAIM_STORE_H_
