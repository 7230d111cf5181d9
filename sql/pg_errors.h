// Turns libpqxx exceptions into absl::Status by what the caller should do about them
// (DESIGN §2): retry later -> UNAVAILABLE, conflict -> ABORTED, bad input ->
// INVALID_ARGUMENT, anything else -> INTERNAL. Exceptions never leave sql/.
#ifndef DENIALSCOPE_SQL_PG_ERRORS_H_
#define DENIALSCOPE_SQL_PG_ERRORS_H_

#include "absl/strings/string_view.h"

#include "absl/status/status.h"

namespace denialscope {

// Call only inside a catch block: maps the exception being handled. `context` says what was
// being done ("ingesting claims") and prefixes the message.
absl::Status StatusFromCurrentException(absl::string_view context);

// The mapping itself, by SQLSTATE (empty when unknown) for errors the server reported.
absl::StatusCode StatusCodeForSqlState(absl::string_view sqlstate);

}  // namespace denialscope

#endif  // DENIALSCOPE_SQL_PG_ERRORS_H_
