// Authorization policy: for every method of every denialscope.v1 service, the scope a key
// needs and the request field that names the practice the call touches. One table
// (authz_policy.cc) decides it for the whole API, so authorization is never scattered in
// handlers; RpcCall (rpc_call.h) applies it. The server refuses to start when a method of
// the generated API has no entry (fail closed): adding an RPC means adding a line there.
#ifndef DENIALSCOPE_SERVER_AUTHZ_POLICY_H_
#define DENIALSCOPE_SERVER_AUTHZ_POLICY_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "analytics/access_store.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace denialscope {

struct MethodPolicy {
  // "Service.Method" within package denialscope.v1, e.g. "AnalyticsService.GetDenialSummary".
  absl::string_view method;
  Scope scope;
  // The top-level string field of the request holding `practices/{npi}` (or a resource name
  // under it, `practices/{npi}/...`): "parent", "practice" or "name". Empty when the call
  // names no practice; such methods must need kAdmin, whose keys cover every practice.
  absl::string_view practice_field;
};

// Every entry of the table.
absl::Span<const MethodPolicy> MethodPolicies();

// The entry for "Service.Method"; nullptr when there is none.
const MethodPolicy* FindMethodPolicy(absl::string_view method);

// Every method of every service in package denialscope.v1 that is compiled into this binary,
// read from the generated descriptors (so an RPC added later is found without code here).
std::vector<const google::protobuf::MethodDescriptor*> ApiMethods();

// "Service.Method" of a method of package denialscope.v1.
std::string ShortMethodName(const google::protobuf::MethodDescriptor& method);

// OK when every ApiMethods() entry has a policy whose practice field exists in its request
// as a string, and every practice-less policy needs kAdmin. FAILED_PRECONDITION listing each
// problem otherwise.
absl::Status CheckPolicyCoversApi();

// The NPI the request names in the policy's practice field. INVALID_ARGUMENT naming the
// field when it is empty or not `practices/{10-digit npi}[/...]`. Empty for a policy without
// a practice field.
absl::StatusOr<std::string> PracticeOfRequest(const MethodPolicy& policy,
                                              const google::protobuf::Message& request);

}  // namespace denialscope

#endif  // DENIALSCOPE_SERVER_AUTHZ_POLICY_H_
