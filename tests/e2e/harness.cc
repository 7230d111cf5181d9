// End-to-end harness; see harness.h.
#include "tests/e2e/harness.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "cli/channel.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "pqxx/pqxx"
#include "server/api_key.h"
#include "sql/pg_access_store.h"
#include "sql/pg_claim_store.h"

extern char** environ;

namespace denialscope::testing {
namespace {

std::string RandomSuffix() {
  std::random_device device;
  return absl::StrCat(std::uniform_int_distribution<uint64_t>()(device) % 1000000000000ULL);
}

// Replaces the database name (the path after the last '/') of a postgresql:// URL.
std::string WithDatabase(const std::string& url, const std::string& database) {
  const size_t slash = url.rfind('/');
  const size_t query = url.find('?', slash);
  return url.substr(0, slash + 1) + database +
         (query == std::string::npos ? "" : url.substr(query));
}

// This process's environment plus `extra` ("NAME=value"), and argv-style pointers into it.
struct Environment {
  explicit Environment(const std::vector<std::string>& extra) {
    for (char** e = environ; *e != nullptr; ++e) storage.emplace_back(*e);
    storage.insert(storage.end(), extra.begin(), extra.end());
    for (std::string& e : storage) pointers.push_back(e.data());
    pointers.push_back(nullptr);
  }
  std::vector<std::string> storage;
  std::vector<char*> pointers;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

std::unique_ptr<E2eServer> E2eServer::Start(const E2eOptions& e2e_options) {
  const char* url = std::getenv("DENIALSCOPE_TEST_DATABASE_URL");
  if (url == nullptr || *url == '\0') {
    ADD_FAILURE() << "DENIALSCOPE_TEST_DATABASE_URL is not set; run the tests with "
                     "scripts/test.sh, which starts PostgreSQL and sets it";
    return nullptr;
  }
  std::unique_ptr<E2eServer> e2e(new E2eServer());
  e2e->admin_url_ = url;
  e2e->database_name_ = "ds_e2e_" + RandomSuffix();
  e2e->database_url_ = WithDatabase(url, e2e->database_name_);
  try {
    pqxx::connection admin(e2e->admin_url_);
    pqxx::nontransaction tx(admin);
    tx.exec0("CREATE DATABASE " + tx.quote_name(e2e->database_name_));
  } catch (const std::exception& e) {
    ADD_FAILURE() << "cannot create test database: " << e.what();
    return nullptr;
  }
  absl::StatusOr<std::vector<std::string>> applied = ApplyMigrations(e2e->database_url_);
  if (!applied.ok()) {
    ADD_FAILURE() << applied.status();
    return nullptr;
  }
  absl::StatusOr<CohortTaxonomy> taxonomy = CohortTaxonomy::Builtin();
  if (!taxonomy.ok()) {
    ADD_FAILURE() << taxonomy.status();
    return nullptr;
  }
  e2e->taxonomy_ = std::make_unique<CohortTaxonomy>(*std::move(taxonomy));
  PgOptions options;
  options.url = e2e->database_url_;
  options.pool_size = 4;
  options.statement_timeout = e2e_options.statement_timeout;
  absl::StatusOr<std::unique_ptr<AccessStore>> access = OpenPgAccessStore(options);
  if (!access.ok()) {
    ADD_FAILURE() << access.status();
    return nullptr;
  }
  e2e->access_ = *std::move(access);
  e2e->admin_key_ = e2e->CreateKey({Scope::kAdmin}, {});
  absl::StatusOr<std::unique_ptr<ClaimStore>> store =
      OpenPgClaimStore(options, e2e->taxonomy_.get());
  if (!store.ok()) {
    ADD_FAILURE() << store.status();
    return nullptr;
  }
  e2e->store_ = *std::move(store);
  e2e->hasher_ = std::make_unique<PatientKeyHasher>(
      *PatientKeyHasher::Create("e2e-test-secret-0123456789abcdef"));
  ServerOptions server_options = e2e_options.server;
  server_options.listen_address = "127.0.0.1:0";
  server_options.max_handler_threads = 8;
  ServiceContext context;
  context.store = e2e->store_.get();
  context.taxonomy = e2e->taxonomy_.get();
  context.hasher = e2e->hasher_.get();
  context.clock = &e2e->clock_;
  context.log = &e2e->log_;
  context.access = e2e->access_.get();
  absl::StatusOr<std::unique_ptr<DenialscopeServer>> server =
      DenialscopeServer::Start(server_options, context);
  if (!server.ok()) {
    ADD_FAILURE() << server.status();
    return nullptr;
  }
  e2e->server_ = *std::move(server);
  return e2e;
}

E2eServer::~E2eServer() {
  if (server_) server_->Shutdown(absl::Seconds(1));
  server_.reset();
  store_.reset();  // closes the pools' connections before the drop
  access_.reset();
  if (database_name_.empty()) return;
  try {
    pqxx::connection admin(admin_url_);
    pqxx::nontransaction tx(admin);
    tx.exec0("DROP DATABASE IF EXISTS " + tx.quote_name(database_name_) + " WITH (FORCE)");
  } catch (const std::exception& e) {
    ADD_FAILURE() << "cannot drop test database: " << e.what();
  }
}

std::string E2eServer::address() const { return absl::StrCat("127.0.0.1:", server_->port()); }

std::shared_ptr<grpc::Channel> E2eServer::Channel() const { return ChannelWithKey(admin_key_); }

std::shared_ptr<grpc::Channel> E2eServer::ChannelWithKey(const std::string& api_key) const {
  cli::ChannelOptions options;
  options.target = address();
  options.api_key = api_key;
  return cli::MakeChannel(options);
}

std::string E2eServer::CreateKey(std::vector<Scope> scopes,
                                 std::vector<std::string> practice_npis,
                                 std::optional<absl::Time> expire_time) {
  ApiKeyRecord spec;
  spec.display_name = "e2e";
  spec.scopes = std::move(scopes);
  spec.all_practices = practice_npis.empty();
  spec.practice_npis = std::move(practice_npis);
  spec.expire_time = expire_time;
  absl::StatusOr<IssuedApiKey> issued = IssueApiKey(*access_, std::move(spec), clock_.Now());
  EXPECT_TRUE(issued.ok()) << issued.status();
  return issued.ok() ? issued->plaintext : std::string();
}

CommandResult RunCommand(const std::vector<std::string>& argv,
                         const std::vector<std::string>& extra_env) {
  TempDir dir;
  const std::string out_path = dir.path() + "/out";
  const std::string err_path = dir.path() + "/err";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  Environment env(extra_env);
  CommandResult result;
  pid_t pid = 0;
  if (posix_spawn(&pid, args[0], &actions, nullptr, args.data(), env.pointers.data()) != 0) {
    posix_spawn_file_actions_destroy(&actions);
    result.err = "cannot start " + argv[0];
    return result;
  }
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = ReadFile(out_path);
  result.err = ReadFile(err_path);
  return result;
}

absl::StatusOr<std::vector<denialscope::testing::ServerReflectionResponse>> ReflectionExchange(
    const std::shared_ptr<grpc::Channel>& channel,
    const std::vector<denialscope::testing::ServerReflectionRequest>& requests) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::CompletionQueue cq;
  auto call = stub.PrepareCall(
      &context, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  // Each step is started, then awaited, so one tag at a time is outstanding.
  auto await = [&cq](void* tag) {
    void* got = nullptr;
    bool ok = false;
    return cq.Next(&got, &ok) && got == tag && ok;
  };
  int tag = 0;
  call->StartCall(&tag);
  if (!await(&tag)) return absl::UnavailableError("reflection: cannot start the call");
  std::vector<denialscope::testing::ServerReflectionResponse> responses;
  for (const auto& request : requests) {
    const std::string bytes = request.SerializeAsString();
    grpc::Slice slice(bytes);
    grpc::ByteBuffer out(&slice, 1);
    call->Write(out, &tag);
    if (!await(&tag)) return absl::UnavailableError("reflection: write failed");
    grpc::ByteBuffer in;
    call->Read(&in, &tag);
    if (!await(&tag)) return absl::UnavailableError("reflection: read failed");
    std::vector<grpc::Slice> slices;
    if (!in.Dump(&slices).ok()) return absl::InternalError("reflection: bad buffer");
    std::string received;
    for (const grpc::Slice& s : slices) {
      received.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
    denialscope::testing::ServerReflectionResponse response;
    if (!response.ParseFromString(received)) {
      return absl::InternalError("reflection: unparsable response");
    }
    responses.push_back(std::move(response));
  }
  call->WritesDone(&tag);
  if (!await(&tag)) return absl::UnavailableError("reflection: writes-done failed");
  grpc::Status status;
  call->Finish(&status, &tag);
  if (!await(&tag)) return absl::UnavailableError("reflection: finish failed");
  cq.Shutdown();
  void* ignored_tag = nullptr;
  bool ignored_ok = false;
  while (cq.Next(&ignored_tag, &ignored_ok)) {
  }
  if (!status.ok()) return absl::UnavailableError(status.error_message());
  return responses;
}

std::unique_ptr<ServerProcess> ServerProcess::Start(std::vector<std::string> argv,
                                                    const std::vector<std::string>& extra_env) {
  std::unique_ptr<ServerProcess> process(new ServerProcess());
  const std::string port_file = process->dir_.path() + "/port";
  const std::string err_file = process->dir_.path() + "/stderr";
  argv.insert(argv.end(), {"--port_file", port_file});
  std::vector<char*> args;
  for (std::string& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  Environment env(extra_env);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  const int spawned = posix_spawn(&process->pid_, args[0], &actions, nullptr, args.data(),
                                   env.pointers.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    process->pid_ = 0;
    ADD_FAILURE() << "cannot start " << argv[0];
    return nullptr;
  }
  for (int i = 0; i < 200 && process->port_ == 0; ++i) {
    std::ifstream in(port_file);
    if (!(in >> process->port_)) process->port_ = 0;
    if (process->port_ == 0) {
      if (waitpid(process->pid_, nullptr, WNOHANG) == process->pid_) {
        process->pid_ = 0;
        break;
      }
      usleep(50 * 1000);
    }
  }
  if (process->port_ == 0) {
    ADD_FAILURE() << "the server did not start: " << process->Stderr();
    return nullptr;
  }
  return process;
}

ServerProcess::~ServerProcess() { Stop(); }

int ServerProcess::Stop() {
  if (pid_ == 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = 0;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string ServerProcess::Stderr() const { return ReadFile(dir_.path() + "/stderr"); }

TempDir::TempDir() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "denialscope-e2e.XXXXXX").string();
  path_ = mkdtemp(pattern.data());
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace denialscope::testing
