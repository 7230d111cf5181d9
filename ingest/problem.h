// Problems found while importing a file, with the position a practice needs to find them in
// its own file (interchange, segment number and byte offset for X12; line and column for
// CSV). Every importer reports through a ProblemLog, which keeps the first N problems and
// counts all of them, so a file with a million bad rows costs a million counters, not a
// million messages.
#ifndef DENIALSCOPE_INGEST_PROBLEM_H_
#define DENIALSCOPE_INGEST_PROBLEM_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace denialscope {

// Where in the file something is. Fields that do not apply are 0 (or -1 for the offset).
struct Position {
  int64_t byte_offset = -1;  // offset of the segment's (or row's) first byte in the file
  int interchange = 0;       // X12: 1-based ISA index in the file; 0 before the first ISA
  int transaction_set = 0;   // X12: 1-based ST index within the interchange; 0 outside
  int segment = 0;           // X12: segment number within the transaction set (ST = 1)
  int64_t line = 0;          // CSV: 1-based physical line on which the row starts
};

enum class Severity {
  kWarning,  // reported; nothing was rejected because of it
  kError,    // the record, transaction set or interchange it names was rejected
};

struct Problem {
  Severity severity = Severity::kError;
  Position position;
  std::string segment_id;  // X12 segment id ("CLP"); empty for CSV
  std::string element;     // "CLP04", "SV101-2", or a CSV column name
  std::string claim_id;    // the claim (CLM01/CLP01/claim_id) concerned, when known
  std::string reason;      // a sentence

  // "error at interchange 1, segment 14 (byte 512), CLP04 (claim 123): <reason>".
  std::string ToString() const;
};

inline constexpr size_t kDefaultMaxKeptProblems = 100;

// Keeps the first `max_kept` problems in file order and counts every one.
class ProblemLog {
 public:
  explicit ProblemLog(size_t max_kept = kDefaultMaxKeptProblems) : max_kept_(max_kept) {}

  void Add(Problem problem);

  const std::vector<Problem>& kept() const { return kept_; }
  int64_t error_count() const { return error_count_; }
  int64_t warning_count() const { return warning_count_; }
  int64_t total() const { return error_count_ + warning_count_; }

 private:
  size_t max_kept_;
  std::vector<Problem> kept_;
  int64_t error_count_ = 0;
  int64_t warning_count_ = 0;
};

}  // namespace denialscope

#endif  // DENIALSCOPE_INGEST_PROBLEM_H_
