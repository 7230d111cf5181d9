// Per-transaction-set record buffering with atomic accept/reject.
#include "ingest/x12_transaction_buffer.h"

#include <string>
#include <type_traits>
#include <utility>

#include "absl/strings/str_cat.h"

namespace denialscope {
namespace {

RejectedRecord AsRejected(RecordKind kind, std::string claim_id, const Problem& problem) {
  RejectedRecord rejected;
  rejected.kind = kind;
  rejected.problem = problem;
  rejected.problem.claim_id = claim_id;
  rejected.claim_id = std::move(claim_id);
  return rejected;
}

}  // namespace

X12TransactionBuffer::X12TransactionBuffer(RecordSink* sink, ProblemLog* problems,
                                           RecordCounts* counts, size_t max_records)
    : sink_(sink), problems_(problems), counts_(counts), max_records_(max_records) {}

void X12TransactionBuffer::Begin() {
  entries_.clear();
  overflow_.reset();
}

void X12TransactionBuffer::Add(ParsedClaim&& claim, const Position& position) {
  Push(std::move(claim), position);
}
void X12TransactionBuffer::Add(ParsedRemittance&& remittance, const Position& position) {
  Push(std::move(remittance), position);
}
void X12TransactionBuffer::Add(ProviderAdjustment&& adjustment, const Position& position) {
  Push(std::move(adjustment), position);
}
void X12TransactionBuffer::Add(RejectedRecord&& rejected, const Position& position) {
  Push(std::move(rejected), position);
}

template <typename Record>
void X12TransactionBuffer::Push(Record&& record, const Position& position) {
  if (!overflow_.has_value() && entries_.size() >= max_records_) Overflow(position);
  entries_.emplace_back(std::in_place_type<std::decay_t<Record>>, std::move(record));
  if (overflow_.has_value()) {
    Deliver(entries_.back(), &*overflow_);
    entries_.clear();
  }
}

void X12TransactionBuffer::Overflow(const Position& position) {
  Problem problem;
  problem.position = position;
  problem.reason = absl::StrCat("the transaction set holds more than ", max_records_,
                                " records; it is rejected (split it into smaller sets)");
  problems_->Add(problem);
  overflow_ = std::move(problem);
  for (Entry& held : entries_) Deliver(held, &*overflow_);
  entries_.clear();
}

void X12TransactionBuffer::Commit(const Problem* rejection) {
  if (overflow_.has_value()) rejection = &*overflow_;
  for (Entry& entry : entries_) Deliver(entry, rejection);
  entries_.clear();
  overflow_.reset();
}

void X12TransactionBuffer::Deliver(Entry& entry, const Problem* rejection) {
  if (auto* claim = std::get_if<ParsedClaim>(&entry)) {
    if (rejection != nullptr) {
      ++counts_->claims_rejected;
      sink_->OnRejected(AsRejected(RecordKind::kClaim, claim->claim.claim_id, *rejection));
    } else {
      ++counts_->claims;
      sink_->OnClaim(std::move(*claim));
    }
  } else if (auto* remittance = std::get_if<ParsedRemittance>(&entry)) {
    if (rejection != nullptr) {
      ++counts_->remittances_rejected;
      sink_->OnRejected(
          AsRejected(RecordKind::kRemittance, remittance->event.claim_id, *rejection));
    } else {
      ++counts_->remittances;
      sink_->OnRemittance(std::move(*remittance));
    }
  } else if (auto* adjustment = std::get_if<ProviderAdjustment>(&entry)) {
    if (rejection != nullptr) {
      ++counts_->provider_adjustments_rejected;
      sink_->OnRejected(AsRejected(RecordKind::kProviderAdjustment, "", *rejection));
    } else {
      ++counts_->provider_adjustments;
      sink_->OnProviderAdjustment(std::move(*adjustment));
    }
  } else if (auto* rejected = std::get_if<RejectedRecord>(&entry)) {
    switch (rejected->kind) {
      case RecordKind::kClaim:
        ++counts_->claims_rejected;
        break;
      case RecordKind::kRemittance:
        ++counts_->remittances_rejected;
        break;
      case RecordKind::kProviderAdjustment:
        ++counts_->provider_adjustments_rejected;
        break;
    }
    sink_->OnRejected(std::move(*rejected));
  }
}

}  // namespace denialscope
