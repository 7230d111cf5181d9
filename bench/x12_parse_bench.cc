// X12 parse throughput on one core (DESIGN.md bar: >= 200 MB/s). Generates an 835 of at
// least 100 MB in memory, checks that it parses cleanly, then measures the full importer
// (tokenizer, envelope checks, 835 records into a sink) fed in 64 KiB chunks as a server would
// receive them. The same-run baseline is a plain memchr scan for segment terminators over the
// same bytes: the least any X12 reader must do; `vs_memchr` is the parser's share of that speed.
// Rates are per CPU second of the benchmark thread (decimal MB), so other load does not count.
#include <time.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/strings/string_view.h"
#include "bench/x12_gen.h"
#include "benchmark/benchmark.h"
#include "ingest/import_records.h"
#include "ingest/x12_import.h"

namespace denialscope::bench {
namespace {

constexpr size_t kFileBytes = size_t{100} << 20;
constexpr size_t kChunkBytes = size_t{64} << 10;

struct Corpus {
  std::string bytes;
  X12GenStats stats;
};

const Corpus& File835() {
  static const Corpus* corpus = [] {
    auto* c = new Corpus;
    c->bytes = Generate835(kFileBytes, 835, &c->stats);
    return c;
  }();
  return *corpus;
}

const Corpus& File837() {
  static const Corpus* corpus = [] {
    auto* c = new Corpus;
    c->bytes = Generate837P(kFileBytes, 837, &c->stats);
    return c;
  }();
  return *corpus;
}

// Keeps a checksum of what it receives so the optimizer cannot drop the records.
class CountingSink : public RecordSink {
 public:
  void OnClaim(ParsedClaim claim) override { checksum += claim.claim.total_charge_cents; ++records; }
  void OnRemittance(ParsedRemittance remittance) override {
    checksum += remittance.event.paid_cents;
    ++records;
  }
  void OnProviderAdjustment(ProviderAdjustment adjustment) override {
    checksum += adjustment.adjustment.amount_cents;
  }
  void OnRejected(RejectedRecord) override { ++rejected; }
  int64_t checksum = 0;
  int64_t records = 0;
  int64_t rejected = 0;
};

size_t CountTerminators(absl::string_view bytes) {
  size_t count = 0;
  const char* at = bytes.data();
  const char* end = at + bytes.size();
  while (at < end) {
    const void* found = std::memchr(at, '~', static_cast<size_t>(end - at));
    if (found == nullptr) break;
    ++count;
    at = static_cast<const char*>(found) + 1;
  }
  return count;
}

// CPU seconds of this thread: the figures stay meaningful on a shared, busy machine.
double ThreadCpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

// Bytes per CPU second of the memchr scan, measured once per process (best of three).
double MemchrBytesPerSecond(absl::string_view bytes) {
  double best = 0;
  for (int i = 0; i < 3; ++i) {
    const double start = ThreadCpuSeconds();
    benchmark::DoNotOptimize(CountTerminators(bytes));
    best = std::max(best, static_cast<double>(bytes.size()) / (ThreadCpuSeconds() - start));
  }
  return best;
}

void Parse(absl::string_view bytes, CountingSink* sink, X12Importer* importer) {
  for (size_t i = 0; i < bytes.size(); i += kChunkBytes) importer->Feed(bytes.substr(i, kChunkBytes));
  importer->Finish();
  (void)sink;
}

void RunParse(benchmark::State& state, const Corpus& corpus, bool remittances) {
  const absl::string_view bytes = corpus.bytes;
  {  // The file must be clean and fully accounted for, or the figure means nothing.
    CountingSink sink;
    X12Importer importer(&sink);
    Parse(bytes, &sink, &importer);
    const RecordCounts& counts = importer.counts();
    const int64_t read = remittances ? counts.remittances : counts.claims;
    if (importer.problems().total() != 0 || read != corpus.stats.claims) {
      state.SkipWithError("the generated file did not parse cleanly");
      return;
    }
  }
  double seconds = 0;
  for (auto _ : state) {
    const double start = ThreadCpuSeconds();
    CountingSink sink;
    X12Importer importer(&sink);
    Parse(bytes, &sink, &importer);
    benchmark::DoNotOptimize(sink.checksum);
    seconds += ThreadCpuSeconds() - start;
  }
  const double total_mb = static_cast<double>(state.iterations() * bytes.size()) / 1e6;
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
  state.counters["file_MB"] = static_cast<double>(bytes.size()) / 1e6;
  state.counters["records"] = static_cast<double>(corpus.stats.claims);
  state.counters["parse_MB_per_s"] = total_mb / seconds;
  // The baseline over the same bytes, measured in this same run, and the parser's share of it.
  const double memchr_mb_per_s = MemchrBytesPerSecond(bytes) / 1e6;
  state.counters["memchr_MB_per_s"] = memchr_mb_per_s;
  state.counters["vs_memchr"] = (total_mb / seconds) / memchr_mb_per_s;
}

void BM_Parse835(benchmark::State& state) { RunParse(state, File835(), true); }
void BM_Parse837P(benchmark::State& state) { RunParse(state, File837(), false); }

void BM_MemchrScan835(benchmark::State& state) {
  const absl::string_view bytes = File835().bytes;
  for (auto _ : state) benchmark::DoNotOptimize(CountTerminators(bytes));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
  state.counters["MB_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * bytes.size()) / 1e6, benchmark::Counter::kIsRate);
}

BENCHMARK(BM_MemchrScan835)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_Parse835)->Unit(benchmark::kMillisecond)->MinTime(3.0);
BENCHMARK(BM_Parse837P)->Unit(benchmark::kMillisecond)->MinTime(3.0);

}  // namespace
}  // namespace denialscope::bench

BENCHMARK_MAIN();
