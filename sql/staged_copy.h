// COPY into a table under row-level security. PostgreSQL refuses COPY FROM into a table whose
// row-level security applies to the current role ("COPY FROM not supported with row-level
// security"), and every practice table has it for the server's role (migration 0003). So
// rows stream with COPY into a temporary staging table of the session, with the target's
// column types and no policy, and move into the target with one INSERT ... SELECT, which
// the policies check like any insert (a row of another practice is refused).
//
// Use it wherever pqxx::stream_to would write a practice table:
//
//   StagedCopy copy(tx, queries::kCopyClaims);
//   copy.stream() << std::make_tuple(...);   // as with pqxx::stream_to
//   copy.Complete();                          // ends the COPY and moves the rows
#ifndef DENIALSCOPE_SQL_STAGED_COPY_H_
#define DENIALSCOPE_SQL_STAGED_COPY_H_

#include <string>
#include <vector>

#include "pqxx/pqxx"
#include "sql/queries.h"

namespace denialscope::pg {

class StagedCopy {
 public:
  // Creates the staging table on first use in the session, then starts the COPY into it.
  StagedCopy(pqxx::work& tx, const queries::CopyTarget& target);
  StagedCopy(const StagedCopy&) = delete;
  StagedCopy& operator=(const StagedCopy&) = delete;

  pqxx::stream_to& stream() { return stream_; }

  // Ends the COPY and moves the staged rows into the target (the staging table is left
  // empty). Call once, after the last row.
  void Complete();

 private:
  // Runs the staging table's CREATE and returns `tx`, so it happens before the COPY starts.
  static pqxx::work& Prepare(pqxx::work& tx, const queries::CopyTarget& target);

  pqxx::work& tx_;
  const queries::CopyTarget& target_;
  pqxx::stream_to stream_;
};

}  // namespace denialscope::pg

#endif  // DENIALSCOPE_SQL_STAGED_COPY_H_
