// Helpers for the tests that run the real gRPC services over in-memory stores: the service
// context (every field a distinct type, so arguments cannot be swapped unnoticed) and API
// keys made straight in the access store.
#ifndef DENIALSCOPE_TESTS_UNIT_TEST_SERVER_H_
#define DENIALSCOPE_TESTS_UNIT_TEST_SERVER_H_

#include <string>
#include <utility>
#include <vector>

#include "analytics/access_store.h"
#include "gtest/gtest.h"
#include "server/api_key.h"
#include "server/service_context.h"

namespace denialscope {

inline ServiceContext TestContext(ClaimStore* store, const CohortTaxonomy* taxonomy,
                                  const PatientKeyHasher* hasher, const Clock* clock,
                                  LogSink* log, AccessStore* access) {
  ServiceContext context;
  context.store = store;
  context.taxonomy = taxonomy;
  context.hasher = hasher;
  context.clock = clock;
  context.log = log;
  context.access = access;
  return context;
}

// A key with these scopes for these practices (every practice when none), made at `now`;
// returns the key as a caller sends it. Fails the test when it cannot be stored.
inline std::string TestApiKey(AccessStore& access, std::vector<Scope> scopes,
                              std::vector<std::string> practice_npis, absl::Time now,
                              std::optional<absl::Time> expire_time = std::nullopt) {
  ApiKeyRecord spec;
  spec.display_name = "test";
  spec.scopes = std::move(scopes);
  spec.all_practices = practice_npis.empty();
  spec.practice_npis = std::move(practice_npis);
  spec.expire_time = expire_time;
  absl::StatusOr<IssuedApiKey> issued = IssueApiKey(access, std::move(spec), now);
  EXPECT_TRUE(issued.ok()) << issued.status();
  return issued.ok() ? issued->plaintext : std::string();
}

}  // namespace denialscope

#endif  // DENIALSCOPE_TESTS_UNIT_TEST_SERVER_H_
