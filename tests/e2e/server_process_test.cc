// The real denialscope-server binary as an operator runs it: migrations at start (a second
// start applies none), configuration refusals, and a graceful stop on SIGTERM.
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "tests/e2e/harness.h"

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
};

TEST_F(ServerProcessTest, MigratesOnceServesAndStopsGracefullyOnSigterm) {
  // The harness applied the migrations already: the binary finds nothing to do.
  CommandResult migrate = RunCommand(
      {kServer, "--database_url", e2e_->database_url(), "--migrate_only"}, {kSecretEnv});
  ASSERT_EQ(migrate.exit_code, 0) << migrate.err;
  EXPECT_THAT(migrate.err, HasSubstr("\"count\":0"));

  std::unique_ptr<ServerProcess> process = ServerProcess::Start(
      {kServer, "--database_url", e2e_->database_url(), "--listen", "127.0.0.1:0"}, {kSecretEnv});
  ASSERT_NE(process, nullptr);
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", process->port()),
                                     grpc::InsecureChannelCredentials());
  auto health = grpc::health::v1::Health::NewStub(channel);
  grpc::health::v1::HealthCheckResponse answer;
  grpc::ClientContext context;
  ASSERT_TRUE(health->Check(&context, {}, &answer).ok());
  EXPECT_EQ(answer.status(), grpc::health::v1::HealthCheckResponse::SERVING);

  EXPECT_EQ(process->Stop(), 0);
  const std::string log = process->Stderr();
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

  // --allow_insecure serves anyway, and says so.
  std::unique_ptr<ServerProcess> insecure = ServerProcess::Start(
      {kServer, "--database_url", e2e_->database_url(), "--listen", "0.0.0.0:0",
       "--allow_insecure"},
      {kSecretEnv});
  ASSERT_NE(insecure, nullptr);
  EXPECT_THAT(insecure->Stderr(), HasSubstr("serving without TLS on non-loopback address"));

  CommandResult no_database =
      RunCommand({kServer, "--database_url", "postgresql://nobody@127.0.0.1:1/none",
                  "--listen", "127.0.0.1:0"},
                 {kSecretEnv});
  EXPECT_EQ(no_database.exit_code, 1);
  EXPECT_THAT(no_database.err, HasSubstr("migrations"));
}

}  // namespace
}  // namespace denialscope::testing
