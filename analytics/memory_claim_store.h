// The in-memory ClaimStore: the fake that unit tests, the server's tests and local tools run
// against. It follows the same contract the PostgreSQL store must keep (claim_store.h), so
// behaviour proven here is the behaviour expected there.
//
// Claims are keyed by (practice, payer_id, claim_id). Every submission (frequency code plus
// content) seen for a key is remembered, so re-sending any batch or file is a duplicate:
//   - a submission seen before, or one whose content equals the active stored claim, is
//     kDuplicate;
//   - frequency 1 for an existing claim with new content is kRejected (field "claim_id"):
//     changing a claim takes a replacement, frequency code 7;
//   - frequency 7 replaces the stored claim (and revives a voided one); with no stored claim
//     it is stored as the claim;
//   - frequency 8 voids the stored claim (LoadClaims then skips it); with nothing to void it
//     is kRejected (field "frequency_code").
// Remittance events are keyed by their content (RemittanceContentKey): the same content again
// is kDuplicate. An event whose claim is not stored yet is kept and flagged unmatched; it
// joins on (payer_id, claim_id) as soon as the claim arrives.
#ifndef DENIALSCOPE_ANALYTICS_MEMORY_CLAIM_STORE_H_
#define DENIALSCOPE_ANALYTICS_MEMORY_CLAIM_STORE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "analytics/claim_store.h"
#include "analytics/fact_cells.h"
#include "analytics/measures.h"

namespace denialscope {

class MemoryClaimStore : public ClaimStore {
 public:
  // Facts are derived with `context` (the compiled-in code lists when null), which must outlive
  // the store. They are computed when read, so RebuildFacts has nothing to do.
  explicit MemoryClaimStore(const MeasureContext* context = nullptr)
      : context_(context != nullptr ? context : &BuiltinMeasureContext()) {}
  MemoryClaimStore(const MemoryClaimStore&) = delete;
  MemoryClaimStore& operator=(const MemoryClaimStore&) = delete;

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
  // The practice's facts as of `as_of` (the as-of date of stored facts: kAllEventsAsOf, then
  // rebased), or nullopt when `as_of` is before the practice's horizon.
  absl::StatusOr<std::optional<std::vector<ClaimFacts>>> StoredFacts(const Practice& practice,
                                                                    Day as_of) const;

  // (practice_id, payer_id, claim_id)
  using ClaimKey = std::tuple<int64_t, std::string, std::string>;

  struct StoredClaim {
    Claim claim;               // the active version
    std::string content_key;   // ClaimContentKey(claim)
    bool voided = false;
    std::set<std::string> submissions;  // frequency + content of each one seen
    std::vector<std::string> first_diagnoses = {};  // set once a replacement changes the coding
  };

  // NOT_FOUND unless `practice` was created here (by id and NPI).
  absl::Status CheckPractice(const Practice& practice) const
      ABSL_SHARED_LOCKS_REQUIRED(mutex_);
  RecordResult IngestClaim(int64_t practice_id, const Claim& claim)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  const MeasureContext* const context_;
  mutable absl::Mutex mutex_;
  int64_t next_practice_id_ ABSL_GUARDED_BY(mutex_) = 1;
  std::map<std::string, Practice> practices_ ABSL_GUARDED_BY(mutex_);  // by NPI
  std::map<ClaimKey, StoredClaim> claims_ ABSL_GUARDED_BY(mutex_);
  // Every event by the claim it joins to, whether or not that claim is stored.
  std::map<ClaimKey, std::vector<RemittanceEvent>> events_ ABSL_GUARDED_BY(mutex_);
  // (practice_id, payer_id, trace_number, sequence) -> the adjustment and its content key.
  using AdjustmentKey = std::tuple<int64_t, std::string, std::string, int>;
  std::map<AdjustmentKey, std::pair<ProviderLevelAdjustment, std::string>> adjustments_
      ABSL_GUARDED_BY(mutex_);
  // (practice_id, content SHA-256) -> the completed import recorded first.
  std::map<std::pair<int64_t, std::string>, ImportedFile> imported_files_
      ABSL_GUARDED_BY(mutex_);
  // (practice_id, RemittanceContentKey) of every stored event.
  std::set<std::pair<int64_t, std::string>> event_keys_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace denialscope

#endif  // DENIALSCOPE_ANALYTICS_MEMORY_CLAIM_STORE_H_
