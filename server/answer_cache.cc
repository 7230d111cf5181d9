// AnswerCache (answer_cache.h): an LRU list with a hash index, under one mutex.
#include "server/answer_cache.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace denialscope {
namespace {

// Roughly what an entry costs beyond its key and response: list node, index slot, strings.
constexpr int64_t kEntryOverheadBytes = 128;

}  // namespace

std::optional<AnswerCache::Answer> AnswerCache::Find(const std::string& key) {
  absl::MutexLock lock(&mu_);
  auto it = index_.find(key);
  if (it == index_.end()) {
    ++stats_.misses;
    return std::nullopt;
  }
  ++stats_.hits;
  order_.splice(order_.begin(), order_, it->second);
  return it->second->answer;
}

void AnswerCache::Insert(const std::string& key, Answer answer) {
  const int64_t charge = static_cast<int64_t>(2 * key.size() + answer.response.size()) +
                         kEntryOverheadBytes;  // the key is held twice: list and index
  absl::MutexLock lock(&mu_);
  if (auto it = index_.find(key); it != index_.end()) {
    stats_.bytes -= it->second->charge;
    order_.erase(it->second);
    index_.erase(it);
  }
  if (charge > max_bytes_) return;
  while (!order_.empty() && stats_.bytes + charge > max_bytes_) {
    stats_.bytes -= order_.back().charge;
    index_.erase(order_.back().key);
    order_.pop_back();
    ++stats_.evictions;
  }
  order_.push_front(Entry{key, std::move(answer), charge});
  index_.emplace(key, order_.begin());
  stats_.bytes += charge;
}

AnswerCache::Stats AnswerCache::stats() const {
  absl::MutexLock lock(&mu_);
  Stats stats = stats_;
  stats.entries = static_cast<int64_t>(order_.size());
  return stats;
}

std::string AnswerCache::Key(absl::string_view method, absl::string_view npi, int64_t version,
                             absl::CivilDay today, const google::protobuf::Message& request) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    request.SerializeToCodedStream(&coded);
  }
  // Lengths first, so no two different tuples make the same key.
  return absl::StrCat(method.size(), ":", method, npi.size(), ":", npi, version, ":",
                      absl::FormatCivilTime(today), ":", bytes);
}

}  // namespace denialscope
