// The PostgreSQL AccessStore: API keys and the audit trail (tables of migration 0003). Like
// PgClaimStore, pqxx exceptions become absl::Status here.
#ifndef DENIALSCOPE_SQL_PG_ACCESS_STORE_H_
#define DENIALSCOPE_SQL_PG_ACCESS_STORE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "analytics/access_store.h"
#include "sql/pg_claim_store.h"

namespace denialscope {

// Opens the store on its own small pool (authentication must not wait behind analytics
// queries), with the role and timeouts of `options`. FAILED_PRECONDITION when migration 0003
// is not applied or the role is not bound by row-level security (server_pool.h);
// UNAVAILABLE when the database cannot be reached.
absl::StatusOr<std::unique_ptr<AccessStore>> OpenPgAccessStore(const PgOptions& options);

}  // namespace denialscope

#endif  // DENIALSCOPE_SQL_PG_ACCESS_STORE_H_
