// AnswerCache and AnswerThroughCache: hits, misses, a new data version after an ingest,
// least-recently-used eviction by bytes, and the paths that must never be served from it.
#include "server/answer_cache.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "analytics/memory_claim_store.h"
#include "denialscope/v1/analytics_service.pb.h"
#include "gtest/gtest.h"
#include "server/clock.h"
#include "server/service_context.h"
#include "tests/unit/test_records.h"

namespace denialscope {
namespace {

namespace v1 = ::denialscope::v1;

constexpr const char* kNpi = testing::kTestNpi;

// The in-memory store with a data version that every claim batch with an accepted record
// changes, as the PostgreSQL store's ingest transactions do (migration 0006).
class VersionedStore : public MemoryClaimStore {
 public:
  absl::StatusOr<std::vector<RecordResult>> IngestClaims(const Practice& practice,
                                                         absl::Span<const Claim> claims) override {
    auto results = MemoryClaimStore::IngestClaims(practice, claims);
    if (results.ok()) ++version_;
    return results;
  }
  absl::StatusOr<std::optional<int64_t>> DataVersion(const std::string& npi) override {
    if (npi != kNpi) return absl::NotFoundError("not onboarded");
    return std::optional<int64_t>(version_);
  }

 private:
  int64_t version_ = 0;
};

AnswerCache::Answer Bytes(size_t n, int64_t rows = 0) {
  return AnswerCache::Answer{std::string(n, 'x'), rows};
}

TEST(AnswerCacheTest, MissThenHitReturnsTheKeptAnswer) {
  AnswerCache cache(1 << 20);
  EXPECT_FALSE(cache.Find("a").has_value());
  cache.Insert("a", AnswerCache::Answer{"response", 7});
  std::optional<AnswerCache::Answer> hit = cache.Find("a");
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->response, "response");
  EXPECT_EQ(hit->rows, 7);
  EXPECT_FALSE(cache.Find("b").has_value());
  const AnswerCache::Stats stats = cache.stats();
  EXPECT_EQ(stats.hits, 1);
  EXPECT_EQ(stats.misses, 2);
  EXPECT_EQ(stats.entries, 1);
}

TEST(AnswerCacheTest, EvictsTheLeastRecentlyUsedByBytes) {
  // Each entry costs 1000 + 2 * key + 128 bytes = 1130: three fit in 3500, four do not.
  AnswerCache cache(3500);
  cache.Insert("k1", Bytes(1000));
  cache.Insert("k2", Bytes(1000));
  cache.Insert("k3", Bytes(1000));
  EXPECT_EQ(cache.stats().bytes, 3 * 1132);
  ASSERT_TRUE(cache.Find("k1").has_value());  // k1 is now the most recently used
  cache.Insert("k4", Bytes(1000));             // evicts k2, the least recently used
  EXPECT_TRUE(cache.Find("k1").has_value());
  EXPECT_FALSE(cache.Find("k2").has_value());
  EXPECT_TRUE(cache.Find("k3").has_value());
  EXPECT_TRUE(cache.Find("k4").has_value());
  EXPECT_EQ(cache.stats().evictions, 1);
  EXPECT_EQ(cache.stats().entries, 3);
  EXPECT_LE(cache.stats().bytes, 3500);
}

TEST(AnswerCacheTest, KeepsNothingLargerThanItsBoundAndReplacesAKey) {
  AnswerCache cache(1000);
  cache.Insert("big", Bytes(2000));
  EXPECT_FALSE(cache.Find("big").has_value());
  EXPECT_EQ(cache.stats().bytes, 0);
  cache.Insert("k", AnswerCache::Answer{"one", 1});
  cache.Insert("k", AnswerCache::Answer{"two", 2});
  EXPECT_EQ(cache.Find("k")->response, "two");
  EXPECT_EQ(cache.stats().entries, 1);
}

TEST(AnswerCacheTest, KeysDifferByMethodPracticeVersionDayAndRequest) {
  v1::GetTrendRequest request;
  request.set_practice("practices/1234567893");
  request.set_from_month("2026-01");
  const absl::CivilDay day(2026, 7, 15);
  const std::string key = AnswerCache::Key("GetTrend", kNpi, 3, day, request);
  EXPECT_EQ(key, AnswerCache::Key("GetTrend", kNpi, 3, day, request));
  EXPECT_NE(key, AnswerCache::Key("CompareCohorts", kNpi, 3, day, request));
  EXPECT_NE(key, AnswerCache::Key("GetTrend", "1234567894", 3, day, request));
  EXPECT_NE(key, AnswerCache::Key("GetTrend", kNpi, 4, day, request));
  EXPECT_NE(key, AnswerCache::Key("GetTrend", kNpi, 3, day + 1, request));
  v1::GetTrendRequest other = request;
  other.set_to_month("2026-02");
  EXPECT_NE(key, AnswerCache::Key("GetTrend", kNpi, 3, day, other));
}

class AnswerThroughCacheTest : public ::testing::Test {
 protected:
  AnswerThroughCacheTest()
      : clock_(absl::FromCivil(absl::CivilDay(2026, 7, 15), absl::UTCTimeZone())) {
    context_.store = &store_;
    context_.clock = &clock_;
    context_.answer_cache = &cache_;
    practice_ = *store_.CreatePractice(kNpi, "Test practice");
  }

  // An answer that counts its calls and reports the claims stored for the practice now.
  absl::Status Answer(const v1::GetTrendRequest& request, v1::GetTrendResponse* response,
                      bool* hit) {
    int64_t rows = 0;
    return AnswerThroughCache(
        context_, "GetTrend", kNpi, request, response, &rows, hit,
        [&](const ServiceContext& context, const v1::GetTrendRequest&,
            v1::GetTrendResponse* out, int64_t* out_rows) -> absl::Status {
          ++computed_;
          auto claims = context.store->LoadClaims(practice_, {Day(2000, 1, 1), Day(2099, 1, 1)});
          if (!claims.ok()) return claims.status();
          out->set_practice(absl::StrCat("claims=", claims->size()));
          *out_rows = static_cast<int64_t>(claims->size());
          return absl::OkStatus();
        });
  }

  void IngestOneClaim(const std::string& id) {
    const Claim claim = testing::MakeClaim(id, {"M542"}, {10000}, Day(2026, 3, 2));
    auto results = store_.IngestClaims(practice_, {claim});
    ASSERT_TRUE(results.ok()) << results.status();
    ASSERT_EQ((*results)[0].outcome, RecordOutcome::kAccepted) << (*results)[0].reason;
  }

  VersionedStore store_;
  FakeClock clock_;
  AnswerCache cache_{1 << 20};
  ServiceContext context_;
  Practice practice_;
  int computed_ = 0;
};

TEST_F(AnswerThroughCacheTest, ServesTheSameAnswerUntilAnIngestChangesTheVersion) {
  v1::GetTrendRequest request;
  request.set_practice("practices/1234567893");
  IngestOneClaim("C-1");
  v1::GetTrendResponse first, second, third;
  bool hit = true;
  ASSERT_TRUE(Answer(request, &first, &hit).ok());
  EXPECT_FALSE(hit);
  EXPECT_EQ(first.practice(), "claims=1");
  ASSERT_TRUE(Answer(request, &second, &hit).ok());
  EXPECT_TRUE(hit);
  EXPECT_EQ(second.practice(), "claims=1");
  EXPECT_EQ(computed_, 1);

  IngestOneClaim("C-2");  // a new version: the kept answer is not served again
  ASSERT_TRUE(Answer(request, &third, &hit).ok());
  EXPECT_FALSE(hit);
  EXPECT_EQ(third.practice(), "claims=2");
  EXPECT_EQ(computed_, 2);
}

TEST_F(AnswerThroughCacheTest, ANewDayIsANewKey) {
  v1::GetTrendRequest request;  // no as-of date: today
  request.set_practice("practices/1234567893");
  v1::GetTrendResponse response;
  bool hit = false;
  ASSERT_TRUE(Answer(request, &response, &hit).ok());
  clock_.Advance(absl::Hours(24));
  response.Clear();
  ASSERT_TRUE(Answer(request, &response, &hit).ok());
  EXPECT_FALSE(hit);
  EXPECT_EQ(computed_, 2);
}

TEST_F(AnswerThroughCacheTest, NeverKeepsErrorsNorCachesWithoutAVersion) {
  v1::GetTrendRequest request;
  v1::GetTrendResponse response;
  bool hit = false;
  int64_t rows = 0;
  int calls = 0;
  auto failing = [&](const ServiceContext&, const v1::GetTrendRequest&, v1::GetTrendResponse*,
                     int64_t*) {
    ++calls;
    return absl::UnavailableError("database down");
  };
  EXPECT_FALSE(AnswerThroughCache(context_, "GetTrend", kNpi, request, &response, &rows, &hit,
                                  failing)
                   .ok());
  EXPECT_FALSE(AnswerThroughCache(context_, "GetTrend", kNpi, request, &response, &rows, &hit,
                                  failing)
                   .ok());
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(cache_.stats().entries, 0);

  // An NPI the store has no version for (not onboarded) is answered, never cached.
  auto ok = [&](const ServiceContext&, const v1::GetTrendRequest&, v1::GetTrendResponse*,
                int64_t*) {
    ++calls;
    return absl::OkStatus();
  };
  for (int i = 0; i < 2; ++i) {
    EXPECT_TRUE(AnswerThroughCache(context_, "GetTrend", "1234567894", request, &response,
                                   &rows, &hit, ok)
                    .ok());
    EXPECT_FALSE(hit);
  }
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(cache_.stats().entries, 0);
}

}  // namespace
}  // namespace denialscope
