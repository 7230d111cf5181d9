// Synthetic X12 files for the parse-throughput benchmark: well-formed 835 remittances (and
// 837P claims) of any size, built in memory, deterministic for a seed. The shapes follow
// 005010X221A1/X222A1 closely enough that every segment the importers read is exercised
// (CLP with CAS, SVC lines with DTM, CAS, REF*6R, AMT*B6, LQ*HE, reversals, PLB).
#ifndef DENIALSCOPE_BENCH_X12_GEN_H_
#define DENIALSCOPE_BENCH_X12_GEN_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace denialscope::bench {

struct X12GenStats {
  int64_t interchanges = 0;
  int64_t transaction_sets = 0;
  int64_t claims = 0;       // CLP (835) or CLM (837P) segments
  int64_t segments = 0;     // every segment, envelope included
  int64_t plb_pairs = 0;    // 835 provider adjustments
};

// An 835 file of at least `min_bytes`, in interchanges of 20 payments of 40 claims each.
std::string Generate835(size_t min_bytes, uint64_t seed, X12GenStats* stats = nullptr);
// An 837P file of at least `min_bytes`, in interchanges of 20 sets of 40 claims each.
std::string Generate837P(size_t min_bytes, uint64_t seed, X12GenStats* stats = nullptr);

// Receives a generated file one interchange at a time.
using ChunkSink = std::function<void(std::string_view)>;

// The same files streamed to `sink` an interchange (800 claims) at a time until at least
// `min_claims` claims are written, so files of millions of claims never sit in memory. An
// 835 and an 837P written with the same `min_claims` pair up: claim n is PCN<n> with the same
// payer in both, so every remittance event joins its claim (the import benchmark's pair).
// Dates follow a claim's life within its month: service on days 1-5, submitted (BHT) on
// day 8, received by the payer on days 9-11, adjudicated (DTM*405) on day 18, paid on day 20.
void Write835(int64_t min_claims, uint64_t seed, const ChunkSink& sink,
              X12GenStats* stats = nullptr);
void Write837P(int64_t min_claims, uint64_t seed, const ChunkSink& sink,
               X12GenStats* stats = nullptr);

}  // namespace denialscope::bench

#endif  // DENIALSCOPE_BENCH_X12_GEN_H_
