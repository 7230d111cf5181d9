// denialscope-gen: writes the demo data set to files, so the server's demo loader, the CLI
// import and benchmarks all read the same bytes. One JSONL file per practice holds its
// IngestRecords in the order IngestOrder gives (a few claims after their remittances);
// practices.tsv lists the tenants and truth.csv is what the generator meant, for humans.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "bench/demo_gen.h"
#include "bench/x12_gen.h"
#include "google/protobuf/util/json_util.h"

ABSL_FLAG(std::string, out, "", "Output directory, created if missing. Required.");
ABSL_FLAG(int, practices, denialscope::DemoOptions().practices, "Number of practices.");
ABSL_FLAG(int, claims_per_practice, denialscope::DemoOptions().claims_per_practice,
          "Original claims per practice.");
ABSL_FLAG(uint64_t, seed, denialscope::DemoOptions().seed,
          "Seed; the same seed gives byte-identical files.");
ABSL_FLAG(std::string, first_month,
          absl::FormatCivilTime(denialscope::DemoOptions().first_month),
          "First service month, YYYY-MM.");
ABSL_FLAG(int, months, denialscope::DemoOptions().months, "Number of service months.");
ABSL_FLAG(std::string, as_of, absl::FormatCivilTime(denialscope::DemoOptions().as_of),
          "As-of date, YYYY-MM-DD: nothing is dated after it.");
ABSL_FLAG(int64_t, x12_claims, 0,
          "When > 0, write only an X12 pair instead of the JSONL demo: claims.837 and "
          "remits.835 with at least this many claims (rounded up to 800) for practice "
          "1234567893, every 835 event joining its 837P claim (bench/x12_gen.h).");

namespace {

int Fail(const std::string& message) {
  std::cerr << "denialscope-gen: " << message << "\n";
  return 1;
}

// Opens `path` for writing; the caller checks the stream after writing.
std::ofstream OpenOut(const std::filesystem::path& path) {
  return std::ofstream(path, std::ios::binary | std::ios::trunc);
}

std::string Bool(bool b) { return b ? "true" : "false"; }

// The X12 pair of --x12_claims, streamed to the files an interchange at a time.
int WriteX12Pair(const std::filesystem::path& dir, int64_t claims, uint64_t seed) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Fail(absl::StrCat("cannot create ", dir.string(), ": ", ec.message()));
  denialscope::bench::X12GenStats claim_stats;
  denialscope::bench::X12GenStats remit_stats;
  std::ofstream claim_file = OpenOut(dir / "claims.837");
  denialscope::bench::Write837P(
      claims, seed, [&](std::string_view chunk) { claim_file << chunk; }, &claim_stats);
  std::ofstream remit_file = OpenOut(dir / "remits.835");
  denialscope::bench::Write835(
      claims, seed, [&](std::string_view chunk) { remit_file << chunk; }, &remit_stats);
  claim_file.close();
  remit_file.close();
  if (!claim_file || !remit_file) return Fail(absl::StrCat("cannot write into ", dir.string()));
  std::cout << absl::StrFormat(
      "X12 for practice 1234567893: claims.837 (%d claims), remits.835 (%d events, %d PLB "
      "pairs) in %s\n",
      claim_stats.claims, remit_stats.claims, remit_stats.plb_pairs, dir.string());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Writes deterministic demo claims and remittances.\n"
      "  denialscope-gen --out DIR [--practices N] [--claims_per_practice N] [--seed S]\n"
      "                  [--first_month YYYY-MM] [--months N] [--as_of YYYY-MM-DD]\n"
      "  denialscope-gen --out DIR --x12_claims N [--seed S]");
  absl::ParseCommandLine(argc, argv);

  denialscope::DemoOptions options;
  const std::string out = absl::GetFlag(FLAGS_out);
  if (out.empty()) return Fail("--out is required");
  if (const int64_t x12_claims = absl::GetFlag(FLAGS_x12_claims); x12_claims > 0) {
    return WriteX12Pair(out, x12_claims, absl::GetFlag(FLAGS_seed));
  }
  options.practices = absl::GetFlag(FLAGS_practices);
  options.claims_per_practice = absl::GetFlag(FLAGS_claims_per_practice);
  options.seed = absl::GetFlag(FLAGS_seed);
  options.months = absl::GetFlag(FLAGS_months);
  if (options.practices < 1) return Fail("--practices must be at least 1");
  if (options.claims_per_practice < 1) return Fail("--claims_per_practice must be at least 1");
  if (options.months < 1) return Fail("--months must be at least 1");
  if (!absl::ParseCivilTime(absl::GetFlag(FLAGS_first_month), &options.first_month)) {
    return Fail("--first_month must look like 2025-07");
  }
  if (!absl::ParseCivilTime(absl::GetFlag(FLAGS_as_of), &options.as_of)) {
    return Fail("--as_of must look like 2026-07-15");
  }
  // At least one day of service must come before as_of, so a claim can be submitted.
  if (absl::CivilDay(options.first_month) >= options.as_of) {
    return Fail("--first_month must begin before --as_of");
  }

  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<denialscope::DemoPractice> practices =
      denialscope::GenerateDemoData(options);
  const auto t1 = std::chrono::steady_clock::now();

  const std::filesystem::path dir(out);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Fail(absl::StrCat("cannot create ", out, ": ", ec.message()));

  std::ofstream index = OpenOut(dir / "practices.tsv");
  std::ofstream truth = OpenOut(dir / "truth.csv");
  truth << "practice_npi,claim_id,payer_id,cohort,family,original_cohort,service_date,"
           "charge_cents,voided,adjudicated,initially_denied,finally_denied,first_payment_date\n";
  size_t claims = 0;
  size_t remittances = 0;
  uintmax_t bytes = 0;
  std::string json;
  for (const denialscope::DemoPractice& p : practices) {
    index << p.npi << '\t' << p.display_name << '\n';
    const std::filesystem::path path = dir / absl::StrCat(p.npi, ".jsonl");
    std::ofstream file = OpenOut(path);
    // The order of IngestOrder(p), one record at a time so memory stays flat.
    denialscope::v1::IngestRecord record;
    bool json_ok = true;
    auto write = [&]() {
      json.clear();
      const auto status = google::protobuf::util::MessageToJsonString(record, &json);
      if (!status.ok()) {
        json_ok = false;
        std::cerr << "denialscope-gen: JSON: " << status.ToString() << "\n";
      }
      file << json << '\n';
    };
    const size_t late = std::min(p.first_late_claim, p.claims.size());
    for (size_t i = 0; i < late && json_ok; ++i) {
      *record.mutable_claim() = p.claims[i];
      write();
    }
    for (size_t i = 0; i < p.remittances.size() && json_ok; ++i) {
      *record.mutable_remittance() = p.remittances[i];
      write();
    }
    for (size_t i = late; i < p.claims.size() && json_ok; ++i) {
      *record.mutable_claim() = p.claims[i];
      write();
    }
    if (!json_ok) return 1;
    file.close();
    if (!file) return Fail(absl::StrCat("cannot write ", path.string()));
    bytes += std::filesystem::file_size(path, ec);
    claims += p.claims.size();
    remittances += p.remittances.size();
    for (const denialscope::ClaimTruth& t : p.truth) {
      truth << p.npi << ',' << t.claim_id << ',' << t.payer_id << ',' << t.cohort << ','
            << t.family << ',' << t.original_cohort << ','
            << absl::FormatCivilTime(t.service_date) << ','
            << t.charge_cents << ',' << Bool(t.voided) << ',' << Bool(t.adjudicated) << ','
            << Bool(t.initially_denied) << ',' << Bool(t.finally_denied) << ','
            << (t.first_payment_date ? absl::FormatCivilTime(*t.first_payment_date) : "")
            << '\n';
    }
  }
  index.close();
  truth.close();
  if (!index || !truth) return Fail(absl::StrCat("cannot write into ", out));
  const auto t2 = std::chrono::steady_clock::now();

  const auto ms = [](auto d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  };
  std::cout << absl::StrFormat(
      "%d practices, %d claim records, %d remittances, %.1f MB of JSONL in %s "
      "(generate %d ms, write %d ms)\n",
      practices.size(), claims, remittances, static_cast<double>(bytes) / 1e6, out,
      ms(t1 - t0), ms(t2 - t1));
  return 0;
}
