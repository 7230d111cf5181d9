// The two propagation macros every layer needs. Abseil 20220623 ships no RETURN_IF_ERROR,
// so we write them once here rather than repeating `if (!s.ok()) return s;` everywhere.
#ifndef DENIALSCOPE_ANALYTICS_STATUS_MACROS_H_
#define DENIALSCOPE_ANALYTICS_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define DS_CONCAT_INNER_(a, b) a##b
#define DS_CONCAT_(a, b) DS_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function when `expr` is not OK.
#define DS_RETURN_IF_ERROR(expr)                   \
  do {                                             \
    const ::absl::Status ds_status_ = (expr);      \
    if (!ds_status_.ok()) return ds_status_;       \
  } while (false)

// `DS_ASSIGN_OR_RETURN(auto x, F());` binds the value of a StatusOr or returns its error.
#define DS_ASSIGN_OR_RETURN(lhs, expr) \
  DS_ASSIGN_OR_RETURN_IMPL_(DS_CONCAT_(ds_statusor_, __LINE__), lhs, expr)
#define DS_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return std::move(tmp).status();  \
  lhs = std::move(tmp).value()

#endif  // DENIALSCOPE_ANALYTICS_STATUS_MACROS_H_
