// A bounded pool of PostgreSQL connections. The store runs every transaction on a leased
// connection: connections open lazily up to the pool size, a caller waits at most the
// acquire timeout for a free one (then UNAVAILABLE), and a connection that broke is closed
// and replaced by a fresh one on a later acquire.
#ifndef DENIALSCOPE_SQL_CONNECTION_POOL_H_
#define DENIALSCOPE_SQL_CONNECTION_POOL_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "pqxx/pqxx"

namespace denialscope {

struct ConnectionPoolOptions {
  std::string url;    // libpq connection string or postgresql:// URL
  int pool_size = 8;  // at most this many connections exist at once
  absl::Duration acquire_timeout = absl::Seconds(10);
  absl::Duration statement_timeout = absl::Seconds(30);  // per session; zero = none
  // When set, every connection runs as this role (SET ROLE) right after connecting: the
  // server's denialscope_app, under row-level security even when `url` logs in as the owner.
  std::string role;
};

class ConnectionPool {
 public:
  // Exclusive use of one connection until destroyed; then it returns to the pool, or is
  // closed when it was marked broken or is no longer open.
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&& other) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();

    pqxx::connection& connection() { return *connection_; }
    // The connection failed (e.g. pqxx::broken_connection): close it instead of reusing it.
    void MarkBroken() { broken_ = true; }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, std::unique_ptr<pqxx::connection> connection);
    void Return();

    ConnectionPool* pool_ = nullptr;
    std::unique_ptr<pqxx::connection> connection_;
    bool broken_ = false;
  };

  // INVALID_ARGUMENT for a pool size below 1 or a negative timeout. Opens nothing yet.
  static absl::StatusOr<std::unique_ptr<ConnectionPool>> Create(ConnectionPoolOptions options);

  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;
  // Every lease must have been returned.
  ~ConnectionPool();

  // A free connection, opening one when fewer than pool_size exist. UNAVAILABLE when none
  // frees up within the acquire timeout, or when the database cannot be reached.
  absl::StatusOr<Lease> Acquire();

  // Connections that exist (leased, idle or being opened).
  int open_connections() const;
  int idle_connections() const;

 private:
  explicit ConnectionPool(ConnectionPoolOptions options);
  bool CanAcquire() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<std::unique_ptr<pqxx::connection>> Open();
  void Release(std::unique_ptr<pqxx::connection> connection, bool broken);

  const ConnectionPoolOptions options_;
  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace denialscope

#endif  // DENIALSCOPE_SQL_CONNECTION_POOL_H_
