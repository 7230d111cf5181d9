// A ClaimStore decorator that fails on command, for fault-injection tests: "the database
// went away during this batch" must leave nothing half-stored and must be retryable without
// counting anything twice. Failures can strike before the call reaches the wrapped store
// (nothing happened) or after it (the work was done but the caller never heard, as when a
// commit acknowledgement is lost).
#ifndef DENIALSCOPE_ANALYTICS_FAULTY_CLAIM_STORE_H_
#define DENIALSCOPE_ANALYTICS_FAULTY_CLAIM_STORE_H_

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "analytics/claim_store.h"

namespace denialscope {

class FaultyClaimStore : public ClaimStore {
 public:
  enum class Method {
    kAny,  // matches every method in a fault rule
    kCreatePractice,
    kGetPractice,
    kListPractices,
    kIngestClaims,
    kIngestRemittances,
    kLoadClaims,
    kLoadFactCells,
    kLoadFacts,
    kListDeniedFacts,
    kRebuildFacts,
    kIngestProviderAdjustments,
    kListProviderAdjustments,
    kFindImportedFile,
    kRecordImportedFile,
    kPayerNames,  // keep last: it sizes calls_
  };
  enum class Timing {
    kBefore,  // fail without calling the wrapped store
    kAfter,   // call the wrapped store, discard its answer, return the failure
  };

  // `inner` is not owned and must outlive this store.
  explicit FaultyClaimStore(ClaimStore* inner) : inner_(inner) {}
  FaultyClaimStore(const FaultyClaimStore&) = delete;
  FaultyClaimStore& operator=(const FaultyClaimStore&) = delete;

  // The next `count` calls of `method` (any method for kAny) return `status`, which must not
  // be OK. Rules queue up: a call consumes the first unexhausted rule that matches it.
  void FailNext(int count, absl::Status status, Method method = Method::kAny,
                Timing timing = Timing::kBefore);
  // Drops every pending rule.
  void Clear();
  // Calls made so far (failed ones included), per method or in total for kAny.
  int calls(Method method = Method::kAny) const;
  // Calls that were failed on purpose.
  int injected_failures() const;

  absl::StatusOr<Practice> CreatePractice(const std::string& npi,
                                          const std::string& display_name) override;
  absl::StatusOr<Practice> GetPractice(const std::string& npi) override;
  absl::StatusOr<PracticePage> ListPractices(int page_size,
                                             const std::string& after_npi) override;
  absl::StatusOr<std::vector<RecordResult>> IngestClaims(
      const Practice& practice, absl::Span<const Claim> claims) override;
  absl::StatusOr<std::vector<RecordResult>> IngestRemittances(
      const Practice& practice, absl::Span<const RemittanceEvent> events) override;
  absl::StatusOr<std::vector<RecordResult>> IngestProviderAdjustments(
      const Practice& practice,
      absl::Span<const ProviderLevelAdjustment> adjustments) override;
  absl::StatusOr<std::vector<ProviderLevelAdjustment>> ListProviderAdjustments(
      const Practice& practice) override;
  absl::StatusOr<std::map<std::string, std::string>> PayerNames(
      const Practice& practice) override;
  absl::StatusOr<std::vector<ClaimHistory>> LoadClaims(const Practice& practice,
                                                       const ClaimQuery& query) override;
  absl::StatusOr<std::optional<FactCells>> LoadFactCells(const Practice& practice,
                                                         const FactsRequest& request,
                                                         int kinds) override;
  absl::StatusOr<std::optional<std::vector<ClaimFacts>>> LoadFacts(
      const Practice& practice, const FactsRequest& request) override;
  absl::StatusOr<std::optional<std::vector<ClaimFacts>>> ListDeniedFacts(
      const Practice& practice, const WorklistRequest& request) override;
  absl::Status RebuildFacts(const Practice& practice) override;
  absl::StatusOr<std::optional<ImportedFile>> FindImportedFile(
      const Practice& practice, const std::string& content_sha256) override;
  absl::Status RecordImportedFile(const Practice& practice, const ImportedFile& file) override;

 private:
  struct Rule {
    Method method;
    Timing timing;
    int remaining;
    absl::Status status;
  };
  struct Fault {
    Timing timing = Timing::kBefore;
    absl::Status status;  // OK when the call is not to fail
  };

  // Counts the call and takes the fault planned for it, if any.
  Fault NextFault(Method method);

  template <typename T, typename Call>
  absl::StatusOr<T> Run(Method method, Call call);

  ClaimStore* const inner_;
  mutable absl::Mutex mutex_;
  std::vector<Rule> rules_ ABSL_GUARDED_BY(mutex_);
  // Indexed by Method; sized from the last enumerator so a new method cannot overrun it.
  std::array<int, static_cast<size_t>(Method::kPayerNames) + 1> calls_ ABSL_GUARDED_BY(mutex_) =
      {};
  int injected_failures_ ABSL_GUARDED_BY(mutex_) = 0;
};

}  // namespace denialscope

#endif  // DENIALSCOPE_ANALYTICS_FAULTY_CLAIM_STORE_H_
