// The rollups of the monthly cells (migrations 0008_report_rollups.sql and
// 0009_reason_cums.sql): kept with the cells so that the dashboard's reads take a few hundred
// stored rows for any period instead of summing thousands of cells per request. Separate from report_facts.cc, which owns the
// cells, because these are derived from cell deltas only.
#ifndef DENIALSCOPE_SQL_REPORT_ROLLUPS_H_
#define DENIALSCOPE_SQL_REPORT_ROLLUPS_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "analytics/fact_cells.h"
#include "pqxx/pqxx"

namespace denialscope::pg {

// Brings the rollups up to date with cell deltas (per basis number, as written to the cells
// in the same transaction, after them): adds the leaf and receipt-month deltas and
// recomputes the cumulative count and reason rows of every key the deltas touch. That
// takes a per-practice lock held until the commit, so concurrent batches of one practice
// rewrite those rows one after another, each from every committed cell.
void UpsertRollups(pqxx::work& tx, int64_t practice_id,
                   const std::vector<std::pair<int, FactCells>>& deltas_by_basis);

// Deletes the practice's rollups (a rebuild writes them again with the cells).
void DeleteRollups(pqxx::work& tx, int64_t practice_id);

}  // namespace denialscope::pg

#endif  // DENIALSCOPE_SQL_REPORT_ROLLUPS_H_
