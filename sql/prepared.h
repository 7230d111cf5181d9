// Runs one of sql/'s SQL constants as a prepared statement of the transaction's connection.
// Why: the dashboard's reads run on pooled connections thousands of times with the same
// text, and parsing and planning them per call (exec_params) cost as much as executing some
// of them. libpqxx keeps the definition with the connection and prepares it on the server on
// first use; defining the same name again with the same text is a no-op.
#ifndef DENIALSCOPE_SQL_PREPARED_H_
#define DENIALSCOPE_SQL_PREPARED_H_

#include <cstdint>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "pqxx/pqxx"

namespace denialscope::pg {

// `statement` must be a constant (its address names it on the connection for the process's
// life), not text built at run time.
template <typename... Args>
pqxx::result ExecPrepared(pqxx::transaction_base& tx, const char* statement, Args&&... args) {
  const std::string name =
      absl::StrCat("ds_", absl::Hex(reinterpret_cast<uintptr_t>(statement)));
  tx.conn().prepare(name, statement);
  return tx.exec_prepared(name, std::forward<Args>(args)...);
}

}  // namespace denialscope::pg

#endif  // DENIALSCOPE_SQL_PREPARED_H_
