// Exception-to-status mapping for everything in sql/ that talks to PostgreSQL.
#include "pqxx/pqxx"
#include "sql/pg_errors.h"

#include <exception>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace denialscope {
namespace {

// libpq messages end with a newline and often repeat "ERROR:  ".
std::string CleanMessage(absl::string_view message) {
  message = absl::StripAsciiWhitespace(message);
  absl::ConsumePrefix(&message, "ERROR:");
  return std::string(absl::StripAsciiWhitespace(message));
}

}  // namespace

absl::StatusCode StatusCodeForSqlState(absl::string_view sqlstate) {
  if (sqlstate.size() != 5) return absl::StatusCode::kInternal;
  // Conflicts with a concurrent transaction: retrying the whole transaction can succeed.
  if (sqlstate == "40001" || sqlstate == "40P01") return absl::StatusCode::kAborted;
  // statement_timeout (or a cancel request): the work exceeded its limit. Issue 6 answers
  // every exceeded limit with RESOURCE_EXHAUSTED.
  if (sqlstate == "57014") return absl::StatusCode::kResourceExhausted;
  // Connection exceptions, admin/crash shutdown, "cannot connect now", too many connections,
  // other resource shortages and a transaction rolled back for other reasons.
  if (absl::StartsWith(sqlstate, "08") || absl::StartsWith(sqlstate, "57P") ||
      absl::StartsWith(sqlstate, "53") || absl::StartsWith(sqlstate, "40")) {
    return absl::StatusCode::kUnavailable;
  }
  // Data exceptions (bad values) and integrity violations (CHECK, NOT NULL, UNIQUE, FK): the
  // input does not fit the schema.
  if (absl::StartsWith(sqlstate, "22") || absl::StartsWith(sqlstate, "23")) {
    return absl::StatusCode::kInvalidArgument;
  }
  return absl::StatusCode::kInternal;
}

absl::Status StatusFromCurrentException(absl::string_view context) {
  try {
    throw;
  } catch (const pqxx::broken_connection& e) {
    return absl::UnavailableError(
        absl::StrCat(context, ": database connection lost: ", CleanMessage(e.what())));
  } catch (const pqxx::in_doubt_error& e) {
    // The commit may or may not have happened; every write here is idempotent, so retrying
    // is safe.
    return absl::UnavailableError(
        absl::StrCat(context, ": commit outcome unknown, retry: ", CleanMessage(e.what())));
  } catch (const pqxx::serialization_failure& e) {
    return absl::AbortedError(
        absl::StrCat(context, ": conflict with a concurrent transaction, retry: ",
                     CleanMessage(e.what())));
  } catch (const pqxx::deadlock_detected& e) {
    return absl::AbortedError(
        absl::StrCat(context, ": deadlock with a concurrent transaction, retry: ",
                     CleanMessage(e.what())));
  } catch (const pqxx::statement_completion_unknown& e) {
    return absl::UnavailableError(
        absl::StrCat(context, ": statement outcome unknown, retry: ", CleanMessage(e.what())));
  } catch (const pqxx::transaction_rollback& e) {
    return absl::AbortedError(
        absl::StrCat(context, ": transaction rolled back, retry: ", CleanMessage(e.what())));
  } catch (const pqxx::sql_error& e) {
    return absl::Status(StatusCodeForSqlState(e.sqlstate()),
                        absl::StrCat(context, ": ", CleanMessage(e.what())));
  } catch (const pqxx::conversion_error& e) {
    return absl::InternalError(
        absl::StrCat(context, ": unexpected value from the database: ", e.what()));
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat(context, ": ", e.what()));
  } catch (...) {
    return absl::InternalError(absl::StrCat(context, ": unknown exception"));
  }
}

}  // namespace denialscope
