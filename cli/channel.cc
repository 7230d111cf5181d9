// Channels with credentials and the API-key interceptor; see channel.h.
#include "cli/channel.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/client_interceptor.h"

namespace denialscope::cli {
namespace {

// Adds the authorization metadata to every outgoing call. Call credentials would do the
// same, but gRPC sends those only over TLS, and loopback plaintext is a supported setup.
class ApiKeyInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit ApiKeyInterceptor(const std::string* header) : header_(header) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->emplace("authorization", *header_);
    }
    methods->Proceed();
  }

 private:
  const std::string* header_;
};

class ApiKeyInterceptorFactory : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit ApiKeyInterceptorFactory(const std::string& key) : header_("Bearer " + key) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo*) override {
    return new ApiKeyInterceptor(&header_);
  }

 private:
  const std::string header_;  // lives as long as the channel holds the factory
};

absl::StatusOr<std::string> ReadFile(const std::string& path, absl::string_view flag) {
  if (path.empty()) return std::string();
  std::ifstream in(path);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("--", flag, ": cannot read ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string Environment(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

}  // namespace

std::shared_ptr<grpc::Channel> MakeChannel(const ChannelOptions& options) {
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  grpc::ChannelArguments arguments;
  if (options.tls_ca_pem.empty()) {
    credentials = grpc::InsecureChannelCredentials();
  } else {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = options.tls_ca_pem;
    ssl.pem_cert_chain = options.tls_cert_pem;
    ssl.pem_private_key = options.tls_key_pem;
    credentials = grpc::SslCredentials(ssl);
    if (!options.tls_server_name.empty()) {
      arguments.SetSslTargetNameOverride(options.tls_server_name);
    }
  }
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> factories;
  if (!options.api_key.empty()) {
    factories.push_back(std::make_unique<ApiKeyInterceptorFactory>(options.api_key));
  }
  return grpc::experimental::CreateCustomChannelWithInterceptors(
      options.target, credentials, arguments, std::move(factories));
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> ChannelFromArgs(const Args& args) {
  ChannelOptions options;
  const std::string env_server = Environment("DENIALSCOPE_SERVER");
  options.target = args.Get("server", env_server.empty() ? "127.0.0.1:50051" : env_server);
  options.api_key = args.Get("api-key", Environment("DENIALSCOPE_API_KEY"));
  absl::StatusOr<std::string> ca = ReadFile(args.Get("tls-ca"), "tls-ca");
  if (!ca.ok()) return ca.status();
  absl::StatusOr<std::string> cert = ReadFile(args.Get("tls-cert"), "tls-cert");
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadFile(args.Get("tls-key"), "tls-key");
  if (!key.ok()) return key.status();
  if (cert->empty() != key->empty()) {
    return absl::InvalidArgumentError("--tls-cert and --tls-key go together (mutual TLS)");
  }
  if (!cert->empty() && ca->empty()) {
    return absl::InvalidArgumentError("--tls-cert needs --tls-ca (the server's CA)");
  }
  options.tls_ca_pem = *std::move(ca);
  options.tls_cert_pem = *std::move(cert);
  options.tls_key_pem = *std::move(key);
  options.tls_server_name = args.Get("tls-server-name");
  return MakeChannel(options);
}

}  // namespace denialscope::cli
