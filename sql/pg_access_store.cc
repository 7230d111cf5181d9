// The PostgreSQL AccessStore; see pg_access_store.h.
#include "sql/pg_access_store.h"

#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "analytics/group_commit_access_store.h"
#include "analytics/status_macros.h"
#include "sql/access_queries.h"
#include "sql/pg_values.h"
#include "sql/prepared.h"
#include "sql/server_pool.h"

namespace denialscope {
namespace {

namespace q = queries;

// Times travel as epoch seconds with microseconds, PostgreSQL's own precision.
std::string EpochSeconds(absl::Time time) {
  return absl::StrFormat("%.6f", absl::ToDoubleSeconds(time - absl::UnixEpoch()));
}

absl::Time FromEpochSeconds(double seconds) {
  return absl::UnixEpoch() + absl::Microseconds(std::llround(seconds * 1e6));
}

absl::StatusOr<std::optional<absl::Time>> OptionalTime(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  DS_ASSIGN_OR_RETURN(double seconds, ParseDouble(field));
  return FromEpochSeconds(seconds);
}

absl::StatusOr<ApiKeyRecord> ParseApiKeyRow(const pqxx::row& row) {
  ApiKeyRecord key;
  key.key_id = row[0].c_str();
  key.secret_hash = absl::HexStringToBytes(row[1].c_str());
  key.display_name = row[2].c_str();
  for (const std::string& name : ParseTextArray(row[3])) {
    std::optional<Scope> scope = ParseScope(name);
    if (!scope.has_value()) {
      return absl::InternalError(absl::StrCat("API key ", key.key_id, " has scope ", name));
    }
    key.scopes.push_back(*scope);
  }
  key.all_practices = ParseBool(row[4]);
  key.practice_npis = ParseTextArray(row[5]);
  DS_ASSIGN_OR_RETURN(double created, ParseDouble(row[6]));
  key.create_time = FromEpochSeconds(created);
  DS_ASSIGN_OR_RETURN(key.expire_time, OptionalTime(row[7]));
  DS_ASSIGN_OR_RETURN(key.revoke_time, OptionalTime(row[8]));
  return key;
}

class PgAccessStore : public AccessStore {
 public:
  explicit PgAccessStore(std::unique_ptr<ConnectionPool> pool) : pool_(std::move(pool)) {}

  absl::Status CreateApiKey(const ApiKeyRecord& key) override {
    return Run("creating an API key", [&](pqxx::connection& c) -> absl::Status {
      PgArray scopes;
      for (Scope scope : key.scopes) scopes.AddText(ScopeName(scope));
      const std::string expire =
          key.expire_time.has_value() ? EpochSeconds(*key.expire_time) : std::string();
      pqxx::work tx(c);
      pqxx::result rows = tx.exec_params(
          q::kInsertApiKey, key.key_id, absl::BytesToHexString(key.secret_hash),
          key.display_name, scopes.Literal(), key.all_practices,
          TextArrayLiteral(key.practice_npis), EpochSeconds(key.create_time),
          key.expire_time.has_value() ? expire.c_str() : nullptr);
      if (rows.empty()) {
        return absl::AlreadyExistsError(absl::StrCat("API key ", key.key_id, " already exists"));
      }
      tx.commit();
      return absl::OkStatus();
    });
  }

  absl::StatusOr<ApiKeyRecord> GetApiKey(const std::string& key_id) override {
    ApiKeyRecord key;
    DS_RETURN_IF_ERROR(Run("reading an API key", [&](pqxx::connection& c) -> absl::Status {
      // One statement, checked on every call: no BEGIN and ROLLBACK round trips around it.
      pqxx::nontransaction tx(c);
      pqxx::result rows = pg::ExecPrepared(tx, q::kSelectApiKey, key_id);
      if (rows.empty()) return absl::NotFoundError(absl::StrCat("no API key ", key_id));
      DS_ASSIGN_OR_RETURN(key, ParseApiKeyRow(rows[0]));
      return absl::OkStatus();
    }));
    return key;
  }

  absl::StatusOr<ApiKeyPage> ListApiKeys(int page_size, const std::string& after_key_id) override {
    if (page_size < 1) return absl::InvalidArgumentError("page size must be at least 1");
    ApiKeyPage page;
    DS_RETURN_IF_ERROR(Run("listing API keys", [&](pqxx::connection& c) -> absl::Status {
      pqxx::read_transaction tx(c);
      // One row more than asked tells whether another page follows.
      pqxx::result rows =
          tx.exec_params(q::kListApiKeys, after_key_id, static_cast<int64_t>(page_size) + 1);
      ApiKeyPage result;
      for (const pqxx::row& row : rows) {
        if (static_cast<int>(result.keys.size()) == page_size) {
          result.next_key_id = result.keys.back().key_id;
          break;
        }
        DS_ASSIGN_OR_RETURN(ApiKeyRecord key, ParseApiKeyRow(row));
        result.keys.push_back(std::move(key));
      }
      page = std::move(result);
      return absl::OkStatus();
    }));
    return page;
  }

  absl::StatusOr<ApiKeyRecord> RevokeApiKey(const std::string& key_id, absl::Time when) override {
    ApiKeyRecord key;
    DS_RETURN_IF_ERROR(Run("revoking an API key", [&](pqxx::connection& c) -> absl::Status {
      pqxx::work tx(c);
      pqxx::result rows = tx.exec_params(q::kRevokeApiKey, key_id, EpochSeconds(when));
      if (rows.empty()) return absl::NotFoundError(absl::StrCat("no API key ", key_id));
      DS_ASSIGN_OR_RETURN(key, ParseApiKeyRow(rows[0]));
      tx.commit();
      return absl::OkStatus();
    }));
    return key;
  }

  absl::Status AppendAuditEvent(const AuditEvent& event) override {
    return AppendAuditEvents(absl::MakeConstSpan(&event, 1));
  }

  absl::Status AppendAuditEvents(absl::Span<const AuditEvent> events) override {
    if (events.empty()) return absl::OkStatus();
    PgArray times, key_ids, methods, practice_npis, statuses, rows;
    for (const AuditEvent& event : events) {
      times.AddText(EpochSeconds(event.time));
      key_ids.AddText(event.key_id);
      methods.AddText(event.method);
      practice_npis.AddText(event.practice_npi);
      statuses.AddText(event.status);
      rows.AddInt(event.rows);
    }
    return Run("writing the audit trail", [&](pqxx::connection& c) -> absl::Status {
      // One statement is its own transaction (kInsertAuditEvents): no BEGIN and COMMIT. A
      // write whose connection breaks is retried (RunOnPool): a row may then be stored
      // twice if the break came after the commit, but is never lost.
      pqxx::nontransaction tx(c);
      pg::ExecPrepared(tx, q::kInsertAuditEvents, times.Literal(), key_ids.Literal(),
                       methods.Literal(), practice_npis.Literal(), statuses.Literal(),
                       rows.Literal());
      return absl::OkStatus();
    });
  }

  absl::StatusOr<AuditPage> ListAuditEvents(const AuditQuery& query) override {
    if (query.page_size < 1) return absl::InvalidArgumentError("page size must be at least 1");
    AuditPage page;
    DS_RETURN_IF_ERROR(Run("reading the audit trail", [&](pqxx::connection& c) -> absl::Status {
      pqxx::read_transaction tx(c);
      pqxx::result rows =
          tx.exec_params(q::kListAuditEvents, query.before_audit_id, query.practice_npi,
                         query.key_id, static_cast<int64_t>(query.page_size) + 1);
      AuditPage result;
      for (const pqxx::row& row : rows) {
        if (static_cast<int>(result.events.size()) == query.page_size) {
          result.next_before_audit_id = result.events.back().audit_id;
          break;
        }
        AuditEvent event;
        DS_ASSIGN_OR_RETURN(event.audit_id, ParseInt(row[0]));
        DS_ASSIGN_OR_RETURN(double time, ParseDouble(row[1]));
        event.time = FromEpochSeconds(time);
        event.key_id = row[2].c_str();
        event.method = row[3].c_str();
        event.practice_npi = row[4].c_str();
        event.status = row[5].c_str();
        DS_ASSIGN_OR_RETURN(event.rows, ParseInt(row[6]));
        result.events.push_back(std::move(event));
      }
      page = std::move(result);
      return absl::OkStatus();
    }));
    return page;
  }

 private:
  // Runs `fn` on a leased connection (server_pool.h), retrying on broken connections.
  template <typename Fn>
  absl::Status Run(absl::string_view what, Fn&& fn) {
    return RunOnPool(*pool_, what, kMaxRetries, std::forward<Fn>(fn));
  }

  static constexpr int kMaxRetries = 2;

  std::unique_ptr<ConnectionPool> pool_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<AccessStore>> OpenPgAccessStore(const PgOptions& options) {
  DS_ASSIGN_OR_RETURN(
      std::unique_ptr<ConnectionPool> pool,
      OpenServerPool(options, "access store", [](pqxx::connection& connection) -> absl::Status {
        pqxx::read_transaction tx(connection);
        if (!ParseBool(tx.exec(q::kAccessTablesExist)[0][0])) {
          return absl::FailedPreconditionError(
              "the database has no api_keys table: run ApplyMigrations before opening the "
              "store");
        }
        return absl::OkStatus();
      }));
  // Audit rows of concurrent calls share one write (group_commit_access_store.h).
  return std::unique_ptr<AccessStore>(new GroupCommitAccessStore(
      std::unique_ptr<AccessStore>(new PgAccessStore(std::move(pool)))));
}

}  // namespace denialscope
