// RpcCall: the one guard every denialscope.v1 handler goes through. It authenticates the
// caller's API key, authorizes the call by the policy table (authz_policy.cc), caps the
// key's calls in flight, and when the handler finishes writes the structured log line and
// appends the audit row.
//
// Why a guard object and not a gRPC interceptor: gRPC C++ 1.51 server interceptors cannot
// fail a call, and AuthMetadataProcessor is not run on insecure (loopback) ports. A guard
// constructed as the first statement of every handler gives the same single place.
//
// Usage, unary (the request names its practice in the field the policy lists):
//
//   grpc::Status AnalyticsServiceImpl::GetDenialSummary(grpc::ServerContext* server_context,
//                                                       const v1::GetDenialSummaryRequest* request,
//                                                       v1::DenialSummary* response) {
//     RpcCall call(context_, server_context, "AnalyticsService.GetDenialSummary");
//     if (grpc::Status refused = call.Admit(*request); !refused.ok()) return call.Finish(refused);
//     ...                                  // the handler's own work
//     call.SetRows(n);                     // what the audit row says was returned
//     call.Add("claims", n);               // extra counts for the log line (never patient data)
//     return call.Finish(grpc::Status::OK);
//   }
//
// Usage, client streaming: `call.Authenticate()` before reading (so an unauthenticated
// stream is refused before its data is read), then `call.Admit(message)` on each message
// read (or at least on the first one, when the handler refuses a practice change itself).
//
// Every RPC needs a line in server/authz_policy.cc; the server refuses to start without it.
// Finish() turns an OK status into INTERNAL when the call was never admitted, so a handler
// that forgets Admit fails closed. Health checking and reflection are not our handlers and
// stay open.
//
// Errors Admit/Authenticate return: UNAUTHENTICATED for a missing, malformed, unknown,
// expired or revoked key; PERMISSION_DENIED when the key lacks the scope or the practice
// (the same answer whether or not that practice exists); INVALID_ARGUMENT naming the field
// when the practice field is malformed; RESOURCE_EXHAUSTED when the key has its maximum of
// calls in flight; UNAVAILABLE when the key store cannot be reached.
#ifndef DENIALSCOPE_SERVER_RPC_CALL_H_
#define DENIALSCOPE_SERVER_RPC_CALL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "analytics/access_store.h"
#include "google/protobuf/message.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/status.h"
#include "server/authz_policy.h"
#include "server/service_context.h"

namespace denialscope {

class RpcCall {
 public:
  // `method` is "Service.Method" of package denialscope.v1, as in the policy table.
  RpcCall(const ServiceContext& context, grpc::ServerContext* server_context,
          absl::string_view method);
  RpcCall(const RpcCall&) = delete;
  RpcCall& operator=(const RpcCall&) = delete;
  // Releases the key's call slot if Finish() was never reached.
  ~RpcCall();

  // Authenticates the key (once) and checks the method's scope. OK or the status to end the
  // call with (pass it to Finish).
  grpc::Status Authenticate();

  // Authenticate(), then the practice the request names in its policy field must be one the
  // key may touch. May be called again with later messages of a stream.
  grpc::Status Admit(const google::protobuf::Message& request);

  // For the audit row and the log line: claims read (analytics), records stored (ingest) or
  // items listed (lists).
  void SetRows(int64_t rows) { rows_ = rows; }
  // Admin-wide calls that act on one practice (CreatePractice) name it here for the log line
  // and the audit row. Authorizes nothing; ignored once Admit() found a practice.
  void NotePractice(std::string npi) {
    if (practice_npi_.empty()) practice_npi_ = std::move(npi);
  }
  // A further count for the log line.
  void Add(std::string key, int64_t value);

  // Writes the log line and the audit row (for an authenticated caller) and returns the
  // status to send: `status`, except INTERNAL for an OK call that was never admitted, and
  // UNAVAILABLE for an OK call whose audit row could not be written (nothing is returned
  // that leaves no trace). Call exactly once, as `return call.Finish(status);`.
  grpc::Status Finish(grpc::Status status);

  // The authenticated key; nullptr before Authenticate() succeeded.
  const ApiKeyRecord* key() const { return key_.has_value() ? &*key_ : nullptr; }
  // The NPI admitted by Admit(); empty for methods that name no practice.
  const std::string& practice_npi() const { return practice_npi_; }
  const std::string& method() const { return method_; }

 private:
  grpc::Status AuthenticateKey();
  void ReleaseSlot();

  const ServiceContext& context_;
  grpc::ServerContext* server_context_;
  const std::string method_;
  const MethodPolicy* policy_;
  const absl::Time start_;
  std::optional<ApiKeyRecord> key_;
  bool authenticated_ = false;
  bool admitted_ = false;
  bool holds_slot_ = false;
  bool finished_ = false;
  std::string practice_npi_;
  int64_t rows_ = 0;
  std::vector<std::pair<std::string, std::string>> counts_;
};

}  // namespace denialscope

#endif  // DENIALSCOPE_SERVER_RPC_CALL_H_
