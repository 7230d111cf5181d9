// denialscope-server: reads flags (each with an environment override), applies migrations,
// opens the PostgreSQL store and serves until SIGTERM or SIGINT, then drains gracefully.
#include <signal.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "analytics/code_lists.h"
#include "analytics/taxonomy.h"
#include "server/api_key.h"
#include "server/call_log.h"
#include "server/clock.h"
#include "server/patient_key.h"
#include "server/server.h"
#include "sql/pg_access_store.h"
#include "sql/pg_claim_store.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "Address to serve on (env DENIALSCOPE_LISTEN); port 0 picks a free port.");
ABSL_FLAG(std::string, database_url, "", "PostgreSQL connection URL (env DATABASE_URL).");
ABSL_FLAG(int, db_pool_size, 8, "PostgreSQL connections at most (env DENIALSCOPE_DB_POOL_SIZE).");
ABSL_FLAG(int, max_handler_threads, 16,
          "gRPC handler threads at most (env DENIALSCOPE_MAX_HANDLER_THREADS).");
ABSL_FLAG(std::string, patient_key_secret_file, "",
          "File holding the secret that keys patient-identifier hashes (env "
          "DENIALSCOPE_PATIENT_KEY_SECRET_FILE; or the secret itself in "
          "DENIALSCOPE_PATIENT_KEY_SECRET).");
ABSL_FLAG(bool, demo, false,
          "Demo mode: without a secret, use a fixed demo secret for patient keys.");
ABSL_FLAG(bool, allow_insecure, false,
          "Allow serving without TLS on a non-loopback address (env DENIALSCOPE_ALLOW_INSECURE).");
ABSL_FLAG(int, shutdown_grace_seconds, 10,
          "On SIGTERM/SIGINT, seconds in-flight calls get to finish.");
ABSL_FLAG(bool, migrate_only, false, "Apply migrations and exit.");
ABSL_FLAG(bool, rebuild_facts, false,
          "Derive every practice's stored report facts and monthly aggregates again from the "
          "raw claims and events with this build's code lists, then exit. Run it after the "
          "code lists change; ingest keeps them current otherwise.");
ABSL_FLAG(std::string, port_file, "",
          "When set, the bound port is written to this file once serving (for scripts).");
ABSL_FLAG(std::string, app_database_url, "",
          "PostgreSQL URL the server works through (env DENIALSCOPE_APP_DATABASE_URL): a role "
          "that may SET ROLE denialscope_app and owns nothing. Empty: --database_url, with SET "
          "ROLE denialscope_app on every connection. Migrations always use --database_url.");
ABSL_FLAG(std::string, create_admin_key, "",
          "Create an admin API key with this display name, print it once and exit (bootstrap; "
          "needs the database flags).");
ABSL_FLAG(std::string, tls_cert, "",
          "PEM certificate chain to serve TLS with (env DENIALSCOPE_TLS_CERT).");
ABSL_FLAG(std::string, tls_key, "",
          "PEM private key of --tls_cert (env DENIALSCOPE_TLS_KEY).");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA bundle: require and verify client certificates it signed, mutual TLS (env "
          "DENIALSCOPE_TLS_CLIENT_CA).");
ABSL_FLAG(int, max_streams_per_key, 8,
          "Calls one API key may have in flight; more get RESOURCE_EXHAUSTED (env "
          "DENIALSCOPE_MAX_STREAMS_PER_KEY; 0: no cap).");
ABSL_FLAG(int, max_message_bytes, 64 << 20,
          "Largest request message accepted; larger ones get RESOURCE_EXHAUSTED (env "
          "DENIALSCOPE_MAX_MESSAGE_BYTES).");
ABSL_FLAG(int, db_statement_timeout_ms, 30000,
          "Longest one database statement may run; longer ones are cancelled and the call gets "
          "RESOURCE_EXHAUSTED (env DENIALSCOPE_DB_STATEMENT_TIMEOUT_MS).");
ABSL_FLAG(int, answer_cache_mb, 64,
          "MiB of recent AnalyticsService answers kept per process, reused until the practice's "
          "data changes (env DENIALSCOPE_ANSWER_CACHE_MB; 0: no cache).");

namespace denialscope {
namespace {

// Environment variables set defaults; flags given on the command line still win.
void ApplyEnvironmentDefaults() {
  auto env = [](const char* name) -> const char* {
    const char* v = std::getenv(name);
    return v != nullptr && *v != '\0' ? v : nullptr;
  };
  if (const char* v = env("DENIALSCOPE_LISTEN")) absl::SetFlag(&FLAGS_listen, v);
  if (const char* v = env("DATABASE_URL")) absl::SetFlag(&FLAGS_database_url, v);
  int n = 0;
  if (const char* v = env("DENIALSCOPE_DB_POOL_SIZE"); v && absl::SimpleAtoi(v, &n)) {
    absl::SetFlag(&FLAGS_db_pool_size, n);
  }
  if (const char* v = env("DENIALSCOPE_MAX_HANDLER_THREADS"); v && absl::SimpleAtoi(v, &n)) {
    absl::SetFlag(&FLAGS_max_handler_threads, n);
  }
  if (const char* v = env("DENIALSCOPE_PATIENT_KEY_SECRET_FILE")) {
    absl::SetFlag(&FLAGS_patient_key_secret_file, v);
  }
  if (const char* v = env("DENIALSCOPE_ALLOW_INSECURE")) {
    absl::SetFlag(&FLAGS_allow_insecure, std::string(v) == "1" || std::string(v) == "true");
  }
  // Security settings: TLS material, the application role's URL, limits.
  if (const char* v = env("DENIALSCOPE_APP_DATABASE_URL")) {
    absl::SetFlag(&FLAGS_app_database_url, v);
  }
  if (const char* v = env("DENIALSCOPE_TLS_CERT")) absl::SetFlag(&FLAGS_tls_cert, v);
  if (const char* v = env("DENIALSCOPE_TLS_KEY")) absl::SetFlag(&FLAGS_tls_key, v);
  if (const char* v = env("DENIALSCOPE_TLS_CLIENT_CA")) absl::SetFlag(&FLAGS_tls_client_ca, v);
  if (const char* v = env("DENIALSCOPE_MAX_STREAMS_PER_KEY"); v && absl::SimpleAtoi(v, &n)) {
    absl::SetFlag(&FLAGS_max_streams_per_key, n);
  }
  if (const char* v = env("DENIALSCOPE_MAX_MESSAGE_BYTES"); v && absl::SimpleAtoi(v, &n)) {
    absl::SetFlag(&FLAGS_max_message_bytes, n);
  }
  if (const char* v = env("DENIALSCOPE_DB_STATEMENT_TIMEOUT_MS"); v && absl::SimpleAtoi(v, &n)) {
    absl::SetFlag(&FLAGS_db_statement_timeout_ms, n);
  }
  if (const char* v = env("DENIALSCOPE_ANSWER_CACHE_MB"); v && absl::SimpleAtoi(v, &n)) {
    absl::SetFlag(&FLAGS_answer_cache_mb, n);
  }
}

bool IsLoopback(const std::string& address) {
  return absl::StartsWith(address, "127.") || absl::StartsWith(address, "localhost:") ||
         absl::StartsWith(address, "[::1]:");
}

// Bootstrap: an admin key for an operator who has database access but no key yet.
absl::Status CreateAdminKey(AccessStore& access, const std::string& name, const Clock& clock) {
  ApiKeyRecord spec;
  spec.display_name = name;
  spec.scopes = {Scope::kAdmin};
  spec.all_practices = true;
  absl::StatusOr<IssuedApiKey> issued = IssueApiKey(access, std::move(spec), clock.Now());
  if (!issued.ok()) return issued.status();
  std::fprintf(stderr, "created admin API key apiKeys/%s \"%s\"; it is shown only now:\n",
               issued->record.key_id.c_str(), name.c_str());
  std::printf("%s\n", issued->plaintext.c_str());
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadPem(const std::string& path, absl::string_view flag) {
  if (path.empty()) return std::string();
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("--", flag, ": cannot read ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// TLS material and limits from the flags.
absl::Status ApplySecurityFlags(ServerOptions* options) {
  absl::StatusOr<std::string> cert = ReadPem(absl::GetFlag(FLAGS_tls_cert), "tls_cert");
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadPem(absl::GetFlag(FLAGS_tls_key), "tls_key");
  if (!key.ok()) return key.status();
  absl::StatusOr<std::string> ca = ReadPem(absl::GetFlag(FLAGS_tls_client_ca), "tls_client_ca");
  if (!ca.ok()) return ca.status();
  options->tls_cert_pem = *std::move(cert);
  options->tls_key_pem = *std::move(key);
  options->tls_client_ca_pem = *std::move(ca);
  options->max_calls_per_key = absl::GetFlag(FLAGS_max_streams_per_key);
  options->max_receive_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  return absl::OkStatus();
}

absl::StatusOr<std::string> LoadSecret() {
  const std::string path = absl::GetFlag(FLAGS_patient_key_secret_file);
  if (!path.empty()) {
    std::ifstream in(path);
    if (!in) return absl::NotFoundError(absl::StrCat("cannot read secret file ", path));
    std::stringstream buffer;
    buffer << in.rdbuf();
    std::string secret = buffer.str();
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    return secret;
  }
  if (const char* v = std::getenv("DENIALSCOPE_PATIENT_KEY_SECRET"); v != nullptr && *v) {
    return std::string(v);
  }
  if (absl::GetFlag(FLAGS_demo)) return std::string("denialscope-demo-secret-not-for-production");
  return absl::FailedPreconditionError(
      "no patient key secret: set --patient_key_secret_file, DENIALSCOPE_PATIENT_KEY_SECRET, "
      "or --demo for demo data");
}

int Fail(absl::string_view what, const absl::Status& status) {
  std::fprintf(stderr, "denialscope-server: %.*s: %s\n", static_cast<int>(what.size()),
               what.data(), std::string(status.message()).c_str());
  return 1;
}

// Rebuilds the report facts of every practice, one practice (one transaction) at a time.
absl::Status RebuildAllFacts(ClaimStore& store, LogSink& log, const Clock& clock) {
  std::string after;
  do {
    absl::StatusOr<PracticePage> page = store.ListPractices(100, after);
    if (!page.ok()) return page.status();
    for (const Practice& practice : page->practices) {
      const absl::Time start = clock.Now();
      if (absl::Status status = store.RebuildFacts(practice); !status.ok()) return status;
      log.Write(FormatLogLine(
          clock.Now(), "rebuild_facts",
          {{"practice", absl::StrCat("\"", practice.npi, "\"")},
           {"seconds", absl::StrCat(absl::ToDoubleSeconds(clock.Now() - start))}}));
    }
    after = page->next_npi;
  } while (!after.empty());
  return absl::OkStatus();
}

int Run() {
  StderrLogSink log;
  SystemClock clock;
  const std::string url = absl::GetFlag(FLAGS_database_url);
  if (url.empty()) {
    return Fail("configuration", absl::InvalidArgumentError(
                                     "no database: set --database_url or DATABASE_URL"));
  }
  const std::string listen = absl::GetFlag(FLAGS_listen);
  const bool tls = !absl::GetFlag(FLAGS_tls_cert).empty();
  if (!IsLoopback(listen) && !tls && !absl::GetFlag(FLAGS_allow_insecure)) {
    return Fail("configuration",
                absl::FailedPreconditionError(absl::StrCat(
                    "refusing to serve without TLS on non-loopback address ", listen,
                    "; give --tls_cert and --tls_key (or pass --allow_insecure to do it "
                    "anyway)")));
  }
  if (!IsLoopback(listen) && !tls) {
    // --allow_insecure: do it, but say so where operators look.
    log.Write(FormatLogLine(clock.Now(), "warning",
                            {{"message", JsonString(absl::StrCat(
                                             "serving without TLS on non-loopback address ",
                                             listen, " (--allow_insecure): API keys and "
                                             "patient data cross the network in clear text"))}}));
  }
  absl::StatusOr<std::string> secret = LoadSecret();
  if (!secret.ok()) return Fail("configuration", secret.status());
  absl::StatusOr<PatientKeyHasher> hasher = PatientKeyHasher::Create(*secret);
  if (!hasher.ok()) return Fail("configuration", hasher.status());

  absl::StatusOr<std::vector<std::string>> applied = ApplyMigrations(url);
  if (!applied.ok()) return Fail("migrations", applied.status());
  log.Write(FormatLogLine(clock.Now(), "migrations",
                          {{"applied", absl::StrCat("\"", absl::StrJoin(*applied, ","), "\"")},
                           {"count", absl::StrCat(applied->size())}}));
  if (absl::GetFlag(FLAGS_migrate_only)) return 0;

  // API keys and the audit trail, through the application role like the claim store.
  const std::string app_url = absl::GetFlag(FLAGS_app_database_url);
  const absl::Duration statement_timeout =
      absl::Milliseconds(absl::GetFlag(FLAGS_db_statement_timeout_ms));
  PgOptions access_pg;
  access_pg.url = app_url.empty() ? url : app_url;
  access_pg.pool_size = absl::GetFlag(FLAGS_db_pool_size);
  access_pg.statement_timeout = statement_timeout;
  absl::StatusOr<std::unique_ptr<AccessStore>> access = OpenPgAccessStore(access_pg);
  if (!access.ok()) return Fail("database", access.status());
  if (const std::string name = absl::GetFlag(FLAGS_create_admin_key); !name.empty()) {
    absl::Status created = CreateAdminKey(**access, name, clock);
    return created.ok() ? 0 : Fail("creating the admin key", created);
  }

  absl::StatusOr<CohortTaxonomy> taxonomy = CohortTaxonomy::Builtin();
  if (!taxonomy.ok()) return Fail("taxonomy", taxonomy.status());
  absl::StatusOr<CodeLists> code_lists = CodeLists::Builtin();
  if (!code_lists.ok()) return Fail("code lists", code_lists.status());
  absl::StatusOr<ProcedureFamilies> families = ProcedureFamilies::Builtin();
  if (!families.ok()) return Fail("procedure families", families.status());
  PgOptions pg;
  pg.url = app_url.empty() ? url : app_url;
  pg.statement_timeout = statement_timeout;
  pg.pool_size = absl::GetFlag(FLAGS_db_pool_size);
  pg.code_lists = &*code_lists;
  pg.procedure_families = &*families;
  absl::StatusOr<std::unique_ptr<ClaimStore>> store = OpenPgClaimStore(pg, &*taxonomy);
  if (!store.ok()) return Fail("database", store.status());
  if (absl::GetFlag(FLAGS_rebuild_facts)) {
    absl::Status rebuilt = RebuildAllFacts(**store, log, clock);
    return rebuilt.ok() ? 0 : Fail("rebuilding facts", rebuilt);
  }

  ServiceContext context{store->get(), &*taxonomy, &*hasher, &clock, &log};
  context.code_lists = &*code_lists;
  context.procedure_families = &*families;
  ServerOptions options;
  options.listen_address = listen;
  options.max_handler_threads = absl::GetFlag(FLAGS_max_handler_threads);
  options.answer_cache_bytes = int64_t{std::max(0, absl::GetFlag(FLAGS_answer_cache_mb))} << 20;
  context.access = access->get();
  if (absl::Status security = ApplySecurityFlags(&options); !security.ok()) {
    return Fail("configuration", security);
  }
  absl::StatusOr<std::unique_ptr<DenialscopeServer>> server =
      DenialscopeServer::Start(options, context);
  if (!server.ok()) return Fail("listen", server.status());
  log.Write(FormatLogLine(clock.Now(), "serving",
                          {{"listen", absl::StrCat("\"", listen, "\"")},
                           {"port", absl::StrCat((*server)->port())}}));
  if (const std::string port_file = absl::GetFlag(FLAGS_port_file); !port_file.empty()) {
    std::ofstream(port_file) << (*server)->port() << "\n";
  }

  // Signals were blocked in every thread before gRPC started its own; wait for one here.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  int signal_number = 0;
  sigwait(&signals, &signal_number);
  log.Write(FormatLogLine(clock.Now(), "shutdown",
                          {{"signal", absl::StrCat(signal_number)}}));
  (*server)->Shutdown(absl::Seconds(absl::GetFlag(FLAGS_shutdown_grace_seconds)));
  (*server)->Wait();
  log.Write(FormatLogLine(clock.Now(), "stopped", {}));
  return 0;
}

}  // namespace
}  // namespace denialscope

int main(int argc, char** argv) {
  // Block the stop signals before any thread exists, so every thread inherits the mask and
  // only the sigwait() in Run() sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  absl::SetProgramUsageMessage("denialscope gRPC server");
  denialscope::ApplyEnvironmentDefaults();
  absl::ParseCommandLine(argc, argv);
  return denialscope::Run();
}
