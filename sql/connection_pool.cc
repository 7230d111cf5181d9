// The bounded, lazily opened connection pool behind PgClaimStore.
#include "sql/connection_pool.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "sql/pg_errors.h"

namespace denialscope {

ConnectionPool::Lease::Lease(ConnectionPool* pool, std::unique_ptr<pqxx::connection> connection)
    : pool_(pool), connection_(std::move(connection)) {}

ConnectionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)),
      connection_(std::move(other.connection_)),
      broken_(other.broken_) {}

ConnectionPool::Lease& ConnectionPool::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    Return();
    pool_ = std::exchange(other.pool_, nullptr);
    connection_ = std::move(other.connection_);
    broken_ = other.broken_;
  }
  return *this;
}

ConnectionPool::Lease::~Lease() { Return(); }

void ConnectionPool::Lease::Return() {
  if (pool_ != nullptr && connection_ != nullptr) {
    pool_->Release(std::move(connection_), broken_);
  }
  pool_ = nullptr;
  connection_.reset();
}

absl::StatusOr<std::unique_ptr<ConnectionPool>> ConnectionPool::Create(
    ConnectionPoolOptions options) {
  if (options.pool_size < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("pool size must be at least 1, got ", options.pool_size));
  }
  if (options.acquire_timeout < absl::ZeroDuration() ||
      options.statement_timeout < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("connection pool timeouts must not be negative");
  }
  return std::unique_ptr<ConnectionPool>(new ConnectionPool(std::move(options)));
}

ConnectionPool::ConnectionPool(ConnectionPoolOptions options) : options_(std::move(options)) {}

ConnectionPool::~ConnectionPool() = default;

bool ConnectionPool::CanAcquire() const { return !idle_.empty() || open_ < options_.pool_size; }

absl::StatusOr<ConnectionPool::Lease> ConnectionPool::Acquire() {
  {
    absl::MutexLock lock(&mu_);
    if (!mu_.AwaitWithTimeout(absl::Condition(this, &ConnectionPool::CanAcquire),
                              options_.acquire_timeout)) {
      return absl::UnavailableError(absl::StrCat(
          "no database connection became free within ", absl::FormatDuration(options_.acquire_timeout),
          " (all ", options_.pool_size, " in use)"));
    }
    if (!idle_.empty()) {
      std::unique_ptr<pqxx::connection> connection = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(connection));
    }
    ++open_;  // reserve the slot while opening outside the lock
  }
  absl::StatusOr<std::unique_ptr<pqxx::connection>> connection = Open();
  if (!connection.ok()) {
    absl::MutexLock lock(&mu_);
    --open_;
    return connection.status();
  }
  return Lease(this, std::move(connection).value());
}

absl::StatusOr<std::unique_ptr<pqxx::connection>> ConnectionPool::Open() {
  try {
    auto connection = std::make_unique<pqxx::connection>(options_.url);
    // set_variable survives libpqxx's transparent reconnects, unlike a plain SET.
    connection->set_variable("statement_timeout",
                             absl::StrCat(absl::ToInt64Milliseconds(options_.statement_timeout)));
    connection->set_variable("DateStyle", "ISO");
    // Notices (e.g. "relation already exists, skipping") would go to stderr line by line.
    connection->set_variable("client_min_messages", "warning");
    if (!options_.role.empty()) {
      connection->set_variable("role", connection->quote_name(options_.role));
    }
    return connection;
  } catch (...) {
    absl::Status status = StatusFromCurrentException("opening a database connection");
    // Whatever went wrong while connecting, the caller can only retry later.
    return absl::UnavailableError(status.message());
  }
}

void ConnectionPool::Release(std::unique_ptr<pqxx::connection> connection, bool broken) {
  bool reusable = !broken && connection->is_open();
  if (!reusable) connection.reset();  // close outside the lock
  absl::MutexLock lock(&mu_);
  if (reusable) {
    idle_.push_back(std::move(connection));
  } else {
    --open_;
  }
}

int ConnectionPool::open_connections() const {
  absl::MutexLock lock(&mu_);
  return open_;
}

int ConnectionPool::idle_connections() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(idle_.size());
}

}  // namespace denialscope
