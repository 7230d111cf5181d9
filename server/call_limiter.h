// Caps the calls one API key has in flight, so one caller (a runaway script, a leaked key)
// cannot hold every handler thread. Over the cap a call gets RESOURCE_EXHAUSTED at once
// instead of waiting. Per server process: behind a load balancer each server caps alone.
#ifndef DENIALSCOPE_SERVER_CALL_LIMITER_H_
#define DENIALSCOPE_SERVER_CALL_LIMITER_H_

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace denialscope {

class CallLimiter {
 public:
  // `max_per_key` below 1 means no cap.
  explicit CallLimiter(int max_per_key) : max_per_key_(max_per_key) {}

  // Counts a call of `key_id` in; false (and nothing counted) when it has max_per_key already.
  bool TryAcquire(const std::string& key_id);
  // Counts one call of `key_id` out; each successful TryAcquire needs exactly one Release.
  void Release(const std::string& key_id);

  int max_per_key() const { return max_per_key_; }
  // Calls of `key_id` in flight now (for tests and diagnostics).
  int InFlight(const std::string& key_id) const;

 private:
  const int max_per_key_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, int> in_flight_ ABSL_GUARDED_BY(mu_);
};

}  // namespace denialscope

#endif  // DENIALSCOPE_SERVER_CALL_LIMITER_H_
