// One file import (IngestService.ImportFile): detects the format, feeds the bytes to the
// streaming reader for it (X12, CSV from ingest/, JSONL here because its records are API
// messages), turns what is read into validated domain records with patient identifiers
// hashed, and stores them in batches of one transaction each as the bytes arrive. Memory is
// bounded by one chunk, one batch and one X12 transaction set, whatever the file's size.
#ifndef DENIALSCOPE_SERVER_FILE_IMPORT_H_
#define DENIALSCOPE_SERVER_FILE_IMPORT_H_

#include <openssl/evp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "denialscope/v1/ingest_service.pb.h"
#include "ingest/csv_reader.h"
#include "ingest/import_records.h"
#include "ingest/validate.h"
#include "ingest/x12_import.h"
#include "server/service_context.h"

namespace denialscope {

// Records per store transaction. Each transaction also has costs that do not shrink with
// it (the dashboard rollups of every stratum it touches, which is most of them in any batch;
// the statements' round trips and plans), so larger batches import faster. With the first
// rollups (cumulative rows, d15584c) 100,000 claims imported in 94.8 s in batches of 1,000,
// 44.5 s of 5,000 and 34.8 s of 10,000, with peak memory 86, 135 and 158 MiB.
inline constexpr size_t kImportBatchSize = 10000;
// A JSONL line longer than this is reported and skipped, never buffered.
inline constexpr size_t kMaxJsonlLineBytes = size_t{1} << 20;

// "ISA"/"ST*" -> X12, "{" -> JSONL, otherwise CSV; a leading UTF-8 BOM and white space are
// skipped. UNSPECIFIED when `head` is too short to tell (no non-blank byte yet).
denialscope::v1::FileFormat DetectFileFormat(absl::string_view head);

class FileImport : private RecordSink {
 public:
  FileImport(const ServiceContext& context, Practice practice,
             denialscope::v1::FileFormat format, std::string file_name);
  ~FileImport() override;
  FileImport(const FileImport&) = delete;
  FileImport& operator=(const FileImport&) = delete;

  // Reads the next bytes and stores every full batch. A store error stops the import: the
  // batches before it are committed and the status says how many records are stored.
  absl::Status Feed(absl::string_view chunk);
  // The file ended: reads what is left and stores the last batch.
  absl::Status Finish();

  void FillResponse(denialscope::v1::ImportFileResponse* response) const;

 private:
  void OnClaim(ParsedClaim claim) override;
  void OnRemittance(ParsedRemittance remittance) override;
  void OnProviderAdjustment(ProviderAdjustment adjustment) override;
  void OnRejected(RejectedRecord rejected) override;

  absl::Status Start(absl::string_view head);
  void ReadJsonl(absl::string_view chunk, bool at_end);
  void ReadJsonlLine(absl::string_view line);
  void AddValidationProblems(const Position& position, absl::string_view segment_id,
                             const std::string& claim_id, const std::vector<FieldError>& errors);
  absl::Status StoreBatches(bool all);
  // An 835's N1*PE payee, when named, must be this practice: empty when it is.
  std::vector<FieldError> PayeeErrors(const std::string& payee_npi) const;
  // A store failure, restated with how much of the file is stored.
  absl::Status StoppedError(const absl::Status& cause) const;

  const ServiceContext context_;
  const Practice practice_;
  denialscope::v1::FileFormat format_;
  const std::string file_name_;

  std::unique_ptr<X12Importer> x12_;
  std::unique_ptr<CsvClaimReader> csv_;
  std::string pending_head_;   // bytes held back until the format is known
  std::string partial_line_;   // JSONL: the unfinished last line
  int64_t line_number_ = 0;    // JSONL: lines completed
  int64_t line_offset_ = 0;    // JSONL: byte offset of partial_line_'s start
  bool skipping_long_line_ = false;  // JSONL: inside a line over kMaxJsonlLineBytes
  bool started_ = false;

  // Records waiting for the next transaction, with where they came from.
  std::vector<Claim> claims_;
  std::vector<Position> claim_positions_;
  std::vector<RemittanceEvent> remittances_;
  std::vector<Position> remittance_positions_;
  std::vector<ProviderLevelAdjustment> adjustments_;
  std::vector<Position> adjustment_positions_;

  ProblemLog problems_;  // problems found here (validation, storage, JSONL)
  EVP_MD_CTX* sha256_;
  int64_t bytes_ = 0;
  int64_t claims_read_ = 0;
  int64_t claim_lines_read_ = 0;
  int64_t remittances_read_ = 0;
  int64_t provider_adjustments_ = 0;  // PLB pairs read, rejected ones included
  int64_t adjustments_stored_ = 0;
  int64_t adjustments_duplicate_ = 0;
  int64_t adjustments_rejected_ = 0;
  int64_t accepted_ = 0;
  int64_t duplicate_ = 0;
  int64_t rejected_ = 0;  // by validation, by the store, or unreadable in the file
  int64_t unmatched_ = 0;
  int64_t batches_ = 0;
};

}  // namespace denialscope

#endif  // DENIALSCOPE_SERVER_FILE_IMPORT_H_
