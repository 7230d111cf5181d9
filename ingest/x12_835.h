// 835 (005010X221A1) remittances: turns the segments of each 835 transaction set into
// adjudication events (one per CLP loop, with its SVC lines) and provider-level adjustments
// (PLB). Reversals (CLP02 = 22) are ordinary events with the negative amounts the payer
// sent. Patient identifiers (NM1*QC/IL) are kept raw for the server to hash; names are skipped.
//
// The payer is N1*PR: its name N102 and its identifier N104 when present, else REF*2U, else
// TRN03 (the payer's originating company id). The payee NPI is N1*PE N104 when N103 = XX.
// A line's service date is DTM*472, else DTM*150 (the start of a service period).
//
// A problem in a CLP loop rejects that event; a problem in the header (BPR, TRN, DTM*405)
// rejects every event of the set.
#ifndef DENIALSCOPE_INGEST_X12_835_H_
#define DENIALSCOPE_INGEST_X12_835_H_

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>

#include "ingest/import_records.h"
#include "ingest/problem.h"
#include "ingest/x12_reader.h"
#include "ingest/x12_transaction_buffer.h"

namespace denialscope {

// Use with an X12Reader (or through X12Importer, which picks the parser by ST01).
class X12RemittanceParser : public X12Handler {
 public:
  // All pointers must outlive the parser.
  X12RemittanceParser(RecordSink* sink, ProblemLog* problems, RecordCounts* counts,
                      size_t max_records_per_set = kDefaultMaxRecordsPerTransactionSet);

  void BeginTransactionSet(const X12TransactionSet& set) override;
  void OnSegment(const X12Segment& segment) override;
  void EndTransactionSet(const Problem* rejection) override;

 private:
  enum class Area { kHeader, kPayer, kPayee, kDetail };

  void OnBpr(const X12Segment& segment);
  void OnTrn(const X12Segment& segment);
  void OnDtm(const X12Segment& segment);
  void OnN1(const X12Segment& segment);
  void OnRef(const X12Segment& segment);
  void OnClp(const X12Segment& segment);
  void OnCas(const X12Segment& segment);
  void OnNm1(const X12Segment& segment);
  void OnRemarks(const X12Segment& segment, std::initializer_list<int> elements);
  void OnSvc(const X12Segment& segment);
  void OnAmt(const X12Segment& segment);
  void OnLq(const X12Segment& segment);
  void OnPlb(const X12Segment& segment);
  void FinishLine();
  void FinishEvent();

  Problem Report(const X12Segment& segment, Severity severity, std::string element,
                 std::string reason);
  // An error inside a CLP loop rejects the event; in the header, the whole set.
  void Error(const X12Segment& segment, std::string element, std::string reason);
  std::string PayerId() const;

  ProblemLog* problems_;
  X12TransactionBuffer buffer_;

  // Header (tables 1 and the 1000 loops).
  Area area_ = Area::kHeader;
  std::optional<Problem> header_error_;
  std::optional<Day> payment_date_;
  std::optional<Day> production_date_;
  std::string trace_number_;
  std::string trace_originator_;
  std::string payer_name_;
  std::string payer_n1_id_;
  std::string payer_ref_2u_;
  std::string payee_npi_;
  int plb_pairs_ = 0;  // PLB pairs read in this set: the next pair's sequence number
  // The event being read (loop 2100) and its current line (loop 2110).
  bool in_event_ = false;
  ParsedRemittance event_;
  std::optional<Problem> event_error_;
  bool in_line_ = false;
  RemittanceLine line_;
  RemittanceLineExtras extras_;
  bool line_date_from_472_ = false;
};

}  // namespace denialscope

#endif  // DENIALSCOPE_INGEST_X12_835_H_
