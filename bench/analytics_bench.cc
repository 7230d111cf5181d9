// analytics_bench: DESIGN §6's dashboard bar (p99 < 20 ms with 1 million claims in one
// practice and 10 million in all). It loads generated practices through the real
// PgClaimStore ingest path (COPY into the raw tables, per-claim facts and monthly cells kept
// in the same transactions), serves AnalyticsService in-process on loopback, calls each
// report RPC from N concurrent clients and reports p50/p99, then runs the same reports'
// counts as plain GROUP BY queries over the raw tables in the same run for the ratio.
// Not a test: it takes minutes to hours and is never run by ctest. See bench/README.md.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "analytics/fact_cells.h"
#include "analytics/taxonomy.h"
#include "bench/demo_gen.h"
#include "cli/channel.h"
#include "denialscope/v1/analytics_service.grpc.pb.h"
#include "denialscope/v1/report_service.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "pqxx/pqxx"
#include "server/answer_cache.h"
#include "server/api_convert.h"
#include "server/api_key.h"
#include "server/call_log.h"
#include "server/clock.h"
#include "server/patient_key.h"
#include "server/server.h"
#include "sql/baseline_queries.h"
#include "sql/bulk_load.h"
#include "sql/pg_access_store.h"
#include "sql/pg_claim_store.h"

ABSL_FLAG(std::string, database_url, "", "PostgreSQL URL (env DATABASE_URL). Required.");
ABSL_FLAG(int, big_claims, 1000000, "Claims of the measured practice (practice 0).");
ABSL_FLAG(int, other_practices, 9, "Further practices loaded around it.");
ABSL_FLAG(int, other_claims, 1000000, "Claims of each further practice.");
ABSL_FLAG(bool, skip_load, false, "Measure what an earlier run loaded.");
ABSL_FLAG(int, load_from, 0,
          "Load practices from this index on (earlier ones were loaded by an earlier run).");
ABSL_FLAG(bool, bulk, true,
          "Load with COPY straight into the tables (sql/bulk_load.h) instead of through "
          "IngestClaims/IngestRemittances batches.");
ABSL_FLAG(int, batch, 5000, "Records per ingest batch, or claims per bulk transaction / 10.");
ABSL_FLAG(int, clients, 8, "Concurrent clients per RPC.");
ABSL_FLAG(int, calls, 100, "Calls per client per RPC (after 3 warm-up calls).");
ABSL_FLAG(int, report_calls, 10,
          "Timed calls of ReportService.GetMonthlyReport per format (structured, HTML, PDF) and of "
          "its baseline, one client, after one warm-up; 0 skips the monthly report.");
ABSL_FLAG(bool, report_only, false,
          "Time only the monthly report (skip the dashboard RPCs and their GROUP BY).");
ABSL_FLAG(int, baseline_calls, 1, "GROUP BY runs per client per report (0: none).");
ABSL_FLAG(std::string, only, "",
          "Comma-separated RPC names (e.g. CompareCohorts): measure only these (empty: all), "
          "for profiling one RPC at a time.");
ABSL_FLAG(int, last_months, 0,
          "Ask for the last N service months of the measured practice instead of all of them "
          "(0: all, the dashboard's default view).");
ABSL_FLAG(int, answer_cache_mb, 0,
          "The server's answer cache in MiB (server/answer_cache.h). 0, the default, measures "
          "the cold cost of every call; above 0 every call after the first is a cache hit "
          "(still one data-version read each): the warm cost.");

namespace denialscope {
namespace {

namespace v1 = ::denialscope::v1;
using Clock = std::chrono::steady_clock;

class NullLogSink : public LogSink {
 public:
  void Write(absl::string_view) override {}
};

DemoOptions Options(int claims) {
  DemoOptions options;
  options.practices = 1;
  options.claims_per_practice = claims;
  return options;
}

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// Converts and stores the practice's records in batches, in the demo files' order.
absl::Status Load(ClaimStore& store, const PatientKeyHasher& hasher, const DemoPractice& p) {
  absl::StatusOr<Practice> practice = store.CreatePractice(p.npi, p.display_name);
  if (!practice.ok()) return practice.status();
  const size_t batch = static_cast<size_t>(absl::GetFlag(FLAGS_batch));
  std::vector<Claim> claims;
  std::vector<RemittanceEvent> events;
  std::vector<FieldError> errors;
  auto flush = [&]() -> absl::Status {
    if (!claims.empty()) {
      if (auto r = store.IngestClaims(*practice, claims); !r.ok()) return r.status();
    }
    if (!events.empty()) {
      if (auto r = store.IngestRemittances(*practice, events); !r.ok()) return r.status();
    }
    claims.clear();
    events.clear();
    return absl::OkStatus();
  };
  auto add_claims = [&](size_t from, size_t to) -> absl::Status {
    for (size_t i = from; i < to; ++i) {
      std::optional<Claim> claim = ClaimFromProto(p.claims[i], p.npi, hasher, &errors);
      if (claim.has_value()) claims.push_back(*std::move(claim));
      if (claims.size() >= batch) {
        if (absl::Status s = flush(); !s.ok()) return s;
      }
    }
    return flush();
  };
  const size_t late = std::min(p.first_late_claim, p.claims.size());
  if (absl::Status s = add_claims(0, late); !s.ok()) return s;
  for (const v1::RemittanceRecord& r : p.remittances) {
    std::optional<RemittanceEvent> event = RemittanceFromProto(r, p.npi, &errors);
    if (event.has_value()) events.push_back(*std::move(event));
    if (events.size() >= batch) {
      if (absl::Status s = flush(); !s.ok()) return s;
    }
  }
  if (absl::Status s = flush(); !s.ok()) return s;
  if (absl::Status s = add_claims(late, p.claims.size()); !s.ok()) return s;
  if (!errors.empty()) {
    return absl::InternalError(absl::StrCat(errors.size(), " generated records were invalid: ",
                                            errors.front().field, " ", errors.front().reason));
  }
  return absl::OkStatus();
}

// The practice's claims as stored after all its records: the current version of each claim
// (voided ones left out), its first coding when a replacement changed it, every event.
std::vector<ClaimHistory> Histories(const DemoPractice& p, const PatientKeyHasher& hasher) {
  std::vector<ClaimHistory> histories;
  std::map<std::pair<std::string, std::string>, size_t> index;
  std::vector<bool> voided;
  std::vector<FieldError> errors;
  for (const v1::ClaimRecord& record : p.claims) {
    std::optional<Claim> claim = ClaimFromProto(record, p.npi, hasher, &errors);
    if (!claim.has_value()) continue;
    const auto key = std::make_pair(claim->payer_id, claim->claim_id);
    auto it = index.find(key);
    if (it == index.end()) {
      index.emplace(key, histories.size());
      voided.push_back(claim->frequency == FrequencyCode::kVoid);
      histories.push_back(ClaimHistory{*std::move(claim), {}});
      continue;
    }
    ClaimHistory& h = histories[it->second];
    if (claim->frequency == FrequencyCode::kVoid) {
      voided[it->second] = true;
      continue;
    }
    if (h.first_diagnoses.empty() && h.claim.diagnoses != claim->diagnoses) {
      h.first_diagnoses = h.claim.diagnoses;
    }
    voided[it->second] = false;
    h.claim = *std::move(claim);
  }
  for (const v1::RemittanceRecord& record : p.remittances) {
    std::optional<RemittanceEvent> event = RemittanceFromProto(record, p.npi, &errors);
    if (!event.has_value()) continue;
    auto it = index.find({event->payer_id, event->claim_id});
    if (it != index.end()) histories[it->second].events.push_back(*std::move(event));
  }
  std::vector<ClaimHistory> active;
  active.reserve(histories.size());
  for (size_t i = 0; i < histories.size(); ++i) {
    if (!voided[i]) active.push_back(std::move(histories[i]));
  }
  return active;
}

absl::Status BulkLoad(ClaimStore& store, const std::string& url, const PatientKeyHasher& hasher,
                      const DemoPractice& p) {
  absl::StatusOr<Practice> practice = store.CreatePractice(p.npi, p.display_name);
  if (!practice.ok()) return practice.status();
  std::vector<ClaimHistory> histories = Histories(p, hasher);
  const MeasureContext& builtin = BuiltinMeasureContext();
  const size_t chunk = static_cast<size_t>(absl::GetFlag(FLAGS_batch)) * 10;
  for (size_t from = 0; from < histories.size(); from += chunk) {
    const size_t to = std::min(histories.size(), from + chunk);
    std::vector<ClaimHistory> part(std::make_move_iterator(histories.begin() + from),
                                   std::make_move_iterator(histories.begin() + to));
    if (absl::Status s = BulkLoadHistories(url, *practice, part, builtin); !s.ok()) return s;
  }
  return absl::OkStatus();
}

struct Percentiles {
  double p50_ms = 0;
  double p99_ms = 0;
  size_t samples = 0;
};

// The first failed call's status, printed with the table (a failure is never timed silently).
absl::Mutex first_failure_mu;
std::string first_failure;

bool Succeeded(const grpc::Status& status) {
  if (status.ok()) return true;
  absl::MutexLock lock(&first_failure_mu);
  if (first_failure.empty()) {
    first_failure = absl::StrCat(status.error_code(), ": ", status.error_message());
  }
  return false;
}

// Prints the first failure since the last print, under the table it belongs to.
void PrintFirstFailure() {
  absl::MutexLock lock(&first_failure_mu);
  if (first_failure.empty()) return;
  std::printf("\nfirst failure: %s\n", first_failure.c_str());
  first_failure.clear();
}

Percentiles Summarize(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  Percentiles p;
  p.samples = ms.size();
  if (ms.empty()) return p;
  auto at = [&](double q) {
    return ms[std::min(ms.size() - 1, static_cast<size_t>(q * static_cast<double>(ms.size())))];
  };
  p.p50_ms = at(0.50);
  p.p99_ms = at(0.99);
  return p;
}

// CPU time so far: of this process (the in-process server and its clients) and of each
// backend of the benchmark's database by pid, in milliseconds. The backends' share is read
// from /proc, so it counts only when PostgreSQL runs on this machine (every run in
// bench/README.md does); `monitor`'s own backend is left out.
struct CpuTimes {
  double process_ms = 0;
  std::map<std::string, double> backend_ms;
};
CpuTimes ReadCpuTimes(pqxx::connection& monitor) {
  CpuTimes times;
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  times.process_ms = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3 +
                     static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3;
  const double ms_per_tick = 1e3 / static_cast<double>(sysconf(_SC_CLK_TCK));
  pqxx::nontransaction tx(monitor);
  for (const pqxx::row& row : tx.exec("SELECT pid FROM pg_stat_activity WHERE datname ="
                                      " current_database() AND pid <> pg_backend_pid()")) {
    std::ifstream stat(absl::StrCat("/proc/", row[0].c_str(), "/stat"));
    std::string line;
    if (!std::getline(stat, line)) continue;
    // proc(5): after "pid (comm) " come state (field 3) ... utime (14) and stime (15).
    const size_t end_of_comm = line.rfind(')');
    if (end_of_comm == std::string::npos || end_of_comm + 2 >= line.size()) continue;
    const std::vector<std::string> fields =
        absl::StrSplit(line.substr(end_of_comm + 2), ' ');
    double utime = 0, stime = 0;
    if (fields.size() < 13 || !absl::SimpleAtod(fields[11], &utime) ||
        !absl::SimpleAtod(fields[12], &stime)) {
      continue;
    }
    times.backend_ms[row[0].c_str()] = (utime + stime) * ms_per_tick;
  }
  return times;
}
// CPU milliseconds used between two readings (a backend that appeared counts from zero).
double CpuMsBetween(const CpuTimes& before, const CpuTimes& after) {
  double ms = after.process_ms - before.process_ms;
  for (const auto& [pid, backend_ms] : after.backend_ms) {
    const auto it = before.backend_ms.find(pid);
    ms += backend_ms - (it == before.backend_ms.end() ? 0 : it->second);
  }
  return ms;
}

// Runs `call` from `clients` threads, `calls` times each after `warmup`, in milliseconds.
Percentiles Measure(int clients, int warmup, int calls, const std::function<bool()>& call,
                    std::atomic<int>* failures) {
  std::vector<std::vector<double>> per_thread(static_cast<size_t>(clients));
  std::vector<std::thread> threads;
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < warmup + calls; ++i) {
        const Clock::time_point start = Clock::now();
        if (!call()) ++*failures;
        if (i >= warmup) per_thread[static_cast<size_t>(t)].push_back(Seconds(start) * 1000);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::vector<double> all;
  for (const auto& v : per_thread) all.insert(all.end(), v.begin(), v.end());
  return Summarize(std::move(all));
}

// The service months every measured request covers: all of the practice's, or its last
// --last_months (a period the all-months rollups cannot serve).
std::pair<absl::CivilMonth, absl::CivilMonth> MeasuredMonths(const DemoOptions& options) {
  const absl::CivilMonth last = options.first_month + (options.months - 1);
  const int wanted = absl::GetFlag(FLAGS_last_months);
  if (wanted <= 0 || wanted >= options.months) return {options.first_month, last};
  return {last - (wanted - 1), last};
}

template <typename Request>
Request Scope(const std::string& npi, const DemoOptions& options) {
  Request request;
  const auto [first, last] = MeasuredMonths(options);
  request.set_from_month(FormatIsoMonth(first));
  request.set_to_month(FormatIsoMonth(last));
  request.set_as_of_date(FormatIsoDate(options.as_of));
  (void)npi;
  return request;
}

// Reads one GetMonthlyReport stream to its end; the structured report goes to `report`.
bool PullMonthlyReport(v1::ReportService::Stub& stub, const std::string& name,
                       const std::string& as_of, v1::ReportFormat format,
                       v1::MonthlyReport* report, size_t* bytes) {
  v1::GetMonthlyReportRequest request;
  request.set_name(name);
  request.set_format(format);
  request.set_as_of_date(as_of);
  grpc::ClientContext context;
  auto reader = stub.GetMonthlyReport(&context, request);
  v1::GetMonthlyReportResponse message;
  *bytes = 0;
  while (reader->Read(&message)) {
    if (message.has_report()) *report = message.report();
    *bytes += message.chunk().size();
  }
  return Succeeded(reader->Finish());
}

// The baseline of the monthly report: the same AnalyticsService answers it is made of, asked
// one after another by one client as a dashboard would (the month's comparison, reasons,
// timeline and worklist; the 12-month trend; the headline's five 13-month trends and two more
// timelines; a comparison and a paid-to-charge trend per payer row of `report`).
// `times`, when given, gets each RPC's milliseconds under its name (summed per name).
// False when any call failed; the first failure's status is kept for the table (Succeeded).
bool ReportPiecesByRpc(v1::AnalyticsService::Stub& stub, const std::string& practice,
                       absl::CivilMonth month, const std::string& as_of,
                       const v1::MonthlyReport& report,
                       std::map<std::string, double>* times = nullptr) {
  bool ok = true;
  Clock::time_point started = Clock::now();
  auto lap = [&](const std::string& name) {
    if (times != nullptr) (*times)[name] += Seconds(started) * 1000;
    started = Clock::now();
  };
  auto scoped = [&](auto request, absl::CivilMonth from, absl::CivilMonth to) {
    request.set_practice(practice);
    request.set_from_month(FormatIsoMonth(from));
    request.set_to_month(FormatIsoMonth(to));
    request.set_as_of_date(as_of);
    return request;
  };
  auto compare = [&](v1::CompareCohortsRequest request) {
    v1::CompareCohortsResponse response;
    grpc::ClientContext context;
    ok = Succeeded(stub.CompareCohorts(&context, request, &response)) && ok;
    lap(request.filter().payer_ids().empty() ? "CompareCohorts" : "CompareCohorts by payer");
  };
  auto trend = [&](v1::GetTrendRequest request, v1::Measure measure) {
    request.set_measure(measure);
    v1::GetTrendResponse response;
    grpc::ClientContext context;
    ok = Succeeded(stub.GetTrend(&context, request, &response)) && ok;
    lap(request.filter().payer_ids().empty() ? "GetTrend" : "GetTrend by payer");
  };
  auto timeline = [&](v1::GetPaymentTimelineRequest request) {
    v1::GetPaymentTimelineResponse response;
    grpc::ClientContext context;
    ok = Succeeded(stub.GetPaymentTimeline(&context, request, &response)) && ok;
    lap("GetPaymentTimeline");
  };
  compare(scoped(v1::CompareCohortsRequest(), month, month));
  trend(scoped(v1::GetTrendRequest(), month - 11, month), v1::MEASURE_INITIAL_DENIAL_RATE);
  {
    v1::ListDenialReasonsRequest request = scoped(v1::ListDenialReasonsRequest(), month, month);
    v1::ListDenialReasonsResponse response;
    grpc::ClientContext context;
    ok = Succeeded(stub.ListDenialReasons(&context, request, &response)) && ok;
    lap("ListDenialReasons");
  }
  timeline(scoped(v1::GetPaymentTimelineRequest(), month, month));
  {
    v1::ListDeniedClaimsRequest request;
    request.set_parent(practice);
    request.set_from_month(FormatIsoMonth(month));
    request.set_to_month(FormatIsoMonth(month));
    request.set_as_of_date(as_of);
    request.add_cohorts(v1::COHORT_GROUP_NONSPECIFIC);
    request.add_denial_categories("diagnosis_coding");
    request.add_denial_categories("medical_necessity");
    request.set_page_size(100);
    v1::ListDeniedClaimsResponse response;
    grpc::ClientContext context;
    ok = Succeeded(stub.ListDeniedClaims(&context, request, &response)) && ok;
    lap("ListDeniedClaims");
  }
  for (v1::Measure measure :
       {v1::MEASURE_INITIAL_DENIAL_RATE, v1::MEASURE_INITIAL_DENIAL_RATE_DOLLARS,
        v1::MEASURE_FINAL_DENIAL_RATE, v1::MEASURE_CLEAN_CLAIM_RATE, v1::MEASURE_PAID_TO_CHARGE}) {
    trend(scoped(v1::GetTrendRequest(), month - 12, month), measure);
  }
  timeline(scoped(v1::GetPaymentTimelineRequest(), month - 1, month - 1));
  timeline(scoped(v1::GetPaymentTimelineRequest(), month - 11, month));
  for (const v1::PayerRow& row : report.payers()) {
    if (row.payer_id().empty()) continue;  // the pooled row's payers are not in the message
    v1::CompareCohortsRequest request = scoped(v1::CompareCohortsRequest(), month, month);
    request.mutable_filter()->add_payer_ids(row.payer_id());
    compare(request);
    v1::GetTrendRequest paid = scoped(v1::GetTrendRequest(), month, month);
    *paid.mutable_filter() = request.filter();
    trend(paid, v1::MEASURE_PAID_TO_CHARGE);
  }
  return ok;
}

// DESIGN §6: the monthly report in < 1 s with 1 million claims in the practice. Times
// GetMonthlyReport for the last generated service month, structured, as HTML and as PDF,
// against the same answers asked as separate AnalyticsService RPCs, all from one client in
// this run.
void MeasureMonthlyReport(const std::shared_ptr<grpc::Channel>& channel,
                          const std::string& practice, const DemoOptions& options) {
  auto reports = v1::ReportService::NewStub(channel);
  auto analytics = v1::AnalyticsService::NewStub(channel);
  const absl::CivilMonth month = options.first_month + (options.months - 1);
  const std::string name = absl::StrCat(practice, "/reports/", FormatIsoMonth(month));
  const std::string as_of = FormatIsoDate(options.as_of);
  const int calls = absl::GetFlag(FLAGS_report_calls);
  v1::MonthlyReport report;
  size_t bytes = 0;
  std::atomic<int> failures{0};
  const Percentiles structured = Measure(1, 1, calls, [&] {
    return PullMonthlyReport(*reports, name, as_of, v1::REPORT_FORMAT_STRUCTURED, &report,
                             &bytes);
  }, &failures);
  size_t html_bytes = 0;
  const Percentiles html = Measure(1, 1, calls, [&] {
    v1::MonthlyReport ignored;
    return PullMonthlyReport(*reports, name, as_of, v1::REPORT_FORMAT_HTML, &ignored,
                             &html_bytes);
  }, &failures);
  size_t pdf_bytes = 0;
  const Percentiles pdf = Measure(1, 1, calls, [&] {
    v1::MonthlyReport ignored;
    return PullMonthlyReport(*reports, name, as_of, v1::REPORT_FORMAT_PDF, &ignored, &pdf_bytes);
  }, &failures);
  const Percentiles pieces = Measure(1, 1, calls, [&] {
    return ReportPiecesByRpc(*analytics, practice, month, as_of, report);
  }, &failures);
  // Where the baseline's time goes, one more run: milliseconds per RPC kind (all its calls).
  std::map<std::string, double> times;
  ReportPiecesByRpc(*analytics, practice, month, as_of, report, &times);
  int64_t claims = report.comparison().nonspecific_claims();
  for (const v1::CohortComparison& c : report.comparison().comparisons()) {
    if (c.reference_group() == v1::COHORT_GROUP_SPECIFIC) claims += c.reference_claims();
  }
  std::printf("\nOne run of the separate RPCs, ms per kind:");
  for (const auto& [kind, ms] : times) std::printf(" %s %.1f;", kind.c_str(), ms);
  std::printf("\nMonthly report %s as of %s: %lld neck-pain claims in the month, %d payer rows, "
              "HTML %zu bytes, PDF %zu bytes; one client, %d calls each after 1 warm-up\n"
              "| call | p50 (ms) | p99 (ms) | p50 / GetMonthlyReport structured p50 |\n"
              "| --- | --- | --- | --- |\n"
              "| GetMonthlyReport, structured | %.1f | %.1f | 1.00 |\n"
              "| GetMonthlyReport, HTML | %.1f | %.1f | %.2f |\n"
              "| GetMonthlyReport, PDF | %.1f | %.1f | %.2f |\n"
              "| the same answers as separate AnalyticsService RPCs | %.1f | %.1f | %.2f |%s\n",
              name.c_str(), as_of.c_str(), static_cast<long long>(claims), report.payers_size(),
              html_bytes, pdf_bytes, calls, structured.p50_ms, structured.p99_ms, html.p50_ms,
              html.p99_ms, structured.p50_ms > 0 ? html.p50_ms / structured.p50_ms : 0.0,
              pdf.p50_ms, pdf.p99_ms, structured.p50_ms > 0 ? pdf.p50_ms / structured.p50_ms : 0.0,
              pieces.p50_ms,
              pieces.p99_ms, structured.p50_ms > 0 ? pieces.p50_ms / structured.p50_ms : 0.0,
              failures > 0 ? absl::StrCat(" (", failures.load(), " failures)").c_str() : "");
  PrintFirstFailure();
  std::fflush(stdout);
}

int Run() {
  std::string url = absl::GetFlag(FLAGS_database_url);
  if (url.empty() && std::getenv("DATABASE_URL") != nullptr) url = std::getenv("DATABASE_URL");
  if (url.empty()) {
    std::fprintf(stderr, "analytics_bench: --database_url or DATABASE_URL is required\n");
    return 2;
  }
  if (auto applied = ApplyMigrations(url); !applied.ok()) {
    std::fprintf(stderr, "migrations: %s\n", std::string(applied.status().message()).c_str());
    return 1;
  }
  const CohortTaxonomy taxonomy = *CohortTaxonomy::Builtin();
  const PatientKeyHasher hasher = *PatientKeyHasher::Create("analytics-bench-secret-0123456789");
  PgOptions pg;
  pg.url = url;
  pg.pool_size = absl::GetFlag(FLAGS_clients) + 2;
  auto store = OpenPgClaimStore(pg, &taxonomy);
  if (!store.ok()) {
    std::fprintf(stderr, "store: %s\n", std::string(store.status().message()).c_str());
    return 1;
  }

  // Practice 0 is the measured one; its NPI depends only on the seed and its index.
  std::set<std::string> npis;
  const DemoOptions big = Options(absl::GetFlag(FLAGS_big_claims));
  std::string npi;
  int64_t loaded = 0;
  const Clock::time_point load_start = Clock::now();
  const int practices = 1 + absl::GetFlag(FLAGS_other_practices);
  for (int i = 0; i < practices; ++i) {
    const bool skip = absl::GetFlag(FLAGS_skip_load) || i < absl::GetFlag(FLAGS_load_from);
    const DemoOptions options = i == 0 ? big : Options(absl::GetFlag(FLAGS_other_claims));
    const Clock::time_point start = Clock::now();
    DemoPractice p = GenerateDemoPractice(skip ? Options(1) : options, i, &npis);
    if (i == 0) npi = p.npi;
    if (skip) continue;
    const double generated = Seconds(start);
    const absl::Status s = absl::GetFlag(FLAGS_bulk) ? BulkLoad(**store, url, hasher, p)
                                                     : Load(**store, hasher, p);
    if (!s.ok()) {
      std::fprintf(stderr, "load of practice %d: %s\n", i, std::string(s.message()).c_str());
      return 1;
    }
    loaded += static_cast<int64_t>(p.truth.size());
    std::printf("practice %d (%s): %zu claims, %zu remittances; generated in %.1f s, stored in "
                "%.1f s; %lld claims so far, %.0f s\n",
                i, p.npi.c_str(), p.truth.size(), p.remittances.size(), generated,
                Seconds(start) - generated, static_cast<long long>(loaded), Seconds(load_start));
    std::fflush(stdout);
  }

  // Fresh planner statistics, as autovacuum keeps them on a live database.
  if (!absl::GetFlag(FLAGS_skip_load)) {
    pqxx::connection connection(url);
    pqxx::nontransaction tx(connection);
    tx.exec(queries::kBaselineAnalyze);
  }

  // The server in-process on loopback, over the same store, authenticating every call and
  // writing its audit row as in production; the clients share one read key.
  SystemClock clock;
  NullLogSink log;
  auto access = OpenPgAccessStore(pg);
  if (!access.ok()) {
    std::fprintf(stderr, "access store: %s\n", std::string(access.status().message()).c_str());
    return 1;
  }
  ApiKeyRecord reader;
  reader.display_name = "analytics_bench";
  reader.scopes = {Scope::kRead, Scope::kReport};
  reader.practice_npis = {npi};
  auto key = IssueApiKey(**access, reader, clock.Now());
  if (!key.ok()) {
    std::fprintf(stderr, "API key: %s\n", std::string(key.status().message()).c_str());
    return 1;
  }
  ServerOptions server_options;
  server_options.listen_address = "127.0.0.1:0";
  // gRPC counts its pollers against this quota too: with 2 threads a single client already
  // saw "Server Threadpool Exhausted".
  server_options.max_handler_threads = std::max(8, 2 * absl::GetFlag(FLAGS_clients));
  server_options.max_calls_per_key = 2 * absl::GetFlag(FLAGS_clients);
  server_options.answer_cache_bytes = 0;
  ServiceContext service_context{store->get(), &taxonomy, &hasher, &clock, &log, access->get()};
  // The bench's own cache (when asked for) so it can print how often it hit.
  std::unique_ptr<AnswerCache> answer_cache;
  if (absl::GetFlag(FLAGS_answer_cache_mb) > 0) {
    answer_cache =
        std::make_unique<AnswerCache>(int64_t{absl::GetFlag(FLAGS_answer_cache_mb)} << 20);
    service_context.answer_cache = answer_cache.get();
  }
  auto server = DenialscopeServer::Start(server_options, service_context);
  if (!server.ok()) {
    std::fprintf(stderr, "server: %s\n", std::string(server.status().message()).c_str());
    return 1;
  }
  cli::ChannelOptions channel_options;
  channel_options.target = absl::StrCat("127.0.0.1:", (*server)->port());
  channel_options.api_key = key->plaintext;
  auto channel = cli::MakeChannel(channel_options);
  auto stub = v1::AnalyticsService::NewStub(channel);
  const std::string practice = PracticeName(npi);

  struct Report {
    std::string name;
    std::function<bool(v1::DataSource*)> call;
    const char* baseline;
  };
  std::vector<Report> reports;
  reports.push_back({"CompareCohorts", [&](v1::DataSource* source) {
    auto request = Scope<v1::CompareCohortsRequest>(npi, big);
    request.set_practice(practice);
    v1::CompareCohortsResponse response;
    grpc::ClientContext context;
    const bool ok = Succeeded(stub->CompareCohorts(&context, request, &response));
    *source = response.source();
    return ok;
  }, queries::kBaselineCompare});
  reports.push_back({"GetTrend", [&](v1::DataSource* source) {
    auto request = Scope<v1::GetTrendRequest>(npi, big);
    request.set_practice(practice);
    request.set_measure(v1::MEASURE_INITIAL_DENIAL_RATE);
    v1::GetTrendResponse response;
    grpc::ClientContext context;
    const bool ok = Succeeded(stub->GetTrend(&context, request, &response));
    *source = response.source();
    return ok;
  }, queries::kBaselineTrend});
  reports.push_back({"ListDenialReasons", [&](v1::DataSource* source) {
    auto request = Scope<v1::ListDenialReasonsRequest>(npi, big);
    request.set_practice(practice);
    v1::ListDenialReasonsResponse response;
    grpc::ClientContext context;
    const bool ok = Succeeded(stub->ListDenialReasons(&context, request, &response));
    *source = response.source();
    return ok;
  }, queries::kBaselineReasons});
  reports.push_back({"GetPaymentTimeline", [&](v1::DataSource* source) {
    auto request = Scope<v1::GetPaymentTimelineRequest>(npi, big);
    request.set_practice(practice);
    v1::GetPaymentTimelineResponse response;
    grpc::ClientContext context;
    const bool ok = Succeeded(stub->GetPaymentTimeline(&context, request, &response));
    *source = response.source();
    return ok;
  }, queries::kBaselineTimeline});
  reports.push_back({"ListDeniedClaims", [&](v1::DataSource* source) {
    auto request = Scope<v1::ListDeniedClaimsRequest>(npi, big);
    request.set_parent(practice);
    request.set_page_size(50);
    v1::ListDeniedClaimsResponse response;
    grpc::ClientContext context;
    const bool ok = Succeeded(stub->ListDeniedClaims(&context, request, &response));
    *source = response.source();
    return ok;
  }, queries::kBaselineWorklist});

  if (absl::GetFlag(FLAGS_report_calls) > 0) {
    MeasureMonthlyReport(channel, practice, big);
  }
  if (absl::GetFlag(FLAGS_report_only)) {
    (*server)->Shutdown(absl::Seconds(1));
    return 0;
  }

  const int clients = absl::GetFlag(FLAGS_clients);
  const Practice measured = *(*store)->GetPractice(npi);
  pqxx::connection monitor(url);
  std::printf("\n| RPC | source | RPC p50 (ms) | RPC p99 (ms) | CPU ms per call | GROUP BY p50 (ms) "
              "| GROUP BY p99 (ms) | GROUP BY p50 / RPC p50 |\n"
              "| --- | --- | --- | --- | --- | --- | --- | --- |\n");
  const std::vector<std::string> only =
      absl::StrSplit(absl::GetFlag(FLAGS_only), ',', absl::SkipEmpty());
  for (const Report& report : reports) {
    if (!only.empty() && std::find(only.begin(), only.end(), report.name) == only.end()) {
      continue;
    }
    std::atomic<int> failures{0};
    v1::DataSource source = v1::DATA_SOURCE_UNSPECIFIED;
    report.call(&source);
    constexpr int kWarmup = 3;
    const CpuTimes cpu_before = ReadCpuTimes(monitor);
    const Percentiles rpc = Measure(clients, kWarmup, absl::GetFlag(FLAGS_calls), [&] {
      v1::DataSource ignored;
      return report.call(&ignored);
    }, &failures);
    // Server, clients and PostgreSQL together, over every call of the measurement.
    const double cpu_ms_per_call =
        CpuMsBetween(cpu_before, ReadCpuTimes(monitor)) /
        static_cast<double>(clients * (kWarmup + absl::GetFlag(FLAGS_calls)));
    // The same report's counts by a plain GROUP BY over the raw tables, same clients.
    std::vector<std::unique_ptr<pqxx::connection>> connections;
    for (int i = 0; i < clients; ++i) connections.push_back(std::make_unique<pqxx::connection>(url));
    std::atomic<int> next{0};
    const Percentiles baseline = Measure(clients, 0, absl::GetFlag(FLAGS_baseline_calls), [&] {
      thread_local int index = next++;
      pqxx::nontransaction tx(*connections[static_cast<size_t>(index % clients)]);
      const auto [first, last] = MeasuredMonths(big);
      tx.exec_params(report.baseline, measured.practice_id, FormatIsoDate(Day(first)),
                     FormatIsoDate(Day(last + 1) - 1));
      return true;
    }, &failures);
    std::printf("| %s | %s | %.2f | %.2f | %.2f | %.0f | %.0f | %.0fx |%s\n",
                report.name.c_str(), v1::DataSource_Name(source).c_str(), rpc.p50_ms,
                rpc.p99_ms, cpu_ms_per_call, baseline.p50_ms,
                baseline.p99_ms, rpc.p50_ms > 0 ? baseline.p50_ms / rpc.p50_ms : 0.0,
                failures > 0 ? absl::StrCat(" (", failures.load(), " failures)").c_str() : "");
    std::fflush(stdout);
  }
  PrintFirstFailure();
  if (answer_cache != nullptr) {
    const AnswerCache::Stats stats = answer_cache->stats();
    std::printf("\nanswer cache: %lld hits, %lld misses, %lld entries, %lld bytes\n",
                static_cast<long long>(stats.hits), static_cast<long long>(stats.misses),
                static_cast<long long>(stats.entries), static_cast<long long>(stats.bytes));
  }
  (*server)->Shutdown(absl::Seconds(1));
  return 0;
}

}  // namespace
}  // namespace denialscope

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return denialscope::Run();
}
