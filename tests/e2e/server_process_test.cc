// The real denialscope-server binary as an operator runs it: migrations at start (a second
// start applies none), configuration refusals, and a graceful stop on SIGTERM.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "tests/e2e/harness.h"

extern char** environ;

namespace denialscope::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kServer[] = DENIALSCOPE_SERVER_PATH;
const std::string kSecretEnv = "DENIALSCOPE_PATIENT_KEY_SECRET=process-test-secret-0123456789";

class ServerProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Reuse the harness for a fresh, migrated database; its in-process server is not used.
    e2e_ = E2eServer::Start();
    ASSERT_NE(e2e_, nullptr);
  }
  std::unique_ptr<E2eServer> e2e_;
  TempDir dir_;
};

TEST_F(ServerProcessTest, MigratesOnceServesAndStopsGracefullyOnSigterm) {
  // The harness applied the migrations already: the binary finds nothing to do.
  CommandResult migrate = RunCommand(
      {kServer, "--database_url", e2e_->database_url(), "--migrate_only"}, {kSecretEnv});
  ASSERT_EQ(migrate.exit_code, 0) << migrate.err;
  EXPECT_THAT(migrate.err, HasSubstr("\"count\":0"));

  const std::string port_file = dir_.path() + "/port";
  const std::string err_file = dir_.path() + "/stderr";
  std::vector<std::string> argv = {kServer, "--database_url", e2e_->database_url(),
                                   "--listen", "127.0.0.1:0", "--port_file", port_file};
  std::vector<char*> args;
  for (std::string& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  std::vector<std::string> env_storage;
  for (char** e = environ; *e != nullptr; ++e) env_storage.emplace_back(*e);
  env_storage.push_back(kSecretEnv);
  std::vector<char*> env;
  for (std::string& e : env_storage) env.push_back(e.data());
  env.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, args[0], &actions, nullptr, args.data(), env.data()), 0);
  posix_spawn_file_actions_destroy(&actions);

  int port = 0;
  for (int i = 0; i < 200 && port == 0; ++i) {
    std::ifstream in(port_file);
    if (!(in >> port)) {
      port = 0;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ASSERT_GT(port, 0) << "server did not start";
  auto channel =
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
  auto health = grpc::health::v1::Health::NewStub(channel);
  grpc::health::v1::HealthCheckResponse answer;
  grpc::ClientContext context;
  ASSERT_TRUE(health->Check(&context, {}, &answer).ok());
  EXPECT_EQ(answer.status(), grpc::health::v1::HealthCheckResponse::SERVING);

  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  std::ifstream err(err_file);
  std::string log((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
  EXPECT_THAT(log, HasSubstr("\"event\":\"shutdown\""));
  EXPECT_THAT(log, HasSubstr("\"event\":\"stopped\""));
}

TEST_F(ServerProcessTest, RefusesToStartWithoutWhatItNeeds) {
  CommandResult no_secret = RunCommand(
      {kServer, "--database_url", e2e_->database_url(), "--listen", "127.0.0.1:0"},
      {"DENIALSCOPE_PATIENT_KEY_SECRET="});
  EXPECT_EQ(no_secret.exit_code, 1);
  EXPECT_THAT(no_secret.err, HasSubstr("secret"));

  CommandResult public_address = RunCommand(
      {kServer, "--database_url", e2e_->database_url(), "--listen", "0.0.0.0:0"}, {kSecretEnv});
  EXPECT_EQ(public_address.exit_code, 1);
  EXPECT_THAT(public_address.err, HasSubstr("TLS"));

  CommandResult no_database =
      RunCommand({kServer, "--database_url", "postgresql://nobody@127.0.0.1:1/none",
                  "--listen", "127.0.0.1:0"},
                 {kSecretEnv});
  EXPECT_EQ(no_database.exit_code, 1);
  EXPECT_THAT(no_database.err, HasSubstr("migrations"));
}

}  // namespace
}  // namespace denialscope::testing
