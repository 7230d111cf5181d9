// The seam for who may call the API and what they did: API keys and the audit trail. Like
// ClaimStore, the server talks only to this interface; PostgreSQL implements it in sql/
// (pg_access_store.h) and MemoryAccessStore (memory_access_store.h) implements it for unit
// tests. A store keeps only what it is given: key secrets arrive already hashed, times are
// passed in (analytics/ has no clock), and it never sees a key's secret.
#ifndef DENIALSCOPE_ANALYTICS_ACCESS_STORE_H_
#define DENIALSCOPE_ANALYTICS_ACCESS_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace denialscope {

// What a key may do. kAdmin implies every other scope and every practice.
enum class Scope {
  kIngest,  // send claims and remittances
  kRead,    // analytics and the practice record
  kReport,  // the monthly report
  kAdmin,   // onboarding, keys, the audit trail; all practices
};

// "ingest", "read", "report", "admin".
absl::string_view ScopeName(Scope scope);
// The inverse of ScopeName; nullopt for anything else.
std::optional<Scope> ParseScope(absl::string_view name);

struct ApiKeyRecord {
  std::string key_id;        // public half of the key, 16 lower-case hex digits
  std::string secret_hash;   // SHA-256 of the secret, 32 raw bytes; never the secret
  std::string display_name;  // who or what holds it, for people reading lists and audits
  std::vector<Scope> scopes;
  bool all_practices = false;             // admin keys only
  std::vector<std::string> practice_npis;  // otherwise the practices it may touch
  absl::Time create_time = absl::InfinitePast();
  std::optional<absl::Time> expire_time;  // refused from this instant on
  std::optional<absl::Time> revoke_time;  // refused from this instant on

  bool HasScope(Scope scope) const;
  bool MayTouchPractice(absl::string_view npi) const;
  // Not revoked and not expired at `now`.
  bool ActiveAt(absl::Time now) const;
};

struct ApiKeyPage {
  std::vector<ApiKeyRecord> keys;  // ordered by key_id
  std::string next_key_id;         // empty at the end
};

// One authenticated call, appended when the call ends.
struct AuditEvent {
  int64_t audit_id = 0;  // assigned by the store, increasing
  absl::Time time = absl::InfinitePast();
  std::string key_id;
  std::string method;        // "AnalyticsService.GetDenialSummary"
  std::string practice_npi;  // empty for calls that name no practice
  std::string status;        // gRPC code name: "OK", "PERMISSION_DENIED", ...
  int64_t rows = 0;          // rows returned (reads) or records stored (ingest)
};

struct AuditQuery {
  int page_size = 50;
  int64_t before_audit_id = 0;  // 0: from the newest event
  std::string practice_npi;     // empty: every practice
  std::string key_id;           // empty: every key
};

struct AuditPage {
  std::vector<AuditEvent> events;  // newest first
  int64_t next_before_audit_id = 0;  // 0 at the end
};

class AccessStore {
 public:
  virtual ~AccessStore() = default;

  // ALREADY_EXISTS when the key id is taken (ids are random: the caller makes a new one).
  virtual absl::Status CreateApiKey(const ApiKeyRecord& key) = 0;
  // NOT_FOUND when no key has this id.
  virtual absl::StatusOr<ApiKeyRecord> GetApiKey(const std::string& key_id) = 0;
  // Keys with key_id > `after_key_id`, at most `page_size` of them, revoked ones included.
  virtual absl::StatusOr<ApiKeyPage> ListApiKeys(int page_size,
                                                 const std::string& after_key_id) = 0;
  // Sets revoke_time to `when` unless the key is revoked already (then it keeps the first
  // time). NOT_FOUND when no key has this id.
  virtual absl::StatusOr<ApiKeyRecord> RevokeApiKey(const std::string& key_id,
                                                    absl::Time when) = 0;

  // Appends one event; the store assigns audit_id. Events are never changed or removed.
  virtual absl::Status AppendAuditEvent(const AuditEvent& event) = 0;
  // Appends the events in their order with increasing audit_ids. The default appends them
  // one at a time and stops at the first failure; stores that can write them in one
  // statement do, all or none (GroupCommitAccessStore hands them its groups).
  virtual absl::Status AppendAuditEvents(absl::Span<const AuditEvent> events);
  virtual absl::StatusOr<AuditPage> ListAuditEvents(const AuditQuery& query) = 0;
};

}  // namespace denialscope

#endif  // DENIALSCOPE_ANALYTICS_ACCESS_STORE_H_
