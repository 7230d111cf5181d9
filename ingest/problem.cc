// Formatting and bounded collection of import problems.
#include "ingest/problem.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace denialscope {

std::string Problem::ToString() const {
  std::string out = severity == Severity::kError ? "error" : "warning";
  if (position.line > 0) {
    absl::StrAppend(&out, " at line ", position.line);
  } else {
    if (position.interchange > 0) absl::StrAppend(&out, " at interchange ", position.interchange);
    if (position.transaction_set > 0) {
      absl::StrAppend(&out, ", transaction set ", position.transaction_set);
    }
    if (position.segment > 0) absl::StrAppend(&out, ", segment ", position.segment);
    if (position.byte_offset >= 0) absl::StrAppend(&out, " (byte ", position.byte_offset, ")");
  }
  if (!element.empty()) {
    absl::StrAppend(&out, ", ", element);
  } else if (!segment_id.empty()) {
    absl::StrAppend(&out, ", ", segment_id);
  }
  if (!claim_id.empty()) absl::StrAppend(&out, " (claim ", claim_id, ")");
  absl::StrAppend(&out, ": ", reason);
  return out;
}

void ProblemLog::Add(Problem problem) {
  if (problem.severity == Severity::kError) {
    ++error_count_;
  } else {
    ++warning_count_;
  }
  if (kept_.size() < max_kept_) kept_.push_back(std::move(problem));
}

}  // namespace denialscope
