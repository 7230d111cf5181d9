// The keys and audit commands; see key_commands.h.
#include "cli/key_commands.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "cli/commands.h"
#include "denialscope/v1/admin_service.grpc.pb.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/client_context.h"

namespace denialscope::cli {

namespace {

namespace v1 = ::denialscope::v1;

int Failed(absl::string_view what, const grpc::Status& status, std::ostream& err) {
  err << "denialscope: " << what << " failed: " << status.error_message() << " (code "
      << status.error_code() << ")\n";
  return kExitFailure;
}

std::string FormatTimestamp(const google::protobuf::Timestamp& time) {
  if (time.seconds() == 0 && time.nanos() == 0) return "-";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(time.seconds()),
                          absl::UTCTimeZone());
}

std::string ScopeText(int scope) {
  switch (scope) {
    case v1::API_KEY_SCOPE_INGEST:
      return "ingest";
    case v1::API_KEY_SCOPE_READ:
      return "read";
    case v1::API_KEY_SCOPE_REPORT:
      return "report";
    case v1::API_KEY_SCOPE_ADMIN:
      return "admin";
    default:
      return "?";
  }
}

std::string Describe(const v1::ApiKey& key) {
  std::vector<std::string> scopes;
  for (int scope : key.scopes()) scopes.push_back(ScopeText(scope));
  const std::string practices =
      key.all_practices() ? "all practices" : absl::StrJoin(key.practices(), ",");
  std::string state = "active";
  if (key.has_revoke_time()) {
    state = "revoked " + FormatTimestamp(key.revoke_time());
  } else if (key.has_expire_time()) {
    state = "expires " + FormatTimestamp(key.expire_time());
  }
  return absl::StrCat(key.name(), "\t", key.display_name(), "\t", absl::StrJoin(scopes, ","),
                      "\t", practices, "\t", state);
}

int CreateKey(const Args& args, v1::AdminService::Stub& stub, std::ostream& out,
              std::ostream& err) {
  v1::CreateApiKeyRequest request;
  v1::ApiKey* key = request.mutable_api_key();
  key->set_display_name(args.Get("name"));
  for (absl::string_view scope : absl::StrSplit(args.Get("scopes"), ',', absl::SkipEmpty())) {
    v1::ApiKeyScope value;
    const std::string name = absl::StrCat("API_KEY_SCOPE_", absl::AsciiStrToUpper(scope));
    if (!v1::ApiKeyScope_Parse(name, &value) || value == v1::API_KEY_SCOPE_UNSPECIFIED) {
      err << "denialscope: --scopes: \"" << scope << "\" is not ingest, read, report or admin\n";
      return kExitUsage;
    }
    key->add_scopes(value);
  }
  if (key->scopes().empty()) {
    err << "usage: denialscope keys create --practice NPI[,NPI...] --scopes read,report "
           "[--expires YYYY-MM-DD] [--name NAME]\n";
    return kExitUsage;
  }
  for (absl::string_view npi : absl::StrSplit(args.Get("practice"), ',', absl::SkipEmpty())) {
    key->add_practices(absl::StrCat("practices/", npi));
  }
  if (const std::string expires = args.Get("expires"); !expires.empty()) {
    absl::CivilDay day;
    if (!absl::ParseCivilTime(expires, &day)) {
      err << "denialscope: --expires: \"" << expires << "\" is not a YYYY-MM-DD date\n";
      return kExitUsage;
    }
    key->mutable_expire_time()->set_seconds(
        absl::ToUnixSeconds(absl::FromCivil(day, absl::UTCTimeZone())));
  }
  v1::CreateApiKeyResponse response;
  grpc::ClientContext context;
  grpc::Status status = stub.CreateApiKey(&context, request, &response);
  if (!status.ok()) return Failed("keys create", status, err);
  err << "created " << Describe(response.api_key())
      << "\nthe key is shown only now; keep it secret:\n";
  out << response.key() << "\n";
  return kExitOk;
}

int ListKeys(v1::AdminService::Stub& stub, std::ostream& out, std::ostream& err) {
  v1::ListApiKeysRequest request;
  do {
    v1::ListApiKeysResponse response;
    grpc::ClientContext context;
    grpc::Status status = stub.ListApiKeys(&context, request, &response);
    if (!status.ok()) return Failed("keys list", status, err);
    for (const v1::ApiKey& key : response.api_keys()) out << Describe(key) << "\n";
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  return kExitOk;
}

int RevokeKey(const Args& args, v1::AdminService::Stub& stub, std::ostream& out,
              std::ostream& err) {
  if (args.positional.size() != 3) {
    err << "usage: denialscope keys revoke KEY_ID\n";
    return kExitUsage;
  }
  std::string name = args.positional[2];
  if (!absl::StartsWith(name, "apiKeys/")) name = "apiKeys/" + name;
  v1::RevokeApiKeyRequest request;
  request.set_name(name);
  v1::ApiKey key;
  grpc::ClientContext context;
  grpc::Status status = stub.RevokeApiKey(&context, request, &key);
  if (!status.ok()) return Failed("keys revoke", status, err);
  out << "revoked " << Describe(key) << "\n";
  return kExitOk;
}

}  // namespace

int RunKeys(const Args& args, const std::shared_ptr<grpc::Channel>& channel, std::ostream& out,
            std::ostream& err) {
  auto stub = v1::AdminService::NewStub(channel);
  const std::string sub = args.positional.size() > 1 ? args.positional[1] : "";
  if (sub == "create") return CreateKey(args, *stub, out, err);
  if (sub == "list") return ListKeys(*stub, out, err);
  if (sub == "revoke") return RevokeKey(args, *stub, out, err);
  err << "usage: denialscope keys create|list|revoke ...\n";
  return kExitUsage;
}

int RunAudit(const Args& args, const std::shared_ptr<grpc::Channel>& channel, std::ostream& out,
             std::ostream& err) {
  int limit = 50;
  if (const std::string text = args.Get("limit"); !text.empty()) {
    if (!absl::SimpleAtoi(text, &limit) || limit < 1) {
      err << "denialscope: --limit must be a positive number\n";
      return kExitUsage;
    }
  }
  auto stub = v1::AdminService::NewStub(channel);
  v1::ListAuditEventsRequest request;
  if (const std::string npi = args.Get("practice"); !npi.empty()) {
    request.set_practice(absl::StrCat("practices/", npi));
  }
  if (std::string key = args.Get("key"); !key.empty()) {
    if (!absl::StartsWith(key, "apiKeys/")) key = "apiKeys/" + key;
    request.set_api_key(key);
  }
  v1::ListAuditEventsResponse all;
  while (all.events_size() < limit) {
    request.set_page_size(std::min(limit - all.events_size(), 1000));
    v1::ListAuditEventsResponse page;
    grpc::ClientContext context;
    grpc::Status status = stub->ListAuditEvents(&context, request, &page);
    if (!status.ok()) return Failed("audit", status, err);
    for (v1::AuditEvent& event : *page.mutable_events()) *all.add_events() = std::move(event);
    if (page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  if (args.Has("json")) {
    std::string json;
    google::protobuf::util::JsonPrintOptions options;
    options.add_whitespace = true;
    if (!google::protobuf::util::MessageToJsonString(all, &json, options).ok()) {
      err << "denialscope: cannot print the audit trail as JSON\n";
      return kExitFailure;
    }
    out << json;
    return kExitOk;
  }
  out << "time\tkey\tmethod\tpractice\tstatus\trows\n";
  for (const v1::AuditEvent& event : all.events()) {
    out << FormatTimestamp(event.time()) << "\t" << event.api_key() << "\t" << event.method()
        << "\t" << (event.practice().empty() ? "-" : event.practice()) << "\t"
        << event.status() << "\t" << event.rows() << "\n";
  }
  return kExitOk;
}

}  // namespace denialscope::cli
