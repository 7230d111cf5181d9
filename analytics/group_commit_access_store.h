// An AccessStore decorator that writes the audit rows of concurrent calls together. Every
// authenticated call appends one audit row before its answer is sent (server/rpc_call.h), and
// with eight dashboard calls in flight on two cores a round trip and a commit per row were a
// visible share of each call's CPU. Here a call's row joins a group: when no write is in
// progress the caller writes the waiting rows itself (its own among them) in one
// AppendAuditEvents; rows that arrive meanwhile wait for the next write. Nothing is
// fire-and-forget: each caller returns only when the write holding its row has ended, with
// that write's status, so a call whose row could not be written still learns it and is
// refused (nothing is answered that leaves no trace), and a server killed mid-call loses
// no row it has answered for. A lone call writes at once: no timer, no thread, no delay.
// The queue is bounded by the callers waiting on it (one row each).
#ifndef DENIALSCOPE_ANALYTICS_GROUP_COMMIT_ACCESS_STORE_H_
#define DENIALSCOPE_ANALYTICS_GROUP_COMMIT_ACCESS_STORE_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "analytics/access_store.h"

namespace denialscope {

class GroupCommitAccessStore : public AccessStore {
 public:
  // Writes at most `max_group` rows per AppendAuditEvents of `inner`.
  explicit GroupCommitAccessStore(std::unique_ptr<AccessStore> inner, int max_group = 256);
  GroupCommitAccessStore(const GroupCommitAccessStore&) = delete;
  GroupCommitAccessStore& operator=(const GroupCommitAccessStore&) = delete;

  // Joins the next group write and waits for it: OK once the row is stored, else the
  // write's error (the row is then not stored: inner writes a group all or none).
  absl::Status AppendAuditEvent(const AuditEvent& event) override;
  absl::Status AppendAuditEvents(absl::Span<const AuditEvent> events) override {
    return inner_->AppendAuditEvents(events);
  }

  absl::Status CreateApiKey(const ApiKeyRecord& key) override {
    return inner_->CreateApiKey(key);
  }
  absl::StatusOr<ApiKeyRecord> GetApiKey(const std::string& key_id) override {
    return inner_->GetApiKey(key_id);
  }
  absl::StatusOr<ApiKeyPage> ListApiKeys(int page_size, const std::string& after_key_id) override {
    return inner_->ListApiKeys(page_size, after_key_id);
  }
  absl::StatusOr<ApiKeyRecord> RevokeApiKey(const std::string& key_id, absl::Time when) override {
    return inner_->RevokeApiKey(key_id, when);
  }
  absl::StatusOr<AuditPage> ListAuditEvents(const AuditQuery& query) override {
    return inner_->ListAuditEvents(query);
  }

  // Writes made so far (each one AppendAuditEvents of inner), and rows waiting for a write
  // (not counting one in progress): for tests.
  int64_t group_writes() const;
  size_t waiting_rows() const;

 private:
  // One caller's row, on its stack while it waits.
  struct Waiter {
    const AuditEvent* event;
    absl::Status status;
    bool done = false;
  };

  const std::unique_ptr<AccessStore> inner_;
  const size_t max_group_;
  mutable absl::Mutex mu_;
  std::deque<Waiter*> queue_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  int64_t group_writes_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace denialscope

#endif  // DENIALSCOPE_ANALYTICS_GROUP_COMMIT_ACCESS_STORE_H_
