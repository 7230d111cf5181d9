// import_bench: DESIGN §6's ingest bar and issue 3 item 8. A generated X12 837P + 835 pair
// (bench/x12_gen.h, every event joining its claim) is imported through the real server's
// IngestService.ImportFile, in-process on loopback, from a real gRPC client that streams the
// files in 1 MiB chunks as the CLI does, into a fresh database. In the same run the same
// files are parsed into the same rows, which are then written with COPY into the same
// tables (sql/bulk_load.h: raw rows, claim facts, report facts and cells, no per-record
// decisions) in another fresh database: that write alone is the baseline. It reports
// claims/s, remittance events/s, records/s against the baseline's, and peak memory.
// Not a test: at a million claims it takes many minutes. See bench/README.md.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "analytics/taxonomy.h"
#include "bench/x12_gen.h"
#include "cli/channel.h"
#include "denialscope/v1/ingest_service.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "ingest/import_records.h"
#include "ingest/x12_import.h"
#include "pqxx/pqxx"
#include "server/api_convert.h"
#include "server/api_key.h"
#include "server/call_log.h"
#include "server/clock.h"
#include "server/patient_key.h"
#include "server/server.h"
#include "sql/bulk_load.h"
#include "sql/migrations.h"
#include "sql/pg_access_store.h"
#include "sql/pg_claim_store.h"

ABSL_FLAG(std::string, database_url, "",
          "PostgreSQL URL of a role that may CREATE DATABASE (env DATABASE_URL). Required. "
          "Two fresh databases are made on its server and dropped at the end.");
ABSL_FLAG(int64_t, claims, 1000000, "Claims in the pair (rounded up to 800).");
ABSL_FLAG(std::string, work_dir, "/tmp/import_bench", "Where the X12 files are written.");
ABSL_FLAG(uint64_t, seed, 7, "Generator seed.");
ABSL_FLAG(int, chunk_bytes, 1 << 20, "Bytes per ImportFile message (the CLI's default).");
ABSL_FLAG(int, copy_claims_per_transaction, 50000, "Claims per baseline COPY transaction.");
ABSL_FLAG(bool, keep_databases, false, "Leave the two databases for inspection.");

namespace denialscope {
namespace {

namespace v1 = ::denialscope::v1;
using Clock = std::chrono::steady_clock;
constexpr char kNpi[] = "1234567893";  // the practice bench/x12_gen.h writes for

class NullLogSink : public LogSink {
 public:
  void Write(absl::string_view) override {}
};

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// Peak resident memory of this process so far, from getrusage (KiB on Linux).
int64_t PeakRssMiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<int64_t>(usage.ru_maxrss) / 1024;
}

// `url` naming `database` instead (postgresql:// URLs and key=value strings).
std::string WithDatabase(const std::string& url, const std::string& database) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return absl::StrCat(url, " dbname=", database);
  const size_t path = url.find('/', scheme + 3);
  const size_t query = url.find('?', scheme + 3);
  const std::string suffix = query == std::string::npos ? "" : url.substr(query);
  const size_t end = std::min(path, query);
  return absl::StrCat(end == std::string::npos ? url : url.substr(0, end), "/", database,
                      suffix);
}

void Exec(const std::string& url, const std::string& sql) {
  pqxx::connection connection(url);
  pqxx::nontransaction tx(connection);
  tx.exec(sql);
}

// A fresh migrated database on the server, dropped when this goes away.
class FreshDatabase {
 public:
  FreshDatabase(std::string server_url, std::string name)
      : server_url_(std::move(server_url)), name_(std::move(name)) {
    Exec(server_url_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    Exec(server_url_, "CREATE DATABASE " + name_);
    url_ = WithDatabase(server_url_, name_);
  }
  ~FreshDatabase() {
    if (absl::GetFlag(FLAGS_keep_databases)) return;
    try {
      Exec(server_url_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (const std::exception& e) {
      std::fprintf(stderr, "dropping %s: %s\n", name_.c_str(), e.what());
    }
  }
  const std::string& url() const { return url_; }

 private:
  std::string server_url_;
  std::string name_;
  std::string url_;
};

struct Files {
  std::string claims_path;
  std::string remits_path;
  bench::X12GenStats claims;
  bench::X12GenStats remits;
};

Files Generate(const std::string& dir, int64_t claims, uint64_t seed) {
  std::filesystem::create_directories(dir);
  Files files;
  files.claims_path = dir + "/claims.837";
  files.remits_path = dir + "/remits.835";
  std::ofstream claim_file(files.claims_path, std::ios::binary | std::ios::trunc);
  bench::Write837P(claims, seed, [&](std::string_view c) { claim_file << c; }, &files.claims);
  std::ofstream remit_file(files.remits_path, std::ios::binary | std::ios::trunc);
  bench::Write835(claims, seed, [&](std::string_view c) { remit_file << c; }, &files.remits);
  return files;
}

// Streams one file through ImportFile as the CLI does.
absl::StatusOr<v1::ImportFileResponse> ImportFile(v1::IngestService::Stub& stub,
                                                  const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  grpc::ClientContext context;
  v1::ImportFileResponse response;
  auto writer = stub.ImportFile(&context, &response);
  v1::ImportFileRequest request;
  request.set_parent(PracticeName(kNpi));
  request.set_format(v1::FILE_FORMAT_X12);
  request.set_file_name(std::filesystem::path(path).filename().string());
  std::vector<char> buffer(static_cast<size_t>(absl::GetFlag(FLAGS_chunk_bytes)));
  bool first = true;
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const std::streamsize n = in.gcount();
    if (n <= 0) break;
    if (!first) request.Clear();
    first = false;
    request.set_chunk(buffer.data(), static_cast<size_t>(n));
    if (!writer->Write(request)) break;
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                        status.error_message());
  }
  return response;
}

// Collects what the files hold as the stored rows would be: claims with their events.
class HistorySink : public RecordSink {
 public:
  explicit HistorySink(const PatientKeyHasher* hasher) : hasher_(hasher) {}
  void OnClaim(ParsedClaim parsed) override {
    parsed.claim.patient_key = hasher_->Hash(parsed.claim.patient_key);
    const auto key = std::make_pair(parsed.claim.payer_id, parsed.claim.claim_id);
    if (index_.emplace(key, histories_.size()).second) {
      histories_.push_back(ClaimHistory{std::move(parsed.claim), {}});
    }
  }
  void OnRemittance(ParsedRemittance parsed) override {
    auto it = index_.find(std::make_pair(parsed.event.payer_id, parsed.event.claim_id));
    if (it == index_.end()) {
      ++unjoined_;
      return;
    }
    histories_[it->second].events.push_back(std::move(parsed.event));
    ++events_;
  }
  void OnProviderAdjustment(ProviderAdjustment) override {}
  void OnRejected(RejectedRecord) override { ++rejected_; }

  std::vector<ClaimHistory>& histories() { return histories_; }
  int64_t events() const { return events_; }
  int64_t unjoined() const { return unjoined_; }
  int64_t rejected() const { return rejected_; }

 private:
  const PatientKeyHasher* hasher_;
  std::vector<ClaimHistory> histories_;
  std::map<std::pair<std::string, std::string>, size_t> index_;
  int64_t events_ = 0;
  int64_t unjoined_ = 0;
  int64_t rejected_ = 0;
};

void ParseFile(const std::string& path, RecordSink* sink) {
  X12Importer importer(sink);
  std::ifstream in(path, std::ios::binary);
  std::vector<char> buffer(size_t{1} << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const std::streamsize n = in.gcount();
    if (n <= 0) break;
    importer.Feed(absl::string_view(buffer.data(), static_cast<size_t>(n)));
  }
  importer.Finish();
}

int Fail(absl::string_view what, const absl::Status& status) {
  std::fprintf(stderr, "import_bench: %s: %s\n", std::string(what).c_str(),
               status.ToString().c_str());
  return 1;
}

int Run() {
  std::string server_url = absl::GetFlag(FLAGS_database_url);
  if (server_url.empty() && std::getenv("DATABASE_URL") != nullptr) {
    server_url = std::getenv("DATABASE_URL");
  }
  if (server_url.empty()) {
    std::fprintf(stderr, "import_bench: --database_url or DATABASE_URL is required\n");
    return 2;
  }
  const int64_t wanted = absl::GetFlag(FLAGS_claims);
  const CohortTaxonomy taxonomy = *CohortTaxonomy::Builtin();
  const PatientKeyHasher hasher = *PatientKeyHasher::Create("import-bench-secret-0123456789ab");

  Clock::time_point start = Clock::now();
  const Files files = Generate(absl::GetFlag(FLAGS_work_dir), wanted, absl::GetFlag(FLAGS_seed));
  const auto claim_bytes = std::filesystem::file_size(files.claims_path);
  const auto remit_bytes = std::filesystem::file_size(files.remits_path);
  std::printf("generated %s (%lld claims, %.1f MB) and %s (%lld events, %lld PLB pairs, %.1f MB) "
              "in %.1f s\n",
              files.claims_path.c_str(), static_cast<long long>(files.claims.claims),
              claim_bytes / 1e6, files.remits_path.c_str(),
              static_cast<long long>(files.remits.claims),
              static_cast<long long>(files.remits.plb_pairs), remit_bytes / 1e6, Seconds(start));
  std::fflush(stdout);
  const int64_t rss_before_import = PeakRssMiB();

  // --- Through the server ---------------------------------------------------------------
  double claims_seconds = 0;
  double remits_seconds = 0;
  v1::ImportFileResponse claims_answer;
  v1::ImportFileResponse remits_answer;
  {
    FreshDatabase db(server_url, absl::StrCat("import_bench_grpc_", getpid()));
    if (auto applied = ApplyMigrations(db.url()); !applied.ok()) {
      return Fail("migrations", applied.status());
    }
    PgOptions pg;
    pg.url = db.url();
    pg.pool_size = 4;
    auto store = OpenPgClaimStore(pg, &taxonomy);
    if (!store.ok()) return Fail("store", store.status());
    auto access = OpenPgAccessStore(pg);
    if (!access.ok()) return Fail("access store", access.status());
    if (auto p = (*store)->CreatePractice(kNpi, "Neck Clinic"); !p.ok()) {
      return Fail("practice", p.status());
    }
    SystemClock clock;
    NullLogSink log;
    ApiKeyRecord ingester;
    ingester.display_name = "import_bench";
    ingester.scopes = {Scope::kIngest};
    ingester.practice_npis = {kNpi};
    auto key = IssueApiKey(**access, ingester, clock.Now());
    if (!key.ok()) return Fail("API key", key.status());
    ServerOptions server_options;
    server_options.listen_address = "127.0.0.1:0";
    ServiceContext context{store->get(), &taxonomy, &hasher, &clock, &log, access->get()};
    auto server = DenialscopeServer::Start(server_options, context);
    if (!server.ok()) return Fail("server", server.status());
    cli::ChannelOptions channel_options;
    channel_options.target = absl::StrCat("127.0.0.1:", (*server)->port());
    channel_options.api_key = key->plaintext;
    auto stub = v1::IngestService::NewStub(cli::MakeChannel(channel_options));

    start = Clock::now();
    auto claims = ImportFile(*stub, files.claims_path);
    claims_seconds = Seconds(start);
    if (!claims.ok()) return Fail("importing the 837P", claims.status());
    claims_answer = *claims;
    std::printf("ImportFile 837P: %lld claims read, %lld accepted, %lld rejected in %.1f s: "
                "%.0f claims/s\n",
                static_cast<long long>(claims_answer.claims()),
                static_cast<long long>(claims_answer.accepted()),
                static_cast<long long>(claims_answer.rejected()), claims_seconds,
                claims_answer.claims() / claims_seconds);
    std::fflush(stdout);
    start = Clock::now();
    auto remits = ImportFile(*stub, files.remits_path);
    remits_seconds = Seconds(start);
    if (!remits.ok()) return Fail("importing the 835", remits.status());
    remits_answer = *remits;
    std::printf("ImportFile 835: %lld events read, %lld accepted (%lld unmatched), %lld "
                "rejected, %lld PLB pairs stored in %.1f s: %.0f events/s\n",
                static_cast<long long>(remits_answer.remittance_events()),
                static_cast<long long>(remits_answer.accepted()),
                static_cast<long long>(remits_answer.unmatched()),
                static_cast<long long>(remits_answer.rejected()),
                static_cast<long long>(remits_answer.provider_adjustments_stored()),
                remits_seconds, remits_answer.remittance_events() / remits_seconds);
    std::fflush(stdout);
    (*server)->Shutdown(absl::Seconds(5));
  }
  const int64_t rss_after_import = PeakRssMiB();

  // --- Baseline: the same rows with COPY ----------------------------------------------------
  start = Clock::now();
  HistorySink sink(&hasher);
  ParseFile(files.claims_path, &sink);
  ParseFile(files.remits_path, &sink);
  std::vector<ClaimHistory>& histories = sink.histories();
  const double parse_seconds = Seconds(start);
  double copy_seconds = 0;
  {
    FreshDatabase db(server_url, absl::StrCat("import_bench_copy_", getpid()));
    if (auto applied = ApplyMigrations(db.url()); !applied.ok()) {
      return Fail("migrations", applied.status());
    }
    PgOptions pg;
    pg.url = db.url();
    pg.pool_size = 1;
    auto store = OpenPgClaimStore(pg, &taxonomy);
    if (!store.ok()) return Fail("store", store.status());
    auto practice = (*store)->CreatePractice(kNpi, "Neck Clinic");
    if (!practice.ok()) return Fail("practice", practice.status());
    const size_t chunk = static_cast<size_t>(absl::GetFlag(FLAGS_copy_claims_per_transaction));
    start = Clock::now();
    for (size_t from = 0; from < histories.size(); from += chunk) {
      const size_t to = std::min(histories.size(), from + chunk);
      std::vector<ClaimHistory> part(histories.begin() + from, histories.begin() + to);
      if (absl::Status s = BulkLoadHistories(db.url(), *practice, part, BuiltinMeasureContext());
          !s.ok()) {
        return Fail("COPY baseline", s);
      }
    }
    copy_seconds = Seconds(start);
  }
  const int64_t copy_claims = static_cast<int64_t>(histories.size());
  const int64_t copy_records = copy_claims + sink.events();
  std::printf("baseline: parsed %lld claims and %lld events (%lld unjoined, %lld rejected) in "
              "%.1f s (not timed); COPY of them into the same tables in %.1f s: %.0f records/s\n",
              static_cast<long long>(copy_claims), static_cast<long long>(sink.events()),
              static_cast<long long>(sink.unjoined()), static_cast<long long>(sink.rejected()),
              parse_seconds, copy_seconds, copy_records / copy_seconds);

  const int64_t import_records = claims_answer.accepted() + remits_answer.accepted();
  const double import_rate = import_records / (claims_seconds + remits_seconds);
  const double copy_rate = copy_records / copy_seconds;
  std::printf(
      "RESULT claims=%lld events=%lld import_s=%.1f (837P %.1f + 835 %.1f) "
      "import_records_per_s=%.0f claims_per_s=%.0f events_per_s=%.0f copy_s=%.1f "
      "copy_records_per_s=%.0f ratio=%.2f peak_rss_mib(before_import=%lld, after_import=%lld)\n",
      static_cast<long long>(claims_answer.accepted()),
      static_cast<long long>(remits_answer.accepted()), claims_seconds + remits_seconds,
      claims_seconds, remits_seconds, import_rate, claims_answer.accepted() / claims_seconds,
      remits_answer.accepted() / remits_seconds, copy_seconds, copy_rate,
      import_rate / copy_rate, static_cast<long long>(rss_before_import),
      static_cast<long long>(rss_after_import));
  return 0;
}

}  // namespace
}  // namespace denialscope

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return denialscope::Run();
}
