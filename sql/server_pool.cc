// The server's pools; see server_pool.h.
#include "sql/server_pool.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "sql/access_queries.h"
#include "sql/pg_values.h"

namespace denialscope {

absl::Status CheckServerRole(pqxx::connection& connection) {
  pqxx::read_transaction tx(connection);
  pqxx::result rows = tx.exec(queries::kServerRoleCheck);
  if (rows.empty()) return absl::InternalError("cannot read the current role");
  const std::string role = rows[0][0].c_str();
  const char* problem = ParseBool(rows[0][1])   ? "is a superuser"
                        : ParseBool(rows[0][2]) ? "can bypass row-level security"
                        : ParseBool(rows[0][3]) ? "owns tables"
                                                : nullptr;
  if (problem == nullptr) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "the server's database role \"", role, "\" ", problem,
      ", so row-level security would not bind it; run the server as denialscope_app (see "
      "README: --app_database_url, or a --database_url role that may SET ROLE to it)"));
}

absl::StatusOr<std::unique_ptr<ConnectionPool>> OpenServerPool(
    const PgOptions& options, absl::string_view what,
    const std::function<absl::Status(pqxx::connection&)>& check) {
  ConnectionPoolOptions pool_options;
  pool_options.url = options.url;
  pool_options.pool_size = options.pool_size;
  pool_options.acquire_timeout = options.acquire_timeout;
  pool_options.statement_timeout = options.statement_timeout;
  pool_options.role = options.role;
  DS_ASSIGN_OR_RETURN(std::unique_ptr<ConnectionPool> pool,
                      ConnectionPool::Create(std::move(pool_options)));
  DS_ASSIGN_OR_RETURN(ConnectionPool::Lease lease, pool->Acquire());
  try {
    DS_RETURN_IF_ERROR(check(lease.connection()));
    DS_RETURN_IF_ERROR(CheckServerRole(lease.connection()));
  } catch (...) {
    return StatusFromCurrentException(absl::StrCat("opening the ", what));
  }
  return pool;
}

}  // namespace denialscope
