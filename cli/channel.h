// How the denialscope CLI (and the tests that act as a client) reach the server: TLS or
// plaintext, and the API key sent as `authorization: Bearer <key>` metadata on every call by
// a client interceptor, so no command has to remember it.
#ifndef DENIALSCOPE_CLI_CHANNEL_H_
#define DENIALSCOPE_CLI_CHANNEL_H_

#include <memory>
#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "cli/args.h"
#include "grpcpp/channel.h"

namespace denialscope::cli {

struct ChannelOptions {
  std::string target;   // HOST:PORT
  std::string api_key;  // empty: no authorization metadata
  // PEM text. With a CA the channel uses TLS and verifies the server against it; with a
  // client certificate and key too, it presents them (mutual TLS).
  std::string tls_ca_pem;
  std::string tls_cert_pem;
  std::string tls_key_pem;
  // TLS name to verify instead of the target's host (e.g. a certificate for "localhost"
  // reached as 127.0.0.1).
  std::string tls_server_name;
};

std::shared_ptr<grpc::Channel> MakeChannel(const ChannelOptions& options);

// The CLI's channel from its options: --server (else DENIALSCOPE_SERVER, else
// 127.0.0.1:50051), --api-key (else DENIALSCOPE_API_KEY), --tls-ca, --tls-cert, --tls-key,
// --tls-server-name. INVALID_ARGUMENT for an unreadable file or half a client certificate.
absl::StatusOr<std::shared_ptr<grpc::Channel>> ChannelFromArgs(const Args& args);

}  // namespace denialscope::cli

#endif  // DENIALSCOPE_CLI_CHANNEL_H_
