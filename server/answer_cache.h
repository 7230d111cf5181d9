// AnswerCache: recent AnalyticsService answers of this server process. Why: dashboards poll
// the same views again and again, and between two ingests of a practice every answer about
// it stays the same. An answer is keyed by the method, the request's canonical bytes, the
// day (a request without an as-of date means today) and the practice's data version, which
// the store changes in the same transaction as any change to the practice's data
// (ClaimStore::DataVersion, migration 0006). The version is read before every answer (one
// indexed query), never remembered, so several servers over one database never serve an
// answer older than the data a call could have seen. Bounded by bytes, least recently used
// out first.
#ifndef DENIALSCOPE_SERVER_ANSWER_CACHE_H_
#define DENIALSCOPE_SERVER_ANSWER_CACHE_H_

#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/message.h"
#include "server/service_context.h"

namespace denialscope {

class AnswerCache {
 public:
  // A serialized response and the row count its call reported.
  struct Answer {
    std::string response;
    int64_t rows = 0;
  };
  struct Stats {
    int64_t hits = 0;
    int64_t misses = 0;
    int64_t evictions = 0;
    int64_t entries = 0;
    int64_t bytes = 0;
  };

  // Holds at most `max_bytes` of keys and answers (plus a small charge per entry); an answer
  // larger than that is not kept.
  explicit AnswerCache(int64_t max_bytes) : max_bytes_(max_bytes) {}
  AnswerCache(const AnswerCache&) = delete;
  AnswerCache& operator=(const AnswerCache&) = delete;

  std::optional<Answer> Find(const std::string& key);
  void Insert(const std::string& key, Answer answer);
  Stats stats() const;

  // The key of an answer: method, practice NPI, data version, the day a missing as-of date
  // stands for, and `request` serialized deterministically.
  static std::string Key(absl::string_view method, absl::string_view npi, int64_t version,
                         absl::CivilDay today, const google::protobuf::Message& request);

 private:
  struct Entry {
    std::string key;
    Answer answer;
    int64_t charge = 0;
  };
  using Order = std::list<Entry>;  // most recently used first

  const int64_t max_bytes_;
  mutable absl::Mutex mu_;
  Order order_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, Order::iterator> index_ ABSL_GUARDED_BY(mu_);
  Stats stats_ ABSL_GUARDED_BY(mu_);
};

// Answers `request` through context.answer_cache: reads the practice's data version, serves
// a kept answer for the same key, else calls `answer(context, request, response, rows)` and
// keeps what it answered when it succeeded. Without a cache, an unversioned store or an
// unreadable version it only calls `answer` (which reports any error). `*hit` says whether
// the answer came from the cache.
template <typename Request, typename Response, typename AnswerFn>
absl::Status AnswerThroughCache(const ServiceContext& context, absl::string_view method,
                                const std::string& npi, const Request& request,
                                Response* response, int64_t* rows, bool* hit,
                                AnswerFn&& answer) {
  *hit = false;
  AnswerCache* cache = context.answer_cache;
  if (cache == nullptr || npi.empty()) return answer(context, request, response, rows);
  absl::StatusOr<std::optional<int64_t>> version = context.store->DataVersion(npi);
  if (!version.ok() || !version->has_value()) return answer(context, request, response, rows);
  const absl::CivilDay today = absl::ToCivilDay(context.clock->Now(), absl::UTCTimeZone());
  const std::string key = AnswerCache::Key(method, npi, **version, today, request);
  if (std::optional<AnswerCache::Answer> kept = cache->Find(key); kept.has_value()) {
    if (response->ParseFromString(kept->response)) {
      *rows = kept->rows;
      *hit = true;
      return absl::OkStatus();
    }
    response->Clear();
  }
  absl::Status status = answer(context, request, response, rows);
  if (status.ok()) cache->Insert(key, AnswerCache::Answer{response->SerializeAsString(), *rows});
  return status;
}

}  // namespace denialscope

#endif  // DENIALSCOPE_SERVER_ANSWER_CACHE_H_
