// A bulk path into the tables for benchmarks: claims already decided (their current version,
// first coding and every event) written with COPY exactly where ingest writes them (raw
// tables, claim_facts, report facts and cells) but without ingest's per-record decisions,
// lookups and locks. For loading a new practice's generated millions of claims in minutes;
// the server never uses it (IngestClaims/IngestRemittances are the only way data arrives).
#ifndef DENIALSCOPE_SQL_BULK_LOAD_H_
#define DENIALSCOPE_SQL_BULK_LOAD_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "analytics/measures.h"
#include "analytics/records.h"

namespace denialscope {

// Stores `histories` (active claims, none stored yet, each with all its events) for the
// onboarded `practice` in one transaction on a connection of its own.
absl::Status BulkLoadHistories(const std::string& url, const Practice& practice,
                               const std::vector<ClaimHistory>& histories,
                               const MeasureContext& context);

}  // namespace denialscope

#endif  // DENIALSCOPE_SQL_BULK_LOAD_H_
