// What both PostgreSQL stores (claims, and keys with the audit trail) share about talking to
// the database as the server: opening a pool that runs as the application role and refusing
// a role that row-level security would not bind, and running one unit of work on a pooled
// connection with exceptions mapped to absl::Status and broken connections replaced.
#ifndef DENIALSCOPE_SQL_SERVER_POOL_H_
#define DENIALSCOPE_SQL_SERVER_POOL_H_

#include <functional>
#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "analytics/status_macros.h"
#include "pqxx/pqxx"
#include "sql/connection_pool.h"
#include "sql/pg_claim_store.h"
#include "sql/pg_errors.h"

namespace denialscope {

// FAILED_PRECONDITION naming the role when the connection's current role is a superuser, can
// bypass row-level security, or owns a table: the server must not run as such a role.
absl::Status CheckServerRole(pqxx::connection& connection);

// A pool on `options` (url, size, timeouts, role). Opens one connection at once to fail fast:
// UNAVAILABLE when the database cannot be reached, CheckServerRole's error, or the error of
// `check` (run on that connection; `what` names the store in messages).
absl::StatusOr<std::unique_ptr<ConnectionPool>> OpenServerPool(
    const PgOptions& options, absl::string_view what,
    const std::function<absl::Status(pqxx::connection&)>& check);

// Runs `fn` (pqxx::connection& -> absl::Status) on a leased connection, mapping exceptions
// (`what` names the work). A connection found broken is discarded and `fn` runs again on
// another, up to `max_retries` more times: a transaction that failed with a broken
// connection was never committed (an unknown commit is in_doubt_error). After a server
// restart every idle connection is broken, so pool_size retries reach a fresh one.
template <typename Fn>
absl::Status RunOnPool(ConnectionPool& pool, absl::string_view what, int max_retries, Fn&& fn) {
  for (int attempt = 1;; ++attempt) {
    DS_ASSIGN_OR_RETURN(ConnectionPool::Lease lease, pool.Acquire());
    try {
      return fn(lease.connection());
    } catch (const pqxx::broken_connection&) {
      lease.MarkBroken();
      if (attempt <= max_retries) continue;
      return StatusFromCurrentException(what);
    } catch (...) {
      if (!lease.connection().is_open()) lease.MarkBroken();
      return StatusFromCurrentException(what);
    }
  }
}

}  // namespace denialscope

#endif  // DENIALSCOPE_SQL_SERVER_POOL_H_
