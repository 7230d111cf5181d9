// The in-memory AccessStore: keys and audit events in maps, for the server's unit tests and
// tools that run without PostgreSQL. Same contract as the PostgreSQL store (access_store.h).
#ifndef DENIALSCOPE_ANALYTICS_MEMORY_ACCESS_STORE_H_
#define DENIALSCOPE_ANALYTICS_MEMORY_ACCESS_STORE_H_

#include <map>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "analytics/access_store.h"

namespace denialscope {

class MemoryAccessStore : public AccessStore {
 public:
  MemoryAccessStore() = default;
  MemoryAccessStore(const MemoryAccessStore&) = delete;
  MemoryAccessStore& operator=(const MemoryAccessStore&) = delete;

  absl::Status CreateApiKey(const ApiKeyRecord& key) override;
  absl::StatusOr<ApiKeyRecord> GetApiKey(const std::string& key_id) override;
  absl::StatusOr<ApiKeyPage> ListApiKeys(int page_size, const std::string& after_key_id) override;
  absl::StatusOr<ApiKeyRecord> RevokeApiKey(const std::string& key_id, absl::Time when) override;
  absl::Status AppendAuditEvent(const AuditEvent& event) override;
  absl::Status AppendAuditEvents(absl::Span<const AuditEvent> events) override;
  absl::StatusOr<AuditPage> ListAuditEvents(const AuditQuery& query) override;

  // Every event so far, oldest first (for tests).
  std::vector<AuditEvent> AuditEvents() const;

 private:
  mutable absl::Mutex mu_;
  std::map<std::string, ApiKeyRecord> keys_ ABSL_GUARDED_BY(mu_);
  std::vector<AuditEvent> audit_ ABSL_GUARDED_BY(mu_);
};

}  // namespace denialscope

#endif  // DENIALSCOPE_ANALYTICS_MEMORY_ACCESS_STORE_H_
