// Routing of X12 transaction sets to the 837P and 835 parsers.
#include "ingest/x12_import.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "ingest/x12_segment_util.h"

namespace denialscope {

X12Importer::X12Importer(RecordSink* sink, X12ImportOptions options)
    : options_(options),
      problems_(options.max_kept_problems),
      claims_(sink, &problems_, &counts_, options.max_records_per_transaction_set),
      remittances_(sink, &problems_, &counts_, options.max_records_per_transaction_set),
      dispatcher_(this),
      reader_(&dispatcher_, &problems_, X12ReaderOptions{options.max_segment_bytes}) {}

void X12Importer::Dispatcher::BeginTransactionSet(const X12TransactionSet& set) {
  rejection_.reset();
  current_ = nullptr;
  const X12Expect expect = importer_->options_.expect;
  if (set.type == "837") {
    current_ = &importer_->claims_;
    if (expect == X12Expect::kRemittances) {
      rejection_.emplace();
      rejection_->reason = "an 837 claim transaction set in a remittance (835) import; rejected";
    }
  } else if (set.type == "835") {
    current_ = &importer_->remittances_;
    if (expect == X12Expect::kClaims) {
      rejection_.emplace();
      rejection_->reason = "an 835 remittance transaction set in a claim (837P) import; rejected";
    }
  } else {
    rejection_.emplace();
    rejection_->reason = absl::StrCat("transaction set type '", x12::Shorten(set.type),
                                      "' is not supported (only 837 and 835); skipped");
  }
  if (rejection_.has_value()) {
    rejection_->position = set.position;
    rejection_->segment_id = "ST";
    rejection_->element = "ST01";
    importer_->problems_.Add(*rejection_);
  }
  if (current_ != nullptr) current_->BeginTransactionSet(set);
}

void X12Importer::Dispatcher::OnSegment(const X12Segment& segment) {
  if (current_ != nullptr) current_->OnSegment(segment);
}

void X12Importer::Dispatcher::EndTransactionSet(const Problem* rejection) {
  if (current_ != nullptr) {
    current_->EndTransactionSet(rejection != nullptr ? rejection
                                : rejection_.has_value() ? &*rejection_
                                                         : nullptr);
  }
  current_ = nullptr;
  rejection_.reset();
}

}  // namespace denialscope
