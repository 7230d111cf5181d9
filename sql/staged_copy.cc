// COPY through a staging table; see staged_copy.h.
#include "sql/staged_copy.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace denialscope::pg {
namespace {

// Session-local (pg_temp), one per target table. Identifiers come from queries.h constants,
// never from input, and are quoted anyway.
std::string StageName(const queries::CopyTarget& target) {
  return absl::StrCat("ds_stage_", target.table);
}

std::vector<std::string> Columns(const queries::CopyTarget& target) {
  return std::vector<std::string>(target.columns.begin(), target.columns.end());
}

std::string QuotedColumns(pqxx::work& tx, const queries::CopyTarget& target) {
  std::vector<std::string> quoted;
  for (const char* column : target.columns) quoted.push_back(tx.quote_name(column));
  return absl::StrJoin(quoted, ", ");
}

}  // namespace

pqxx::work& StagedCopy::Prepare(pqxx::work& tx, const queries::CopyTarget& target) {
  // The same column types as the target, no rows, no constraints; created once per session.
  tx.exec0(absl::StrCat("CREATE TEMPORARY TABLE IF NOT EXISTS ",
                        tx.quote_name(StageName(target)), " AS SELECT ",
                        QuotedColumns(tx, target), " FROM ", tx.quote_name(target.table),
                        " WITH NO DATA"));
  return tx;
}

StagedCopy::StagedCopy(pqxx::work& tx, const queries::CopyTarget& target)
    : tx_(tx), target_(target), stream_(Prepare(tx, target), StageName(target), Columns(target)) {}

void StagedCopy::Complete() {
  stream_.complete();
  const std::string columns = QuotedColumns(tx_, target_);
  const std::string stage = tx_.quote_name(StageName(target_));
  tx_.exec0(absl::StrCat("INSERT INTO ", tx_.quote_name(target_.table), " (", columns,
                         ") SELECT ", columns, " FROM ", stage));
  // Measured on 200k claim lines: COPY into the table 1.1 s; staged with this TRUNCATE
  // 1.4 s; emptying it with DELETE ... RETURNING instead 1.9 s.
  tx_.exec0(absl::StrCat("TRUNCATE ", stage));
}

}  // namespace denialscope::pg
