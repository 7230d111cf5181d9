// Structured logging: one JSON object per line, so log shippers parse it without patterns.
// RpcCall (rpc_call.h) writes one such line per RPC; main() writes lifecycle events. Logs
// carry key ids, NPIs, claim ids, counts and codes, never patient data.
#ifndef DENIALSCOPE_SERVER_CALL_LOG_H_
#define DENIALSCOPE_SERVER_CALL_LOG_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/support/status.h"
#include "server/clock.h"

namespace denialscope {

class LogSink {
 public:
  virtual ~LogSink() = default;
  virtual void Write(absl::string_view line) = 0;
};

// Writes to standard error, one line at a time.
class StderrLogSink : public LogSink {
 public:
  void Write(absl::string_view line) override;

 private:
  absl::Mutex mu_;
};

// Keeps lines in memory, for tests.
class MemoryLogSink : public LogSink {
 public:
  void Write(absl::string_view line) override;
  std::vector<std::string> Lines() const;

 private:
  mutable absl::Mutex mu_;
  std::vector<std::string> lines_;
};

// Formats a one-line JSON event: {"time":..., "event":..., key: value...}.
std::string FormatLogLine(absl::Time time, absl::string_view event,
                          const std::vector<std::pair<std::string, std::string>>& fields);

// `text` as a JSON string literal, quotes included.
std::string JsonString(absl::string_view text);

// The canonical name of a gRPC status code: "OK", "PERMISSION_DENIED", ...
absl::string_view StatusCodeName(grpc::StatusCode code);

}  // namespace denialscope

#endif  // DENIALSCOPE_SERVER_CALL_LOG_H_
