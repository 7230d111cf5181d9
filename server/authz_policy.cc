// The authorization policy table and the checks around it; see authz_policy.h.
//
// To add an RPC: add one line below with the scope it needs and the request field naming its
// practice. A practice-scoped method is always better than an admin-wide one: a read key for
// one practice should be able to call everything about that practice.
#include "server/authz_policy.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor_database.h"
#include "server/api_convert.h"

namespace denialscope {
namespace {

constexpr absl::string_view kPackage = "denialscope.v1";
constexpr absl::string_view kProtoDirectory = "denialscope/v1/";

constexpr MethodPolicy kPolicies[] = {
    // Onboarding and the key and audit registries span practices: admin only.
    {"AdminService.CreatePractice", Scope::kAdmin, ""},
    {"AdminService.ListPractices", Scope::kAdmin, ""},
    {"AdminService.CreateApiKey", Scope::kAdmin, ""},
    {"AdminService.ListApiKeys", Scope::kAdmin, ""},
    {"AdminService.RevokeApiKey", Scope::kAdmin, ""},
    {"AdminService.ListAuditEvents", Scope::kAdmin, ""},
    // A practice's own record: anyone who may read the practice.
    {"AdminService.GetPractice", Scope::kRead, "name"},

    {"IngestService.IngestClaims", Scope::kIngest, "parent"},
    {"IngestService.IngestRemittances", Scope::kIngest, "parent"},
    {"IngestService.ImportFile", Scope::kIngest, "parent"},

    {"AnalyticsService.GetDenialSummary", Scope::kRead, "practice"},
    {"AnalyticsService.CompareCohorts", Scope::kRead, "practice"},
    {"AnalyticsService.GetTrend", Scope::kRead, "practice"},
    {"AnalyticsService.ListDenialReasons", Scope::kRead, "practice"},
    {"AnalyticsService.GetPaymentTimeline", Scope::kRead, "practice"},
    {"AnalyticsService.ListDeniedClaims", Scope::kRead, "parent"},

    {"ReportService.GetMonthlyReport", Scope::kReport, "name"},
};

}  // namespace

absl::Span<const MethodPolicy> MethodPolicies() { return kPolicies; }

const MethodPolicy* FindMethodPolicy(absl::string_view method) {
  for (const MethodPolicy& policy : kPolicies) {
    if (policy.method == method) return &policy;
  }
  return nullptr;
}

std::vector<const google::protobuf::MethodDescriptor*> ApiMethods() {
  std::vector<std::string> files;
  google::protobuf::DescriptorPool::internal_generated_database()->FindAllFileNames(&files);
  std::sort(files.begin(), files.end());
  std::vector<const google::protobuf::MethodDescriptor*> methods;
  for (const std::string& name : files) {
    if (!absl::StartsWith(name, kProtoDirectory)) continue;
    const google::protobuf::FileDescriptor* file =
        google::protobuf::DescriptorPool::generated_pool()->FindFileByName(name);
    if (file == nullptr || file->package() != kPackage) continue;
    for (int s = 0; s < file->service_count(); ++s) {
      const google::protobuf::ServiceDescriptor* service = file->service(s);
      for (int m = 0; m < service->method_count(); ++m) methods.push_back(service->method(m));
    }
  }
  return methods;
}

std::string ShortMethodName(const google::protobuf::MethodDescriptor& method) {
  return absl::StrCat(method.service()->name(), ".", method.name());
}

absl::Status CheckPolicyCoversApi() {
  std::vector<std::string> problems;
  const std::vector<const google::protobuf::MethodDescriptor*> methods = ApiMethods();
  if (methods.empty()) problems.push_back("no denialscope.v1 service is linked in");
  for (const google::protobuf::MethodDescriptor* method : methods) {
    const std::string name = ShortMethodName(*method);
    const MethodPolicy* policy = FindMethodPolicy(name);
    if (policy == nullptr) {
      problems.push_back(absl::StrCat(name, " has no entry in server/authz_policy.cc"));
      continue;
    }
    if (policy->practice_field.empty()) {
      if (policy->scope != Scope::kAdmin) {
        problems.push_back(absl::StrCat(name, " names no practice but does not need admin"));
      }
      continue;
    }
    const google::protobuf::FieldDescriptor* field =
        method->input_type()->FindFieldByName(std::string(policy->practice_field));
    if (field == nullptr || field->is_repeated() ||
        field->type() != google::protobuf::FieldDescriptor::TYPE_STRING) {
      problems.push_back(absl::StrCat(name, ": ", method->input_type()->full_name(),
                                      " has no string field \"", policy->practice_field, "\""));
    }
  }
  if (problems.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "the authorization policy does not cover the API: ", absl::StrJoin(problems, "; ")));
}

absl::StatusOr<std::string> PracticeOfRequest(const MethodPolicy& policy,
                                              const google::protobuf::Message& request) {
  if (policy.practice_field.empty()) return std::string();
  const google::protobuf::FieldDescriptor* field =
      request.GetDescriptor()->FindFieldByName(std::string(policy.practice_field));
  if (field == nullptr || field->is_repeated() ||
      field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_STRING) {
    // CheckPolicyCoversApi() refuses such a table at start-up; never guess a practice.
    return absl::InternalError(absl::StrCat("the authorization policy of ", policy.method,
                                            " names a field its request lacks"));
  }
  const std::string value = request.GetReflection()->GetString(request, field);
  // `practices/{npi}` itself, or a resource below it: `practices/{npi}/claims/{claim}`.
  const size_t first = value.find('/');
  const size_t second = first == std::string::npos ? first : value.find('/', first + 1);
  const std::string practice = value.substr(0, second);
  return ParsePracticeName(practice, field->name());
}

}  // namespace denialscope
