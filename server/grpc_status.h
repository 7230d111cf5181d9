// The one boundary where absl::Status becomes grpc::Status. The canonical codes share their
// numbers, so the mapping is a cast; keeping it in one place keeps it that way.
#ifndef DENIALSCOPE_SERVER_GRPC_STATUS_H_
#define DENIALSCOPE_SERVER_GRPC_STATUS_H_

#include <string>

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace denialscope {

inline grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

}  // namespace denialscope

#endif  // DENIALSCOPE_SERVER_GRPC_STATUS_H_
