// AdminService handlers.
#include "server/admin_service.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "analytics/npi.h"
#include "analytics/status_macros.h"
#include "server/api_key.h"
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
constexpr absl::string_view kListApiKeysTag = "ListApiKeys";
constexpr absl::string_view kApiKeyPrefix = "apiKeys/";

// page_size as AIP-158 has it: negative refused, 0 the default, large values capped.
absl::StatusOr<int> PageSize(int requested) {
  if (requested < 0) return absl::InvalidArgumentError("page_size: must not be negative");
  return requested == 0 ? kDefaultPageSize : std::min(requested, kMaxPageSize);
}

v1::ApiKeyScope ScopeToProto(Scope scope) {
  switch (scope) {
    case Scope::kIngest:
      return v1::API_KEY_SCOPE_INGEST;
    case Scope::kRead:
      return v1::API_KEY_SCOPE_READ;
    case Scope::kReport:
      return v1::API_KEY_SCOPE_REPORT;
    case Scope::kAdmin:
      return v1::API_KEY_SCOPE_ADMIN;
  }
  return v1::API_KEY_SCOPE_UNSPECIFIED;
}

std::optional<Scope> ScopeFromProto(int scope) {
  switch (scope) {
    case v1::API_KEY_SCOPE_INGEST:
      return Scope::kIngest;
    case v1::API_KEY_SCOPE_READ:
      return Scope::kRead;
    case v1::API_KEY_SCOPE_REPORT:
      return Scope::kReport;
    case v1::API_KEY_SCOPE_ADMIN:
      return Scope::kAdmin;
    default:
      return std::nullopt;
  }
}

std::string ApiKeyName(absl::string_view key_id) { return absl::StrCat(kApiKeyPrefix, key_id); }

// "apiKeys/{key_id}" -> key_id. INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<std::string> ParseApiKeyName(absl::string_view name, absl::string_view field) {
  absl::string_view id = name;
  if (!absl::ConsumePrefix(&id, kApiKeyPrefix) || !IsKeyId(id)) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": \"", name, "\" is not an API key name of the form apiKeys/{16 hex digits}"));
  }
  return std::string(id);
}

v1::ApiKey ApiKeyToProto(const ApiKeyRecord& key) {
  v1::ApiKey out;
  out.set_name(ApiKeyName(key.key_id));
  out.set_display_name(key.display_name);
  for (Scope scope : key.scopes) out.add_scopes(ScopeToProto(scope));
  for (const std::string& npi : key.practice_npis) out.add_practices(PracticeName(npi));
  out.set_all_practices(key.all_practices);
  *out.mutable_create_time() = ToTimestamp(key.create_time);
  if (key.expire_time.has_value()) *out.mutable_expire_time() = ToTimestamp(*key.expire_time);
  if (key.revoke_time.has_value()) *out.mutable_revoke_time() = ToTimestamp(*key.revoke_time);
  return out;
}

// The key a CreateApiKey request asks for, validated, practices checked against the store.
absl::StatusOr<ApiKeyRecord> ApiKeySpecFromProto(const v1::ApiKey& in, ClaimStore& store,
                                                 absl::Time now) {
  ApiKeyRecord spec;
  spec.display_name = std::string(absl::StripAsciiWhitespace(in.display_name()));
  if (in.scopes().empty()) {
    return absl::InvalidArgumentError("api_key.scopes: at least one scope is required");
  }
  std::set<Scope> scopes;
  for (int i = 0; i < in.scopes_size(); ++i) {
    std::optional<Scope> scope = ScopeFromProto(in.scopes(i));
    if (!scope.has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat("api_key.scopes[", i, "]: not one of ingest, read, report, admin"));
    }
    scopes.insert(*scope);
  }
  spec.scopes.assign(scopes.begin(), scopes.end());
  if (scopes.count(Scope::kAdmin) > 0) {
    if (!in.practices().empty()) {
      return absl::InvalidArgumentError(
          "api_key.practices: an admin key touches every practice; leave practices empty");
    }
    spec.all_practices = true;
  } else if (in.practices().empty()) {
    return absl::InvalidArgumentError(
        "api_key.practices: a key without the admin scope needs at least one practice");
  }
  std::set<std::string> npis;
  for (int i = 0; i < in.practices_size(); ++i) {
    DS_ASSIGN_OR_RETURN(std::string npi,
                        ParsePracticeName(in.practices(i), absl::StrCat("api_key.practices[", i, "]")));
    DS_RETURN_IF_ERROR(store.GetPractice(npi).status());
    npis.insert(npi);
  }
  spec.practice_npis.assign(npis.begin(), npis.end());
  if (in.has_expire_time()) {
    spec.expire_time = FromTimestamp(in.expire_time());
    if (*spec.expire_time <= now) {
      return absl::InvalidArgumentError("api_key.expire_time: must be in the future");
    }
  }
  return spec;
}

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
  absl::StatusOr<int> page_size = PageSize(request->page_size());
  if (!page_size.ok()) return call.Finish(ToGrpcStatus(page_size.status()));
  std::string after_npi;
  if (!request->page_token().empty()) {
    absl::StatusOr<std::string> position =
        DecodePageToken(request->page_token(), kListPracticesTag);
    if (!position.ok()) return call.Finish(ToGrpcStatus(position.status()));
    after_npi = *std::move(position);
  }
  absl::StatusOr<PracticePage> page = context_.store->ListPractices(*page_size, after_npi);
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


grpc::Status AdminServiceImpl::CreateApiKey(grpc::ServerContext* server_context,
                                            const v1::CreateApiKeyRequest* request,
                                            v1::CreateApiKeyResponse* response) {
  RpcCall call(context_, server_context, "AdminService.CreateApiKey");
  if (grpc::Status refused = call.Admit(*request); !refused.ok()) return call.Finish(refused);
  const absl::Time now = context_.clock->Now();
  absl::StatusOr<ApiKeyRecord> spec = ApiKeySpecFromProto(request->api_key(), *context_.store, now);
  if (!spec.ok()) return call.Finish(ToGrpcStatus(spec.status()));
  absl::StatusOr<IssuedApiKey> issued = IssueApiKey(*context_.access, *std::move(spec), now);
  if (!issued.ok()) return call.Finish(ToGrpcStatus(issued.status()));
  *response->mutable_api_key() = ApiKeyToProto(issued->record);
  response->set_key(issued->plaintext);
  call.SetRows(1);
  return call.Finish(grpc::Status::OK);
}

grpc::Status AdminServiceImpl::ListApiKeys(grpc::ServerContext* server_context,
                                           const v1::ListApiKeysRequest* request,
                                           v1::ListApiKeysResponse* response) {
  RpcCall call(context_, server_context, "AdminService.ListApiKeys");
  if (grpc::Status refused = call.Admit(*request); !refused.ok()) return call.Finish(refused);
  absl::StatusOr<int> page_size = PageSize(request->page_size());
  if (!page_size.ok()) return call.Finish(ToGrpcStatus(page_size.status()));
  std::string after;
  if (!request->page_token().empty()) {
    absl::StatusOr<std::string> position = DecodePageToken(request->page_token(), kListApiKeysTag);
    if (!position.ok()) return call.Finish(ToGrpcStatus(position.status()));
    after = *std::move(position);
  }
  absl::StatusOr<ApiKeyPage> page = context_.access->ListApiKeys(*page_size, after);
  if (!page.ok()) return call.Finish(ToGrpcStatus(page.status()));
  for (const ApiKeyRecord& key : page->keys) *response->add_api_keys() = ApiKeyToProto(key);
  if (!page->next_key_id.empty()) {
    response->set_next_page_token(EncodePageToken(kListApiKeysTag, page->next_key_id));
  }
  call.SetRows(static_cast<int64_t>(page->keys.size()));
  return call.Finish(grpc::Status::OK);
}

grpc::Status AdminServiceImpl::RevokeApiKey(grpc::ServerContext* server_context,
                                            const v1::RevokeApiKeyRequest* request,
                                            v1::ApiKey* response) {
  RpcCall call(context_, server_context, "AdminService.RevokeApiKey");
  if (grpc::Status refused = call.Admit(*request); !refused.ok()) return call.Finish(refused);
  absl::StatusOr<std::string> key_id = ParseApiKeyName(request->name(), "name");
  if (!key_id.ok()) return call.Finish(ToGrpcStatus(key_id.status()));
  absl::StatusOr<ApiKeyRecord> revoked =
      context_.access->RevokeApiKey(*key_id, context_.clock->Now());
  if (!revoked.ok()) return call.Finish(ToGrpcStatus(revoked.status()));
  *response = ApiKeyToProto(*revoked);
  call.SetRows(1);
  return call.Finish(grpc::Status::OK);
}

grpc::Status AdminServiceImpl::ListAuditEvents(grpc::ServerContext* server_context,
                                               const v1::ListAuditEventsRequest* request,
                                               v1::ListAuditEventsResponse* response) {
  RpcCall call(context_, server_context, "AdminService.ListAuditEvents");
  if (grpc::Status refused = call.Admit(*request); !refused.ok()) return call.Finish(refused);
  AuditQuery query;
  absl::StatusOr<int> page_size = PageSize(request->page_size());
  if (!page_size.ok()) return call.Finish(ToGrpcStatus(page_size.status()));
  query.page_size = *page_size;
  if (!request->practice().empty()) {
    absl::StatusOr<std::string> npi = ParsePracticeName(request->practice(), "practice");
    if (!npi.ok()) return call.Finish(ToGrpcStatus(npi.status()));
    query.practice_npi = *std::move(npi);
  }
  if (!request->api_key().empty()) {
    absl::StatusOr<std::string> key_id = ParseApiKeyName(request->api_key(), "api_key");
    if (!key_id.ok()) return call.Finish(ToGrpcStatus(key_id.status()));
    query.key_id = *std::move(key_id);
  }
  // The filters are part of the tag: a token is only good for the query that issued it.
  const std::string tag = absl::StrCat("ListAuditEvents/", query.practice_npi, "/", query.key_id);
  if (!request->page_token().empty()) {
    absl::StatusOr<std::string> position = DecodePageToken(request->page_token(), tag);
    if (!position.ok()) return call.Finish(ToGrpcStatus(position.status()));
    if (!absl::SimpleAtoi(*position, &query.before_audit_id) || query.before_audit_id <= 0) {
      return call.Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                      "page_token: not a token issued by this API"));
    }
  }
  absl::StatusOr<AuditPage> page = context_.access->ListAuditEvents(query);
  if (!page.ok()) return call.Finish(ToGrpcStatus(page.status()));
  for (const AuditEvent& event : page->events) {
    v1::AuditEvent* out = response->add_events();
    *out->mutable_time() = ToTimestamp(event.time);
    out->set_api_key(ApiKeyName(event.key_id));
    out->set_method(event.method);
    if (!event.practice_npi.empty()) out->set_practice(PracticeName(event.practice_npi));
    out->set_status(event.status);
    out->set_rows(event.rows);
  }
  if (page->next_before_audit_id > 0) {
    response->set_next_page_token(
        EncodePageToken(tag, absl::StrCat(page->next_before_audit_id)));
  }
  call.SetRows(static_cast<int64_t>(page->events.size()));
  return call.Finish(grpc::Status::OK);
}

}  // namespace denialscope
