// Assembles the gRPC server: the three denialscope.v1 services, health checking and
// reflection, bounded handler threads. Used by main() and by the end-to-end tests, which
// start it on port 0.
#ifndef DENIALSCOPE_SERVER_SERVER_H_
#define DENIALSCOPE_SERVER_SERVER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/server.h"
#include "server/answer_cache.h"
#include "server/service_context.h"

namespace denialscope {

struct ServerOptions {
  std::string listen_address = "127.0.0.1:50051";  // port 0 picks a free port
  // Handler threads at most; calls beyond them wait or get RESOURCE_EXHAUSTED, never a
  // thread of their own.
  int max_handler_threads = 16;
  int max_receive_message_bytes = 64 << 20;
  // Calls one API key may have in flight (RESOURCE_EXHAUSTED beyond); below 1: no cap.
  int max_calls_per_key = 8;
  // Bytes of recent AnalyticsService answers kept (answer_cache.h); 0 keeps none.
  int64_t answer_cache_bytes = 64 << 20;
  // TLS, PEM text (not paths). Without a certificate the port is plaintext, which main()
  // allows on loopback only. With client_ca_pem, clients must present a certificate it
  // signed (mutual TLS); API keys are still required on top.
  std::string tls_cert_pem;
  std::string tls_key_pem;
  std::string tls_client_ca_pem;
};

class AdminServiceImpl;
class IngestServiceImpl;
class AnalyticsServiceImpl;
class ReportServiceImpl;

class DenialscopeServer {
 public:
  // Builds and starts listening. UNAVAILABLE when the address cannot be bound;
  // FAILED_PRECONDITION when a method of the API has no authorization policy or the context
  // has no access store; INVALID_ARGUMENT for half a TLS configuration.
  static absl::StatusOr<std::unique_ptr<DenialscopeServer>> Start(const ServerOptions& options,
                                                                  ServiceContext context);
  ~DenialscopeServer();

  int port() const { return port_; }
  // The per-key call cap this server enforces (the context's, or its own).
  const CallLimiter& call_limiter() const { return *call_limiter_; }
  // Health goes NOT_SERVING, new calls are refused, in-flight calls get until `grace` to
  // finish, then the rest are cancelled.
  void Shutdown(absl::Duration grace);
  void Wait();

 private:
  DenialscopeServer() = default;
  std::unique_ptr<AdminServiceImpl> admin_;
  std::unique_ptr<IngestServiceImpl> ingest_;
  std::unique_ptr<AnalyticsServiceImpl> analytics_;
  std::unique_ptr<ReportServiceImpl> report_;
  std::unique_ptr<CallLimiter> limiter_;
  const CallLimiter* call_limiter_ = nullptr;
  std::unique_ptr<AnswerCache> answer_cache_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  bool shut_down_ = false;
};

}  // namespace denialscope

#endif  // DENIALSCOPE_SERVER_SERVER_H_
