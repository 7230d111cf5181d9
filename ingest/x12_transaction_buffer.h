// Holds the records of the X12 transaction set being read until its SE says whether the set
// stands, so an envelope error rejects the set as a whole and the sink never has to take
// records back. Bounded: a set with more than `max_records` records is rejected (and its
// records released as rejected at once) rather than held in memory.
#ifndef DENIALSCOPE_INGEST_X12_TRANSACTION_BUFFER_H_
#define DENIALSCOPE_INGEST_X12_TRANSACTION_BUFFER_H_

#include <cstddef>
#include <optional>
#include <variant>
#include <vector>

#include "ingest/import_records.h"
#include "ingest/problem.h"

namespace denialscope {

// The IG recommends at most 5,000 claims per 837 set; 835 sets carry one payment.
inline constexpr size_t kDefaultMaxRecordsPerTransactionSet = 100000;

class X12TransactionBuffer {
 public:
  // All pointers must outlive the buffer.
  X12TransactionBuffer(RecordSink* sink, ProblemLog* problems, RecordCounts* counts,
                       size_t max_records);

  // Starts a new set (dropping nothing: the previous set must have been committed).
  void Begin();
  // `position` is where the record ends, used if the buffer overflows on it.
  // Records are taken by rvalue and moved once into the buffer, once out to the sink.
  void Add(ParsedClaim&& claim, const Position& position);
  void Add(ParsedRemittance&& remittance, const Position& position);
  void Add(ProviderAdjustment&& adjustment, const Position& position);
  void Add(RejectedRecord&& rejected, const Position& position);
  // The set ended: delivers its records, or (when `rejection` is set) delivers each as
  // rejected with that problem (records rejected on their own keep their own problem).
  void Commit(const Problem* rejection);

 private:
  using Entry = std::variant<ParsedClaim, ParsedRemittance, ProviderAdjustment, RejectedRecord>;
  template <typename Record>
  void Push(Record&& record, const Position& position);
  void Overflow(const Position& position);
  void Deliver(Entry& entry, const Problem* rejection);

  RecordSink* sink_;
  ProblemLog* problems_;
  RecordCounts* counts_;
  size_t max_records_;
  std::vector<Entry> entries_;
  std::optional<Problem> overflow_;
};

}  // namespace denialscope

#endif  // DENIALSCOPE_INGEST_X12_TRANSACTION_BUFFER_H_
