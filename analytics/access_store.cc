// Scope names and the key predicates every AccessStore and the server share; see
// access_store.h.
#include "analytics/access_store.h"

#include <algorithm>

namespace denialscope {

absl::string_view ScopeName(Scope scope) {
  switch (scope) {
    case Scope::kIngest:
      return "ingest";
    case Scope::kRead:
      return "read";
    case Scope::kReport:
      return "report";
    case Scope::kAdmin:
      return "admin";
  }
  return "unknown";
}

std::optional<Scope> ParseScope(absl::string_view name) {
  for (Scope scope : {Scope::kIngest, Scope::kRead, Scope::kReport, Scope::kAdmin}) {
    if (ScopeName(scope) == name) return scope;
  }
  return std::nullopt;
}

bool ApiKeyRecord::HasScope(Scope scope) const {
  return std::any_of(scopes.begin(), scopes.end(),
                     [scope](Scope held) { return held == scope || held == Scope::kAdmin; });
}

bool ApiKeyRecord::MayTouchPractice(absl::string_view npi) const {
  if (all_practices || HasScope(Scope::kAdmin)) return true;
  return std::find(practice_npis.begin(), practice_npis.end(), npi) != practice_npis.end();
}

absl::Status AccessStore::AppendAuditEvents(absl::Span<const AuditEvent> events) {
  for (const AuditEvent& event : events) {
    if (absl::Status status = AppendAuditEvent(event); !status.ok()) return status;
  }
  return absl::OkStatus();
}

bool ApiKeyRecord::ActiveAt(absl::Time now) const {
  if (revoke_time.has_value() && *revoke_time <= now) return false;
  if (expire_time.has_value() && *expire_time <= now) return false;
  return true;
}

}  // namespace denialscope
