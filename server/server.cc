// Server assembly; see server.h.
#include "server/server.h"

#include "absl/strings/str_cat.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/resource_quota.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "server/admin_service.h"
#include "server/analytics_service.h"
#include "server/authz_policy.h"
#include "server/ingest_service.h"
#include "server/report_service.h"

namespace denialscope {
namespace {

// TLS when a certificate is configured (mutual when a client CA is too), else plaintext.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentials(
    const ServerOptions& options) {
  if (options.tls_cert_pem.empty() != options.tls_key_pem.empty()) {
    return absl::InvalidArgumentError("TLS needs both a certificate and its private key");
  }
  if (options.tls_cert_pem.empty()) {
    if (!options.tls_client_ca_pem.empty()) {
      return absl::InvalidArgumentError("a client CA (mutual TLS) needs a server certificate");
    }
    return grpc::InsecureServerCredentials();
  }
  grpc::SslServerCredentialsOptions ssl(
      options.tls_client_ca_pem.empty()
          ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
          : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  ssl.pem_root_certs = options.tls_client_ca_pem;
  ssl.pem_key_cert_pairs.push_back({options.tls_key_pem, options.tls_cert_pem});
  return grpc::SslServerCredentials(ssl);
}

}  // namespace

absl::StatusOr<std::unique_ptr<DenialscopeServer>> DenialscopeServer::Start(
    const ServerOptions& options, ServiceContext context) {
  // Fail closed: every method of the API must have an authorization policy, and keys must
  // be checkable.
  if (absl::Status covered = CheckPolicyCoversApi(); !covered.ok()) return covered;
  if (context.access == nullptr) {
    return absl::FailedPreconditionError("the server needs an access store to check API keys");
  }
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      ServerCredentials(options);
  if (!credentials.ok()) return credentials.status();
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  std::unique_ptr<DenialscopeServer> server(new DenialscopeServer());
  if (context.limiter == nullptr) {
    server->limiter_ = std::make_unique<CallLimiter>(options.max_calls_per_key);
    context.limiter = server->limiter_.get();
  }
  server->call_limiter_ = context.limiter;
  if (context.answer_cache == nullptr && options.answer_cache_bytes > 0) {
    server->answer_cache_ = std::make_unique<AnswerCache>(options.answer_cache_bytes);
    context.answer_cache = server->answer_cache_.get();
  }
  server->admin_ = std::make_unique<AdminServiceImpl>(context);
  server->ingest_ = std::make_unique<IngestServiceImpl>(context);
  server->analytics_ = std::make_unique<AnalyticsServiceImpl>(context);
  server->report_ = std::make_unique<ReportServiceImpl>(context);

  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen_address, *credentials, &server->port_);
  grpc::ResourceQuota quota("denialscope");
  quota.SetMaxThreads(options.max_handler_threads);
  builder.SetResourceQuota(quota);
  builder.SetMaxReceiveMessageSize(options.max_receive_message_bytes);
  builder.RegisterService(server->admin_.get());
  builder.RegisterService(server->ingest_.get());
  builder.RegisterService(server->analytics_.get());
  builder.RegisterService(server->report_.get());
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen_address,
                     " (address in use or not local?)"));
  }
  grpc::HealthCheckServiceInterface* health = server->server_->GetHealthCheckService();
  health->SetServingStatus(true);
  for (const char* service : {"denialscope.v1.AdminService", "denialscope.v1.IngestService",
                              "denialscope.v1.AnalyticsService",
                              "denialscope.v1.ReportService"}) {
    health->SetServingStatus(service, true);
  }
  return server;
}

DenialscopeServer::~DenialscopeServer() { Shutdown(absl::ZeroDuration()); }

void DenialscopeServer::Shutdown(absl::Duration grace) {
  if (shut_down_ || server_ == nullptr) return;
  shut_down_ = true;
  // Load balancers watching health stop sending traffic before the listener closes.
  server_->GetHealthCheckService()->Shutdown();
  server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
}

void DenialscopeServer::Wait() { server_->Wait(); }

}  // namespace denialscope
