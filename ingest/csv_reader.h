// Claims from CSV (RFC 4180): one row per service line, rows of one claim consecutive and
// grouped by claim_id; the columns are in ingest/CSV_FORMAT.md. For practices whose system
// exports a spreadsheet rather than an 837P. Streaming like the X12 importer: bytes arrive in
// chunks, a claim is delivered as soon as a row of the next claim (or the end) is read, and
// only the current row and claim are held. Problems name the line and the column.
#ifndef DENIALSCOPE_INGEST_CSV_READER_H_
#define DENIALSCOPE_INGEST_CSV_READER_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "ingest/import_records.h"
#include "ingest/problem.h"

namespace denialscope {

struct CsvOptions {
  size_t max_kept_problems = kDefaultMaxKeptProblems;
  size_t max_row_bytes = size_t{1} << 20;  // a longer row is an error, never an allocation
  // Claim ids remembered to detect a claim whose rows are not consecutive; beyond this many
  // claims the check stops (memory stays bounded).
  size_t max_tracked_claim_ids = 1000000;
};

class CsvClaimReader {
 public:
  // `sink` must outlive the reader.
  explicit CsvClaimReader(RecordSink* sink, CsvOptions options = {});

  CsvClaimReader(const CsvClaimReader&) = delete;
  CsvClaimReader& operator=(const CsvClaimReader&) = delete;

  // Any split of the file is allowed.
  void Feed(absl::string_view chunk);
  // The file ended: delivers the last claim and reports an unterminated quote.
  void Finish();

  const ProblemLog& problems() const { return problems_; }
  const RecordCounts& counts() const { return counts_; }
  int64_t data_rows() const { return data_rows_; }

  // The columns, in the order CSV_FORMAT.md lists them.
  enum Column : int {
    kClaimId,
    kFrequencyCode,
    kOriginalReference,
    kSubmissionDate,
    kPayerId,
    kPayerName,
    kBillingNpi,
    kRenderingNpi,
    kPatientId,
    kPlaceOfService,
    kTotalCharge,
    kDiagnoses,
    kLineNumber,
    kLineControlNumber,
    kProcedureCode,
    kModifiers,
    kLineCharge,
    kUnits,
    kDiagnosisPointers,
    kServiceDate,
    kLineRenderingNpi,
    kColumnCount,
  };
  static absl::string_view ColumnName(Column column);

 private:
  enum class State { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted, kAfterCr };
  // Columns that belong to the claim and must repeat identically on each of its rows.
  static constexpr int kFirstLineColumn = kLineNumber;

  void Consume(char c);
  void EndField();
  void EndRow();
  void HandleHeader();
  void HandleRow();
  void StartClaim(const std::string& claim_id);
  void ReadLine();
  void FinishClaim();
  absl::string_view Field(Column column) const;
  void RowError(absl::string_view column, std::string reason);
  void Warn(absl::string_view column, std::string reason);

  RecordSink* sink_;
  CsvOptions options_;
  ProblemLog problems_;
  RecordCounts counts_;

  // Tokenizer.
  State state_ = State::kFieldStart;
  int bom_matched_ = 0;  // bytes of a leading UTF-8 BOM seen so far (3 = done or none)
  int64_t offset_ = 0;   // bytes consumed
  int64_t line_ = 1;     // current physical line
  int64_t row_line_ = 1;
  int64_t row_offset_ = 0;
  bool row_started_ = false;
  size_t row_bytes_ = 0;
  bool row_too_long_ = false;
  bool field_quoted_ = false;
  std::string field_;
  std::vector<std::string> fields_;
  size_t field_count_ = 0;  // fields_ entries in use (kept allocated across rows)
  std::optional<Problem> row_error_;
  bool handling_row_ = false;  // the row is complete and being turned into a claim line
  int64_t quote_line_ = 0;  // line where the open quoted field began

  // Header: index of each column in the row, -1 when absent.
  bool have_header_ = false;
  bool fatal_ = false;  // the header is unusable: no row can be read
  size_t header_fields_ = 0;
  std::array<int, kColumnCount> column_index_{};

  // The claim being assembled.
  bool in_claim_ = false;
  ParsedClaim claim_;
  std::optional<Problem> claim_error_;
  std::array<std::string, kFirstLineColumn> claim_values_;  // first row's claim columns
  int64_t claim_first_line_ = 0;
  bool claim_has_total_ = false;
  absl::flat_hash_set<std::string> seen_claim_ids_;
  int64_t data_rows_ = 0;
};

}  // namespace denialscope

#endif  // DENIALSCOPE_INGEST_CSV_READER_H_
