// A deterministic generator of realistic claims and adjudication events for demo data,
// end-to-end tests and benchmarks. Alongside the records it returns what it intended for
// each claim (cohort, initial and final outcome, first payment), so tests can check the
// server's measures against numbers computed without the analytics code.
#ifndef DENIALSCOPE_BENCH_DEMO_GEN_H_
#define DENIALSCOPE_BENCH_DEMO_GEN_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "denialscope/v1/records.pb.h"

namespace denialscope {

struct DemoOptions {
  uint64_t seed = 20260101;
  int practices = 3;
  int claims_per_practice = 2000;
  absl::CivilMonth first_month = absl::CivilMonth(2025, 7);
  int months = 12;                                   // service months generated
  absl::CivilDay as_of = absl::CivilDay(2026, 7, 15);  // no event is dated after it
};

// What the generator meant for one claim; the ground truth tests compare against.
struct ClaimTruth {
  std::string claim_id;
  std::string payer_id;
  std::string cohort;  // "nonspecific", "specific" or "non_cervical" (principal rule)
  std::string family;  // specific family id, empty otherwise
  // The cohort of the claim as first submitted, which is the cohort the analytics use. It
  // differs from `cohort` (the final version's) when a denied M54.2 claim was replaced by a
  // corrected claim with a specific code: that is an M54.2 denial a coder fixed.
  std::string original_cohort;
  absl::CivilDay service_date;
  int64_t charge_cents = 0;
  bool voided = false;              // a frequency-8 void follows the claim
  bool adjudicated = false;         // has an outcome event on or before as_of
  bool initially_denied = false;    // initial outcome is a denial (CARC 18 excluded)
  bool finally_denied = false;
  std::optional<absl::CivilDay> first_payment_date;
};

struct DemoPractice {
  std::string npi;
  std::string display_name;
  // In submission order (an original always precedes its replacement or void), except that
  // claims[first_late_claim..] are the ~2% of claims the demo files send after their
  // remittances, so ingest has to keep those events unmatched until the claim arrives.
  std::vector<denialscope::v1::ClaimRecord> claims;
  size_t first_late_claim = 0;
  // In production order: includes reversals, corrections, CARC 18 duplicates, and events
  // for claims that are sent later than their remittance.
  std::vector<denialscope::v1::RemittanceRecord> remittances;
  std::vector<ClaimTruth> truth;  // one per distinct claim id, in claim id order
};

std::vector<DemoPractice> GenerateDemoData(const DemoOptions& options);

// Streaming: practice `index` of GenerateDemoData(options) alone (the same records), so a
// benchmark can make and load millions of claims one practice at a time. `used_npis` keeps
// NPIs unique across calls; pass the same set for indexes 0, 1, 2, ... in order.
DemoPractice GenerateDemoPractice(const DemoOptions& options, int index,
                                  std::set<std::string>* used_npis);

// The practice's records in the order the demo files hold them: the on-time claims, then
// every remittance, then the late claims. End-to-end tests feed the same order in-process.
std::vector<denialscope::v1::IngestRecord> IngestOrder(const DemoPractice& practice);

}  // namespace denialscope

#endif  // DENIALSCOPE_BENCH_DEMO_GEN_H_
