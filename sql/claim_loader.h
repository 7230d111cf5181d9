// Loading claims with everything that joins to them, set-based: one query per table for a
// whole selection of claims (by date of service or by key), never one query per claim. Used
// by LoadClaims and by ingest, which recomputes the facts of the claims a batch touched.
#ifndef DENIALSCOPE_SQL_CLAIM_LOADER_H_
#define DENIALSCOPE_SQL_CLAIM_LOADER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "analytics/records.h"
#include "pqxx/pqxx"
#include "sql/pg_values.h"
#include "sql/queries.h"

namespace denialscope::pg {

// A claim's natural key within a practice: (payer_id, claim_id).
using ClaimKey = std::pair<std::string, std::string>;

// Two parallel array parameters of claim keys: the ($2, $3) of the by-key statements.
struct KeyArrays {
  PgArray payer_ids;
  PgArray claim_ids;
  void Add(const ClaimKey& key) {
    payer_ids.AddText(key.first);
    claim_ids.AddText(key.second);
  }
};
KeyArrays ToKeyArrays(const std::vector<ClaimKey>& keys);

// The claim's date of service: its earliest service-line date (none without lines).
std::optional<Day> EarliestServiceDate(const Claim& claim);

// Claims being assembled, with an index by key.
struct Histories {
  std::vector<ClaimHistory> claims;
  absl::flat_hash_map<ClaimKey, size_t> index;

  void Add(Claim claim, std::vector<std::string> first_diagnoses = {});
  ClaimHistory* Find(const ClaimKey& key);
};

// The parameters after practice_id of a LoadStatements family: two dates (from, to) or two
// key arrays (payer_id[], claim_id[]).
struct LoadFilter {
  std::string second;
  std::string third;
};

// Adds the selected active claims with their diagnoses and lines to `out`.
absl::Status LoadClaimRows(pqxx::transaction_base& tx, const queries::LoadStatements& statements,
                           int64_t practice_id, const LoadFilter& filter, Histories& out);

// Attaches every stored event that joins one of the selected claims in `out`, with its
// lines, adjustments and (unless `with_remarks` is false: deriving outcomes needs none)
// remarks.
absl::Status LoadEventRows(pqxx::transaction_base& tx, const queries::LoadStatements& statements,
                           int64_t practice_id, const LoadFilter& filter, Histories& out,
                           bool with_remarks = true);

}  // namespace denialscope::pg

#endif  // DENIALSCOPE_SQL_CLAIM_LOADER_H_
