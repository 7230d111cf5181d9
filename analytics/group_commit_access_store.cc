// The group-commit audit decorator; see group_commit_access_store.h.
#include "analytics/group_commit_access_store.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace denialscope {

GroupCommitAccessStore::GroupCommitAccessStore(std::unique_ptr<AccessStore> inner, int max_group)
    : inner_(std::move(inner)), max_group_(static_cast<size_t>(std::max(1, max_group))) {}

absl::Status GroupCommitAccessStore::AppendAuditEvent(const AuditEvent& event) {
  Waiter self{&event, absl::OkStatus(), false};
  absl::MutexLock lock(&mu_);
  queue_.push_back(&self);
  // Wait until a writer has stored our row, or until no write is in progress: then we write.
  const auto done_or_idle = [this, &self]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return self.done || !writing_;
  };
  mu_.Await(absl::Condition(&done_or_idle));
  while (!self.done) {
    // Oldest rows first; with more than max_group_ waiting, ours may need a later write.
    writing_ = true;
    const size_t count = std::min(queue_.size(), max_group_);
    std::vector<Waiter*> group(queue_.begin(), queue_.begin() + static_cast<long>(count));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<long>(count));
    std::vector<AuditEvent> events;
    events.reserve(group.size());
    for (const Waiter* waiter : group) events.push_back(*waiter->event);
    mu_.Unlock();
    const absl::Status written = inner_->AppendAuditEvents(events);
    mu_.Lock();
    ++group_writes_;
    for (Waiter* waiter : group) {
      waiter->status = written;
      waiter->done = true;
    }
    writing_ = false;
  }
  return self.status;
}

int64_t GroupCommitAccessStore::group_writes() const {
  absl::MutexLock lock(&mu_);
  return group_writes_;
}

size_t GroupCommitAccessStore::waiting_rows() const {
  absl::MutexLock lock(&mu_);
  return queue_.size();
}

}  // namespace denialscope
