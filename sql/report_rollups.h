// The rollups of the monthly cells (migration 0008_report_rollups.sql),
// kept with the cells so that the dashboard's default reads take a few hundred stored rows
// instead of summing thousands of cells per request. Separate from report_facts.cc, which
// owns the cells, because these are derived from cell deltas only.
#ifndef DENIALSCOPE_SQL_REPORT_ROLLUPS_H_
#define DENIALSCOPE_SQL_REPORT_ROLLUPS_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "analytics/fact_cells.h"
#include "pqxx/pqxx"

namespace denialscope::pg {

// Adds cell deltas (per basis number, as written to the cells in the same transaction) to
// the rollups: the leaf, count-total, reason-total and receipt-month rows.
void UpsertRollups(pqxx::work& tx, int64_t practice_id,
                   const std::vector<std::pair<int, FactCells>>& deltas_by_basis);

// Deletes the practice's rollups (a rebuild writes them again with the cells).
void DeleteRollups(pqxx::work& tx, int64_t practice_id);

}  // namespace denialscope::pg

#endif  // DENIALSCOPE_SQL_REPORT_ROLLUPS_H_
