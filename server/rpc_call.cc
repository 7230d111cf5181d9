// The per-call guard; see rpc_call.h.
#include "server/rpc_call.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/api_key.h"
#include "server/grpc_status.h"

namespace denialscope {
namespace {

constexpr char kAuthorizationHeader[] = "authorization";

grpc::Status Refuse(grpc::StatusCode code, std::string message) {
  return grpc::Status(code, std::move(message));
}

}  // namespace

RpcCall::RpcCall(const ServiceContext& context, grpc::ServerContext* server_context,
                 absl::string_view method)
    : context_(context),
      server_context_(server_context),
      method_(method),
      policy_(FindMethodPolicy(method)),
      start_(context.clock->Now()) {}

RpcCall::~RpcCall() { ReleaseSlot(); }

void RpcCall::ReleaseSlot() {
  if (holds_slot_ && context_.limiter != nullptr) context_.limiter->Release(key_->key_id);
  holds_slot_ = false;
}

grpc::Status RpcCall::AuthenticateKey() {
  if (context_.access == nullptr || server_context_ == nullptr) {
    return Refuse(grpc::StatusCode::UNAUTHENTICATED, "no call metadata to authenticate");
  }
  const auto& metadata = server_context_->client_metadata();
  auto header = metadata.find(kAuthorizationHeader);
  const absl::string_view value =
      header == metadata.end()
          ? absl::string_view()
          : absl::string_view(header->second.data(), header->second.size());
  absl::StatusOr<std::string> token = BearerToken(value);
  if (!token.ok()) return ToGrpcStatus(token.status());
  absl::StatusOr<ParsedApiKey> parsed = ParseApiKey(*token);
  if (!parsed.ok()) return ToGrpcStatus(parsed.status());
  absl::StatusOr<ApiKeyRecord> stored = context_.access->GetApiKey(parsed->key_id);
  if (absl::IsNotFound(stored.status())) {
    return Refuse(grpc::StatusCode::UNAUTHENTICATED, "the API key is not valid");
  }
  if (!stored.ok()) {
    return Refuse(grpc::StatusCode::UNAVAILABLE,
                  absl::StrCat("cannot check the API key now: ", stored.status().message()));
  }
  if (!SecretHashesEqual(stored->secret_hash, HashApiKeySecret(parsed->secret))) {
    return Refuse(grpc::StatusCode::UNAUTHENTICATED, "the API key is not valid");
  }
  const absl::Time now = context_.clock->Now();
  if (stored->revoke_time.has_value() && *stored->revoke_time <= now) {
    return Refuse(grpc::StatusCode::UNAUTHENTICATED,
                  absl::StrCat("API key ", stored->key_id, " was revoked"));
  }
  if (stored->expire_time.has_value() && *stored->expire_time <= now) {
    return Refuse(grpc::StatusCode::UNAUTHENTICATED,
                  absl::StrCat("API key ", stored->key_id, " expired at ",
                               absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", *stored->expire_time,
                                                absl::UTCTimeZone())));
  }
  key_ = *std::move(stored);
  return grpc::Status::OK;
}

grpc::Status RpcCall::Authenticate() {
  if (authenticated_) return grpc::Status::OK;
  if (policy_ == nullptr) {
    // CheckPolicyCoversApi() refuses to start a server with such a method; never guess.
    return Refuse(grpc::StatusCode::INTERNAL,
                  absl::StrCat("no authorization policy for ", method_));
  }
  if (grpc::Status status = AuthenticateKey(); !status.ok()) return status;
  if (!key_->HasScope(policy_->scope)) {
    return Refuse(grpc::StatusCode::PERMISSION_DENIED,
                  absl::StrCat("API key ", key_->key_id, " lacks the \"",
                               ScopeName(policy_->scope), "\" scope that ", method_, " needs"));
  }
  if (context_.limiter != nullptr) {
    if (!context_.limiter->TryAcquire(key_->key_id)) {
      return Refuse(grpc::StatusCode::RESOURCE_EXHAUSTED,
                    absl::StrCat("API key ", key_->key_id, " already has ",
                                 context_.limiter->max_per_key(),
                                 " calls in flight; retry when one ends"));
    }
    holds_slot_ = true;
  }
  authenticated_ = true;
  return grpc::Status::OK;
}

grpc::Status RpcCall::Admit(const google::protobuf::Message& request) {
  if (grpc::Status status = Authenticate(); !status.ok()) return status;
  absl::StatusOr<std::string> npi = PracticeOfRequest(*policy_, request);
  if (!npi.ok()) return ToGrpcStatus(npi.status());
  practice_npi_ = *npi;
  if (!npi->empty() && !key_->MayTouchPractice(*npi)) {
    // The same answer whether or not the practice exists: nothing leaks about others.
    return Refuse(grpc::StatusCode::PERMISSION_DENIED,
                  absl::StrCat("API key ", key_->key_id, " may not access practices/", *npi));
  }
  admitted_ = true;
  return grpc::Status::OK;
}

void RpcCall::Add(std::string key, int64_t value) {
  counts_.emplace_back(std::move(key), absl::StrCat(value));
}

grpc::Status RpcCall::Finish(grpc::Status status) {
  if (finished_) return status;
  finished_ = true;
  ReleaseSlot();
  if (status.ok() && !admitted_) {
    status = Refuse(grpc::StatusCode::INTERNAL,
                    absl::StrCat(method_, " ended without authorizing the call"));
  }
  const absl::Time now = context_.clock->Now();
  if (key_.has_value() && context_.access != nullptr) {
    AuditEvent event;
    event.time = now;
    event.key_id = key_->key_id;
    event.method = method_;
    event.practice_npi = practice_npi_;
    event.status = std::string(StatusCodeName(status.error_code()));
    event.rows = rows_;
    absl::Status appended = context_.access->AppendAuditEvent(event);
    if (!appended.ok() && status.ok()) {
      status = Refuse(grpc::StatusCode::UNAVAILABLE,
                      absl::StrCat("the call could not be recorded in the audit trail, so its "
                                   "answer is withheld; retry: ",
                                   appended.message()));
    }
  }
  std::vector<std::pair<std::string, std::string>> fields = {
      {"method", JsonString(method_)},
      {"key", JsonString(key_.has_value() ? key_->key_id : "")},
      {"practice", JsonString(practice_npi_)},
      {"status", JsonString(StatusCodeName(status.error_code()))},
      {"duration_ms", absl::StrFormat("%.3f", absl::ToDoubleMilliseconds(now - start_))},
      {"rows", absl::StrCat(rows_)},
  };
  fields.insert(fields.end(), counts_.begin(), counts_.end());
  if (!status.ok()) fields.emplace_back("error", JsonString(status.error_message()));
  context_.log->Write(FormatLogLine(now, "rpc", fields));
  return status;
}

}  // namespace denialscope
