// IngestService handlers. Claims and remittances share one loop: read a batch, check the
// practice, convert and validate each record, store the valid ones in one transaction, and
// tally. The two differ only in the record type and the store call.
#include "server/ingest_service.h"

#include <optional>
#include <vector>

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
  FileImport import(context_, *std::move(practice), request.format(), request.file_name());
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
  call.SetRows(response->accepted());
  call.Add("bytes", response->bytes());
  call.Add("accepted", response->accepted());
  call.Add("duplicate", response->duplicate());
  call.Add("rejected", response->rejected());
  call.Add("problems", response->problem_count());
  return call.Finish(ToGrpcStatus(status));
}

}  // namespace denialscope
