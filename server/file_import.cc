// File import; see file_import.h.
#include "server/file_import.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "google/protobuf/util/json_util.h"
#include "ingest/validate.h"
#include "server/api_convert.h"

namespace denialscope {
namespace {

namespace v1 = ::denialscope::v1;

constexpr absl::string_view kBom = "\xEF\xBB\xBF";

absl::string_view SkipBomAndBlanks(absl::string_view head) {
  if (absl::StartsWith(head, kBom)) head.remove_prefix(kBom.size());
  while (!head.empty() && absl::ascii_isspace(static_cast<unsigned char>(head.front()))) {
    head.remove_prefix(1);
  }
  return head;
}

v1::ImportProblem ProblemToProto(const Problem& p) {
  v1::ImportProblem out;
  out.set_severity(p.severity == Severity::kError ? "error" : "warning");
  out.set_interchange(p.position.interchange);
  out.set_transaction_set(p.position.transaction_set);
  out.set_segment_number(p.position.segment);
  out.set_byte_offset(p.position.byte_offset);
  out.set_line(p.position.line);
  out.set_segment_id(p.segment_id);
  out.set_element(p.element);
  out.set_claim_id(p.claim_id);
  out.set_reason(p.reason);
  return out;
}

}  // namespace

v1::FileFormat DetectFileFormat(absl::string_view head) {
  head = SkipBomAndBlanks(head);
  if (head.empty()) return v1::FILE_FORMAT_UNSPECIFIED;
  if (head.front() == '{') return v1::FILE_FORMAT_JSONL;
  // Three bytes decide X12; fewer is undecided unless they already differ from "ISA"/"ST".
  const absl::string_view prefix = head.substr(0, 3);
  if (absl::StartsWith("ISA", prefix) || absl::StartsWith("ST", prefix.substr(0, 2))) {
    if (head.size() < 3) return v1::FILE_FORMAT_UNSPECIFIED;
    if (prefix == "ISA" || prefix.substr(0, 2) == "ST") return v1::FILE_FORMAT_X12;
  }
  return v1::FILE_FORMAT_CSV;
}

FileImport::FileImport(const ServiceContext& context, Practice practice, v1::FileFormat format,
                       std::string file_name)
    : context_(context),
      practice_(std::move(practice)),
      format_(format),
      file_name_(std::move(file_name)),
      sha256_(EVP_MD_CTX_new()) {
  EVP_DigestInit_ex(sha256_, EVP_sha256(), nullptr);
}

FileImport::~FileImport() { EVP_MD_CTX_free(sha256_); }

absl::Status FileImport::Start(absl::string_view head) {
  if (format_ == v1::FILE_FORMAT_UNSPECIFIED) format_ = DetectFileFormat(head);
  RecordSink* sink = this;  // the base is private: convert here, inside the class
  switch (format_) {
    case v1::FILE_FORMAT_X12:
      x12_ = std::make_unique<X12Importer>(sink);
      break;
    case v1::FILE_FORMAT_CSV:
      csv_ = std::make_unique<CsvClaimReader>(sink);
      break;
    case v1::FILE_FORMAT_JSONL:
      break;
    default:
      return absl::InvalidArgumentError("format: cannot tell the file's format; name it");
  }
  started_ = true;
  return absl::OkStatus();
}

absl::Status FileImport::Feed(absl::string_view chunk) {
  EVP_DigestUpdate(sha256_, chunk.data(), chunk.size());
  bytes_ += static_cast<int64_t>(chunk.size());
  absl::string_view data = chunk;
  if (!started_) {
    // Hold bytes back until the first non-blank ones say what the file is.
    pending_head_.append(chunk.data(), chunk.size());
    if (format_ == v1::FILE_FORMAT_UNSPECIFIED &&
        DetectFileFormat(pending_head_) == v1::FILE_FORMAT_UNSPECIFIED &&
        pending_head_.size() < 4096) {
      return absl::OkStatus();
    }
    if (absl::Status s = Start(pending_head_); !s.ok()) return s;
    data = pending_head_;
  }
  if (x12_) x12_->Feed(data);
  if (csv_) csv_->Feed(data);
  if (format_ == v1::FILE_FORMAT_JSONL) ReadJsonl(data, /*at_end=*/false);
  pending_head_.clear();
  return StoreBatches(/*all=*/false);
}

absl::Status FileImport::Finish() {
  if (!started_) {
    if (absl::Status s = Start(pending_head_); !s.ok()) {
      // An empty (or all-blank) file holds no records: nothing to read, nothing wrong.
      if (SkipBomAndBlanks(pending_head_).empty()) return absl::OkStatus();
      return s;
    }
    if (x12_) x12_->Feed(pending_head_);
    if (csv_) csv_->Feed(pending_head_);
    if (format_ == v1::FILE_FORMAT_JSONL) ReadJsonl(pending_head_, false);
    pending_head_.clear();
  }
  if (x12_) x12_->Finish();
  if (csv_) csv_->Finish();
  if (format_ == v1::FILE_FORMAT_JSONL) ReadJsonl("", /*at_end=*/true);
  return StoreBatches(/*all=*/true);
}

void FileImport::ReadJsonl(absl::string_view chunk, bool at_end) {
  // `chunk` is the file's last bytes so far: Feed() has counted it in bytes_ already.
  while (!chunk.empty()) {
    const size_t newline = chunk.find('\n');
    const absl::string_view piece =
        chunk.substr(0, newline == absl::string_view::npos ? chunk.size() : newline);
    if (!skipping_long_line_) {
      if (partial_line_.size() + piece.size() > kMaxJsonlLineBytes) {
        // Report the line once and drop its bytes as they come: never buffer it whole.
        problems_.Add({Severity::kError, {line_offset_, 0, 0, 0, line_number_ + 1}, "", "", "",
                       absl::StrCat("line is longer than ", kMaxJsonlLineBytes, " bytes")});
        ++rejected_;
        partial_line_.clear();
        skipping_long_line_ = true;
      } else {
        partial_line_.append(piece.data(), piece.size());
      }
    }
    if (newline == absl::string_view::npos) break;
    ++line_number_;
    if (!skipping_long_line_) ReadJsonlLine(partial_line_);
    skipping_long_line_ = false;
    partial_line_.clear();
    chunk.remove_prefix(newline + 1);
    line_offset_ = bytes_ - static_cast<int64_t>(chunk.size());
  }
  if (at_end && !partial_line_.empty() && !skipping_long_line_) {
    ++line_number_;
    ReadJsonlLine(partial_line_);
    partial_line_.clear();
  }
}

void FileImport::ReadJsonlLine(absl::string_view line) {
  if (SkipBomAndBlanks(line).empty()) return;
  const Position position{line_offset_, 0, 0, 0, line_number_};
  v1::IngestRecord record;
  google::protobuf::util::JsonParseOptions options;
  auto parsed = google::protobuf::util::JsonStringToMessage(
      std::string(SkipBomAndBlanks(line)), &record, options);
  if (!parsed.ok() || record.record_case() == v1::IngestRecord::RECORD_NOT_SET) {
    ++rejected_;
    problems_.Add({Severity::kError, position, "", "", "",
                   parsed.ok() ? "the line holds neither a claim nor a remittance"
                               : absl::StrCat("not an ingest record: ", std::string(parsed.message()))});
    return;
  }
  std::vector<FieldError> errors;
  if (record.has_claim()) {
    ++claims_read_;
    claim_lines_read_ += record.claim().lines_size();
    std::optional<Claim> claim =
        ClaimFromProto(record.claim(), practice_.npi, *context_.hasher, &errors);
    if (!claim.has_value()) {
      ++rejected_;
      AddValidationProblems(position, "", record.claim().claim_id(), errors);
      return;
    }
    claims_.push_back(*std::move(claim));
    claim_positions_.push_back(position);
  } else {
    ++remittances_read_;
    std::optional<RemittanceEvent> event =
        RemittanceFromProto(record.remittance(), practice_.npi, &errors);
    if (!event.has_value()) {
      ++rejected_;
      AddValidationProblems(position, "", record.remittance().claim_id(), errors);
      return;
    }
    remittances_.push_back(*std::move(event));
    remittance_positions_.push_back(position);
  }
}

void FileImport::OnClaim(ParsedClaim parsed) {
  ++claims_read_;
  claim_lines_read_ += static_cast<int64_t>(parsed.claim.lines.size());
  // The raw identifier is replaced before anything else sees the claim.
  parsed.claim.patient_key = context_.hasher->Hash(parsed.claim.patient_key);
  std::vector<FieldError> errors = ValidateClaim(parsed.claim, practice_.npi);
  if (!errors.empty()) {
    ++rejected_;
    AddValidationProblems(parsed.position, x12_ ? "CLM" : "", parsed.claim.claim_id, errors);
    return;
  }
  claims_.push_back(std::move(parsed.claim));
  claim_positions_.push_back(parsed.position);
}

std::vector<FieldError> FileImport::PayeeErrors(const std::string& payee_npi) const {
  if (payee_npi.empty() || payee_npi == practice_.npi) return {};
  return {{"payee_npi", absl::StrCat("payee NPI ", payee_npi,
                                     " (N1*PE) is not this practice's NPI ", practice_.npi)}};
}

void FileImport::OnRemittance(ParsedRemittance parsed) {
  ++remittances_read_;
  std::vector<FieldError> errors = PayeeErrors(parsed.payee_npi);
  if (errors.empty()) errors = ValidateRemittance(parsed.event);
  if (!errors.empty()) {
    ++rejected_;
    AddValidationProblems(parsed.position, "CLP", parsed.event.claim_id, errors);
    return;
  }
  remittances_.push_back(std::move(parsed.event));
  remittance_positions_.push_back(parsed.position);
}

void FileImport::OnProviderAdjustment(ProviderAdjustment parsed) {
  ++provider_adjustments_;
  std::vector<FieldError> errors = PayeeErrors(parsed.payee_npi);
  if (errors.empty()) errors = ValidateProviderAdjustment(parsed.adjustment);
  if (!errors.empty()) {
    ++adjustments_rejected_;
    AddValidationProblems(parsed.position, "PLB", "", errors);
    return;
  }
  adjustments_.push_back(std::move(parsed.adjustment));
  adjustment_positions_.push_back(parsed.position);
}

void FileImport::OnRejected(RejectedRecord rejected) {
  // The reader logged the problem itself; here it only counts.
  switch (rejected.kind) {
    case RecordKind::kClaim:
      ++claims_read_;
      ++rejected_;
      break;
    case RecordKind::kRemittance:
      ++remittances_read_;
      ++rejected_;
      break;
    case RecordKind::kProviderAdjustment:
      ++provider_adjustments_;
      ++adjustments_rejected_;
      break;
  }
}

void FileImport::AddValidationProblems(const Position& position, absl::string_view segment_id,
                                       const std::string& claim_id,
                                       const std::vector<FieldError>& errors) {
  for (const FieldError& e : errors) {
    problems_.Add(
        {Severity::kError, position, std::string(segment_id), e.field, claim_id, e.reason});
  }
}

absl::Status FileImport::StoppedError(const absl::Status& cause) const {
  return absl::Status(cause.code(),
                      absl::StrCat("stopped after ", accepted_ + duplicate_,
                                   " records were stored; import the file again to finish "
                                   "(stored records then count as duplicates): ",
                                   cause.message()));
}

absl::Status FileImport::StoreBatches(bool all) {
  auto tally = [&](const std::vector<RecordResult>& results,
                   const std::vector<Position>& positions, const auto& records,
                   absl::string_view segment_id) {
    for (size_t i = 0; i < results.size(); ++i) {
      switch (results[i].outcome) {
        case RecordOutcome::kAccepted:
          ++accepted_;
          if (results[i].unmatched) ++unmatched_;
          break;
        case RecordOutcome::kDuplicate:
          ++duplicate_;
          break;
        case RecordOutcome::kRejected:
          ++rejected_;
          problems_.Add({Severity::kError, positions[i], std::string(segment_id),
                         results[i].field, records[i].claim_id, results[i].reason});
          break;
      }
    }
  };
  // Claims first, so the events of the same file join them at once.
  while (claims_.size() >= kImportBatchSize || (all && !claims_.empty())) {
    const size_t n = std::min(claims_.size(), kImportBatchSize);
    std::vector<Claim> batch(std::make_move_iterator(claims_.begin()),
                             std::make_move_iterator(claims_.begin() + n));
    std::vector<Position> positions(claim_positions_.begin(), claim_positions_.begin() + n);
    absl::StatusOr<std::vector<RecordResult>> results =
        context_.store->IngestClaims(practice_, batch);
    if (!results.ok()) return StoppedError(results.status());
    ++batches_;
    tally(*results, positions, batch, x12_ ? "CLM" : "");
    claims_.erase(claims_.begin(), claims_.begin() + n);
    claim_positions_.erase(claim_positions_.begin(), claim_positions_.begin() + n);
  }
  while (remittances_.size() >= kImportBatchSize || (all && !remittances_.empty())) {
    const size_t n = std::min(remittances_.size(), kImportBatchSize);
    std::vector<RemittanceEvent> batch(std::make_move_iterator(remittances_.begin()),
                                       std::make_move_iterator(remittances_.begin() + n));
    std::vector<Position> positions(remittance_positions_.begin(),
                                    remittance_positions_.begin() + n);
    absl::StatusOr<std::vector<RecordResult>> results =
        context_.store->IngestRemittances(practice_, batch);
    if (!results.ok()) return StoppedError(results.status());
    ++batches_;
    tally(*results, positions, batch, x12_ ? "CLP" : "");
    remittances_.erase(remittances_.begin(), remittances_.begin() + n);
    remittance_positions_.erase(remittance_positions_.begin(),
                                remittance_positions_.begin() + n);
  }
  // Provider-level adjustments: few per file, stored apart from claims and never joined.
  while (adjustments_.size() >= kImportBatchSize || (all && !adjustments_.empty())) {
    const size_t n = std::min(adjustments_.size(), kImportBatchSize);
    absl::StatusOr<std::vector<RecordResult>> results = context_.store->IngestProviderAdjustments(
        practice_, absl::MakeConstSpan(adjustments_.data(), n));
    if (!results.ok()) return StoppedError(results.status());
    ++batches_;
    for (size_t i = 0; i < results->size(); ++i) {
      const RecordResult& result = (*results)[i];
      switch (result.outcome) {
        case RecordOutcome::kAccepted:
          ++adjustments_stored_;
          break;
        case RecordOutcome::kDuplicate:
          ++adjustments_duplicate_;
          break;
        case RecordOutcome::kRejected:
          ++adjustments_rejected_;
          problems_.Add({Severity::kError, adjustment_positions_[i], "PLB", result.field, "",
                         result.reason});
          break;
      }
    }
    adjustments_.erase(adjustments_.begin(), adjustments_.begin() + n);
    adjustment_positions_.erase(adjustment_positions_.begin(),
                                adjustment_positions_.begin() + n);
  }
  return absl::OkStatus();
}

void FileImport::FillResponse(v1::ImportFileResponse* response) const {
  response->set_file_name(file_name_);
  response->set_format(format_);
  EVP_MD_CTX* copy = EVP_MD_CTX_new();
  EVP_MD_CTX_copy_ex(copy, sha256_);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(copy, digest, &length);
  EVP_MD_CTX_free(copy);
  response->set_content_sha256(absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), length)));
  response->set_bytes(bytes_);
  response->set_claims(claims_read_);
  response->set_claim_lines(claim_lines_read_);
  response->set_remittance_events(remittances_read_);
  response->set_provider_adjustments(provider_adjustments_);
  response->set_accepted(accepted_);
  response->set_duplicate(duplicate_);
  response->set_rejected(rejected_);
  response->set_unmatched(unmatched_);
  response->set_batches(batches_);
  response->set_provider_adjustments_stored(adjustments_stored_);
  response->set_provider_adjustments_duplicate(adjustments_duplicate_);
  response->set_provider_adjustments_rejected(adjustments_rejected_);

  // The reader's problems and ours, merged in file order.
  std::vector<const Problem*> all;
  const ProblemLog* reader = x12_ ? &x12_->problems() : csv_ ? &csv_->problems() : nullptr;
  int64_t total = problems_.total();
  if (reader != nullptr) {
    total += reader->total();
    for (const Problem& p : reader->kept()) all.push_back(&p);
  }
  for (const Problem& p : problems_.kept()) all.push_back(&p);
  std::stable_sort(all.begin(), all.end(), [](const Problem* a, const Problem* b) {
    return std::pair(a->position.byte_offset, a->position.line) <
           std::pair(b->position.byte_offset, b->position.line);
  });
  response->set_problem_count(total);
  for (size_t i = 0; i < all.size() && i < kDefaultMaxKeptProblems; ++i) {
    *response->add_problems() = ProblemToProto(*all[i]);
  }
}

}  // namespace denialscope
