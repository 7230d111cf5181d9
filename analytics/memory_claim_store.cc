// The in-memory ClaimStore (see memory_claim_store.h for the ingest semantics it defines).
// One mutex guards everything: a batch is applied under it, which makes it atomic the way a
// database transaction is.
#include "analytics/memory_claim_store.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace denialscope {
namespace {

std::string SubmissionKey(FrequencyCode frequency, const std::string& content_key) {
  return absl::StrCat(static_cast<int>(frequency), "|", content_key);
}

RecordResult Rejected(std::string field, std::string reason) {
  RecordResult result;
  result.outcome = RecordOutcome::kRejected;
  result.field = std::move(field);
  result.reason = std::move(reason);
  return result;
}

RecordResult WithOutcome(RecordOutcome outcome) {
  RecordResult result;
  result.outcome = outcome;
  return result;
}

}  // namespace

absl::StatusOr<Practice> MemoryClaimStore::CreatePractice(const std::string& npi,
                                                          const std::string& display_name) {
  absl::MutexLock lock(&mutex_);
  if (practices_.contains(npi)) {
    return absl::AlreadyExistsError(absl::StrCat("practice ", npi, " already exists"));
  }
  Practice practice{next_practice_id_++, npi, display_name};
  practices_.emplace(npi, practice);
  return practice;
}

absl::StatusOr<Practice> MemoryClaimStore::GetPractice(const std::string& npi) {
  absl::ReaderMutexLock lock(&mutex_);
  auto it = practices_.find(npi);
  if (it == practices_.end()) {
    return absl::NotFoundError(absl::StrCat("practice ", npi, " is not onboarded"));
  }
  return it->second;
}

absl::StatusOr<PracticePage> MemoryClaimStore::ListPractices(int page_size,
                                                             const std::string& after_npi) {
  if (page_size <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size must be positive, not ", page_size));
  }
  absl::ReaderMutexLock lock(&mutex_);
  PracticePage page;
  for (auto it = practices_.upper_bound(after_npi); it != practices_.end(); ++it) {
    if (static_cast<int>(page.practices.size()) == page_size) {
      page.next_npi = page.practices.back().npi;  // more remain
      break;
    }
    page.practices.push_back(it->second);
  }
  return page;
}

absl::Status MemoryClaimStore::CheckPractice(const Practice& practice) const {
  auto it = practices_.find(practice.npi);
  if (it == practices_.end() || it->second.practice_id != practice.practice_id) {
    return absl::NotFoundError(absl::StrCat("practice ", practice.npi, " is not onboarded"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<RecordResult>> MemoryClaimStore::IngestClaims(
    const Practice& practice, absl::Span<const Claim> claims) {
  absl::MutexLock lock(&mutex_);
  if (absl::Status status = CheckPractice(practice); !status.ok()) return status;
  std::vector<RecordResult> results;
  results.reserve(claims.size());
  for (const Claim& claim : claims) results.push_back(IngestClaim(practice.practice_id, claim));
  return results;
}

RecordResult MemoryClaimStore::IngestClaim(int64_t practice_id, const Claim& claim) {
  std::string content_key = ClaimContentKey(claim);
  std::string submission = SubmissionKey(claim.frequency, content_key);
  const ClaimKey key{practice_id, claim.payer_id, claim.claim_id};
  auto it = claims_.find(key);

  if (it == claims_.end()) {
    if (claim.frequency == FrequencyCode::kVoid) {
      return Rejected("frequency_code",
                      absl::StrCat("claim ", claim.claim_id, " for payer ", claim.payer_id,
                                   " cannot be voided: it is not stored"));
    }
    // An original, or a replacement whose original never reached us: either way the claim.
    StoredClaim stored{claim, std::move(content_key), false, {std::move(submission)}};
    claims_.emplace(key, std::move(stored));
    return WithOutcome(RecordOutcome::kAccepted);
  }

  StoredClaim& stored = it->second;
  if (stored.submissions.contains(submission)) return WithOutcome(RecordOutcome::kDuplicate);
  switch (claim.frequency) {
    case FrequencyCode::kOriginal:
      if (!stored.voided && stored.content_key == content_key) {
        stored.submissions.insert(std::move(submission));
        return WithOutcome(RecordOutcome::kDuplicate);
      }
      return Rejected("claim_id",
                      absl::StrCat("claim ", claim.claim_id, " for payer ", claim.payer_id,
                                   " is already stored with different content; send it "
                                   "with frequency code 7 to replace it"));
    case FrequencyCode::kReplacement: {
      const bool unchanged = !stored.voided && stored.content_key == content_key;
      stored.submissions.insert(std::move(submission));
      if (unchanged) return WithOutcome(RecordOutcome::kDuplicate);
      if (stored.first_diagnoses.empty() && stored.claim.diagnoses != claim.diagnoses) {
        stored.first_diagnoses = stored.claim.diagnoses;
      }
      stored.claim = claim;
      stored.content_key = std::move(content_key);
      stored.voided = false;
      return WithOutcome(RecordOutcome::kAccepted);
    }
    case FrequencyCode::kVoid:
      stored.submissions.insert(std::move(submission));
      if (stored.voided) return WithOutcome(RecordOutcome::kDuplicate);
      stored.voided = true;
      return WithOutcome(RecordOutcome::kAccepted);
  }
  return Rejected("frequency_code",
                  absl::StrCat("frequency code ", static_cast<int>(claim.frequency),
                               " is not 1, 7 or 8"));
}

absl::StatusOr<std::vector<RecordResult>> MemoryClaimStore::IngestRemittances(
    const Practice& practice, absl::Span<const RemittanceEvent> events) {
  absl::MutexLock lock(&mutex_);
  if (absl::Status status = CheckPractice(practice); !status.ok()) return status;
  std::vector<RecordResult> results;
  results.reserve(events.size());
  for (const RemittanceEvent& event : events) {
    const ClaimKey key{practice.practice_id, event.payer_id, event.claim_id};
    RecordResult result;
    if (event_keys_.emplace(practice.practice_id, RemittanceContentKey(event)).second) {
      events_[key].push_back(event);
      result.unmatched = !claims_.contains(key);  // kept; joins when the claim arrives
    } else {
      result.outcome = RecordOutcome::kDuplicate;
    }
    results.push_back(std::move(result));
  }
  return results;
}

absl::StatusOr<std::vector<RecordResult>> MemoryClaimStore::IngestProviderAdjustments(
    const Practice& practice, absl::Span<const ProviderLevelAdjustment> adjustments) {
  absl::MutexLock lock(&mutex_);
  if (absl::Status status = CheckPractice(practice); !status.ok()) return status;
  std::vector<RecordResult> results;
  results.reserve(adjustments.size());
  for (const ProviderLevelAdjustment& adjustment : adjustments) {
    const AdjustmentKey key{practice.practice_id, adjustment.payer_id, adjustment.trace_number,
                            adjustment.sequence};
    std::string content_key = ProviderAdjustmentContentKey(adjustment);
    auto [it, inserted] = adjustments_.try_emplace(key, adjustment, content_key);
    RecordResult result;
    if (!inserted && it->second.second == content_key) {
      result.outcome = RecordOutcome::kDuplicate;
    } else if (!inserted) {
      result = ProviderAdjustmentConflict(adjustment);
    }
    results.push_back(std::move(result));
  }
  return results;
}

absl::StatusOr<std::vector<ProviderLevelAdjustment>> MemoryClaimStore::ListProviderAdjustments(
    const Practice& practice) {
  absl::ReaderMutexLock lock(&mutex_);
  if (absl::Status status = CheckPractice(practice); !status.ok()) return status;
  std::vector<ProviderLevelAdjustment> out;
  for (auto it = adjustments_.lower_bound({practice.practice_id, "", "", 0});
       it != adjustments_.end() && std::get<0>(it->first) == practice.practice_id; ++it) {
    out.push_back(it->second.first);
  }
  return out;
}

absl::StatusOr<std::optional<ImportedFile>> MemoryClaimStore::FindImportedFile(
    const Practice& practice, const std::string& content_sha256) {
  absl::ReaderMutexLock lock(&mutex_);
  if (absl::Status status = CheckPractice(practice); !status.ok()) return status;
  auto it = imported_files_.find({practice.practice_id, content_sha256});
  if (it == imported_files_.end()) return std::optional<ImportedFile>();
  return it->second;
}

absl::Status MemoryClaimStore::RecordImportedFile(const Practice& practice,
                                                  const ImportedFile& file) {
  absl::MutexLock lock(&mutex_);
  if (absl::Status status = CheckPractice(practice); !status.ok()) return status;
  imported_files_.try_emplace({practice.practice_id, file.content_sha256}, file);
  return absl::OkStatus();
}

absl::StatusOr<std::map<std::string, std::string>> MemoryClaimStore::PayerNames(
    const Practice& practice) {
  absl::ReaderMutexLock lock(&mutex_);
  if (absl::Status status = CheckPractice(practice); !status.ok()) return status;
  // As the PostgreSQL store keeps them: the first name a claim gave the payer.
  std::map<std::string, std::string> names;
  const ClaimKey first{practice.practice_id, "", ""};
  for (auto it = claims_.lower_bound(first);
       it != claims_.end() && std::get<0>(it->first) == practice.practice_id; ++it) {
    const Claim& claim = it->second.claim;
    if (!claim.payer_name.empty()) names.emplace(claim.payer_id, claim.payer_name);
  }
  return names;
}

absl::StatusOr<std::vector<ClaimHistory>> MemoryClaimStore::LoadClaims(
    const Practice& practice, const ClaimQuery& query) {
  absl::ReaderMutexLock lock(&mutex_);
  if (absl::Status status = CheckPractice(practice); !status.ok()) return status;
  std::vector<ClaimHistory> histories;
  // Keys lead with the practice id, so one practice's claims form one contiguous range.
  const ClaimKey first{practice.practice_id, "", ""};
  for (auto it = claims_.lower_bound(first);
       it != claims_.end() && std::get<0>(it->first) == practice.practice_id; ++it) {
    const StoredClaim& stored = it->second;
    if (stored.voided) continue;
    const Day service_date = stored.claim.ServiceDate();
    if (service_date < query.service_from || service_date > query.service_to) continue;
    ClaimHistory history;
    history.claim = stored.claim;
    history.first_diagnoses = stored.first_diagnoses;
    if (auto events = events_.find(it->first); events != events_.end()) {
      history.events = events->second;
    }
    histories.push_back(std::move(history));
  }
  return histories;
}

absl::StatusOr<std::optional<std::vector<ClaimFacts>>> MemoryClaimStore::StoredFacts(
    const Practice& practice, Day as_of) const {
  std::vector<ClaimHistory> histories;
  Day horizon(1, 1, 1);
  {
    absl::ReaderMutexLock lock(&mutex_);
    if (absl::Status status = CheckPractice(practice); !status.ok()) return status;
    const ClaimKey first{practice.practice_id, "", ""};
    for (auto it = claims_.lower_bound(first);
         it != claims_.end() && std::get<0>(it->first) == practice.practice_id; ++it) {
      horizon = std::max(horizon, LatestDate(it->second.claim));
      if (it->second.voided) continue;
      ClaimHistory history;
      history.claim = it->second.claim;
      history.first_diagnoses = it->second.first_diagnoses;
      if (auto events = events_.find(it->first); events != events_.end()) {
        history.events = events->second;
      }
      histories.push_back(std::move(history));
    }
    for (auto it = events_.lower_bound(first);
         it != events_.end() && std::get<0>(it->first) == practice.practice_id; ++it) {
      for (const RemittanceEvent& event : it->second) {
        horizon = std::max(horizon, LatestDate(event));
      }
    }
  }
  if (as_of < horizon) return std::optional<std::vector<ClaimFacts>>();
  std::vector<ClaimFacts> facts = ComputeAllClaimFacts(histories, kAllEventsAsOf, *context_);
  for (ClaimFacts& f : facts) f = RebaseFacts(std::move(f), as_of);
  return std::optional<std::vector<ClaimFacts>>(std::move(facts));
}

absl::StatusOr<std::optional<FactCells>> MemoryClaimStore::LoadFactCells(
    const Practice& practice, const FactsRequest& request, int kinds) {
  if (absl::Status status = CheckCellsCanServe(request.selection.filters, kinds); !status.ok()) {
    return status;
  }
  absl::StatusOr<std::optional<std::vector<ClaimFacts>>> facts =
      StoredFacts(practice, request.as_of);
  if (!facts.ok()) return facts.status();
  if (!facts->has_value()) return std::optional<FactCells>();
  return std::optional<FactCells>(
      KeepKinds(CellsOfFacts(**facts, request.selection), kinds,
                request.selection.months.first.value_or(absl::CivilMonth(1900, 1)),
                request.as_of));
}

absl::StatusOr<std::optional<std::vector<ClaimFacts>>> MemoryClaimStore::LoadFacts(
    const Practice& practice, const FactsRequest& request) {
  absl::StatusOr<std::optional<std::vector<ClaimFacts>>> facts =
      StoredFacts(practice, request.as_of);
  if (!facts.ok() || !facts->has_value()) return facts;
  std::vector<ClaimFacts> selected;
  for (ClaimFacts& f : **facts) {
    if (InSelection(f, request.selection)) selected.push_back(std::move(f));
  }
  return std::optional<std::vector<ClaimFacts>>(std::move(selected));
}

absl::StatusOr<std::optional<std::vector<ClaimFacts>>> MemoryClaimStore::ListDeniedFacts(
    const Practice& practice, const WorklistRequest& request) {
  absl::StatusOr<std::optional<std::vector<ClaimFacts>>> facts =
      StoredFacts(practice, request.facts.as_of);
  if (!facts.ok() || !facts->has_value()) return facts;
  return std::optional<std::vector<ClaimFacts>>(WorklistPage(
      std::move(**facts), request.facts.selection, request.filter, request.after, request.limit));
}

absl::Status MemoryClaimStore::RebuildFacts(const Practice& practice) {
  absl::ReaderMutexLock lock(&mutex_);
  return CheckPractice(practice);
}

}  // namespace denialscope
