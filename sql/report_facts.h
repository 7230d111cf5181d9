// The analytics engine's stored facts and cells in PostgreSQL (migration 0004): keeping them
// current inside each ingest transaction, rebuilding them after a code-list change, and
// reading them for the report RPCs. See analytics/fact_cells.h for what a cell is and why
// stored facts answer only as-of dates on or after the practice's horizon.
#ifndef DENIALSCOPE_SQL_REPORT_FACTS_H_
#define DENIALSCOPE_SQL_REPORT_FACTS_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "analytics/claim_store.h"
#include "analytics/fact_cells.h"
#include "analytics/measures.h"
#include "pqxx/pqxx"
#include "sql/claim_loader.h"

namespace denialscope::pg {

// Replaces the stored facts of `keys` by the facts of `histories` (the active claims among
// them, each with every stored event and its remarks), moves the cells by the difference,
// and raises the practice's horizon to the latest date of those claims and events.
absl::Status UpdateReportFacts(pqxx::work& tx, int64_t practice_id,
                               const std::vector<ClaimKey>& keys,
                               const std::vector<ClaimHistory>& histories,
                               const MeasureContext& context);

// Gives the practice a fresh data version (migration 0006), which invalidates every answer
// servers cached for it. Call it last before the commit of a transaction that changed the
// practice's claims, events or facts: it locks the practice's version row until the commit.
void BumpDataVersion(pqxx::work& tx, int64_t practice_id);

// Derives every fact and cell of the practice again from its raw claims and events, one
// service month at a time. The caller holds every claim-key lock of the practice.
absl::Status RebuildReportFacts(pqxx::work& tx, int64_t practice_id,
                                const MeasureContext& context);

// The reads behind ClaimStore::LoadFactCells, LoadFacts and ListDeniedFacts: nullopt when
// the request's as-of date is before the practice's horizon.
absl::StatusOr<std::optional<FactCells>> ReadFactCells(pqxx::transaction_base& tx,
                                                       int64_t practice_id,
                                                       const FactsRequest& request, int kinds);
absl::StatusOr<std::optional<std::vector<ClaimFacts>>> ReadFacts(pqxx::transaction_base& tx,
                                                                 int64_t practice_id,
                                                                 const FactsRequest& request);
absl::StatusOr<std::optional<std::vector<ClaimFacts>>> ReadWorklist(
    pqxx::transaction_base& tx, int64_t practice_id, const WorklistRequest& request);

}  // namespace denialscope::pg

#endif  // DENIALSCOPE_SQL_REPORT_FACTS_H_
