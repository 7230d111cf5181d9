// libFuzzer target: any bytes, split into chunks of any size, through the X12 importer and the
// CSV reader. Finds crashes, sanitizer reports and broken invariants (every record delivered
// exactly once, counts that add up) that hand-written malformed inputs miss. Built only with
// clang and -DDENIALSCOPE_FUZZ=ON; scripts/fuzz.sh runs it.
//
// Input layout: the first byte controls the run (bits 0-4: chunk size - 1; bit 5: small
// segment/row limits; bit 6: at most 2 records per transaction set); the rest is the file.
// The seeds in ingest/fuzz/corpus follow it (first byte 0x03: chunks of 4, default limits).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>

#include "absl/strings/string_view.h"
#include "ingest/csv_reader.h"
#include "ingest/import_records.h"
#include "ingest/x12_import.h"

namespace denialscope {
namespace {

// Touches every field a consumer would read, so sanitizers see any bad memory behind them.
class CheckingSink : public RecordSink {
 public:
  void OnClaim(ParsedClaim claim) override {
    ++claims;
    bytes += claim.claim.claim_id.size() + claim.claim.diagnoses.size() + claim.claim.lines.size();
    for (const ClaimLine& line : claim.claim.lines) bytes += line.procedure_code.size();
  }
  void OnRemittance(ParsedRemittance remittance) override {
    ++remittances;
    if (remittance.line_extras.size() != remittance.event.lines.size()) std::abort();
    bytes += remittance.event.claim_id.size() + remittance.event.adjustments.size();
  }
  void OnProviderAdjustment(ProviderAdjustment adjustment) override {
    ++adjustments;
    bytes += adjustment.adjustment.reason_code.size();
  }
  void OnRejected(RejectedRecord rejected) override {
    ++rejected_records;
    if (rejected.problem.reason.empty()) std::abort();  // every rejection says why
  }

  int64_t claims = 0;
  int64_t remittances = 0;
  int64_t adjustments = 0;
  int64_t rejected_records = 0;
  size_t bytes = 0;
};

// Chunked feeding, so chunk-boundary paths are reached from short inputs.
void FeedInChunks(absl::string_view data, size_t chunk,
                  const std::function<void(absl::string_view)>& feed) {
  for (size_t i = 0; i < data.size(); i += chunk) feed(data.substr(i, chunk));
}

}  // namespace
}  // namespace denialscope

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace denialscope;  // NOLINT: a fuzzer entry point outside the namespace
  if (size == 0) return 0;
  const uint8_t control = data[0];
  const absl::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const size_t chunk = 1 + (control & 0x1F);

  {
    CheckingSink sink;
    X12ImportOptions options;
    options.max_kept_problems = 4;
    if (control & 0x20) options.max_segment_bytes = 600;
    if (control & 0x40) options.max_records_per_transaction_set = 2;
    X12Importer importer(&sink, options);
    FeedInChunks(input, chunk, [&](absl::string_view piece) { importer.Feed(piece); });
    importer.Finish();
    const RecordCounts& counts = importer.counts();
    if (counts.claims != sink.claims || counts.remittances != sink.remittances ||
        counts.provider_adjustments != sink.adjustments ||
        counts.claims_rejected + counts.remittances_rejected +
                counts.provider_adjustments_rejected !=
            sink.rejected_records) {
      std::abort();
    }
    if (importer.reader_stats().max_buffered_bytes > options.max_segment_bytes + 512) std::abort();
  }
  {
    CheckingSink sink;
    CsvOptions options;
    options.max_kept_problems = 4;
    if (control & 0x20) options.max_row_bytes = 300;
    CsvClaimReader reader(&sink, options);
    FeedInChunks(input, chunk, [&](absl::string_view piece) { reader.Feed(piece); });
    reader.Finish();
    if (reader.counts().claims != sink.claims ||
        reader.counts().claims_rejected != sink.rejected_records) {
      std::abort();
    }
  }
  return 0;
}
