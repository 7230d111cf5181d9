// The storage seam. The server talks only to this interface: PostgreSQL implements it in
// sql/, and MemoryClaimStore (below in memory_claim_store.h) implements it for unit tests.
// Records reaching a store are already validated (ingest/validate.h); a store decides only
// what needs the stored state: new, duplicate, conflicting, or waiting for its partner.
#ifndef DENIALSCOPE_ANALYTICS_CLAIM_STORE_H_
#define DENIALSCOPE_ANALYTICS_CLAIM_STORE_H_

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "analytics/cohort_report.h"
#include "analytics/fact_cells.h"
#include "analytics/measures.h"
#include "analytics/records.h"

namespace denialscope {

// What happened to one record of an ingest batch.
enum class RecordOutcome {
  kAccepted,   // stored (a replacement or void counts here too)
  kDuplicate,  // the same content was stored before: nothing changed
  kRejected,   // conflicts with stored state; `reason` says how
};

struct RecordResult {
  RecordOutcome outcome = RecordOutcome::kAccepted;
  // Remittances only: accepted, but no claim with this id is stored yet. The event is kept
  // and joins when its claim arrives.
  bool unmatched = false;
  std::string field;   // for kRejected: the field at fault
  std::string reason;  // for kRejected: a sentence naming the conflict
};

// The rejection every store gives a provider-level adjustment whose key (payer, trace
// number, sequence) already holds different content: a payer does not rewrite a sent
// remittance, so this is a different file reusing a trace number.
inline RecordResult ProviderAdjustmentConflict(const ProviderLevelAdjustment& adjustment) {
  RecordResult result;
  result.outcome = RecordOutcome::kRejected;
  result.field = "trace_number";
  result.reason = absl::StrCat("payer ", adjustment.payer_id, " trace ", adjustment.trace_number,
                               " PLB pair ", adjustment.sequence,
                               " is stored with different content");
  return result;
}

// One page of practices ordered by NPI.
struct PracticePage {
  std::vector<Practice> practices;
  std::string next_npi;  // empty at the end
};

// Which claims an analytics query reads.
struct ClaimQuery {
  Day service_from;  // inclusive
  Day service_to;    // inclusive
};

// An analytics read of stored per-claim facts (fact_cells.h). Stored facts answer only when
// `as_of` is on or after the practice's horizon (the latest date of anything stored for it);
// otherwise the read answers nullopt and the caller derives the facts from LoadClaims.
struct FactsRequest {
  Day as_of;
  MeasureSelection selection = {};
};

// A page of the denied-claims worklist (cohort_report.h).
struct WorklistRequest {
  FactsRequest facts;
  WorklistFilter filter = {};
  std::optional<WorklistPosition> after = {};
  int limit = 50;
};

// A file whose import ran to its end, recorded under the SHA-256 of its bytes so that the
// same bytes sent again are recognised (IngestService.ImportFile). The counts are what that
// first import read and stored.
struct ImportedFile {
  std::string content_sha256;  // 64 lower-case hex digits
  std::string format;          // "X12", "JSONL" or "CSV"
  std::string file_name;       // as the client named it the first time
  int64_t bytes = 0;
  int64_t claims = 0;
  int64_t claim_lines = 0;
  int64_t remittance_events = 0;
  int64_t provider_adjustments = 0;
  int64_t provider_adjustments_stored = 0;
  int64_t provider_adjustments_duplicate = 0;
  int64_t provider_adjustments_rejected = 0;
  int64_t accepted = 0;
  int64_t duplicate = 0;
  int64_t rejected = 0;
  int64_t unmatched = 0;
  int64_t problem_count = 0;
  absl::Time imported_at;  // when that import finished

  // Every count, bytes first, in one order for stores that read and write them together.
  std::array<int64_t*, 13> Counts() {
    return {&bytes,
            &claims,
            &claim_lines,
            &remittance_events,
            &provider_adjustments,
            &provider_adjustments_stored,
            &provider_adjustments_duplicate,
            &provider_adjustments_rejected,
            &accepted,
            &duplicate,
            &rejected,
            &unmatched,
            &problem_count};
  }
};

class ClaimStore {
 public:
  virtual ~ClaimStore() = default;

  // ALREADY_EXISTS when the NPI is onboarded already.
  virtual absl::StatusOr<Practice> CreatePractice(const std::string& npi,
                                                  const std::string& display_name) = 0;
  // NOT_FOUND naming the NPI when it is not onboarded.
  virtual absl::StatusOr<Practice> GetPractice(const std::string& npi) = 0;
  // Practices with NPI > `after_npi`, at most `page_size` of them.
  virtual absl::StatusOr<PracticePage> ListPractices(int page_size,
                                                     const std::string& after_npi) = 0;

  // Stores a batch in one transaction and returns one result per record, in order. A failed
  // transaction (UNAVAILABLE, ABORTED) stores nothing: the caller may retry the whole batch.
  virtual absl::StatusOr<std::vector<RecordResult>> IngestClaims(
      const Practice& practice, absl::Span<const Claim> claims) = 0;
  virtual absl::StatusOr<std::vector<RecordResult>> IngestRemittances(
      const Practice& practice, absl::Span<const RemittanceEvent> events) = 0;

  // Stores provider-level adjustments (835 PLB pairs) in one transaction, one result per
  // record in order: accepted when new; duplicate when the same content is stored under its
  // key (payer_id, trace_number, sequence), a repeat within the batch included; rejected
  // naming the key when different content is stored under it. Claims, events and their facts
  // are never touched: the money belongs to the provider, not to any claim.
  virtual absl::StatusOr<std::vector<RecordResult>> IngestProviderAdjustments(
      const Practice& practice, absl::Span<const ProviderLevelAdjustment> adjustments) = 0;
  // Every stored provider-level adjustment of the practice, ordered by payer_id,
  // trace_number and sequence.
  virtual absl::StatusOr<std::vector<ProviderLevelAdjustment>> ListProviderAdjustments(
      const Practice& practice) = 0;

  // Payer names by payer id as the practice's claims gave them (NM1*PR), for display; payers
  // sent without a name are left out. Stores that keep no names answer none (the default).
  virtual absl::StatusOr<std::map<std::string, std::string>> PayerNames(
      const Practice& practice) {
    (void)practice;
    return std::map<std::string, std::string>();
  }

  // Active (not voided) claims whose date of service falls in the query's range, each with
  // every stored event that joins to it, events in no particular order.
  virtual absl::StatusOr<std::vector<ClaimHistory>> LoadClaims(const Practice& practice,
                                                               const ClaimQuery& query) = 0;

  // The stored cells (fact_cells.h: kinds is a mask of CellKind) of the selection's months
  // under its basis, or nullopt when the as-of date is before the practice's horizon. Count
  // cells honour the payer and procedure-family filters; every other filter must be empty
  // (INVALID_ARGUMENT otherwise: see CellsCanServe).
  virtual absl::StatusOr<std::optional<FactCells>> LoadFactCells(const Practice& practice,
                                                                 const FactsRequest& request,
                                                                 int kinds) = 0;
  // The stored facts of the selected claims rebased to the as-of date (RebaseFacts), in no
  // particular order, or nullopt when the as-of date is before the practice's horizon.
  virtual absl::StatusOr<std::optional<std::vector<ClaimFacts>>> LoadFacts(
      const Practice& practice, const FactsRequest& request) = 0;
  // One worklist page from stored facts in worklist order (WorklistPage), or nullopt when the
  // as-of date is before the practice's horizon.
  virtual absl::StatusOr<std::optional<std::vector<ClaimFacts>>> ListDeniedFacts(
      const Practice& practice, const WorklistRequest& request) = 0;
  // Recomputes every stored fact and cell of the practice from its raw claims and events with
  // the store's current code lists (after a code-list change).
  virtual absl::Status RebuildFacts(const Practice& practice) = 0;

  // The practice's record of a completed file import with this content hash, or nullopt.
  virtual absl::StatusOr<std::optional<ImportedFile>> FindImportedFile(
      const Practice& practice, const std::string& content_sha256) = 0;
  // Records a completed file import. The first record of a content hash stays: recording
  // the same hash again changes nothing and is not an error.
  virtual absl::Status RecordImportedFile(const Practice& practice, const ImportedFile& file) = 0;

  // The practice's data version: a value that changes, in the same transaction, with every
  // change to its claims, events or stored facts, so an answer computed after reading
  // version V may be reused while the version still reads V (server/answer_cache.h).
  // nullopt when the store keeps no versions (answers are then never reused); NOT_FOUND when
  // the NPI is not onboarded.
  virtual absl::StatusOr<std::optional<int64_t>> DataVersion(const std::string& npi) {
    (void)npi;
    return std::optional<int64_t>();
  }
};

}  // namespace denialscope

#endif  // DENIALSCOPE_ANALYTICS_CLAIM_STORE_H_
