// Streaming X12 tokenizer and envelope checker. Bytes arrive in chunks of any size (a gRPC
// message, a file read); segments go to a handler one at a time, each with its position. Only
// the current partial segment is buffered, capped at `max_segment_bytes`, so a 1 GB file
// costs at most one segment of memory here.
//
// Delimiters come from each ISA (element separator = 4th byte, repetition separator = ISA11,
// component separator = ISA16, segment terminator = the byte after ISA16). Whitespace and
// UTF-8 byte-order marks between segments are skipped. The envelope is checked: ISA/IEA
// control numbers and group count, GS/GE control numbers and set count, ST/SE control numbers
// and segment count. A transaction set with an envelope error is rejected as a whole (the
// handler is told at its end) and reading goes on with the next one. A file that starts at a
// bare ST (no ISA/GS, as some payer portals export) is read with delimiters inferred from the
// ST segment and a warning.
//
// Trailer errors (GE, IEA counts and control numbers) are reported as errors but cannot
// retract transaction sets already delivered: every set validates on its own at its SE.
#ifndef DENIALSCOPE_INGEST_X12_READER_H_
#define DENIALSCOPE_INGEST_X12_READER_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "ingest/problem.h"

namespace denialscope {

struct X12Delimiters {
  char element = '*';
  char component = ':';
  char repetition = 0;  // 0 when the interchange has none (4010 puts "U" in ISA11)
  char segment = '~';
};

// Segments longer than this are an error, never an allocation.
inline constexpr size_t kDefaultMaxSegmentBytes = size_t{1} << 20;
// No 837P/835 segment has more than 24 elements; garbage with thousands of '*' stops here.
inline constexpr int kMaxSegmentElements = 64;

// One segment. A view into the reader's bytes: valid only during the handler call.
class X12Segment {
 public:
  absl::string_view id() const { return field_count_ > 0 ? Field(0) : absl::string_view(); }
  // Number of data elements after the id (trailing empty elements included as sent).
  int element_count() const { return field_count_ - 1; }
  // Element `index` (1-based, as in "CLP04"); empty when absent.
  absl::string_view element(int index) const {
    return index >= 1 && index < field_count_ ? Field(index) : absl::string_view();
  }
  // Component `component` (1-based) of element `index`: component(1, 2) of "HC:99213" is
  // "99213". Empty when absent.
  absl::string_view component(int index, int component) const;
  // Splits element `index` into its components, at most `max` of them into `out`; returns
  // how many were stored. One pass, for composites read component by component.
  int Components(int index, absl::string_view* out, int max) const;
  const Position& position() const { return position_; }
  const X12Delimiters& delimiters() const { return delimiters_; }
  absl::string_view raw() const { return data_; }

 private:
  friend class X12Reader;
  absl::string_view Field(int index) const {
    const uint32_t begin = starts_[index];
    return data_.substr(begin, starts_[index + 1] - 1 - begin);
  }

  absl::string_view data_;
  // starts_[i] = offset of field i; starts_[field_count_] = data_.size() + 1.
  std::array<uint32_t, kMaxSegmentElements + 2> starts_{};
  int field_count_ = 0;
  Position position_;
  X12Delimiters delimiters_;
};

// What the envelope says about a transaction set, given at its ST.
struct X12TransactionSet {
  std::string type;            // ST01: "835", "837"
  std::string control_number;  // ST02
  std::string version;         // ST03 when present, else GS08 ("005010X222A1")
  std::string functional_id;   // GS01 ("HC", "HP"); empty without GS
  Position position;           // of the ST segment
};

// Receives the segments of each transaction set.
class X12Handler {
 public:
  virtual ~X12Handler() = default;
  virtual void BeginTransactionSet(const X12TransactionSet& set) = 0;
  // Every segment after ST and before SE, including those of a set already known to be
  // rejected (so records can be counted as rejected rather than lost).
  virtual void OnSegment(const X12Segment& segment) = 0;
  // At SE, or when the set is cut short. `rejection` is null when the envelope accepted the
  // set; otherwise the problem (already logged) that rejected it.
  virtual void EndTransactionSet(const Problem* rejection) = 0;
};

struct X12ReaderOptions {
  size_t max_segment_bytes = kDefaultMaxSegmentBytes;
};

struct X12ReaderStats {
  int64_t bytes = 0;
  int64_t segments = 0;
  int interchanges = 0;
  int64_t transaction_sets = 0;
  int64_t transaction_sets_rejected = 0;
  size_t max_buffered_bytes = 0;  // high-water mark of the partial-segment buffer
};

class X12Reader {
 public:
  // `handler` and `problems` must outlive the reader.
  X12Reader(X12Handler* handler, ProblemLog* problems, X12ReaderOptions options = {});

  X12Reader(const X12Reader&) = delete;
  X12Reader& operator=(const X12Reader&) = delete;

  // Feeds the next bytes of the file. Any split is allowed, including empty chunks.
  void Feed(absl::string_view chunk);
  // The file ended: closes what is open, reporting truncation. Feed after Finish is ignored.
  void Finish();

  const X12ReaderStats& stats() const { return stats_; }

 private:
  enum class Mode {
    kSeekHeader,     // between interchanges: skip whitespace, expect ISA (or a bare ST)
    kHeader,         // collecting the ISA (or ST) whose bytes define the delimiters
    kScanGarbage,    // lost: skipping bytes up to the next "ISA"
    kSegments,       // delimiters known: reading segments
    kSkipOversized,  // discarding a segment over the size limit up to its terminator
    kFinished,
  };
  enum class HeaderResult { kNeedMore, kFound, kInvalid };

  void Process(absl::string_view data, int64_t base);
  size_t SeekHeader(absl::string_view data, size_t pos, int64_t base);
  size_t ReadHeader(absl::string_view data, size_t pos, int64_t base);
  size_t ScanGarbage(absl::string_view data, size_t pos, int64_t base);
  size_t ReadSegments(absl::string_view data, size_t pos, int64_t base);
  size_t SkipOversized(absl::string_view data, size_t pos);
  HeaderResult TryParseHeader(size_t* header_length);
  void StartGarbage(int64_t offset, absl::string_view found);
  void StartOversized(absl::string_view start, int64_t offset);

  // `fields` > 0: starts_ already holds the element offsets found while scanning (fast path).
  void ProcessSegment(absl::string_view bytes, int64_t offset, int fields = 0);
  void DispatchSegment(absl::string_view bytes, int64_t offset, int fields);
  bool AdoptSplit(absl::string_view bytes, int64_t offset, int fields);
  bool Split(absl::string_view bytes, int64_t offset);
  void OnIsa();
  void OnIea();
  void OnGs();
  void OnGe();
  void OnSt();
  void OnSe();
  void CloseTransactionSet(const std::string& reason);
  void CloseGroup(const std::string& reason);
  void CloseInterchange(const std::string& reason);
  void EndTransactionSet();
  void RejectTransactionSet(Problem problem);
  void Report(Severity severity, absl::string_view element, std::string reason);
  Position CurrentPosition(int64_t offset) const;

  X12Handler* handler_;
  ProblemLog* problems_;
  X12ReaderOptions options_;
  X12ReaderStats stats_;
  Mode mode_ = Mode::kSeekHeader;
  X12Delimiters delimiters_;
  int64_t consumed_ = 0;        // bytes fed before the current chunk
  std::string pending_;         // the partial segment (or header) carried across chunks
  int64_t pending_offset_ = 0;  // file offset of pending_[0]
  int isa_match_ = 0;           // kScanGarbage: how much of "ISA" the last bytes matched
  // kSkipOversized: what is known of the segment being discarded.
  bool oversized_in_set_ = false;

  // The segment being processed.
  X12Segment segment_;

  // Envelope state.
  bool bare_ = false;  // reading ST..SE sets without ISA/GS (delimiters inferred)
  bool in_interchange_ = false;
  bool in_group_ = false;
  bool in_set_ = false;
  std::string isa_control_;
  std::optional<Problem> interchange_rejection_;
  int groups_in_interchange_ = 0;
  std::string gs_control_;
  std::string gs_version_;
  std::string gs_functional_id_;
  int sets_in_group_ = 0;
  int sets_in_interchange_ = 0;
  std::string st_control_;
  int segments_in_set_ = 0;
  std::optional<Problem> set_rejection_;
};

}  // namespace denialscope

#endif  // DENIALSCOPE_INGEST_X12_READER_H_
