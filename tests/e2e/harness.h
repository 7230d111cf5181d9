// End-to-end harness: a fresh PostgreSQL database per test, the real stores and the real
// gRPC server on a free port (with an admin API key its channels send on every call), and
// helpers to run the real CLI and server binaries.
#ifndef DENIALSCOPE_TESTS_E2E_HARNESS_H_
#define DENIALSCOPE_TESTS_E2E_HARNESS_H_

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "analytics/access_store.h"
#include "analytics/claim_store.h"
#include "analytics/taxonomy.h"
#include "denialscope/testing/reflection.pb.h"
#include "grpcpp/channel.h"
#include "server/call_log.h"
#include "server/clock.h"
#include "server/patient_key.h"
#include "server/server.h"

namespace denialscope::testing {

// What a test may change about the server under test.
struct E2eOptions {
  // listen_address is always 127.0.0.1:0; TLS material, limits and the rest are used as is.
  ServerOptions server;
  absl::Duration statement_timeout = absl::Seconds(30);
};

// The server under test, talking to its own database.
class E2eServer {
 public:
  // Creates database ds_e2e_<random> on the cluster of DENIALSCOPE_TEST_DATABASE_URL,
  // migrates it, makes an admin API key and starts the server on 127.0.0.1:0. Fails the
  // test when the variable is unset: the README's test command always sets it.
  static std::unique_ptr<E2eServer> Start(const E2eOptions& options = {});
  ~E2eServer();

  std::string address() const;
  // A plaintext channel sending the admin key on every call.
  std::shared_ptr<grpc::Channel> Channel() const;
  // A plaintext channel sending `api_key` (none when empty).
  std::shared_ptr<grpc::Channel> ChannelWithKey(const std::string& api_key) const;
  const std::string& database_url() const { return database_url_; }
  // `ds_..._...` of an admin key (every scope, every practice).
  const std::string& admin_key() const { return admin_key_; }
  // Makes a key directly in the access store; returns its plaintext.
  std::string CreateKey(std::vector<Scope> scopes, std::vector<std::string> practice_npis,
                        std::optional<absl::Time> expire_time = std::nullopt);
  AccessStore& access() { return *access_; }
  MemoryLogSink& log() { return log_; }
  FakeClock& clock() { return clock_; }
  DenialscopeServer& server() { return *server_; }

 private:
  E2eServer() = default;
  std::string admin_url_;
  std::string database_name_;
  std::string database_url_;
  std::unique_ptr<CohortTaxonomy> taxonomy_;
  std::unique_ptr<ClaimStore> store_;
  std::unique_ptr<AccessStore> access_;
  std::string admin_key_;
  std::unique_ptr<PatientKeyHasher> hasher_;
  FakeClock clock_{absl::FromCivil(absl::CivilDay(2026, 7, 15), absl::UTCTimeZone())};
  MemoryLogSink log_;
  std::unique_ptr<DenialscopeServer> server_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs a program with arguments and extra environment entries ("NAME=value"), waiting for it.
CommandResult RunCommand(const std::vector<std::string>& argv,
                         const std::vector<std::string>& extra_env = {});

// Sends `requests` on one server-reflection stream (the standard
// /grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo method, through a generic
// stub) and returns one response per request.
absl::StatusOr<std::vector<denialscope::testing::ServerReflectionResponse>> ReflectionExchange(
    const std::shared_ptr<grpc::Channel>& channel,
    const std::vector<denialscope::testing::ServerReflectionRequest>& requests);

// A fresh temporary directory, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A denialscope-server process, as an operator runs it: started with `argv` plus a
// --port_file in its own directory, stopped with SIGTERM (and waited for) when destroyed.
class ServerProcess {
 public:
  // nullptr (with a test failure) when it exits or does not report a port within 10 s.
  static std::unique_ptr<ServerProcess> Start(std::vector<std::string> argv,
                                              const std::vector<std::string>& extra_env);
  ~ServerProcess();

  // SIGTERM, then its exit code once it has stopped (128 + signal when killed by one).
  int Stop();
  int port() const { return port_; }
  // What it wrote to stderr so far (its log lines).
  std::string Stderr() const;

 private:
  ServerProcess() = default;
  TempDir dir_;
  pid_t pid_ = 0;
  int port_ = 0;
};

}  // namespace denialscope::testing

#endif  // DENIALSCOPE_TESTS_E2E_HARNESS_H_
