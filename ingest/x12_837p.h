// 837P (005010X222A1) claims: turns the segments of each 837 transaction set into Claims.
// Only what the analytics use is read: the submission date (BHT04), billing provider NPI
// (NM1*85), payer (NM1*PR), subscriber and patient identifiers (NM1*IL/QC, raw: the server
// hashes them), the claim (CLM), its original reference (REF*F8), ICD-10-CM diagnoses (HI
// ABK/ABF), rendering providers (NM1*82) and the service lines (LX, SV1, DTP*472, REF*6R).
// Names, addresses and birth dates are skipped, never copied.
//
// A problem in a claim rejects that claim alone; a problem in its billing provider, subscriber
// or transaction set header rejects every claim under it. ICD-9 qualifiers (BK/BF) reject the
// claim with kIcd9Rejection.
#ifndef DENIALSCOPE_INGEST_X12_837P_H_
#define DENIALSCOPE_INGEST_X12_837P_H_

#include <cstddef>
#include <optional>
#include <string>

#include "ingest/import_records.h"
#include "ingest/problem.h"
#include "ingest/x12_reader.h"
#include "ingest/x12_transaction_buffer.h"

namespace denialscope {

// The rejection reason for a claim coded in ICD-9 ("BK" or "BF" in its place).
inline constexpr char kIcd9Rejection[] =
    "ICD-9 diagnosis qualifier BK; only ICD-10-CM (ABK/ABF) is accepted";

// Use with an X12Reader (or through X12Importer, which picks the parser by ST01).
class X12ClaimParser : public X12Handler {
 public:
  // All pointers must outlive the parser.
  X12ClaimParser(RecordSink* sink, ProblemLog* problems, RecordCounts* counts,
                 size_t max_records_per_set = kDefaultMaxRecordsPerTransactionSet);

  void BeginTransactionSet(const X12TransactionSet& set) override;
  void OnSegment(const X12Segment& segment) override;
  void EndTransactionSet(const Problem* rejection) override;

 private:
  enum class Level { kNone, kBillingProvider, kSubscriber, kPatient };

  void OnBht(const X12Segment& segment);
  void OnHl(const X12Segment& segment);
  void OnNm1(const X12Segment& segment);
  void OnClm(const X12Segment& segment);
  void OnRef(const X12Segment& segment);
  void OnHi(const X12Segment& segment);
  void OnLx(const X12Segment& segment);
  void OnSv1(const X12Segment& segment);
  void OnDtp(const X12Segment& segment);
  void FinishLine();
  void FinishClaim();

  // Logs a problem at `segment`; an error inside a claim rejects the claim.
  Problem Report(const X12Segment& segment, Severity severity, std::string element,
                 std::string reason);
  void ClaimError(const Position& position, absl::string_view segment_id, std::string element,
                  std::string reason);
  void ClaimError(const X12Segment& segment, std::string element, std::string reason);

  ProblemLog* problems_;
  X12TransactionBuffer buffer_;

  // Transaction set.
  std::optional<Day> submission_date_;
  std::optional<Problem> set_error_;
  // Hierarchy (HL): the current billing provider, subscriber and patient.
  Level level_ = Level::kNone;
  std::optional<Problem> hl_error_;
  std::string billing_hl_;
  std::string billing_npi_;
  std::optional<Problem> billing_error_;
  std::string subscriber_hl_;
  std::string subscriber_id_;
  std::string payer_id_;
  std::string payer_name_;
  std::string patient_id_;
  // The claim being read (loop 2300) and its current line (loop 2400).
  bool in_claim_ = false;
  ParsedClaim claim_;
  std::optional<Problem> claim_error_;
  bool has_principal_ = false;
  bool icd9_reported_ = false;
  std::optional<Day> claim_default_date_;
  bool in_line_ = false;
  ClaimLine line_;
  bool line_has_sv1_ = false;
  std::optional<Day> line_date_;
  Position line_position_;
};

}  // namespace denialscope

#endif  // DENIALSCOPE_INGEST_X12_837P_H_
