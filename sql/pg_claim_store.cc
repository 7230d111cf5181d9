// PgClaimStore: ClaimStore on PostgreSQL (DESIGN §4). Each ingest batch is one transaction
// of a fixed number of set-based statements; claims and remittance events are recognised by
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
#include "pqxx/pqxx"
#include "sql/pg_claim_store.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "analytics/denial.h"
#include "analytics/status_macros.h"
#include "sql/connection_pool.h"
#include "sql/content_hash.h"
#include "sql/pg_errors.h"
#include "sql/pg_values.h"
#include "sql/queries.h"

namespace denialscope {
namespace {

namespace q = queries;

// Facts are stored as of the end of time: every stored event counts. Measures with an
// earlier as-of date filter on the dates the facts keep.
constexpr Day kFactsAsOf(9999, 12, 31);

// Claim-key advisory locks: each practice's claim keys hash into this many locks, which
// bounds the locks one batch holds whatever its size.
constexpr int64_t kLockBucketsPerPractice = 64;

constexpr char kInitialMigration[] = "0001_init.sql";

using ClaimKey = std::pair<std::string, std::string>;  // payer_id, claim_id

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

std::optional<Day> EarliestServiceDate(const Claim& claim) {
  std::optional<Day> earliest;
  for (const ClaimLine& line : claim.lines) {
    if (!earliest.has_value() || line.service_date < *earliest) earliest = line.service_date;
  }
  return earliest;
}

absl::string_view OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kNone:
      return "none";
    case Outcome::kPaid:
      return "paid";
    case Outcome::kDenied:
      return "denied";
    case Outcome::kZeroPayNotDenied:
      return "zero_pay_not_denied";
  }
  return "none";
}

absl::string_view CohortName(Cohort cohort) {
  switch (cohort) {
    case Cohort::kNonCervical:
      return "non_cervical";
    case Cohort::kNonspecific:
      return "nonspecific";
    case Cohort::kSpecific:
      return "specific";
  }
  return "non_cervical";
}

bool IsNpiShaped(absl::string_view npi) {
  return npi.size() == 10 && std::all_of(npi.begin(), npi.end(), absl::ascii_isdigit);
}

// Two parallel arrays of claim keys, the ($2, $3) of the by-key statements.
struct KeyArrays {
  PgArray payer_ids;
  PgArray claim_ids;
  void Add(const ClaimKey& key) {
    payer_ids.AddText(key.first);
    claim_ids.AddText(key.second);
  }
};

KeyArrays ToKeyArrays(const std::vector<ClaimKey>& keys) {
  KeyArrays arrays;
  for (const ClaimKey& key : keys) arrays.Add(key);
  return arrays;
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
  tx.exec_prepared(q::kLockClaimKeys.name, array.Literal());
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
  tx.exec_prepared(q::kUpsertPayers.name, practice_id, ids.Literal(), names.Literal());
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
  absl::flat_hash_set<std::string> submissions;  // SubmissionKey of each recorded one
  // Set when the batch changes the claim: the new content (null for a void alone).
  const Claim* new_content = nullptr;
  bool changed = false;
};

std::string SubmissionKey(int64_t frequency, absl::string_view hash) {
  return absl::StrCat(frequency, "|", hash);
}

using StoredClaims = absl::flat_hash_map<ClaimKey, StoredClaim>;

absl::StatusOr<StoredClaims> SelectStoredClaims(pqxx::work& tx, int64_t practice_id,
                                                const std::vector<ClaimKey>& keys,
                                                bool with_submissions) {
  StoredClaims stored_claims;
  KeyArrays arrays = ToKeyArrays(keys);
  pqxx::result rows = tx.exec_prepared(q::kSelectClaimStates.name, practice_id,
                                       arrays.payer_ids.Literal(), arrays.claim_ids.Literal());
  for (const pqxx::row& row : rows) {
    StoredClaim& stored = stored_claims[ClaimKey(row[0].c_str(), row[1].c_str())];
    stored.stored_before = true;
    stored.exists = true;
    stored.voided = ParseBool(row[2]);
    DS_ASSIGN_OR_RETURN(int64_t version, ParseInt(row[3]));
    stored.version = static_cast<int>(version);
    stored.content_hash = row[4].c_str();
  }
  if (with_submissions && !stored_claims.empty()) {
    pqxx::result submissions = tx.exec_prepared(
        q::kSelectSubmissions.name, practice_id, arrays.payer_ids.Literal(),
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

// Fails with NOT_FOUND unless the practice exists with this id and NPI.
absl::Status CheckPractice(pqxx::transaction_base& tx, const Practice& practice) {
  pqxx::result rows = tx.exec_prepared(q::kCheckPractice.name, practice.practice_id, practice.npi);
  if (rows.empty()) {
    return absl::NotFoundError(absl::StrCat("practice ", practice.npi, " is not onboarded"));
  }
  return absl::OkStatus();
}

// --- Loading claim histories ----------------------------------------------------------------

// Claims being assembled, with an index by key.
struct Histories {
  std::vector<ClaimHistory> claims;
  absl::flat_hash_map<ClaimKey, size_t> index;

  void Add(Claim claim) {
    ClaimKey key(claim.payer_id, claim.claim_id);
    index[key] = claims.size();
    claims.push_back(ClaimHistory{std::move(claim), {}});
  }
  ClaimHistory* Find(const ClaimKey& key) {
    auto it = index.find(key);
    return it == index.end() ? nullptr : &claims[it->second];
  }
};

// The statement parameters after practice_id: two dates or two key arrays.
struct LoadFilter {
  std::string second;
  std::string third;
};

absl::Status LoadClaimRows(pqxx::transaction_base& tx, const q::LoadStatements& statements,
                           int64_t practice_id, const LoadFilter& filter, Histories& out) {
  pqxx::result claims =
      tx.exec_prepared(statements.claims.name, practice_id, filter.second, filter.third);
  for (const pqxx::row& row : claims) {
    Claim claim;
    claim.payer_id = row[0].c_str();
    claim.claim_id = row[1].c_str();
    DS_ASSIGN_OR_RETURN(int64_t frequency, ParseInt(row[2]));
    claim.frequency = static_cast<FrequencyCode>(frequency);
    claim.payer_name = row[3].c_str();
    claim.patient_key = row[4].c_str();
    claim.billing_npi = row[5].c_str();
    claim.rendering_npi = row[6].c_str();
    claim.place_of_service = row[7].c_str();
    DS_ASSIGN_OR_RETURN(claim.submission_date, ParseOptionalDate(row[8]));
    DS_ASSIGN_OR_RETURN(claim.total_charge_cents, ParseInt(row[9]));
    out.Add(std::move(claim));
  }
  if (out.claims.empty()) return absl::OkStatus();

  pqxx::result diagnoses =
      tx.exec_prepared(statements.diagnoses.name, practice_id, filter.second, filter.third);
  for (const pqxx::row& row : diagnoses) {
    ClaimHistory* history = out.Find(ClaimKey(row[0].c_str(), row[1].c_str()));
    if (history != nullptr) history->claim.diagnoses.push_back(row[2].c_str());
  }

  pqxx::result lines =
      tx.exec_prepared(statements.lines.name, practice_id, filter.second, filter.third);
  for (const pqxx::row& row : lines) {
    ClaimHistory* history = out.Find(ClaimKey(row[0].c_str(), row[1].c_str()));
    if (history == nullptr) continue;
    ClaimLine line;
    DS_ASSIGN_OR_RETURN(int64_t line_number, ParseInt(row[2]));
    line.line_number = static_cast<int>(line_number);
    line.line_control_number = row[3].c_str();
    line.procedure_code = row[4].c_str();
    line.modifiers = ParseTextArray(row[5]);
    DS_ASSIGN_OR_RETURN(line.charge_cents, ParseInt(row[6]));
    DS_ASSIGN_OR_RETURN(line.units, ParseDouble(row[7]));
    DS_ASSIGN_OR_RETURN(line.diagnosis_pointers, ParseIntArray(row[8]));
    DS_ASSIGN_OR_RETURN(line.service_date, ParseDate(row[9].c_str()));
    line.rendering_npi = row[10].c_str();
    history->claim.lines.push_back(std::move(line));
  }
  return absl::OkStatus();
}

absl::StatusOr<Adjustment> ParseAdjustment(const pqxx::row& row) {
  Adjustment adjustment;
  std::optional<GroupCode> group = ParseGroupCode(row[2].c_str());
  if (!group.has_value()) {
    return absl::InternalError(absl::StrCat("unexpected group code '", row[2].c_str(), "'"));
  }
  adjustment.group = *group;
  adjustment.carc = row[3].c_str();
  DS_ASSIGN_OR_RETURN(adjustment.amount_cents, ParseInt(row[4]));
  DS_ASSIGN_OR_RETURN(adjustment.quantity, ParseDouble(row[5]));
  return adjustment;
}

// Attaches every stored event that joins one of `out`'s claims, with its lines,
// adjustments and remarks.
absl::Status LoadEventRows(pqxx::transaction_base& tx, const q::LoadStatements& statements,
                           int64_t practice_id, const LoadFilter& filter, Histories& out) {
  if (out.claims.empty()) return absl::OkStatus();
  // event_id -> (claim index, event index)
  absl::flat_hash_map<std::string, std::pair<size_t, size_t>> events_by_id;
  pqxx::result events =
      tx.exec_prepared(statements.events.name, practice_id, filter.second, filter.third);
  if (events.empty()) return absl::OkStatus();
  for (const pqxx::row& row : events) {
    auto claim = out.index.find(ClaimKey(row[1].c_str(), row[2].c_str()));
    if (claim == out.index.end()) continue;
    RemittanceEvent event;
    event.payer_id = row[1].c_str();
    event.claim_id = row[2].c_str();
    event.payer_name = row[3].c_str();
    DS_ASSIGN_OR_RETURN(int64_t status_code, ParseInt(row[4]));
    event.status_code = static_cast<int>(status_code);
    DS_ASSIGN_OR_RETURN(event.charge_cents, ParseInt(row[5]));
    DS_ASSIGN_OR_RETURN(event.paid_cents, ParseInt(row[6]));
    DS_ASSIGN_OR_RETURN(event.patient_responsibility_cents, ParseInt(row[7]));
    event.payer_claim_control_number = row[8].c_str();
    DS_ASSIGN_OR_RETURN(event.received_date, ParseOptionalDate(row[9]));
    DS_ASSIGN_OR_RETURN(event.production_date, ParseOptionalDate(row[10]));
    DS_ASSIGN_OR_RETURN(event.payment_date, ParseOptionalDate(row[11]));
    event.trace_number = row[12].c_str();
    std::vector<RemittanceEvent>& claim_events = out.claims[claim->second].events;
    events_by_id[row[0].c_str()] = {claim->second, claim_events.size()};
    claim_events.push_back(std::move(event));
  }
  auto find_event = [&](const char* event_id) -> RemittanceEvent* {
    auto it = events_by_id.find(event_id);
    if (it == events_by_id.end()) return nullptr;
    return &out.claims[it->second.first].events[it->second.second];
  };
  // Line index 0 is the event itself; 1.. its lines in order.
  auto find_line = [](RemittanceEvent& event, int64_t line_index) -> RemittanceLine* {
    if (line_index < 1 || line_index > static_cast<int64_t>(event.lines.size())) return nullptr;
    return &event.lines[line_index - 1];
  };

  pqxx::result lines =
      tx.exec_prepared(statements.event_lines.name, practice_id, filter.second, filter.third);
  for (const pqxx::row& row : lines) {
    RemittanceEvent* event = find_event(row[0].c_str());
    if (event == nullptr) continue;
    RemittanceLine line;
    line.line_control_number = row[2].c_str();
    line.procedure_code = row[3].c_str();
    line.modifiers = ParseTextArray(row[4]);
    DS_ASSIGN_OR_RETURN(line.charge_cents, ParseInt(row[5]));
    DS_ASSIGN_OR_RETURN(line.paid_cents, ParseInt(row[6]));
    DS_ASSIGN_OR_RETURN(line.units, ParseDouble(row[7]));
    DS_ASSIGN_OR_RETURN(line.service_date, ParseOptionalDate(row[8]));
    event->lines.push_back(std::move(line));
  }

  pqxx::result adjustments =
      tx.exec_prepared(statements.adjustments.name, practice_id, filter.second, filter.third);
  for (const pqxx::row& row : adjustments) {
    RemittanceEvent* event = find_event(row[0].c_str());
    if (event == nullptr) continue;
    DS_ASSIGN_OR_RETURN(int64_t line_index, ParseInt(row[1]));
    DS_ASSIGN_OR_RETURN(Adjustment adjustment, ParseAdjustment(row));
    if (line_index == 0) {
      event->adjustments.push_back(std::move(adjustment));
    } else if (RemittanceLine* line = find_line(*event, line_index); line != nullptr) {
      line->adjustments.push_back(std::move(adjustment));
    } else {
      return absl::InternalError(absl::StrCat("adjustment of event ", row[0].c_str(),
                                              " points to missing line ", line_index));
    }
  }

  pqxx::result remarks =
      tx.exec_prepared(statements.remarks.name, practice_id, filter.second, filter.third);
  for (const pqxx::row& row : remarks) {
    RemittanceEvent* event = find_event(row[0].c_str());
    if (event == nullptr) continue;
    DS_ASSIGN_OR_RETURN(int64_t line_index, ParseInt(row[1]));
    if (line_index == 0) {
      event->remark_codes.push_back(row[2].c_str());
    } else if (RemittanceLine* line = find_line(*event, line_index); line != nullptr) {
      line->remark_codes.push_back(row[2].c_str());
    } else {
      return absl::InternalError(absl::StrCat("remark of event ", row[0].c_str(),
                                              " points to missing line ", line_index));
    }
  }
  return absl::OkStatus();
}

// --- Per-claim facts ------------------------------------------------------------------------

// Replaces the facts of `keys` with facts computed from `histories` (the active claims among
// them with all their events).
absl::Status WriteFacts(pqxx::work& tx, int64_t practice_id, const std::vector<ClaimKey>& keys,
                        const std::vector<ClaimHistory>& histories,
                        const CohortTaxonomy& taxonomy) {
  if (keys.empty()) return absl::OkStatus();
  KeyArrays key_arrays = ToKeyArrays(keys);
  tx.exec_prepared(q::kDeleteClaimFacts.name, practice_id, key_arrays.payer_ids.Literal(),
                   key_arrays.claim_ids.Literal());
  if (histories.empty()) return absl::OkStatus();

  PgArray payer_ids, claim_ids, cohorts, families, cohort_codes, principal_dxs, service_dates,
      charges, event_counts, adjudicated, initial_outcomes, initial_dates, partial_denials,
      final_outcomes, finally_denied, overturned, net_paid, first_payment_dates;
  for (const ClaimHistory& history : histories) {
    const Claim& claim = history.claim;
    std::optional<Day> service_date = EarliestServiceDate(claim);
    if (!service_date.has_value()) {
      return absl::InternalError(
          absl::StrCat("stored claim ", claim.claim_id, " has no service lines"));
    }
    Classification classification = taxonomy.ClassifyClaim(claim, CohortRule::kPrincipal);
    ClaimOutcome outcome = DeriveOutcome(history.events, kFactsAsOf);
    Cents charge = claim.total_charge_cents;
    if (charge == 0) {
      for (const ClaimLine& line : claim.lines) charge += line.charge_cents;
    }
    payer_ids.AddText(claim.payer_id);
    claim_ids.AddText(claim.claim_id);
    cohorts.AddText(CohortName(classification.cohort));
    families.AddText(classification.family);
    cohort_codes.AddText(classification.code);
    principal_dxs.AddText(claim.diagnoses.empty() ? "" : claim.diagnoses.front());
    service_dates.AddDate(*service_date);
    charges.AddInt(charge);
    event_counts.AddInt(static_cast<int64_t>(history.events.size()));
    adjudicated.AddBool(outcome.adjudicated);
    initial_outcomes.AddText(OutcomeName(outcome.initial));
    initial_dates.AddOptionalDate(outcome.initial_date);
    partial_denials.AddBool(outcome.initial_partial_denial);
    final_outcomes.AddText(OutcomeName(outcome.final));
    finally_denied.AddBool(outcome.finally_denied);
    overturned.AddBool(outcome.overturned);
    net_paid.AddInt(outcome.net_paid_cents);
    first_payment_dates.AddOptionalDate(outcome.first_payment_date);
  }
  tx.exec_prepared(q::kInsertClaimFacts.name, practice_id, payer_ids.Literal(),
                   claim_ids.Literal(), cohorts.Literal(), families.Literal(),
                   cohort_codes.Literal(), principal_dxs.Literal(), service_dates.Literal(),
                   charges.Literal(), event_counts.Literal(), adjudicated.Literal(),
                   initial_outcomes.Literal(), initial_dates.Literal(),
                   partial_denials.Literal(), final_outcomes.Literal(),
                   finally_denied.Literal(), overturned.Literal(), net_paid.Literal(),
                   first_payment_dates.Literal());
  return absl::OkStatus();
}

// --- Writing claims and events --------------------------------------------------------------

// Writes the claims the batch changed: new content is upserted with its lines and
// diagnoses (replacing those of claims stored before); a void alone updates the status.
void WriteClaims(pqxx::work& tx, int64_t practice_id, const std::vector<ClaimKey>& changed,
                 const StoredClaims& stored_claims) {
  PgArray payer_ids, claim_ids, frequencies, voided, versions, payer_names, patient_keys,
      billing_npis, rendering_npis, places, submission_dates, service_dates, totals, hashes;
  PgArray line_payer_ids, line_claim_ids, line_numbers, line_controls, procedures, modifiers,
      line_charges, units, pointers, line_dates, line_renderings;
  PgArray dx_payer_ids, dx_claim_ids, dx_positions, dx_codes;
  KeyArrays replaced;
  KeyArrays status_keys;
  PgArray status_voided, status_versions;
  for (const ClaimKey& key : changed) {
    const StoredClaim& stored = stored_claims.at(key);
    const Claim* claim = stored.new_content;
    if (claim == nullptr) {
      status_keys.Add(key);
      status_voided.AddBool(stored.voided);
      status_versions.AddInt(stored.version);
      continue;
    }
    if (stored.stored_before) replaced.Add(key);
    payer_ids.AddText(claim->payer_id);
    claim_ids.AddText(claim->claim_id);
    frequencies.AddInt(static_cast<int>(claim->frequency));
    voided.AddBool(stored.voided);
    versions.AddInt(stored.version);
    payer_names.AddText(claim->payer_name);
    patient_keys.AddText(claim->patient_key);
    billing_npis.AddText(claim->billing_npi);
    rendering_npis.AddText(claim->rendering_npi);
    places.AddText(claim->place_of_service);
    submission_dates.AddOptionalDate(claim->submission_date);
    service_dates.AddOptionalDate(EarliestServiceDate(*claim));
    totals.AddInt(claim->total_charge_cents);
    hashes.AddText(stored.content_hash);
    for (const ClaimLine& line : claim->lines) {
      line_payer_ids.AddText(claim->payer_id);
      line_claim_ids.AddText(claim->claim_id);
      line_numbers.AddInt(line.line_number);
      line_controls.AddText(line.line_control_number);
      procedures.AddText(line.procedure_code);
      modifiers.AddText(TextArrayLiteral(line.modifiers));
      line_charges.AddInt(line.charge_cents);
      units.AddDouble(line.units);
      pointers.AddText(IntArrayLiteral(line.diagnosis_pointers));
      line_dates.AddDate(line.service_date);
      line_renderings.AddText(line.rendering_npi);
    }
    for (size_t i = 0; i < claim->diagnoses.size(); ++i) {
      dx_payer_ids.AddText(claim->payer_id);
      dx_claim_ids.AddText(claim->claim_id);
      dx_positions.AddInt(static_cast<int64_t>(i + 1));
      dx_codes.AddText(claim->diagnoses[i]);
    }
  }
  if (status_voided.size() > 0) {
    tx.exec_prepared(q::kSetClaimStatus.name, practice_id, status_keys.payer_ids.Literal(),
                     status_keys.claim_ids.Literal(), status_voided.Literal(),
                     status_versions.Literal());
  }
  if (payer_ids.size() == 0) return;
  tx.exec_prepared(q::kUpsertClaims.name, practice_id, payer_ids.Literal(), claim_ids.Literal(),
                   frequencies.Literal(), voided.Literal(), versions.Literal(),
                   payer_names.Literal(), patient_keys.Literal(), billing_npis.Literal(),
                   rendering_npis.Literal(), places.Literal(), submission_dates.Literal(),
                   service_dates.Literal(), totals.Literal(), hashes.Literal());
  if (replaced.payer_ids.size() > 0) {
    tx.exec_prepared(q::kDeleteClaimLines.name, practice_id, replaced.payer_ids.Literal(),
                     replaced.claim_ids.Literal());
    tx.exec_prepared(q::kDeleteClaimDiagnoses.name, practice_id, replaced.payer_ids.Literal(),
                     replaced.claim_ids.Literal());
  }
  if (line_numbers.size() > 0) {
    tx.exec_prepared(q::kInsertClaimLines.name, practice_id, line_payer_ids.Literal(),
                     line_claim_ids.Literal(), line_numbers.Literal(), line_controls.Literal(),
                     procedures.Literal(), modifiers.Literal(), line_charges.Literal(),
                     units.Literal(), pointers.Literal(), line_dates.Literal(),
                     line_renderings.Literal());
  }
  if (dx_codes.size() > 0) {
    tx.exec_prepared(q::kInsertClaimDiagnoses.name, practice_id, dx_payer_ids.Literal(),
                     dx_claim_ids.Literal(), dx_positions.Literal(), dx_codes.Literal());
  }
}

// Child rows of the new events: lines, adjustments (claim level at line index 0) and remarks.
void WriteEventChildren(pqxx::work& tx, int64_t practice_id,
                        const std::vector<std::pair<const RemittanceEvent*, std::string>>& fresh) {
  PgArray line_ids, line_indexes, line_controls, procedures, modifiers, charges, paid, units,
      dates;
  PgArray adj_ids, adj_lines, adj_positions, groups, carcs, amounts, quantities;
  PgArray remark_ids, remark_lines, remark_positions, remark_codes;
  auto add_adjustments = [&](const std::string& event_id, int line_index,
                             const std::vector<Adjustment>& adjustments) {
    for (size_t i = 0; i < adjustments.size(); ++i) {
      adj_ids.AddText(event_id);
      adj_lines.AddInt(line_index);
      adj_positions.AddInt(static_cast<int64_t>(i + 1));
      groups.AddText(std::string(GroupCodeName(adjustments[i].group)));
      carcs.AddText(adjustments[i].carc);
      amounts.AddInt(adjustments[i].amount_cents);
      quantities.AddDouble(adjustments[i].quantity);
    }
  };
  auto add_remarks = [&](const std::string& event_id, int line_index,
                         const std::vector<std::string>& codes) {
    for (size_t i = 0; i < codes.size(); ++i) {
      remark_ids.AddText(event_id);
      remark_lines.AddInt(line_index);
      remark_positions.AddInt(static_cast<int64_t>(i + 1));
      remark_codes.AddText(codes[i]);
    }
  };
  for (const auto& [event, event_id] : fresh) {
    add_adjustments(event_id, 0, event->adjustments);
    add_remarks(event_id, 0, event->remark_codes);
    for (size_t i = 0; i < event->lines.size(); ++i) {
      const RemittanceLine& line = event->lines[i];
      int line_index = static_cast<int>(i + 1);
      line_ids.AddText(event_id);
      line_indexes.AddInt(line_index);
      line_controls.AddText(line.line_control_number);
      procedures.AddText(line.procedure_code);
      modifiers.AddText(TextArrayLiteral(line.modifiers));
      charges.AddInt(line.charge_cents);
      paid.AddInt(line.paid_cents);
      units.AddDouble(line.units);
      dates.AddOptionalDate(line.service_date);
      add_adjustments(event_id, line_index, line.adjustments);
      add_remarks(event_id, line_index, line.remark_codes);
    }
  }
  if (line_ids.size() > 0) {
    tx.exec_prepared(q::kInsertRemittanceLines.name, practice_id, line_ids.Literal(),
                     line_indexes.Literal(), line_controls.Literal(), procedures.Literal(),
                     modifiers.Literal(), charges.Literal(), paid.Literal(), units.Literal(),
                     dates.Literal());
  }
  if (adj_ids.size() > 0) {
    tx.exec_prepared(q::kInsertAdjustments.name, practice_id, adj_ids.Literal(),
                     adj_lines.Literal(), adj_positions.Literal(), groups.Literal(),
                     carcs.Literal(), amounts.Literal(), quantities.Literal());
  }
  if (remark_ids.size() > 0) {
    tx.exec_prepared(q::kInsertRemarkCodes.name, practice_id, remark_ids.Literal(),
                     remark_lines.Literal(), remark_positions.Literal(),
                     remark_codes.Literal());
  }
}

// --- The store --------------------------------------------------------------------------------

class PgClaimStore : public ClaimStore {
 public:
  PgClaimStore(std::unique_ptr<ConnectionPool> pool, const CohortTaxonomy* taxonomy)
      : pool_(std::move(pool)), taxonomy_(taxonomy) {}

  absl::StatusOr<Practice> CreatePractice(const std::string& npi,
                                          const std::string& display_name) override;
  absl::StatusOr<Practice> GetPractice(const std::string& npi) override;
  absl::StatusOr<PracticePage> ListPractices(int page_size,
                                             const std::string& after_npi) override;
  absl::StatusOr<std::vector<RecordResult>> IngestClaims(
      const Practice& practice, absl::Span<const Claim> claims) override;
  absl::StatusOr<std::vector<RecordResult>> IngestRemittances(
      const Practice& practice, absl::Span<const RemittanceEvent> events) override;
  absl::StatusOr<std::vector<ClaimHistory>> LoadClaims(const Practice& practice,
                                                       const ClaimQuery& query) override;

 private:
  // Runs `fn` (which returns absl::Status) on a leased connection, mapping exceptions. A
  // connection found broken is replaced and `fn` runs once more: a transaction that failed
  // with a broken connection was never committed (an unknown commit is in_doubt_error).
  template <typename Fn>
  absl::Status Run(absl::string_view what, Fn&& fn) {
    for (int attempt = 1;; ++attempt) {
      DS_ASSIGN_OR_RETURN(ConnectionPool::Lease lease, pool_->Acquire());
      try {
        return fn(lease.connection());
      } catch (const pqxx::broken_connection&) {
        lease.MarkBroken();
        if (attempt < 2) continue;
        return StatusFromCurrentException(what);
      } catch (...) {
        if (!lease.connection().is_open()) lease.MarkBroken();
        return StatusFromCurrentException(what);
      }
    }
  }

  absl::StatusOr<std::vector<RecordResult>> IngestClaimsTx(
      pqxx::work& tx, const Practice& practice, absl::Span<const Claim> claims,
      const std::vector<std::string>& hashes);
  absl::StatusOr<std::vector<RecordResult>> IngestRemittancesTx(
      pqxx::work& tx, const Practice& practice, absl::Span<const RemittanceEvent> events,
      const std::vector<std::string>& hashes);

  std::unique_ptr<ConnectionPool> pool_;
  const CohortTaxonomy* taxonomy_;
};

absl::StatusOr<Practice> PgClaimStore::CreatePractice(const std::string& npi,
                                                      const std::string& display_name) {
  if (!IsNpiShaped(npi)) {
    return absl::InvalidArgumentError(absl::StrCat("NPI must be 10 digits, got '", npi, "'"));
  }
  Practice practice;
  absl::Status status = Run("creating a practice", [&](pqxx::connection& c) -> absl::Status {
    pqxx::work tx(c);
    pqxx::result rows = tx.exec_prepared(q::kInsertPractice.name, npi, display_name);
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
  Practice practice;
  absl::Status status = Run("reading a practice", [&](pqxx::connection& c) -> absl::Status {
    pqxx::read_transaction tx(c);
    pqxx::result rows = tx.exec_prepared(q::kSelectPractice.name, npi);
    if (rows.empty()) {
      return absl::NotFoundError(absl::StrCat("practice ", npi, " is not onboarded"));
    }
    DS_ASSIGN_OR_RETURN(practice.practice_id, ParseInt(rows[0][0]));
    practice.npi = rows[0][1].c_str();
    practice.display_name = rows[0][2].c_str();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
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
        tx.exec_prepared(q::kListPractices.name, after_npi, static_cast<int64_t>(page_size) + 1);
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
                      SelectStoredClaims(tx, practice_id, keys, /*with_submissions=*/true));

  // Decide each record in order against the state left by the records before it.
  std::vector<RecordResult> results;
  results.reserve(claims.size());
  PgArray sub_payer_ids, sub_claim_ids, sub_hashes, sub_frequencies, sub_versions;
  for (size_t i = 0; i < claims.size(); ++i) {
    const Claim& claim = claims[i];
    StoredClaim& stored = stored_claims[ClaimKey(claim.payer_id, claim.claim_id)];
    bool remember = false;
    results.push_back(DecideClaim(claim, hashes[i], stored, &remember));
    if (remember) {
      sub_payer_ids.AddText(claim.payer_id);
      sub_claim_ids.AddText(claim.claim_id);
      sub_hashes.AddText(hashes[i]);
      sub_frequencies.AddInt(static_cast<int>(claim.frequency));
      sub_versions.AddInt(stored.version);
    }
  }

  std::vector<ClaimKey> changed;
  Histories histories;  // the changed claims that are active, for their facts
  for (const ClaimKey& key : keys) {
    const StoredClaim& stored = stored_claims[key];
    if (!stored.changed) continue;
    changed.push_back(key);
    if (!stored.voided && stored.new_content != nullptr) histories.Add(*stored.new_content);
  }
  WriteClaims(tx, practice_id, changed, stored_claims);
  if (sub_hashes.size() > 0) {
    tx.exec_prepared(q::kInsertClaimSubmissions.name, practice_id, sub_payer_ids.Literal(),
                     sub_claim_ids.Literal(), sub_hashes.Literal(), sub_frequencies.Literal(),
                     sub_versions.Literal());
  }

  // Facts: each changed active claim with every event already waiting for it.
  std::vector<ClaimKey> active_keys;
  for (const ClaimHistory& history : histories.claims) {
    active_keys.emplace_back(history.claim.payer_id, history.claim.claim_id);
  }
  KeyArrays active = ToKeyArrays(active_keys);
  DS_RETURN_IF_ERROR(LoadEventRows(
      tx, q::kLoadByKey, practice_id,
      LoadFilter{active.payer_ids.Literal(), active.claim_ids.Literal()}, histories));
  DS_RETURN_IF_ERROR(WriteFacts(tx, practice_id, changed, histories.claims, *taxonomy_));
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

  // A repeat inside the batch is a duplicate of its first occurrence.
  std::vector<RecordResult> results(events.size());
  absl::flat_hash_set<std::string> batch_hashes;
  std::vector<size_t> candidates;
  PgArray ids, payer_ids, payer_names_array, claim_ids, status_codes, charges, paid,
      patient_responsibility, control_numbers, received, produced, payment, traces;
  for (size_t i = 0; i < events.size(); ++i) {
    if (!batch_hashes.insert(hashes[i]).second) {
      results[i].outcome = RecordOutcome::kDuplicate;
      continue;
    }
    const RemittanceEvent& event = events[i];
    candidates.push_back(i);
    ids.AddText(hashes[i]);
    payer_ids.AddText(event.payer_id);
    payer_names_array.AddText(event.payer_name);
    claim_ids.AddText(event.claim_id);
    status_codes.AddInt(event.status_code);
    charges.AddInt(event.charge_cents);
    paid.AddInt(event.paid_cents);
    patient_responsibility.AddInt(event.patient_responsibility_cents);
    control_numbers.AddText(event.payer_claim_control_number);
    received.AddOptionalDate(event.received_date);
    produced.AddOptionalDate(event.production_date);
    payment.AddOptionalDate(event.payment_date);
    traces.AddText(event.trace_number);
  }
  pqxx::result inserted = tx.exec_prepared(
      q::kInsertRemittanceEvents.name, practice_id, ids.Literal(), payer_ids.Literal(),
      payer_names_array.Literal(), claim_ids.Literal(), status_codes.Literal(),
      charges.Literal(), paid.Literal(), patient_responsibility.Literal(),
      control_numbers.Literal(), received.Literal(), produced.Literal(), payment.Literal(),
      traces.Literal());
  absl::flat_hash_set<std::string> fresh_ids;
  for (const pqxx::row& row : inserted) fresh_ids.insert(row[0].c_str());

  std::vector<std::pair<const RemittanceEvent*, std::string>> fresh;
  std::vector<ClaimKey> fresh_keys;
  for (size_t i : candidates) {
    if (!fresh_ids.contains(hashes[i])) {
      results[i].outcome = RecordOutcome::kDuplicate;
      continue;
    }
    results[i].outcome = RecordOutcome::kAccepted;
    fresh.emplace_back(&events[i], hashes[i]);
    fresh_keys.emplace_back(events[i].payer_id, events[i].claim_id);
  }
  if (fresh.empty()) return results;
  WriteEventChildren(tx, practice_id, fresh);

  // Which new events found their claim; those claims' facts change.
  fresh_keys = DistinctKeys(std::move(fresh_keys));
  DS_ASSIGN_OR_RETURN(StoredClaims stored_claims,
                      SelectStoredClaims(tx, practice_id, fresh_keys, /*with_submissions=*/false));
  std::vector<ClaimKey> matched_keys;
  for (const ClaimKey& key : fresh_keys) {
    if (stored_claims.contains(key)) matched_keys.push_back(key);
  }
  for (size_t i : candidates) {
    if (results[i].outcome != RecordOutcome::kAccepted) continue;
    results[i].unmatched =
        !stored_claims.contains(ClaimKey(events[i].payer_id, events[i].claim_id));
  }
  if (matched_keys.empty()) return results;

  KeyArrays matched = ToKeyArrays(matched_keys);
  LoadFilter filter{matched.payer_ids.Literal(), matched.claim_ids.Literal()};
  Histories histories;
  DS_RETURN_IF_ERROR(LoadClaimRows(tx, q::kLoadByKey, practice_id, filter, histories));
  DS_RETURN_IF_ERROR(LoadEventRows(tx, q::kLoadByKey, practice_id, filter, histories));
  DS_RETURN_IF_ERROR(WriteFacts(tx, practice_id, matched_keys, histories.claims, *taxonomy_));
  return results;
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
        LoadClaimRows(tx, q::kLoadByServiceDate, practice.practice_id, filter, histories));
    DS_RETURN_IF_ERROR(
        LoadEventRows(tx, q::kLoadByServiceDate, practice.practice_id, filter, histories));
    tx.commit();
    claims = std::move(histories.claims);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return claims;
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
  ConnectionPoolOptions pool_options;
  pool_options.url = options.url;
  pool_options.pool_size = options.pool_size;
  pool_options.acquire_timeout = options.acquire_timeout;
  pool_options.statement_timeout = options.statement_timeout;
  pool_options.on_open = [](pqxx::connection& connection) {
    for (const q::Statement& statement : q::kPreparedStatements) {
      connection.prepare(statement.name, statement.sql);
    }
  };
  DS_ASSIGN_OR_RETURN(std::unique_ptr<ConnectionPool> pool,
                      ConnectionPool::Create(std::move(pool_options)));
  {
    // Fail fast on a wrong URL or an unmigrated database.
    DS_ASSIGN_OR_RETURN(ConnectionPool::Lease lease, pool->Acquire());
    try {
      DS_RETURN_IF_ERROR(CheckSchema(lease.connection()));
    } catch (...) {
      return StatusFromCurrentException("opening the claim store");
    }
  }
  return std::unique_ptr<ClaimStore>(new PgClaimStore(std::move(pool), taxonomy));
}

}  // namespace denialscope
