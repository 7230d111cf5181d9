// AdminService handlers.
#include "server/admin_service.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "analytics/npi.h"
#include "server/api_convert.h"
#include "server/grpc_status.h"
#include "server/page_token.h"
#include "server/rpc_call.h"

namespace denialscope {
namespace {
namespace v1 = ::denialscope::v1;
constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 1000;
constexpr absl::string_view kListPracticesTag = "ListPractices";
}  // namespace

grpc::Status AdminServiceImpl::CreatePractice(grpc::ServerContext* server_context,
                                              const v1::CreatePracticeRequest* request,
                                              v1::Practice* response) {
  RpcCall call(context_, server_context, "AdminService.CreatePractice");
  if (grpc::Status refused = call.Admit(*request); !refused.ok()) return call.Finish(refused);
  const std::string npi(absl::StripAsciiWhitespace(request->practice().npi()));
  call.NotePractice(npi);
  if (absl::Status valid = ValidateNpi(npi); !valid.ok()) {
    return call.Finish(ToGrpcStatus(absl::InvalidArgumentError(
        absl::StrCat("practice.npi: ", valid.message()))));
  }
  const std::string name(absl::StripAsciiWhitespace(request->practice().display_name()));
  if (name.empty()) {
    return call.Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                   "practice.display_name: required"));
  }
  absl::StatusOr<Practice> created = context_.store->CreatePractice(npi, name);
  if (!created.ok()) return call.Finish(ToGrpcStatus(created.status()));
  *response = PracticeToProto(*created);
  return call.Finish(grpc::Status::OK);
}

grpc::Status AdminServiceImpl::GetPractice(grpc::ServerContext* server_context,
                                           const v1::GetPracticeRequest* request,
                                           v1::Practice* response) {
  RpcCall call(context_, server_context, "AdminService.GetPractice");
  if (grpc::Status refused = call.Admit(*request); !refused.ok()) return call.Finish(refused);
  absl::StatusOr<Practice> practice = context_.store->GetPractice(call.practice_npi());
  if (!practice.ok()) return call.Finish(ToGrpcStatus(practice.status()));
  *response = PracticeToProto(*practice);
  call.SetRows(1);
  return call.Finish(grpc::Status::OK);
}

grpc::Status AdminServiceImpl::ListPractices(grpc::ServerContext* server_context,
                                             const v1::ListPracticesRequest* request,
                                             v1::ListPracticesResponse* response) {
  RpcCall call(context_, server_context, "AdminService.ListPractices");
  if (grpc::Status refused = call.Admit(*request); !refused.ok()) return call.Finish(refused);
  if (request->page_size() < 0) {
    return call.Finish(
        grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "page_size: must not be negative"));
  }
  const int page_size =
      request->page_size() == 0 ? kDefaultPageSize : std::min(request->page_size(), kMaxPageSize);
  std::string after_npi;
  if (!request->page_token().empty()) {
    absl::StatusOr<std::string> position =
        DecodePageToken(request->page_token(), kListPracticesTag);
    if (!position.ok()) return call.Finish(ToGrpcStatus(position.status()));
    after_npi = *std::move(position);
  }
  absl::StatusOr<PracticePage> page = context_.store->ListPractices(page_size, after_npi);
  if (!page.ok()) return call.Finish(ToGrpcStatus(page.status()));
  for (const Practice& practice : page->practices) {
    *response->add_practices() = PracticeToProto(practice);
  }
  if (!page->next_npi.empty()) {
    response->set_next_page_token(EncodePageToken(kListPracticesTag, page->next_npi));
  }
  call.SetRows(static_cast<int64_t>(page->practices.size()));
  return call.Finish(grpc::Status::OK);
}

}  // namespace denialscope
