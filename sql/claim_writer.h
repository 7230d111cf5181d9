// The write side of ingest: claims, submissions, remittance events and per-claim facts, in a
// fixed number of statements per batch. Rows known to be new stream in with COPY; the rare
// rewrites of stored claims go through set-based UPDATE/DELETE statements. The caller has
// locked the claim keys and decided every record (pg_claim_store.cc).
#ifndef DENIALSCOPE_SQL_CLAIM_WRITER_H_
#define DENIALSCOPE_SQL_CLAIM_WRITER_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "analytics/records.h"
#include "analytics/taxonomy.h"
#include "pqxx/pqxx"
#include "sql/claim_loader.h"

namespace denialscope::pg {

// A claim whose stored content the batch sets.
struct ClaimContentWrite {
  const Claim* claim = nullptr;
  bool stored_before = false;  // rewrite (replace lines and diagnoses) rather than insert
  bool voided = false;
  int version = 1;
  std::string content_hash;  // hex
  std::vector<std::string> first_diagnoses;  // see ClaimHistory::first_diagnoses
};

// A claim whose status alone changes (a void).
struct ClaimStatusWrite {
  ClaimKey key;
  bool voided = false;
  int version = 1;
};

// A submission recorded in claim_submissions.
struct SubmissionWrite {
  const Claim* claim = nullptr;
  std::string content_hash;  // hex
  int version = 1;
};

void WriteClaims(pqxx::work& tx, int64_t practice_id,
                 const std::vector<ClaimContentWrite>& contents,
                 const std::vector<ClaimStatusWrite>& statuses);

void WriteSubmissions(pqxx::work& tx, int64_t practice_id,
                      const std::vector<SubmissionWrite>& submissions);

// Inserts new events (with their event ids, hex) and their lines, adjustments and remarks.
void WriteEvents(pqxx::work& tx, int64_t practice_id,
                 const std::vector<std::pair<const RemittanceEvent*, std::string>>& events);

// Deletes the facts of `stale` and inserts facts for `histories` (active claims with every
// stored event), derived with the analytics code: cohort by the principal diagnosis of the
// first-submitted coding (CohortTaxonomy::ClassifyHistory), outcome netted as of the end of
// time. INTERNAL for a claim without lines.
absl::Status WriteFacts(pqxx::work& tx, int64_t practice_id, const std::vector<ClaimKey>& stale,
                        const std::vector<ClaimHistory>& histories,
                        const CohortTaxonomy& taxonomy);

// Updates the outcome columns of the facts of `histories` (claims with every stored event;
// only the keys are read from their claims) after new events joined them. The claims' own
// fields did not change, so neither did their cohort, date of service or charge. Voided
// claims have no facts and are left alone.
void UpdateFactOutcomes(pqxx::work& tx, int64_t practice_id,
                        const std::vector<ClaimHistory>& histories);

}  // namespace denialscope::pg

#endif  // DENIALSCOPE_SQL_CLAIM_WRITER_H_
