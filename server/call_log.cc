// Structured call logging; see call_log.h.
#include "server/call_log.h"

#include <cstdio>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace denialscope {
namespace {

// Minimal JSON string escaping: quotes, backslashes and control characters.
std::string JsonQuote(absl::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          absl::StrAppendFormat(&out, "\\u%04x", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

constexpr absl::string_view kStatusNames[] = {
    "OK",          "CANCELLED",          "UNKNOWN",           "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED", "NOT_FOUND",    "ALREADY_EXISTS",    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",   "OUT_OF_RANGE",
    "UNIMPLEMENTED", "INTERNAL",         "UNAVAILABLE",       "DATA_LOSS",
    "UNAUTHENTICATED"};

}  // namespace

void StderrLogSink::Write(absl::string_view line) {
  absl::MutexLock lock(&mu_);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fputc('\n', stderr);
  std::fflush(stderr);
}

void MemoryLogSink::Write(absl::string_view line) {
  absl::MutexLock lock(&mu_);
  lines_.emplace_back(line);
}

std::vector<std::string> MemoryLogSink::Lines() const {
  absl::MutexLock lock(&mu_);
  return lines_;
}

std::string FormatLogLine(absl::Time time, absl::string_view event,
                          const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string line = absl::StrCat(
      "{\"time\":", JsonQuote(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", time, absl::UTCTimeZone())),
      ",\"event\":", JsonQuote(event));
  for (const auto& [key, value] : fields) {
    absl::StrAppend(&line, ",", JsonQuote(key), ":", value);
  }
  line += "}";
  return line;
}

std::string JsonString(absl::string_view text) { return JsonQuote(text); }

absl::string_view StatusCodeName(grpc::StatusCode code) {
  const int index = static_cast<int>(code);
  return index >= 0 && index < static_cast<int>(std::size(kStatusNames)) ? kStatusNames[index]
                                                                        : "UNKNOWN";
}

}  // namespace denialscope
