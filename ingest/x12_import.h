// The X12 entry point for callers (the gRPC ImportFile service, the CLI): feed a file's bytes
// in chunks, receive claims (837P), adjudication events and provider adjustments (835) through
// a RecordSink, and read the problems with their positions at the end. Each transaction set
// goes to the parser its ST01 names, so one file may mix 837 and 835 sets unless the caller
// says which it expects.
//
//   X12Importer importer(&sink);
//   while (reading) importer.Feed(chunk);
//   importer.Finish();
//   for (const Problem& p : importer.problems().kept()) ...
#ifndef DENIALSCOPE_INGEST_X12_IMPORT_H_
#define DENIALSCOPE_INGEST_X12_IMPORT_H_

#include <cstddef>
#include <optional>

#include "absl/strings/string_view.h"
#include "ingest/import_records.h"
#include "ingest/problem.h"
#include "ingest/x12_835.h"
#include "ingest/x12_837p.h"
#include "ingest/x12_reader.h"
#include "ingest/x12_transaction_buffer.h"

namespace denialscope {

enum class X12Expect {
  kAny,             // 837 and 835 sets alike
  kClaims,          // 837P only: an 835 set is rejected
  kRemittances,     // 835 only: an 837 set is rejected
};

struct X12ImportOptions {
  X12Expect expect = X12Expect::kAny;
  size_t max_kept_problems = kDefaultMaxKeptProblems;
  size_t max_segment_bytes = kDefaultMaxSegmentBytes;
  size_t max_records_per_transaction_set = kDefaultMaxRecordsPerTransactionSet;
};

class X12Importer {
 public:
  // `sink` must outlive the importer.
  explicit X12Importer(RecordSink* sink, X12ImportOptions options = {});

  X12Importer(const X12Importer&) = delete;
  X12Importer& operator=(const X12Importer&) = delete;

  // Any split of the file is allowed; records reach the sink as their transaction sets end.
  void Feed(absl::string_view chunk) { reader_.Feed(chunk); }
  // The file ended: closes (and reports) whatever is still open.
  void Finish() { reader_.Finish(); }

  const ProblemLog& problems() const { return problems_; }
  const RecordCounts& counts() const { return counts_; }
  const X12ReaderStats& reader_stats() const { return reader_.stats(); }

 private:
  // Sends each transaction set to the parser for its type.
  class Dispatcher : public X12Handler {
   public:
    explicit Dispatcher(X12Importer* importer) : importer_(importer) {}
    void BeginTransactionSet(const X12TransactionSet& set) override;
    void OnSegment(const X12Segment& segment) override;
    void EndTransactionSet(const Problem* rejection) override;

   private:
    X12Importer* importer_;
    X12Handler* current_ = nullptr;
    std::optional<Problem> rejection_;  // the set is of a type this import does not take
  };

  X12ImportOptions options_;
  ProblemLog problems_;
  RecordCounts counts_;
  X12ClaimParser claims_;
  X12RemittanceParser remittances_;
  Dispatcher dispatcher_;
  X12Reader reader_;
};

}  // namespace denialscope

#endif  // DENIALSCOPE_INGEST_X12_IMPORT_H_
