// One structured log line per RPC (method, practice, status, duration, counts), written as
// a JSON object per line so log shippers parse it without patterns. Logs carry NPIs, claim
// counts and codes, never patient data.
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

// Collects what a handler learns and writes the line when the handler finishes.
class CallLog {
 public:
  CallLog(LogSink* sink, const Clock* clock, std::string method);
  CallLog(const CallLog&) = delete;
  CallLog& operator=(const CallLog&) = delete;

  void SetPractice(std::string npi) { practice_ = std::move(npi); }
  void Add(std::string key, int64_t value);

  // Writes the line and returns `status`, so a handler can `return log.Finish(status);`.
  grpc::Status Finish(grpc::Status status);

 private:
  LogSink* sink_;
  const Clock* clock_;
  std::string method_;
  std::string practice_;
  absl::Time start_;
  std::vector<std::pair<std::string, std::string>> counts_;
};

}  // namespace denialscope

#endif  // DENIALSCOPE_SERVER_CALL_LOG_H_
