// FaultyClaimStore: counts calls and fails the ones the test planned to fail.
#include "analytics/faulty_claim_store.h"

#include <cstddef>
#include <utility>

namespace denialscope {

void FaultyClaimStore::FailNext(int count, absl::Status status, Method method, Timing timing) {
  if (count <= 0 || status.ok()) return;  // nothing to fail with
  absl::MutexLock lock(&mutex_);
  rules_.push_back({method, timing, count, std::move(status)});
}

void FaultyClaimStore::Clear() {
  absl::MutexLock lock(&mutex_);
  rules_.clear();
}

int FaultyClaimStore::calls(Method method) const {
  absl::MutexLock lock(&mutex_);
  return calls_[static_cast<size_t>(method)];
}

int FaultyClaimStore::injected_failures() const {
  absl::MutexLock lock(&mutex_);
  return injected_failures_;
}

FaultyClaimStore::Fault FaultyClaimStore::NextFault(Method method) {
  absl::MutexLock lock(&mutex_);
  ++calls_[static_cast<size_t>(Method::kAny)];
  ++calls_[static_cast<size_t>(method)];
  for (auto it = rules_.begin(); it != rules_.end(); ++it) {
    if (it->method != Method::kAny && it->method != method) continue;
    Fault fault{it->timing, it->status};
    if (--it->remaining == 0) rules_.erase(it);
    ++injected_failures_;
    return fault;
  }
  return {};
}

template <typename T, typename Call>
absl::StatusOr<T> FaultyClaimStore::Run(Method method, Call call) {
  Fault fault = NextFault(method);
  if (!fault.status.ok() && fault.timing == Timing::kBefore) return fault.status;
  absl::StatusOr<T> result = call();
  if (!fault.status.ok()) return fault.status;  // Timing::kAfter: the work is done, unseen
  return result;
}

absl::StatusOr<Practice> FaultyClaimStore::CreatePractice(const std::string& npi,
                                                          const std::string& display_name) {
  return Run<Practice>(Method::kCreatePractice,
                       [&] { return inner_->CreatePractice(npi, display_name); });
}

absl::StatusOr<Practice> FaultyClaimStore::GetPractice(const std::string& npi) {
  return Run<Practice>(Method::kGetPractice, [&] { return inner_->GetPractice(npi); });
}

absl::StatusOr<PracticePage> FaultyClaimStore::ListPractices(int page_size,
                                                             const std::string& after_npi) {
  return Run<PracticePage>(Method::kListPractices,
                           [&] { return inner_->ListPractices(page_size, after_npi); });
}

absl::StatusOr<std::vector<RecordResult>> FaultyClaimStore::IngestClaims(
    const Practice& practice, absl::Span<const Claim> claims) {
  return Run<std::vector<RecordResult>>(
      Method::kIngestClaims, [&] { return inner_->IngestClaims(practice, claims); });
}

absl::StatusOr<std::vector<RecordResult>> FaultyClaimStore::IngestRemittances(
    const Practice& practice, absl::Span<const RemittanceEvent> events) {
  return Run<std::vector<RecordResult>>(
      Method::kIngestRemittances, [&] { return inner_->IngestRemittances(practice, events); });
}

absl::StatusOr<std::vector<RecordResult>> FaultyClaimStore::IngestProviderAdjustments(
    const Practice& practice, absl::Span<const ProviderLevelAdjustment> adjustments) {
  return Run<std::vector<RecordResult>>(Method::kIngestProviderAdjustments, [&] {
    return inner_->IngestProviderAdjustments(practice, adjustments);
  });
}

absl::StatusOr<std::vector<ProviderLevelAdjustment>> FaultyClaimStore::ListProviderAdjustments(
    const Practice& practice) {
  return Run<std::vector<ProviderLevelAdjustment>>(
      Method::kListProviderAdjustments, [&] { return inner_->ListProviderAdjustments(practice); });
}

absl::StatusOr<std::optional<ImportedFile>> FaultyClaimStore::FindImportedFile(
    const Practice& practice, const std::string& content_sha256) {
  return Run<std::optional<ImportedFile>>(Method::kFindImportedFile, [&] {
    return inner_->FindImportedFile(practice, content_sha256);
  });
}

absl::Status FaultyClaimStore::RecordImportedFile(const Practice& practice,
                                                  const ImportedFile& file) {
  absl::StatusOr<bool> done =
      Run<bool>(Method::kRecordImportedFile, [&]() -> absl::StatusOr<bool> {
        absl::Status status = inner_->RecordImportedFile(practice, file);
        if (!status.ok()) return status;
        return true;
      });
  return done.status();
}

absl::StatusOr<std::map<std::string, std::string>> FaultyClaimStore::PayerNames(
    const Practice& practice) {
  return Run<std::map<std::string, std::string>>(Method::kPayerNames,
                                                 [&] { return inner_->PayerNames(practice); });
}

absl::StatusOr<std::vector<ClaimHistory>> FaultyClaimStore::LoadClaims(
    const Practice& practice, const ClaimQuery& query) {
  return Run<std::vector<ClaimHistory>>(Method::kLoadClaims,
                                        [&] { return inner_->LoadClaims(practice, query); });
}

absl::StatusOr<std::optional<FactCells>> FaultyClaimStore::LoadFactCells(
    const Practice& practice, const FactsRequest& request, int kinds) {
  return Run<std::optional<FactCells>>(
      Method::kLoadFactCells, [&] { return inner_->LoadFactCells(practice, request, kinds); });
}

absl::StatusOr<std::optional<std::vector<ClaimFacts>>> FaultyClaimStore::LoadFacts(
    const Practice& practice, const FactsRequest& request) {
  return Run<std::optional<std::vector<ClaimFacts>>>(
      Method::kLoadFacts, [&] { return inner_->LoadFacts(practice, request); });
}

absl::StatusOr<std::optional<std::vector<ClaimFacts>>> FaultyClaimStore::ListDeniedFacts(
    const Practice& practice, const WorklistRequest& request) {
  return Run<std::optional<std::vector<ClaimFacts>>>(
      Method::kListDeniedFacts, [&] { return inner_->ListDeniedFacts(practice, request); });
}

absl::Status FaultyClaimStore::RebuildFacts(const Practice& practice) {
  absl::StatusOr<bool> done = Run<bool>(Method::kRebuildFacts, [&]() -> absl::StatusOr<bool> {
    absl::Status status = inner_->RebuildFacts(practice);
    if (!status.ok()) return status;
    return true;
  });
  return done.status();
}

}  // namespace denialscope
