// The in-memory AccessStore; see memory_access_store.h.
#include "analytics/memory_access_store.h"

#include "absl/strings/str_cat.h"

namespace denialscope {

absl::Status MemoryAccessStore::CreateApiKey(const ApiKeyRecord& key) {
  absl::MutexLock lock(&mu_);
  if (!keys_.emplace(key.key_id, key).second) {
    return absl::AlreadyExistsError(absl::StrCat("API key ", key.key_id, " already exists"));
  }
  return absl::OkStatus();
}

absl::StatusOr<ApiKeyRecord> MemoryAccessStore::GetApiKey(const std::string& key_id) {
  absl::MutexLock lock(&mu_);
  auto it = keys_.find(key_id);
  if (it == keys_.end()) return absl::NotFoundError(absl::StrCat("no API key ", key_id));
  return it->second;
}

absl::StatusOr<ApiKeyPage> MemoryAccessStore::ListApiKeys(int page_size,
                                                          const std::string& after_key_id) {
  absl::MutexLock lock(&mu_);
  ApiKeyPage page;
  for (auto it = keys_.upper_bound(after_key_id); it != keys_.end(); ++it) {
    if (static_cast<int>(page.keys.size()) == page_size) {
      page.next_key_id = page.keys.back().key_id;
      break;
    }
    page.keys.push_back(it->second);
  }
  return page;
}

absl::StatusOr<ApiKeyRecord> MemoryAccessStore::RevokeApiKey(const std::string& key_id,
                                                             absl::Time when) {
  absl::MutexLock lock(&mu_);
  auto it = keys_.find(key_id);
  if (it == keys_.end()) return absl::NotFoundError(absl::StrCat("no API key ", key_id));
  if (!it->second.revoke_time.has_value()) it->second.revoke_time = when;
  return it->second;
}

absl::Status MemoryAccessStore::AppendAuditEvent(const AuditEvent& event) {
  absl::MutexLock lock(&mu_);
  audit_.push_back(event);
  audit_.back().audit_id = static_cast<int64_t>(audit_.size());
  return absl::OkStatus();
}

absl::Status MemoryAccessStore::AppendAuditEvents(absl::Span<const AuditEvent> events) {
  absl::MutexLock lock(&mu_);
  for (const AuditEvent& event : events) {
    audit_.push_back(event);
    audit_.back().audit_id = static_cast<int64_t>(audit_.size());
  }
  return absl::OkStatus();
}

absl::StatusOr<AuditPage> MemoryAccessStore::ListAuditEvents(const AuditQuery& query) {
  absl::MutexLock lock(&mu_);
  AuditPage page;
  for (auto it = audit_.rbegin(); it != audit_.rend(); ++it) {
    if (query.before_audit_id > 0 && it->audit_id >= query.before_audit_id) continue;
    if (!query.practice_npi.empty() && it->practice_npi != query.practice_npi) continue;
    if (!query.key_id.empty() && it->key_id != query.key_id) continue;
    if (static_cast<int>(page.events.size()) == query.page_size) {
      page.next_before_audit_id = page.events.back().audit_id;
      break;
    }
    page.events.push_back(*it);
  }
  return page;
}

std::vector<AuditEvent> MemoryAccessStore::AuditEvents() const {
  absl::MutexLock lock(&mu_);
  return audit_;
}

}  // namespace denialscope
