// PgClaimStore: ClaimStore on PostgreSQL (DESIGN §4). Each ingest batch is one transaction
// of a fixed number of set-based statements and COPY streams (claim_writer.h); claims and remittance events are recognised by
// content hashes so re-sent input changes nothing; per-claim facts are recomputed for every
// claim a batch touches, with the same analytics code the measures use.
//
// Claim semantics are those of analytics/memory_claim_store.h, per (practice, payer_id,
// claim_id): a submission (frequency + content) recorded before is a duplicate; an original
// restating the active content is a duplicate; an original with new content for a stored
// claim is rejected (send frequency 7); a replacement rewrites the claim and revives a voided
// one; a void marks it voided (it leaves LoadClaims and claim_facts) and is rejected when
// nothing is stored. Records of one batch are decided in order, as if sent one by one.
// Concurrent batches touching the same claim are serialized by transaction-scoped advisory
// locks on hashed claim keys, so the claim-event join and the facts never miss a partner
// committed meanwhile.
#include "sql/pg_claim_store.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "analytics/status_macros.h"
#include "pqxx/pqxx"
#include "sql/claim_loader.h"
#include "sql/claim_writer.h"
#include "sql/connection_pool.h"
#include "sql/server_pool.h"
#include "sql/content_hash.h"
#include "sql/pg_errors.h"
#include "sql/pg_values.h"
#include "sql/prepared.h"
#include "sql/queries.h"
#include "sql/report_facts.h"
#include "sql/report_queries.h"

namespace denialscope {
namespace {

namespace q = queries;
using pg::ClaimKey;
using pg::Histories;
using pg::KeyArrays;
using pg::LoadFilter;

// Claim-key advisory locks: each practice's claim keys hash into this many locks, which
// bounds the locks one batch holds whatever its size.
constexpr int64_t kLockBucketsPerPractice = 64;

constexpr char kInitialMigration[] = "0001_init.sql";

// FNV-1a: a hash that is the same in every process, unlike absl::Hash.
uint64_t StableHash(absl::string_view a, absl::string_view b) {
  uint64_t hash = 14695981039346656037ull;
  auto mix = [&hash](absl::string_view text) {
    for (unsigned char c : text) {
      hash ^= c;
      hash *= 1099511628211ull;
    }
    hash ^= 0xff;  // separator: ("ab","c") and ("a","bc") differ
    hash *= 1099511628211ull;
  };
  mix(a);
  mix(b);
  return hash;
}

bool IsNpiShaped(absl::string_view npi) {
  return npi.size() == 10 && std::all_of(npi.begin(), npi.end(), absl::ascii_isdigit);
}

// Locks every claim key of the batch (in ascending lock order, so batches never deadlock on
// each other) until the transaction ends.
void LockClaimKeys(pqxx::work& tx, int64_t practice_id, const std::vector<ClaimKey>& keys) {
  std::vector<int64_t> lock_keys;
  lock_keys.reserve(keys.size());
  for (const ClaimKey& key : keys) {
    int64_t bucket =
        static_cast<int64_t>(StableHash(key.first, key.second) % kLockBucketsPerPractice);
    lock_keys.push_back(practice_id * kLockBucketsPerPractice + bucket);
  }
  std::sort(lock_keys.begin(), lock_keys.end());
  lock_keys.erase(std::unique(lock_keys.begin(), lock_keys.end()), lock_keys.end());
  PgArray array;
  for (int64_t lock_key : lock_keys) array.AddInt(lock_key);
  tx.exec_params(q::kLockClaimKeys, array.Literal());
}

// Adds the batch's payers (sorted, so concurrent batches insert them in the same order).
void UpsertPayers(pqxx::work& tx, int64_t practice_id,
                  const std::map<std::string, std::string>& payer_names) {
  PgArray ids;
  PgArray names;
  for (const auto& [payer_id, payer_name] : payer_names) {
    ids.AddText(payer_id);
    names.AddText(payer_name);
  }
  tx.exec_params(q::kUpsertPayers, practice_id, ids.Literal(), names.Literal());
}

void NotePayer(std::map<std::string, std::string>& payer_names, const std::string& payer_id,
               const std::string& payer_name) {
  std::string& name = payer_names[payer_id];
  if (name.empty()) name = payer_name;
}

// Distinct keys in first-seen order.
std::vector<ClaimKey> DistinctKeys(std::vector<ClaimKey> keys) {
  absl::flat_hash_set<ClaimKey> seen;
  std::vector<ClaimKey> distinct;
  for (ClaimKey& key : keys) {
    if (seen.insert(key).second) distinct.push_back(std::move(key));
  }
  return distinct;
}

// What is stored for one claim key, updated as the batch's records are decided one by one.
struct StoredClaim {
  bool stored_before = false;  // stored before this batch
  bool exists = false;
  bool voided = false;
  int version = 0;
  std::string content_hash;  // of the active content
  std::vector<std::string> diagnoses;        // of the active content
  std::vector<std::string> first_diagnoses;  // ClaimHistory::first_diagnoses
  absl::flat_hash_set<std::string> submissions;  // SubmissionKey of each recorded one
  // Set when the batch changes the claim: the new content (null for a void alone).
  const Claim* new_content = nullptr;
  bool changed = false;
};

std::string SubmissionKey(int64_t frequency, absl::string_view hash) {
  return absl::StrCat(frequency, "|", hash);
}

using StoredClaims = absl::flat_hash_map<ClaimKey, StoredClaim>;

// The claims among `keys` that are stored (voided or not).
absl::flat_hash_set<ClaimKey> SelectExistingClaims(pqxx::work& tx, int64_t practice_id,
                                                   const std::vector<ClaimKey>& keys) {
  KeyArrays arrays = pg::ToKeyArrays(keys);
  pqxx::result rows = tx.exec_params(q::kSelectExistingClaims, practice_id,
                                       arrays.payer_ids.Literal(), arrays.claim_ids.Literal());
  absl::flat_hash_set<ClaimKey> existing;
  for (const pqxx::row& row : rows) existing.emplace(row[0].c_str(), row[1].c_str());
  return existing;
}

// What is stored for `keys`, with every recorded submission.
absl::StatusOr<StoredClaims> SelectStoredClaims(pqxx::work& tx, int64_t practice_id,
                                                const std::vector<ClaimKey>& keys) {
  StoredClaims stored_claims;
  KeyArrays arrays = pg::ToKeyArrays(keys);
  pqxx::result rows = tx.exec_params(q::kSelectClaimStates, practice_id,
                                       arrays.payer_ids.Literal(), arrays.claim_ids.Literal());
  for (const pqxx::row& row : rows) {
    StoredClaim& stored = stored_claims[ClaimKey(row[0].c_str(), row[1].c_str())];
    stored.stored_before = true;
    stored.exists = true;
    stored.voided = ParseBool(row[2]);
    DS_ASSIGN_OR_RETURN(int64_t version, ParseInt(row[3]));
    stored.version = static_cast<int>(version);
    stored.content_hash = row[4].c_str();
    stored.first_diagnoses = ParseTextArray(row[5]);
    stored.diagnoses = ParseTextArray(row[6]);
  }
  if (!stored_claims.empty()) {
    pqxx::result submissions = tx.exec_params(q::kSelectSubmissions, practice_id, arrays.payer_ids.Literal(),
        arrays.claim_ids.Literal());
    for (const pqxx::row& row : submissions) {
      DS_ASSIGN_OR_RETURN(int64_t frequency, ParseInt(row[2]));
      stored_claims[ClaimKey(row[0].c_str(), row[1].c_str())].submissions.insert(
          SubmissionKey(frequency, row[3].c_str()));
    }
  }
  return stored_claims;
}

RecordResult Outcome(RecordOutcome outcome) {
  RecordResult result;
  result.outcome = outcome;
  return result;
}

RecordResult Rejected(std::string field, std::string reason) {
  RecordResult result;
  result.outcome = RecordOutcome::kRejected;
  result.field = std::move(field);
  result.reason = std::move(reason);
  return result;
}

// Decides one claim against what is stored (the contract of analytics/claim_store.h, as
// the in-memory store keeps it), updating `stored`. Sets *remember when the submission is
// recorded in claim_submissions.
RecordResult DecideClaim(const Claim& claim, const std::string& hash, StoredClaim& stored,
                         bool* remember) {
  *remember = false;
  const int frequency = static_cast<int>(claim.frequency);
  const std::string submission = SubmissionKey(frequency, hash);
  if (claim.lines.empty()) {
    return Rejected("lines", absl::StrCat("claim ", claim.claim_id,
                                          " has no service lines, so no date of service"));
  }
  if (!stored.exists) {
    if (claim.frequency == FrequencyCode::kVoid) {
      return Rejected("frequency_code",
                      absl::StrCat("claim ", claim.claim_id, " for payer ", claim.payer_id,
                                   " cannot be voided: it is not stored"));
    }
    // An original, or a replacement whose original never reached us: either way the claim.
    stored.exists = true;
    stored.voided = false;
    stored.version = 1;
    stored.content_hash = hash;
    stored.diagnoses = claim.diagnoses;
    stored.submissions.insert(submission);
    stored.new_content = &claim;
    stored.changed = true;
    *remember = true;
    return Outcome(RecordOutcome::kAccepted);
  }
  if (stored.submissions.contains(submission)) return Outcome(RecordOutcome::kDuplicate);
  const bool same_as_active = !stored.voided && stored.content_hash == hash;
  switch (claim.frequency) {
    case FrequencyCode::kOriginal:
      if (same_as_active) {
        stored.submissions.insert(submission);
        *remember = true;
        return Outcome(RecordOutcome::kDuplicate);
      }
      return Rejected("claim_id",
                      absl::StrCat("claim ", claim.claim_id, " for payer ", claim.payer_id,
                                   " is already stored with different content; send it "
                                   "with frequency code 7 to replace it"));
    case FrequencyCode::kReplacement:
      stored.submissions.insert(submission);
      *remember = true;
      if (same_as_active) return Outcome(RecordOutcome::kDuplicate);
      // The first coding is kept once a replacement changes it.
      if (stored.first_diagnoses.empty() && stored.diagnoses != claim.diagnoses) {
        stored.first_diagnoses = stored.diagnoses;
      }
      stored.diagnoses = claim.diagnoses;
      stored.voided = false;
      ++stored.version;
      stored.content_hash = hash;
      stored.new_content = &claim;
      stored.changed = true;
      return Outcome(RecordOutcome::kAccepted);
    case FrequencyCode::kVoid:
      stored.submissions.insert(submission);
      *remember = true;
      if (stored.voided) return Outcome(RecordOutcome::kDuplicate);
      stored.voided = true;
      ++stored.version;
      stored.changed = true;
      return Outcome(RecordOutcome::kAccepted);
  }
  return Rejected("frequency_code",
                  absl::StrCat("frequency code ", frequency, " is not 1, 7 or 8"));
}

// Fails with NOT_FOUND unless the practice exists with this id and NPI; scopes the rest of
// the transaction to the practice for row-level security.
absl::Status CheckPracticeRow(pqxx::transaction_base& tx, const Practice& practice) {
  pqxx::result rows = pg::ExecPrepared(tx, q::kCheckPractice, practice.practice_id, practice.npi);
  if (rows.empty()) {
    return absl::NotFoundError(absl::StrCat("practice ", practice.npi, " is not onboarded"));
  }
  return absl::OkStatus();
}

// Whether a batch stored anything (only then does the practice's data version change).
bool AnyAccepted(const std::vector<RecordResult>& results) {
  return std::any_of(results.begin(), results.end(), [](const RecordResult& r) {
    return r.outcome == RecordOutcome::kAccepted;
  });
}

// --- The store --------------------------------------------------------------------------------

class PgClaimStore : public ClaimStore {
 public:
  PgClaimStore(std::unique_ptr<ConnectionPool> pool, int pool_size,
               const CohortTaxonomy* taxonomy, const CodeLists* code_lists,
               const ProcedureFamilies* procedure_families)
      : pool_(std::move(pool)),
        max_retries_(pool_size),
        taxonomy_(taxonomy),
        measures_{*taxonomy,
                  code_lists != nullptr ? *code_lists : BuiltinMeasureContext().code_lists,
                  procedure_families != nullptr ? *procedure_families
                                                : BuiltinMeasureContext().procedure_families} {}

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
  absl::StatusOr<std::vector<ClaimHistory>> LoadClaims(const Practice& practice,
                                                       const ClaimQuery& query) override;
  absl::StatusOr<std::optional<FactCells>> LoadFactCells(const Practice& practice,
                                                         const FactsRequest& request,
                                                         int kinds) override;
  absl::StatusOr<std::map<std::string, std::string>> PayerNames(
      const Practice& practice) override;
  absl::StatusOr<std::optional<std::vector<ClaimFacts>>> LoadFacts(
      const Practice& practice, const FactsRequest& request) override;
  absl::StatusOr<std::optional<std::vector<ClaimFacts>>> ListDeniedFacts(
      const Practice& practice, const WorklistRequest& request) override;
  absl::Status RebuildFacts(const Practice& practice) override;
  absl::StatusOr<std::optional<int64_t>> DataVersion(const std::string& npi) override;
  absl::StatusOr<std::optional<ImportedFile>> FindImportedFile(
      const Practice& practice, const std::string& content_sha256) override;
  absl::Status RecordImportedFile(const Practice& practice, const ImportedFile& file) override;

 private:
  // CheckPracticeRow, forgetting the remembered practice (practices_) when it fails.
  absl::Status CheckPractice(pqxx::transaction_base& tx, const Practice& practice) {
    absl::Status status = CheckPracticeRow(tx, practice);
    if (!status.ok()) {
      absl::MutexLock lock(&practices_mu_);
      practices_.erase(practice.npi);
    }
    return status;
  }

  // Runs `read` (pqxx::transaction_base& -> StatusOr<T>) in one read-only snapshot after
  // checking the practice.
  template <typename T, typename Read>
  absl::StatusOr<T> ReadSnapshot(absl::string_view what, const Practice& practice, Read&& read);

  // Runs `fn` (which returns absl::Status) on a leased connection (server_pool.h): up to
  // pool_size + 1 attempts reach a freshly opened one after a server restart.
  template <typename Fn>
  absl::Status Run(absl::string_view what, Fn&& fn) {
    return RunOnPool(*pool_, what, max_retries_, std::forward<Fn>(fn));
  }

  absl::StatusOr<std::vector<RecordResult>> IngestClaimsTx(
      pqxx::work& tx, const Practice& practice, absl::Span<const Claim> claims,
      const std::vector<std::string>& hashes);
  absl::StatusOr<std::vector<RecordResult>> IngestRemittancesTx(
      pqxx::work& tx, const Practice& practice, absl::Span<const RemittanceEvent> events,
      const std::vector<std::string>& hashes);

  std::unique_ptr<ConnectionPool> pool_;
  const int max_retries_;  // on broken connections
  const CohortTaxonomy* taxonomy_;
  const MeasureContext measures_;  // derives the stored report facts
  // Practices found so far, by NPI. Every call looked its practice up by NPI (a round trip)
  // and then checked it again by id and NPI inside its own transaction (CheckPractice, which
  // also scopes row-level security), so the first lookup can be remembered: a practice's id,
  // NPI and name never change (nothing updates or deletes a practices row), and a row
  // changed by hand cannot be read through a stale entry: the transaction's check then fails
  // with NOT_FOUND and the entry is forgotten. Only found practices are kept: a practice
  // onboarded later, by any server, is seen at once.
  absl::Mutex practices_mu_;
  absl::flat_hash_map<std::string, Practice> practices_ ABSL_GUARDED_BY(practices_mu_);
};

absl::StatusOr<Practice> PgClaimStore::CreatePractice(const std::string& npi,
                                                      const std::string& display_name) {
  if (!IsNpiShaped(npi)) {
    return absl::InvalidArgumentError(absl::StrCat("NPI must be 10 digits, got '", npi, "'"));
  }
  Practice practice;
  absl::Status status = Run("creating a practice", [&](pqxx::connection& c) -> absl::Status {
    pqxx::work tx(c);
    pqxx::result rows = tx.exec_params(q::kInsertPractice, npi, display_name);
    if (rows.empty()) {
      return absl::AlreadyExistsError(absl::StrCat("practice ", npi, " already exists"));
    }
    tx.commit();
    DS_ASSIGN_OR_RETURN(practice.practice_id, ParseInt(rows[0][0]));
    practice.npi = npi;
    practice.display_name = display_name;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return practice;
}

absl::StatusOr<Practice> PgClaimStore::GetPractice(const std::string& npi) {
  {
    absl::MutexLock lock(&practices_mu_);
    if (auto it = practices_.find(npi); it != practices_.end()) return it->second;
  }
  Practice practice;
  absl::Status status = Run("reading a practice", [&](pqxx::connection& c) -> absl::Status {
    // One statement, run by every report call: no BEGIN and ROLLBACK round trips around it.
    pqxx::nontransaction tx(c);
    pqxx::result rows = pg::ExecPrepared(tx, q::kSelectPractice, npi);
    if (rows.empty()) {
      return absl::NotFoundError(absl::StrCat("practice ", npi, " is not onboarded"));
    }
    DS_ASSIGN_OR_RETURN(practice.practice_id, ParseInt(rows[0][0]));
    practice.npi = rows[0][1].c_str();
    practice.display_name = rows[0][2].c_str();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  absl::MutexLock lock(&practices_mu_);
  practices_.emplace(npi, practice);
  return practice;
}

absl::StatusOr<PracticePage> PgClaimStore::ListPractices(int page_size,
                                                         const std::string& after_npi) {
  if (page_size < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("page size must be at least 1, got ", page_size));
  }
  PracticePage page;
  absl::Status status = Run("listing practices", [&](pqxx::connection& c) -> absl::Status {
    pqxx::read_transaction tx(c);
    // One row more than asked tells whether another page follows.
    pqxx::result rows =
        tx.exec_params(q::kListPractices, after_npi, static_cast<int64_t>(page_size) + 1);
    PracticePage result;
    for (const pqxx::row& row : rows) {
      if (static_cast<int>(result.practices.size()) == page_size) {
        result.next_npi = result.practices.back().npi;
        break;
      }
      Practice practice;
      DS_ASSIGN_OR_RETURN(practice.practice_id, ParseInt(row[0]));
      practice.npi = row[1].c_str();
      practice.display_name = row[2].c_str();
      result.practices.push_back(std::move(practice));
    }
    page = std::move(result);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return page;
}

absl::StatusOr<std::vector<RecordResult>> PgClaimStore::IngestClaims(
    const Practice& practice, absl::Span<const Claim> claims) {
  if (claims.empty()) return std::vector<RecordResult>();
  std::vector<std::string> hashes;
  hashes.reserve(claims.size());
  for (const Claim& claim : claims) hashes.push_back(ClaimContentHash(claim));
  std::vector<RecordResult> results;
  absl::Status status = Run("ingesting claims", [&](pqxx::connection& c) -> absl::Status {
    pqxx::work tx(c);
    DS_ASSIGN_OR_RETURN(results, IngestClaimsTx(tx, practice, claims, hashes));
    if (AnyAccepted(results)) pg::BumpDataVersion(tx, practice.practice_id);
    tx.commit();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return results;
}

absl::StatusOr<std::vector<RecordResult>> PgClaimStore::IngestClaimsTx(
    pqxx::work& tx, const Practice& practice, absl::Span<const Claim> claims,
    const std::vector<std::string>& hashes) {
  const int64_t practice_id = practice.practice_id;
  DS_RETURN_IF_ERROR(CheckPractice(tx, practice));
  std::vector<ClaimKey> all_keys;
  std::map<std::string, std::string> payer_names;
  for (const Claim& claim : claims) {
    all_keys.emplace_back(claim.payer_id, claim.claim_id);
    NotePayer(payer_names, claim.payer_id, claim.payer_name);
  }
  std::vector<ClaimKey> keys = DistinctKeys(std::move(all_keys));
  LockClaimKeys(tx, practice_id, keys);
  UpsertPayers(tx, practice_id, payer_names);
  DS_ASSIGN_OR_RETURN(StoredClaims stored_claims,
                      SelectStoredClaims(tx, practice_id, keys));

  // Decide each record in order against the state left by the records before it.
  std::vector<RecordResult> results;
  results.reserve(claims.size());
  std::vector<pg::SubmissionWrite> submissions;
  for (size_t i = 0; i < claims.size(); ++i) {
    const Claim& claim = claims[i];
    StoredClaim& stored = stored_claims[ClaimKey(claim.payer_id, claim.claim_id)];
    bool remember = false;
    results.push_back(DecideClaim(claim, hashes[i], stored, &remember));
    if (remember) submissions.push_back({&claim, hashes[i], stored.version});
  }

  std::vector<pg::ClaimContentWrite> contents;
  std::vector<pg::ClaimStatusWrite> statuses;
  std::vector<ClaimKey> stale_facts;  // changed claims that may have facts already
  Histories histories;                // the changed claims that are active, for their facts
  for (const ClaimKey& key : keys) {
    const StoredClaim& stored = stored_claims[key];
    if (!stored.changed) continue;
    if (stored.stored_before) stale_facts.push_back(key);
    if (stored.new_content != nullptr) {
      contents.push_back({stored.new_content, stored.stored_before, stored.voided,
                          stored.version, stored.content_hash, stored.first_diagnoses});
    } else {
      statuses.push_back({key, stored.voided, stored.version});
    }
    if (!stored.voided && stored.new_content != nullptr) {
      histories.Add(*stored.new_content, stored.first_diagnoses);
    }
  }
  pg::WriteClaims(tx, practice_id, contents, statuses);
  pg::WriteSubmissions(tx, practice_id, submissions);

  // Facts: each changed active claim with every event already waiting for it.
  std::vector<ClaimKey> active_keys;
  for (const ClaimHistory& history : histories.claims) {
    active_keys.emplace_back(history.claim.payer_id, history.claim.claim_id);
  }
  KeyArrays active = pg::ToKeyArrays(active_keys);
  // Remarks too: the report facts' denial reasons read them (N115 makes CO-11 medical
  // necessity).
  DS_RETURN_IF_ERROR(pg::LoadEventRows(
      tx, q::kLoadByKey, practice_id,
      LoadFilter{active.payer_ids.Literal(), active.claim_ids.Literal()}, histories,
      /*with_remarks=*/true));
  DS_RETURN_IF_ERROR(
      pg::WriteFacts(tx, practice_id, stale_facts, histories.claims, *taxonomy_));
  std::vector<ClaimKey> changed_keys;
  for (const ClaimKey& key : keys) {
    if (stored_claims[key].changed) changed_keys.push_back(key);
  }
  DS_RETURN_IF_ERROR(
      pg::UpdateReportFacts(tx, practice_id, changed_keys, histories.claims, measures_));
  return results;
}

absl::StatusOr<std::vector<RecordResult>> PgClaimStore::IngestRemittances(
    const Practice& practice, absl::Span<const RemittanceEvent> events) {
  if (events.empty()) return std::vector<RecordResult>();
  std::vector<std::string> hashes;
  hashes.reserve(events.size());
  for (const RemittanceEvent& event : events) hashes.push_back(RemittanceContentHash(event));
  std::vector<RecordResult> results;
  absl::Status status = Run("ingesting remittances", [&](pqxx::connection& c) -> absl::Status {
    pqxx::work tx(c);
    DS_ASSIGN_OR_RETURN(results, IngestRemittancesTx(tx, practice, events, hashes));
    if (AnyAccepted(results)) pg::BumpDataVersion(tx, practice.practice_id);
    tx.commit();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return results;
}

absl::StatusOr<std::vector<RecordResult>> PgClaimStore::IngestRemittancesTx(
    pqxx::work& tx, const Practice& practice, absl::Span<const RemittanceEvent> events,
    const std::vector<std::string>& hashes) {
  const int64_t practice_id = practice.practice_id;
  DS_RETURN_IF_ERROR(CheckPractice(tx, practice));
  std::vector<ClaimKey> all_keys;
  std::map<std::string, std::string> payer_names;
  for (const RemittanceEvent& event : events) {
    all_keys.emplace_back(event.payer_id, event.claim_id);
    NotePayer(payer_names, event.payer_id, event.payer_name);
  }
  std::vector<ClaimKey> keys = DistinctKeys(std::move(all_keys));
  LockClaimKeys(tx, practice_id, keys);
  UpsertPayers(tx, practice_id, payer_names);

  // A repeat inside the batch is a duplicate of its first occurrence; an event stored
  // before is a duplicate. The claim keys are locked, so no concurrent batch can store one
  // of these events meanwhile.
  std::vector<RecordResult> results(events.size());
  absl::flat_hash_set<std::string> batch_hashes;
  std::vector<size_t> candidates;
  PgArray candidate_ids;
  for (size_t i = 0; i < events.size(); ++i) {
    if (!batch_hashes.insert(hashes[i]).second) {
      results[i].outcome = RecordOutcome::kDuplicate;
      continue;
    }
    candidates.push_back(i);
    candidate_ids.AddText(hashes[i]);
  }
  pqxx::result stored_rows =
      tx.exec_params(q::kSelectStoredEvents, practice_id, candidate_ids.Literal());
  absl::flat_hash_set<std::string> stored_ids;
  for (const pqxx::row& row : stored_rows) stored_ids.insert(row[0].c_str());

  std::vector<std::pair<const RemittanceEvent*, std::string>> fresh;
  std::vector<ClaimKey> fresh_keys;
  for (size_t i : candidates) {
    if (stored_ids.contains(hashes[i])) {
      results[i].outcome = RecordOutcome::kDuplicate;
      continue;
    }
    results[i].outcome = RecordOutcome::kAccepted;
    fresh.emplace_back(&events[i], hashes[i]);
    fresh_keys.emplace_back(events[i].payer_id, events[i].claim_id);
  }
  if (fresh.empty()) return results;

  // Which new events find their claim; the facts of the active ones change. Their histories
  // are read before the new events are written, so the batch's own events are never read
  // back: the claims, then their stored events (a claim's first remittance finds none, and
  // the event query is then the only one).
  fresh_keys = DistinctKeys(std::move(fresh_keys));
  absl::flat_hash_set<ClaimKey> existing = SelectExistingClaims(tx, practice_id, fresh_keys);
  std::vector<ClaimKey> matched_keys;
  for (const ClaimKey& key : fresh_keys) {
    if (existing.contains(key)) matched_keys.push_back(key);
  }
  for (size_t i : candidates) {
    if (results[i].outcome != RecordOutcome::kAccepted) continue;
    results[i].unmatched = !existing.contains(ClaimKey(events[i].payer_id, events[i].claim_id));
  }
  Histories histories;  // the matched claims that are active (not voided)
  if (!matched_keys.empty()) {
    KeyArrays matched = pg::ToKeyArrays(matched_keys);
    LoadFilter filter{matched.payer_ids.Literal(), matched.claim_ids.Literal()};
    DS_RETURN_IF_ERROR(pg::LoadClaimRows(tx, q::kLoadByKey, practice_id, filter, histories));
    // Remarks too: the report facts' denial reasons read them.
    DS_RETURN_IF_ERROR(pg::LoadEventRows(tx, q::kLoadByKey, practice_id, filter, histories,
                                         /*with_remarks=*/true));
  }
  pg::WriteEvents(tx, practice_id, fresh);
  // The new events join after the stored ones, in file order: the order a reload from the
  // tables gives (they are inserted in this order).
  for (const auto& [event, hash] : fresh) {
    if (ClaimHistory* history = histories.Find(ClaimKey(event->payer_id, event->claim_id));
        history != nullptr) {
      history->events.push_back(*event);
    }
  }
  if (histories.claims.empty()) return results;

  // The matched claims did not change, so only the outcome part of their claim_facts does;
  // their report facts are derived again whole.
  pg::UpdateFactOutcomes(tx, practice_id, histories.claims);
  DS_RETURN_IF_ERROR(
      pg::UpdateReportFacts(tx, practice_id, matched_keys, histories.claims, measures_));
  return results;
}

absl::StatusOr<std::vector<RecordResult>> PgClaimStore::IngestProviderAdjustments(
    const Practice& practice, absl::Span<const ProviderLevelAdjustment> adjustments) {
  if (adjustments.empty()) return std::vector<RecordResult>();
  using AdjustmentKey = std::tuple<std::string, std::string, int64_t>;
  std::vector<std::string> hashes;
  hashes.reserve(adjustments.size());
  for (const ProviderLevelAdjustment& a : adjustments) {
    hashes.push_back(ProviderAdjustmentContentHash(a));
  }
  std::vector<RecordResult> results;
  absl::Status status = Run("ingesting provider adjustments", [&](pqxx::connection& c)
                                                                   -> absl::Status {
    pqxx::work tx(c);
    const int64_t practice_id = practice.practice_id;
    DS_RETURN_IF_ERROR(CheckPractice(tx, practice));
    std::map<std::string, std::string> payer_names;
    PgArray key_payers, key_traces, key_sequences;
    for (const ProviderLevelAdjustment& a : adjustments) {
      NotePayer(payer_names, a.payer_id, a.payer_name);
      key_payers.AddText(a.payer_id);
      key_traces.AddText(a.trace_number);
      key_sequences.AddInt(a.sequence);
    }
    UpsertPayers(tx, practice_id, payer_names);
    // The content stored under each key, then the batch's own keys as they are decided.
    std::map<AdjustmentKey, std::string> stored;
    for (const pqxx::row& row :
         tx.exec_params(q::kSelectProviderAdjustmentHashes, practice_id, key_payers.Literal(),
                        key_traces.Literal(), key_sequences.Literal())) {
      DS_ASSIGN_OR_RETURN(int64_t sequence, ParseInt(row[2]));
      stored[{row[0].c_str(), row[1].c_str(), sequence}] = row[3].c_str();
    }
    std::vector<RecordResult> decided(adjustments.size());
    std::vector<size_t> fresh;
    for (size_t i = 0; i < adjustments.size(); ++i) {
      const ProviderLevelAdjustment& a = adjustments[i];
      auto [it, inserted] = stored.try_emplace({a.payer_id, a.trace_number, a.sequence}, hashes[i]);
      if (inserted) {
        fresh.push_back(i);
      } else if (it->second == hashes[i]) {
        decided[i].outcome = RecordOutcome::kDuplicate;
      } else {
        decided[i] = ProviderAdjustmentConflict(a);
      }
    }
    if (!fresh.empty()) {
      PgArray payer_ids, payer_name_col, traces, sequences, content_hashes, providers, periods,
          reasons, references, amounts, payment_dates;
      for (size_t i : fresh) {
        const ProviderLevelAdjustment& a = adjustments[i];
        payer_ids.AddText(a.payer_id);
        payer_name_col.AddText(a.payer_name);
        traces.AddText(a.trace_number);
        sequences.AddInt(a.sequence);
        content_hashes.AddText(hashes[i]);
        providers.AddText(a.provider_id);
        periods.AddOptionalDate(a.fiscal_period_date);
        reasons.AddText(a.reason_code);
        references.AddText(a.reference);
        amounts.AddInt(a.amount_cents);
        payment_dates.AddOptionalDate(a.payment_date);
      }
      pqxx::result inserted = tx.exec_params(
          q::kInsertProviderAdjustments, practice_id, payer_ids.Literal(),
          payer_name_col.Literal(), traces.Literal(), sequences.Literal(),
          content_hashes.Literal(), providers.Literal(), periods.Literal(), reasons.Literal(),
          references.Literal(), amounts.Literal(), payment_dates.Literal());
      // A key a concurrent import stored first was not inserted here: count it a duplicate
      // (the same file imported twice at once is the only way to get there).
      std::set<AdjustmentKey> written;
      for (const pqxx::row& row : inserted) {
        DS_ASSIGN_OR_RETURN(int64_t sequence, ParseInt(row[2]));
        written.emplace(row[0].c_str(), row[1].c_str(), sequence);
      }
      for (size_t i : fresh) {
        const ProviderLevelAdjustment& a = adjustments[i];
        if (!written.contains({a.payer_id, a.trace_number, a.sequence})) {
          decided[i].outcome = RecordOutcome::kDuplicate;
        }
      }
    }
    // No answer reads these yet; the version moves anyway so none can go stale once one does.
    if (AnyAccepted(decided)) pg::BumpDataVersion(tx, practice_id);
    tx.commit();
    results = std::move(decided);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return results;
}

absl::StatusOr<std::map<std::string, std::string>> PgClaimStore::PayerNames(
    const Practice& practice) {
  return ReadSnapshot<std::map<std::string, std::string>>(
      "reading payer names", practice,
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<std::map<std::string, std::string>> {
        std::map<std::string, std::string> out;
        for (const pqxx::row& row : tx.exec_params(q::kSelectPayerNames, practice.practice_id)) {
          out.emplace(row[0].c_str(), row[1].c_str());
        }
        return out;
      });
}

absl::StatusOr<std::vector<ProviderLevelAdjustment>> PgClaimStore::ListProviderAdjustments(
    const Practice& practice) {
  return ReadSnapshot<std::vector<ProviderLevelAdjustment>>(
      "listing provider adjustments", practice,
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<std::vector<ProviderLevelAdjustment>> {
        std::vector<ProviderLevelAdjustment> out;
        for (const pqxx::row& row :
             tx.exec_params(q::kListProviderAdjustments, practice.practice_id)) {
          ProviderLevelAdjustment a;
          a.payer_id = row[0].c_str();
          a.payer_name = row[1].c_str();
          a.trace_number = row[2].c_str();
          DS_ASSIGN_OR_RETURN(int64_t sequence, ParseInt(row[3]));
          a.sequence = static_cast<int>(sequence);
          a.provider_id = row[4].c_str();
          DS_ASSIGN_OR_RETURN(a.fiscal_period_date, ParseOptionalDate(row[5]));
          a.reason_code = row[6].c_str();
          a.reference = row[7].c_str();
          DS_ASSIGN_OR_RETURN(a.amount_cents, ParseInt(row[8]));
          DS_ASSIGN_OR_RETURN(a.payment_date, ParseOptionalDate(row[9]));
          out.push_back(std::move(a));
        }
        return out;
      });
}

absl::StatusOr<std::vector<ClaimHistory>> PgClaimStore::LoadClaims(const Practice& practice,
                                                                   const ClaimQuery& query) {
  if (query.service_to < query.service_from) return std::vector<ClaimHistory>();
  std::vector<ClaimHistory> claims;
  absl::Status status = Run("loading claims", [&](pqxx::connection& c) -> absl::Status {
    // One snapshot for all the statements, so claims and events agree.
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(c);
    DS_RETURN_IF_ERROR(CheckPractice(tx, practice));
    LoadFilter filter{FormatDate(query.service_from), FormatDate(query.service_to)};
    Histories histories;
    DS_RETURN_IF_ERROR(
        pg::LoadClaimRows(tx, q::kLoadByServiceDate, practice.practice_id, filter, histories));
    DS_RETURN_IF_ERROR(
        pg::LoadEventRows(tx, q::kLoadByServiceDate, practice.practice_id, filter, histories));
    tx.commit();
    claims = std::move(histories.claims);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return claims;
}

template <typename T, typename Read>
absl::StatusOr<T> PgClaimStore::ReadSnapshot(absl::string_view what, const Practice& practice,
                                             Read&& read) {
  T value;
  absl::Status status = Run(what, [&](pqxx::connection& c) -> absl::Status {
    // One snapshot: the horizon check and the rows it vouches for agree.
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(c);
    DS_RETURN_IF_ERROR(CheckPractice(tx, practice));
    DS_ASSIGN_OR_RETURN(value, read(tx));
    tx.commit();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return value;
}

absl::StatusOr<std::optional<FactCells>> PgClaimStore::LoadFactCells(
    const Practice& practice, const FactsRequest& request, int kinds) {
  return ReadSnapshot<std::optional<FactCells>>(
      "reading report cells", practice, [&](pqxx::transaction_base& tx) {
        return pg::ReadFactCells(tx, practice.practice_id, request, kinds);
      });
}

absl::StatusOr<std::optional<std::vector<ClaimFacts>>> PgClaimStore::LoadFacts(
    const Practice& practice, const FactsRequest& request) {
  return ReadSnapshot<std::optional<std::vector<ClaimFacts>>>(
      "reading report facts", practice, [&](pqxx::transaction_base& tx) {
        return pg::ReadFacts(tx, practice.practice_id, request);
      });
}

absl::StatusOr<std::optional<std::vector<ClaimFacts>>> PgClaimStore::ListDeniedFacts(
    const Practice& practice, const WorklistRequest& request) {
  return ReadSnapshot<std::optional<std::vector<ClaimFacts>>>(
      "reading the worklist", practice, [&](pqxx::transaction_base& tx) {
        return pg::ReadWorklist(tx, practice.practice_id, request);
      });
}

absl::Status PgClaimStore::RebuildFacts(const Practice& practice) {
  return Run("rebuilding report facts", [&](pqxx::connection& c) -> absl::Status {
    pqxx::work tx(c);
    DS_RETURN_IF_ERROR(CheckPractice(tx, practice));
    // Every claim-key lock of the practice: no batch changes its claims meanwhile.
    PgArray locks;
    for (int64_t bucket = 0; bucket < kLockBucketsPerPractice; ++bucket) {
      locks.AddInt(practice.practice_id * kLockBucketsPerPractice + bucket);
    }
    tx.exec_params(q::kLockClaimKeys, locks.Literal());
    DS_RETURN_IF_ERROR(pg::RebuildReportFacts(tx, practice.practice_id, measures_));
    pg::BumpDataVersion(tx, practice.practice_id);
    tx.commit();
    return absl::OkStatus();
  });
}

absl::StatusOr<std::optional<int64_t>> PgClaimStore::DataVersion(const std::string& npi) {
  int64_t version = 0;
  absl::Status status = Run("reading a data version", [&](pqxx::connection& c) -> absl::Status {
    pqxx::read_transaction tx(c);
    pqxx::result practice = tx.exec_params(q::kSetPracticeByNpi, npi);
    if (practice.empty()) {
      return absl::NotFoundError(absl::StrCat("practice ", npi, " is not onboarded"));
    }
    DS_ASSIGN_OR_RETURN(const int64_t practice_id, ParseInt(practice[0][0]));
    pqxx::result rows = tx.exec_params(q::kSelectDataVersion, practice_id);
    // No row: nothing was stored since migration 0006; the first change writes one.
    if (!rows.empty()) {
      DS_ASSIGN_OR_RETURN(version, ParseInt(rows[0][0]));
    }
    tx.commit();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return std::optional<int64_t>(version);
}

absl::Status CheckSchema(pqxx::connection& connection) {
  pqxx::read_transaction tx(connection);
  pqxx::result table = tx.exec(q::kSchemaMigrationsExists);
  if (ParseBool(table[0][0])) {
    pqxx::result applied = tx.exec_params(q::kSelectMigration, kInitialMigration);
    if (!applied.empty()) return absl::OkStatus();
  }
  return absl::FailedPreconditionError(
      "the database schema is missing: run ApplyMigrations before opening the store");
}

}  // namespace

absl::StatusOr<std::unique_ptr<ClaimStore>> OpenPgClaimStore(const PgOptions& options,
                                                              const CohortTaxonomy* taxonomy) {
  if (taxonomy == nullptr) return absl::InvalidArgumentError("a cohort taxonomy is required");
  // Fails fast on a wrong URL, an unmigrated database or a role RLS would not bind.
  DS_ASSIGN_OR_RETURN(std::unique_ptr<ConnectionPool> pool,
                      OpenServerPool(options, "claim store", CheckSchema));
  return std::unique_ptr<ClaimStore>(
      new PgClaimStore(std::move(pool), options.pool_size, taxonomy, options.code_lists,
                       options.procedure_families));
}

absl::StatusOr<std::optional<ImportedFile>> PgClaimStore::FindImportedFile(
    const Practice& practice, const std::string& content_sha256) {
  return ReadSnapshot<std::optional<ImportedFile>>(
      "finding an imported file", practice,
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<std::optional<ImportedFile>> {
        pqxx::result rows =
            tx.exec_params(q::kFindImportedFile, practice.practice_id, content_sha256);
        if (rows.empty()) return std::optional<ImportedFile>();
        const pqxx::row& row = rows[0];
        ImportedFile file;
        file.content_sha256 = content_sha256;
        file.format = row[0].c_str();
        file.file_name = row[1].c_str();
        int column = 2;
        for (int64_t* count : file.Counts()) {
          DS_ASSIGN_OR_RETURN(*count, ParseInt(row[column++]));
        }
        DS_ASSIGN_OR_RETURN(int64_t micros, ParseInt(row[column]));
        file.imported_at = absl::FromUnixMicros(micros);
        return file;
      });
}

absl::Status PgClaimStore::RecordImportedFile(const Practice& practice,
                                              const ImportedFile& file) {
  return Run("recording an imported file", [&](pqxx::connection& c) -> absl::Status {
    pqxx::work tx(c);
    DS_RETURN_IF_ERROR(CheckPractice(tx, practice));
    tx.exec_params(q::kRecordImportedFile, practice.practice_id, file.content_sha256,
                   file.format, file.file_name, file.bytes, file.claims, file.claim_lines,
                   file.remittance_events, file.provider_adjustments,
                   file.provider_adjustments_stored, file.provider_adjustments_duplicate,
                   file.provider_adjustments_rejected, file.accepted, file.duplicate,
                   file.rejected, file.unmatched, file.problem_count,
                   absl::ToUnixMicros(file.imported_at));
    tx.commit();
    return absl::OkStatus();
  });
}

}  // namespace denialscope
