// Per-key call caps; see call_limiter.h.
#include "server/call_limiter.h"

namespace denialscope {

bool CallLimiter::TryAcquire(const std::string& key_id) {
  absl::MutexLock lock(&mu_);
  int& count = in_flight_[key_id];  // a key over its cap has count >= 1: nothing to clean up
  if (max_per_key_ >= 1 && count >= max_per_key_) return false;
  ++count;
  return true;
}

void CallLimiter::Release(const std::string& key_id) {
  absl::MutexLock lock(&mu_);
  auto it = in_flight_.find(key_id);
  if (it == in_flight_.end()) return;
  if (--it->second <= 0) in_flight_.erase(it);  // keep the map as small as the callers
}

int CallLimiter::InFlight(const std::string& key_id) const {
  absl::MutexLock lock(&mu_);
  auto it = in_flight_.find(key_id);
  return it == in_flight_.end() ? 0 : it->second;
}

}  // namespace denialscope
