// IngestService handlers. Claims and remittances share one loop: read a batch, check the
// practice, convert and validate each record, store the valid ones in one transaction, and
// tally. The two differ only in the record type and the store call.
#include "server/ingest_service.h"

#include <optional>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/api_convert.h"
#include "server/file_import.h"
#include "server/grpc_status.h"
#include "server/rpc_call.h"

namespace denialscope {
namespace {

namespace v1 = ::denialscope::v1;

class Tally {
 public:
  explicit Tally(v1::IngestResponse* response) : response_(response) {}

  void Reject(int64_t index, const std::string& claim_id, const FieldError& error) {
    if (response_->errors_size() < kMaxReportedErrors) {
      v1::RecordError* out = response_->add_errors();
      out->set_record_index(index);
      out->set_claim_id(claim_id);
      out->set_field(error.field);
      out->set_reason(error.reason);
    }
  }

 private:
  v1::IngestResponse* response_;
};

// --- The file registry (ImportFile) ---------------------------------------------------------

// A declared content hash: 64 hex digits, compared in lower case.
absl::StatusOr<std::string> DeclaredHash(const std::string& text) {
  const std::string hash = absl::AsciiStrToLower(text);
  if (hash.size() != 64 ||
      hash.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "content_sha256: must be the file's SHA-256 as 64 hex digits, got ", text.size(),
        " characters"));
  }
  return hash;
}

std::string FormatText(v1::FileFormat format) {
  switch (format) {
    case v1::FILE_FORMAT_X12:
      return "X12";
    case v1::FILE_FORMAT_JSONL:
      return "JSONL";
    default:
      return "CSV";
  }
}

v1::FileFormat FormatFromText(const std::string& text) {
  if (text == "X12") return v1::FILE_FORMAT_X12;
  if (text == "JSONL") return v1::FILE_FORMAT_JSONL;
  return v1::FILE_FORMAT_CSV;
}

ImportedFile ImportedFileFromResponse(const v1::ImportFileResponse& response, absl::Time now) {
  ImportedFile file;
  file.content_sha256 = response.content_sha256();
  file.format = FormatText(response.format());
  file.file_name = response.file_name();
  file.bytes = response.bytes();
  file.claims = response.claims();
  file.claim_lines = response.claim_lines();
  file.remittance_events = response.remittance_events();
  file.provider_adjustments = response.provider_adjustments();
  file.provider_adjustments_stored = response.provider_adjustments_stored();
  file.provider_adjustments_duplicate = response.provider_adjustments_duplicate();
  file.provider_adjustments_rejected = response.provider_adjustments_rejected();
  file.accepted = response.accepted();
  file.duplicate = response.duplicate();
  file.rejected = response.rejected();
  file.unmatched = response.unmatched();
  file.problem_count = response.problem_count();
  file.imported_at = now;
  return file;
}

// The answer to a declared hash already on record: the first import's summary.
void AnswerFromRecord(const ImportedFile& file, v1::ImportFileResponse* response) {
  response->set_format(FormatFromText(file.format));
  response->set_content_sha256(file.content_sha256);
  response->set_bytes(file.bytes);
  response->set_claims(file.claims);
  response->set_claim_lines(file.claim_lines);
  response->set_remittance_events(file.remittance_events);
  response->set_provider_adjustments(file.provider_adjustments);
  response->set_provider_adjustments_stored(file.provider_adjustments_stored);
  response->set_provider_adjustments_duplicate(file.provider_adjustments_duplicate);
  response->set_provider_adjustments_rejected(file.provider_adjustments_rejected);
  response->set_accepted(file.accepted);
  response->set_duplicate(file.duplicate);
  response->set_rejected(file.rejected);
  response->set_unmatched(file.unmatched);
  response->set_problem_count(file.problem_count);
  response->set_already_imported(true);
  *response->mutable_first_import_time() = ToTimestamp(file.imported_at);
  response->set_summary_from_registry(true);
}

// A warning that concerns the whole file rather than a place in it.
void AddFileWarning(std::string reason, v1::ImportFileResponse* response) {
  response->set_problem_count(response->problem_count() + 1);
  if (response->problems_size() >= static_cast<int>(kDefaultMaxKeptProblems)) return;
  v1::ImportProblem* problem = response->add_problems();
  problem->set_severity("warning");
  problem->set_byte_offset(-1);
  problem->set_element("content_sha256");
  problem->set_reason(std::move(reason));
}

// After a file was read to its end: says whether its bytes were imported before, and
// records them when not. `declared` is what the registry held for the declared hash, when
// one was declared (looked up before reading): for a correct declaration it answers without
// asking again. The records are stored whatever happens here, so a registry failure is a
// warning (the next import of the file reads it again), not an error.
void RegisterImportedFile(const ServiceContext& context, const Practice& practice,
                          const std::string& declared_hash,
                          const std::optional<ImportedFile>& declared,
                          v1::ImportFileResponse* response) {
  absl::StatusOr<std::optional<ImportedFile>> before = declared;
  if (declared_hash != response->content_sha256()) {
    if (!declared_hash.empty()) {
      AddFileWarning(absl::StrCat("the first message declared SHA-256 ", declared_hash,
                                  " but the bytes received hash to ",
                                  response->content_sha256()),
                     response);
    }
    before = context.store->FindImportedFile(practice, response->content_sha256());
  }
  absl::Status status = before.status();
  if (status.ok() && before->has_value()) {
    response->set_already_imported(true);
    *response->mutable_first_import_time() = ToTimestamp((*before)->imported_at);
    return;
  }
  if (status.ok()) {
    status = context.store->RecordImportedFile(
        practice, ImportedFileFromResponse(*response, context.clock->Now()));
  }
  if (!status.ok()) {
    AddFileWarning(absl::StrCat("the import is stored, but the file registry could not record "
                                "it (", status.message(), "); importing it again reads it again"),
                   response);
  }
}

// Record-type specifics for the shared loop.
struct ClaimTraits {
  using Request = v1::IngestClaimsRequest;
  using Domain = Claim;
  static const auto& Records(const Request& r) { return r.claims(); }
  static std::optional<Claim> Convert(const v1::ClaimRecord& record, const Practice& practice,
                                      const ServiceContext& context,
                                      std::vector<FieldError>* errors) {
    return ClaimFromProto(record, practice.npi, *context.hasher, errors);
  }
  static absl::StatusOr<std::vector<RecordResult>> Store(ClaimStore* store,
                                                         const Practice& practice,
                                                         const std::vector<Claim>& records) {
    return store->IngestClaims(practice, records);
  }
};

struct RemittanceTraits {
  using Request = v1::IngestRemittancesRequest;
  using Domain = RemittanceEvent;
  static const auto& Records(const Request& r) { return r.remittances(); }
  static std::optional<RemittanceEvent> Convert(const v1::RemittanceRecord& record,
                                                const Practice& practice,
                                                const ServiceContext&,
                                                std::vector<FieldError>* errors) {
    return RemittanceFromProto(record, practice.npi, errors);
  }
  static absl::StatusOr<std::vector<RecordResult>> Store(
      ClaimStore* store, const Practice& practice, const std::vector<RemittanceEvent>& records) {
    return store->IngestRemittances(practice, records);
  }
};

template <typename Traits>
grpc::Status RunIngest(const ServiceContext& context, grpc::ServerContext* server_context,
                       grpc::ServerReader<typename Traits::Request>* reader,
                       v1::IngestResponse* response, RpcCall* call) {
  Tally tally(response);
  typename Traits::Request request;
  std::optional<Practice> practice;
  std::string parent;
  int64_t index = 0;  // position of the next record in the whole stream
  while (reader->Read(&request)) {
    if (server_context->IsCancelled()) {
      return grpc::Status(grpc::StatusCode::CANCELLED, "the client cancelled the stream");
    }
    if (!practice.has_value()) {
      // The first message names the practice; later ones must repeat it (checked below).
      if (grpc::Status refused = call->Admit(request); !refused.ok()) return refused;
      absl::StatusOr<Practice> found = context.store->GetPractice(call->practice_npi());
      if (!found.ok()) return ToGrpcStatus(found.status());
      practice = *std::move(found);
      parent = request.parent();
    } else if (request.parent() != parent) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          absl::StrCat("parent: \"", request.parent(),
                                       "\" differs from the stream's first parent \"", parent,
                                       "\"; send each practice in its own stream"));
    }
    const auto& records = Traits::Records(request);
    if (records.size() > kMaxRecordsPerBatch) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          absl::StrCat("batch ", response->batches() + 1, " has ", records.size(),
                                       " records; at most ", kMaxRecordsPerBatch,
                                       " per message"));
    }
    std::vector<typename Traits::Domain> valid;
    std::vector<int64_t> valid_index;
    std::vector<const std::string*> valid_claim_id;
    valid.reserve(records.size());
    for (const auto& record : records) {
      std::vector<FieldError> errors;
      std::optional<typename Traits::Domain> converted =
          Traits::Convert(record, *practice, context, &errors);
      if (converted.has_value()) {
        valid.push_back(*std::move(converted));
        valid_index.push_back(index);
        valid_claim_id.push_back(&record.claim_id());
      } else {
        response->set_rejected(response->rejected() + 1);
        for (const FieldError& error : errors) tally.Reject(index, record.claim_id(), error);
      }
      ++index;
    }
    response->set_received(index);
    if (!valid.empty()) {
      absl::StatusOr<std::vector<RecordResult>> results =
          Traits::Store(context.store, *practice, valid);
      if (!results.ok()) {
        // Earlier batches are committed; say which batch failed so the client resumes there.
        return ToGrpcStatus(absl::Status(
            results.status().code(),
            absl::StrCat("batch ", response->batches() + 1, " was not stored (batches before it ",
                         "are): ", results.status().message())));
      }
      for (size_t i = 0; i < results->size(); ++i) {
        const RecordResult& result = (*results)[i];
        switch (result.outcome) {
          case RecordOutcome::kAccepted:
            response->set_accepted(response->accepted() + 1);
            if (result.unmatched) response->set_unmatched(response->unmatched() + 1);
            break;
          case RecordOutcome::kDuplicate:
            response->set_duplicate(response->duplicate() + 1);
            break;
          case RecordOutcome::kRejected:
            response->set_rejected(response->rejected() + 1);
            tally.Reject(valid_index[i], *valid_claim_id[i], {result.field, result.reason});
            break;
        }
      }
    }
    response->set_batches(response->batches() + 1);
  }
  if (!practice.has_value()) {
    // Nothing named a practice, so there is nothing the call could be authorized for.
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "the stream carried no message; send at least one naming parent");
  }
  return grpc::Status::OK;
}

void LogCounts(const v1::IngestResponse& response, RpcCall* call) {
  call->SetRows(response.accepted());
  call->Add("received", response.received());
  call->Add("accepted", response.accepted());
  call->Add("duplicate", response.duplicate());
  call->Add("rejected", response.rejected());
  call->Add("unmatched", response.unmatched());
  call->Add("batches", response.batches());
}

}  // namespace

grpc::Status IngestServiceImpl::IngestClaims(
    grpc::ServerContext* server_context, grpc::ServerReader<v1::IngestClaimsRequest>* reader,
    v1::IngestResponse* response) {
  RpcCall call(context_, server_context, "IngestService.IngestClaims");
  if (grpc::Status refused = call.Authenticate(); !refused.ok()) return call.Finish(refused);
  grpc::Status status = RunIngest<ClaimTraits>(context_, server_context, reader, response, &call);
  LogCounts(*response, &call);
  return call.Finish(status);
}

grpc::Status IngestServiceImpl::IngestRemittances(
    grpc::ServerContext* server_context,
    grpc::ServerReader<v1::IngestRemittancesRequest>* reader, v1::IngestResponse* response) {
  RpcCall call(context_, server_context, "IngestService.IngestRemittances");
  if (grpc::Status refused = call.Authenticate(); !refused.ok()) return call.Finish(refused);
  grpc::Status status =
      RunIngest<RemittanceTraits>(context_, server_context, reader, response, &call);
  LogCounts(*response, &call);
  return call.Finish(status);
}

grpc::Status IngestServiceImpl::ImportFile(grpc::ServerContext* server_context,
                                           grpc::ServerReader<v1::ImportFileRequest>* reader,
                                           v1::ImportFileResponse* response) {
  RpcCall call(context_, server_context, "IngestService.ImportFile");
  if (grpc::Status refused = call.Authenticate(); !refused.ok()) return call.Finish(refused);
  v1::ImportFileRequest request;
  if (!reader->Read(&request)) {
    return call.Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                    "parent: the stream ended before its first message"));
  }
  if (grpc::Status refused = call.Admit(request); !refused.ok()) return call.Finish(refused);
  absl::StatusOr<Practice> practice = context_.store->GetPractice(call.practice_npi());
  if (!practice.ok()) return call.Finish(ToGrpcStatus(practice.status()));
  const std::string parent = request.parent();
  std::string declared_hash;
  std::optional<ImportedFile> declared;  // the registry's record of declared_hash
  if (!request.content_sha256().empty()) {
    absl::StatusOr<std::string> hash = DeclaredHash(request.content_sha256());
    if (!hash.ok()) return call.Finish(ToGrpcStatus(hash.status()));
    declared_hash = *std::move(hash);
    absl::StatusOr<std::optional<ImportedFile>> before =
        context_.store->FindImportedFile(*practice, declared_hash);
    if (!before.ok()) return call.Finish(ToGrpcStatus(before.status()));
    // A file whose first import had problems is read again so they are listed again.
    if (before->has_value() && (*before)->problem_count == 0) {
      response->set_file_name(request.file_name());
      AnswerFromRecord(**before, response);
      call.Add("already_imported", 1);
      return call.Finish(grpc::Status::OK);
    }
    declared = *std::move(before);
  }
  FileImport import(context_, *practice, request.format(), request.file_name());
  absl::Status status;
  do {
    if (!request.parent().empty() && request.parent() != parent) {
      status = absl::InvalidArgumentError(absl::StrCat(
          "parent: \"", request.parent(), "\" differs from the first message's \"", parent,
          "\""));
      break;
    }
    if (request.chunk().size() > kMaxImportChunkBytes) {
      status = absl::ResourceExhaustedError(absl::StrCat(
          "chunk: ", request.chunk().size(), " bytes; send at most ", kMaxImportChunkBytes,
          " per message"));
      break;
    }
    status = import.Feed(request.chunk());
  } while (status.ok() && reader->Read(&request));
  if (status.ok()) status = import.Finish();
  import.FillResponse(response);
  // Only a file read to its end is recorded: a cancelled stream ends reads early too.
  if (status.ok() && !server_context->IsCancelled()) {
    RegisterImportedFile(context_, *practice, declared_hash, declared, response);
  }
  call.SetRows(response->accepted());
  call.Add("bytes", response->bytes());
  call.Add("accepted", response->accepted());
  call.Add("duplicate", response->duplicate());
  call.Add("rejected", response->rejected());
  call.Add("problems", response->problem_count());
  call.Add("already_imported", response->already_imported() ? 1 : 0);
  return call.Finish(ToGrpcStatus(status));
}

}  // namespace denialscope
