// The X12 tokenizer: a small state machine over bytes. The hot path (mode kSegments) finds
// each terminator with memchr and hands out views into the caller's chunk; bytes are copied
// only when a segment straddles two chunks.
#include "ingest/x12_reader.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "ingest/values.h"
#include "ingest/x12_segment_util.h"

namespace denialscope {
namespace {

// A standard ISA is 106 bytes; a sloppy one with padded elements is allowed up to this.
constexpr size_t kMaxHeaderBytes = 512;
// Segment offsets are 32-bit inside X12Segment.
constexpr size_t kMaxSegmentBytesCap = size_t{1} << 30;

bool IsAlnum(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)); }

// Bytes allowed between segments: whitespace and the bytes of a UTF-8 byte-order mark.
bool IsSkippable(char c) {
  switch (static_cast<unsigned char>(c)) {
    case ' ':
    case '\t':
    case '\r':
    case '\n':
    case '\v':
    case '\f':
    case 0xEF:
    case 0xBB:
    case 0xBF:
      return true;
    default:
      return false;
  }
}

bool IsSegmentId(absl::string_view id) {
  if (id.size() < 2 || id.size() > 3 || id[0] < 'A' || id[0] > 'Z') return false;
  for (char c : id) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

// The first bytes of something unexpected, escaped so binary garbage prints safely.
std::string Shown(absl::string_view bytes) {
  constexpr size_t kMaxShown = 20;
  std::string shown = absl::CHexEscape(bytes.substr(0, kMaxShown));
  if (bytes.size() > kMaxShown) shown += "...";
  return shown;
}

absl::string_view Trim(absl::string_view text) { return x12::Trim(text); }

}  // namespace

absl::string_view X12Segment::component(int index, int component) const {
  if (component < 1) return {};
  const absl::string_view value = element(index);
  const char sep = delimiters_.component;
  size_t begin = 0;
  int i = 1;
  for (size_t k = 0; k <= value.size(); ++k) {
    if (k < value.size() && value[k] != sep) continue;
    if (i == component) return value.substr(begin, k - begin);
    ++i;
    begin = k + 1;
  }
  return {};
}

int X12Segment::Components(int index, absl::string_view* out, int max) const {
  const absl::string_view value = element(index);
  if (value.empty() || max < 1) return 0;
  const char sep = delimiters_.component;
  size_t begin = 0;
  int stored = 0;
  for (size_t k = 0; k <= value.size() && stored < max; ++k) {
    if (k < value.size() && value[k] != sep) continue;
    out[stored++] = value.substr(begin, k - begin);
    begin = k + 1;
  }
  return stored;
}

X12Reader::X12Reader(X12Handler* handler, ProblemLog* problems, X12ReaderOptions options)
    : handler_(handler), problems_(problems), options_(options) {
  options_.max_segment_bytes =
      std::clamp<size_t>(options_.max_segment_bytes, kMaxHeaderBytes, kMaxSegmentBytesCap);
}

void X12Reader::Feed(absl::string_view chunk) {
  if (mode_ == Mode::kFinished) return;
  stats_.bytes += static_cast<int64_t>(chunk.size());
  Process(chunk, consumed_);
  consumed_ += static_cast<int64_t>(chunk.size());
}

void X12Reader::Process(absl::string_view data, int64_t base) {
  size_t pos = 0;
  while (pos < data.size()) {
    switch (mode_) {
      case Mode::kSeekHeader:
        pos = SeekHeader(data, pos, base);
        break;
      case Mode::kHeader:
        pos = ReadHeader(data, pos, base);
        break;
      case Mode::kScanGarbage:
        pos = ScanGarbage(data, pos, base);
        break;
      case Mode::kSegments:
        pos = ReadSegments(data, pos, base);
        break;
      case Mode::kSkipOversized:
        pos = SkipOversized(data, pos);
        break;
      case Mode::kFinished:
        return;
    }
  }
}

size_t X12Reader::SeekHeader(absl::string_view data, size_t pos, int64_t base) {
  while (pos < data.size() && IsSkippable(data[pos])) ++pos;
  if (pos < data.size()) {
    pending_.clear();
    pending_offset_ = base + static_cast<int64_t>(pos);
    mode_ = Mode::kHeader;
  }
  return pos;
}

size_t X12Reader::ReadHeader(absl::string_view data, size_t pos, int64_t /*base*/) {
  const size_t before = pending_.size();
  const size_t take = std::min(data.size() - pos, kMaxHeaderBytes - before);
  pending_.append(data.data() + pos, take);
  stats_.max_buffered_bytes = std::max(stats_.max_buffered_bytes, pending_.size());
  size_t length = 0;
  HeaderResult result = TryParseHeader(&length);
  if (result == HeaderResult::kNeedMore && pending_.size() >= kMaxHeaderBytes) {
    result = HeaderResult::kInvalid;
  }
  switch (result) {
    case HeaderResult::kNeedMore:
      return pos + take;
    case HeaderResult::kFound: {
      // The header segment ends inside the bytes just appended (a shorter buffer was not
      // enough), so the terminator at pending_[length] came from this chunk.
      const size_t used = length + 1 > before ? length + 1 - before : 0;
      const std::string header = std::move(pending_);
      pending_.clear();
      mode_ = Mode::kSegments;
      ProcessSegment(absl::string_view(header).substr(0, length), pending_offset_);
      return pos + used;
    }
    case HeaderResult::kInvalid: {
      StartGarbage(pending_offset_, pending_);
      // The buffered bytes after the first may hold the next "ISA": scan them again. The
      // rescanned text is strictly shorter each time, so this recursion is shallow.
      const std::string buffered = std::move(pending_);
      pending_.clear();
      Process(absl::string_view(buffered).substr(1), pending_offset_ + 1);
      return pos + take;
    }
  }
  return pos + take;
}

X12Reader::HeaderResult X12Reader::TryParseHeader(size_t* header_length) {
  const absl::string_view b = pending_;
  constexpr absl::string_view kIsa = "ISA";
  const size_t prefix = std::min(b.size(), kIsa.size());
  if (b.substr(0, prefix) == kIsa.substr(0, prefix)) {
    if (b.size() < 4) return HeaderResult::kNeedMore;
    const char sep = b[3];
    if (IsAlnum(sep) || IsSkippable(sep)) return HeaderResult::kInvalid;
    int separators = 1;  // the one at b[3]
    size_t isa16 = 0;
    for (size_t i = 4; i < b.size(); ++i) {
      if (b[i] == sep && ++separators == 16) {
        isa16 = i + 1;
        break;
      }
    }
    if (separators < 16 || isa16 + 1 >= b.size()) return HeaderResult::kNeedMore;
    const char component = b[isa16];
    const char terminator = b[isa16 + 1];
    if (IsAlnum(component) || IsSkippable(component) || component == sep) {
      return HeaderResult::kInvalid;
    }
    if (IsAlnum(terminator) || terminator == sep || terminator == component ||
        terminator == ' ') {
      return HeaderResult::kInvalid;
    }
    delimiters_ = X12Delimiters{sep, component, 0, terminator};
    *header_length = isa16 + 1;
    return HeaderResult::kFound;
  }
  // A bare transaction set: "ST*835*1234~". The element separator follows "ST"; the
  // terminator is the first byte that cannot belong to ST01..ST03.
  constexpr absl::string_view kSt = "ST";
  const size_t st_prefix = std::min(b.size(), kSt.size());
  if (b.substr(0, st_prefix) != kSt.substr(0, st_prefix)) return HeaderResult::kInvalid;
  if (b.size() < 3) return HeaderResult::kNeedMore;
  const char sep = b[2];
  if (IsAlnum(sep) || IsSkippable(sep)) return HeaderResult::kInvalid;
  for (size_t i = 3; i < b.size(); ++i) {
    const char c = b[i];
    if (IsAlnum(c) || c == sep || c == ' ' || c == '.' || c == '-') continue;
    if (i < 5) return HeaderResult::kInvalid;  // "ST*~": no transaction set id
    const char component = (sep != ':' && c != ':') ? ':' : '>';
    delimiters_ = X12Delimiters{sep, component, 0, c};
    *header_length = i;
    return HeaderResult::kFound;
  }
  return HeaderResult::kNeedMore;
}

void X12Reader::StartGarbage(int64_t offset, absl::string_view found) {
  segment_.field_count_ = 0;
  segment_.position_ = CurrentPosition(offset);
  Report(Severity::kError, "",
         absl::StrCat("expected an ISA segment, found '", Shown(found),
                      "'; bytes up to the next ISA are skipped"));
  mode_ = Mode::kScanGarbage;
  isa_match_ = 0;
}

size_t X12Reader::ScanGarbage(absl::string_view data, size_t pos, int64_t base) {
  constexpr absl::string_view kIsa = "ISA";
  while (pos < data.size()) {
    if (isa_match_ == 0) {
      const void* found = std::memchr(data.data() + pos, 'I', data.size() - pos);
      if (found == nullptr) return data.size();
      pos = static_cast<size_t>(static_cast<const char*>(found) - data.data()) + 1;
      isa_match_ = 1;
      continue;
    }
    const char c = data[pos++];
    if (c == kIsa[isa_match_]) {
      if (++isa_match_ == 3) {
        isa_match_ = 0;
        mode_ = Mode::kHeader;
        pending_.assign(kIsa.data(), kIsa.size());
        pending_offset_ = base + static_cast<int64_t>(pos) - 3;
        return pos;
      }
    } else {
      isa_match_ = c == 'I' ? 1 : 0;
    }
  }
  return pos;
}

size_t X12Reader::ReadSegments(absl::string_view data, size_t pos, int64_t base) {
  const char terminator = delimiters_.segment;
  const size_t max_bytes = options_.max_segment_bytes;
  while (pos < data.size()) {
    const char* start = data.data() + pos;
    const size_t available = data.size() - pos;
    if (pending_.empty()) {
      if (IsSkippable(*start)) {
        ++pos;
        continue;
      }
      // Fast path: one pass finds the terminator and the element separators together.
      {
        const char sep = delimiters_.element;
        const size_t limit = std::min(available, max_bytes + 1);
        uint32_t fields = 1;
        size_t i = 0;
        for (; i < limit; ++i) {
          const char c = start[i];
          if (c == terminator) break;
          if (c == sep) {
            if (fields <= static_cast<uint32_t>(kMaxSegmentElements)) {
              segment_.starts_[fields] = static_cast<uint32_t>(i + 1);
            }
            ++fields;
          }
        }
        if (i < limit) {  // a whole segment within max_bytes
          ProcessSegment(absl::string_view(start, i), base + static_cast<int64_t>(pos),
                         static_cast<int>(std::min<uint32_t>(fields, kMaxSegmentElements + 2)));
          pos += i + 1;
          if (mode_ != Mode::kSegments) return pos;
          continue;
        }
        // Otherwise: too long, or cut by the end of the chunk. The general path decides.
      }
      const void* found = std::memchr(start, terminator, available);
      if (found == nullptr) {
        if (available > max_bytes) {
          StartOversized(absl::string_view(start, available), base + static_cast<int64_t>(pos));
          mode_ = Mode::kSkipOversized;
          return data.size();
        }
        pending_.assign(start, available);
        pending_offset_ = base + static_cast<int64_t>(pos);
        stats_.max_buffered_bytes = std::max(stats_.max_buffered_bytes, pending_.size());
        return data.size();
      }
      const size_t length = static_cast<size_t>(static_cast<const char*>(found) - start);
      if (length > max_bytes) {
        StartOversized(absl::string_view(start, length), base + static_cast<int64_t>(pos));
      } else {
        ProcessSegment(absl::string_view(start, length), base + static_cast<int64_t>(pos));
      }
      pos += length + 1;
    } else {
      const void* found = std::memchr(start, terminator, available);
      const size_t take =
          found == nullptr ? available
                           : static_cast<size_t>(static_cast<const char*>(found) - start);
      if (pending_.size() + take > max_bytes) {
        StartOversized(pending_, pending_offset_);
        pending_.clear();
        if (found == nullptr) {
          mode_ = Mode::kSkipOversized;
          return data.size();
        }
        pos += take + 1;
        continue;
      }
      pending_.append(start, take);
      stats_.max_buffered_bytes = std::max(stats_.max_buffered_bytes, pending_.size());
      if (found == nullptr) return data.size();
      pos += take + 1;
      ProcessSegment(pending_, pending_offset_);
      pending_.clear();
    }
    if (mode_ != Mode::kSegments) return pos;  // IEA ends the interchange's delimiters
  }
  return pos;
}

void X12Reader::StartOversized(absl::string_view start, int64_t offset) {
  segment_.field_count_ = 0;
  segment_.position_ = CurrentPosition(offset);
  const size_t id_end = std::min(start.find(delimiters_.element), size_t{3});
  const absl::string_view id = start.substr(0, id_end);
  std::string reason =
      absl::StrCat("segment ", IsSegmentId(id) ? std::string(id) : Shown(id), " is longer than ",
                   options_.max_segment_bytes, " bytes; it was skipped");
  if (in_set_) {
    ++segments_in_set_;
    segment_.position_.segment = segments_in_set_;
    absl::StrAppend(&reason, " and its transaction set rejected");
    Problem problem;
    problem.position = segment_.position_;
    problem.segment_id = IsSegmentId(id) ? std::string(id) : "";
    problem.reason = std::move(reason);
    RejectTransactionSet(std::move(problem));
  } else {
    Report(Severity::kError, "", std::move(reason));
  }
}

size_t X12Reader::SkipOversized(absl::string_view data, size_t pos) {
  const void* found = std::memchr(data.data() + pos, delimiters_.segment, data.size() - pos);
  if (found == nullptr) return data.size();
  mode_ = Mode::kSegments;
  return static_cast<size_t>(static_cast<const char*>(found) - data.data()) + 1;
}

bool X12Reader::AdoptSplit(absl::string_view bytes, int64_t offset, int fields) {
  segment_.data_ = bytes;
  segment_.delimiters_ = delimiters_;
  segment_.position_ = CurrentPosition(offset);
  if (fields > kMaxSegmentElements + 1) {
    segment_.field_count_ = 0;
    return false;
  }
  segment_.starts_[0] = 0;
  segment_.starts_[fields] = static_cast<uint32_t>(bytes.size() + 1);
  segment_.field_count_ = fields;
  return true;
}

bool X12Reader::Split(absl::string_view bytes, int64_t offset) {
  segment_.data_ = bytes;
  segment_.delimiters_ = delimiters_;
  segment_.position_ = CurrentPosition(offset);
  // A plain byte loop: elements average a few bytes, too short for memchr's call to pay off.
  const char* data = bytes.data();
  const uint32_t size = static_cast<uint32_t>(bytes.size());
  const char sep = delimiters_.element;
  int count = 1;
  segment_.starts_[0] = 0;
  for (uint32_t i = 0; i < size; ++i) {
    if (data[i] != sep) continue;
    if (count > kMaxSegmentElements) {
      segment_.field_count_ = 0;
      return false;
    }
    segment_.starts_[count++] = i + 1;
  }
  segment_.starts_[count] = size + 1;
  segment_.field_count_ = count;
  return true;
}

void X12Reader::ProcessSegment(absl::string_view bytes, int64_t offset, int fields) {
  DispatchSegment(bytes, offset, fields);
  // The bytes may be a buffer about to be reused: later problems must not read them.
  segment_.field_count_ = 0;
  segment_.data_ = absl::string_view();
}

void X12Reader::DispatchSegment(absl::string_view bytes, int64_t offset, int fields) {
  // A newline-terminated file written with CRLF leaves a CR before each terminator. (Neither
  // can be a separator, so element offsets found before stripping stay right.)
  while (!bytes.empty() && (bytes.back() == '\r' || bytes.back() == '\n')) bytes.remove_suffix(1);
  if (bytes.empty()) return;  // "~~": an empty segment carries nothing
  ++stats_.segments;
  const bool split = fields > 0 ? AdoptSplit(bytes, offset, fields) : Split(bytes, offset);
  const absl::string_view id = split ? segment_.id() : absl::string_view();
  const bool valid_id = split && IsSegmentId(id);
  if (valid_id) {
    switch (x12::TagOf(id)) {
      case x12::Tag("ISA"):
        return OnIsa();
      case x12::Tag("IEA"):
        return OnIea();
      case x12::Tag("GS"):
        return OnGs();
      case x12::Tag("GE"):
        return OnGe();
      case x12::Tag("ST"):
        return OnSt();
      case x12::Tag("SE"):
        return OnSe();
      default:
        break;
    }
  }
  const auto what = [&] {  // only built for a bad segment: this is the hot path
    return !split ? absl::StrCat("segment '", Shown(bytes), "' has more than ",
                                 kMaxSegmentElements, " elements")
                  : absl::StrCat("'", Shown(bytes), "' is not a segment");
  };
  if (!in_set_) {
    Report(Severity::kError, "",
           valid_id ? absl::StrCat("segment ", id,
                                   " is outside a transaction set (ST..SE); it was ignored")
                    : absl::StrCat(what(), "; it was ignored"));
    return;
  }
  ++segments_in_set_;
  segment_.position_.segment = segments_in_set_;
  if (!valid_id) {
    Problem problem;
    problem.position = segment_.position_;
    problem.reason = absl::StrCat(what(), "; the transaction set is rejected");
    RejectTransactionSet(std::move(problem));
    return;
  }
  handler_->OnSegment(segment_);
}

void X12Reader::OnIsa() {
  if (in_interchange_) {
    CloseInterchange(absl::StrCat("ISA arrived before the IEA of interchange ",
                                  stats_.interchanges, ": that interchange is incomplete"));
  }
  bare_ = false;
  in_interchange_ = true;
  ++stats_.interchanges;
  groups_in_interchange_ = 0;
  sets_in_interchange_ = 0;
  interchange_rejection_.reset();
  segment_.position_ = CurrentPosition(segment_.position_.byte_offset);
  // Reached through the segment path (a missing IEA), the delimiters come from this ISA too.
  if (segment_.element(16).size() == 1) delimiters_.component = segment_.element(16)[0];
  const absl::string_view isa11 = segment_.element(11);
  delimiters_.repetition =
      isa11.size() == 1 && !IsAlnum(isa11[0]) && isa11[0] != delimiters_.element &&
              isa11[0] != delimiters_.component && isa11[0] != delimiters_.segment &&
              isa11[0] != ' '
          ? isa11[0]
          : 0;
  isa_control_ = std::string(Trim(segment_.element(13)));
  std::string reason;
  if (segment_.element_count() != 16) {
    reason = absl::StrCat("ISA has ", segment_.element_count(), " elements; 16 are required");
  } else if (isa_control_.size() != 9 || !ParseCount(isa_control_).ok()) {
    reason = absl::StrCat("ISA13 '", Shown(segment_.element(13)),
                          "' is not a 9-digit interchange control number");
  }
  if (!reason.empty()) {
    absl::StrAppend(&reason, "; the interchange is rejected");
    Problem problem;
    problem.position = segment_.position_;
    problem.segment_id = "ISA";
    problem.element = segment_.element_count() != 16 ? "" : "ISA13";
    problem.reason = std::move(reason);
    interchange_rejection_ = problem;  // every set of the interchange is rejected with it
    problems_->Add(std::move(problem));
  }
}

void X12Reader::OnIea() {
  if (in_set_) {
    CloseTransactionSet(absl::StrCat("IEA arrived before the SE of transaction set ",
                                     st_control_, ": the set is incomplete"));
  }
  if (in_group_) {
    CloseGroup(absl::StrCat("IEA arrived before the GE of group ", gs_control_));
  }
  mode_ = Mode::kSeekHeader;
  if (!in_interchange_) {
    Report(Severity::kError, "", "IEA without a matching ISA; it was ignored");
    return;
  }
  in_interchange_ = false;
  const absl::StatusOr<int64_t> groups = ParseCount(Trim(segment_.element(1)));
  if (!groups.ok() || *groups != groups_in_interchange_) {
    Report(Severity::kError, "IEA01",
           absl::StrCat("IEA01 '", Shown(segment_.element(1)), "' does not match the ",
                        groups_in_interchange_, " functional groups of the interchange"));
  }
  if (Trim(segment_.element(2)) != isa_control_) {
    Report(Severity::kError, "IEA02",
           absl::StrCat("IEA02 '", Shown(segment_.element(2)), "' does not match ISA13 '",
                        isa_control_, "'"));
  }
}

void X12Reader::OnGs() {
  if (in_set_) {
    CloseTransactionSet(absl::StrCat("GS arrived before the SE of transaction set ",
                                     st_control_, ": the set is incomplete"));
  }
  if (!in_interchange_) {
    Report(Severity::kError, "", "GS outside an interchange (no ISA); it was ignored");
    return;
  }
  if (in_group_) CloseGroup(absl::StrCat("GS arrived before the GE of group ", gs_control_));
  in_group_ = true;
  ++groups_in_interchange_;
  sets_in_group_ = 0;
  gs_functional_id_ = std::string(Trim(segment_.element(1)));
  gs_control_ = std::string(Trim(segment_.element(6)));
  gs_version_ = std::string(Trim(segment_.element(8)));
}

void X12Reader::OnGe() {
  if (in_set_) {
    CloseTransactionSet(absl::StrCat("GE arrived before the SE of transaction set ",
                                     st_control_, ": the set is incomplete"));
  }
  if (!in_group_) {
    Report(Severity::kError, "", "GE without a matching GS; it was ignored");
    return;
  }
  in_group_ = false;
  const absl::StatusOr<int64_t> sets = ParseCount(Trim(segment_.element(1)));
  if (!sets.ok() || *sets != sets_in_group_) {
    Report(Severity::kError, "GE01",
           absl::StrCat("GE01 '", Shown(segment_.element(1)), "' does not match the ",
                        sets_in_group_, " transaction sets of the group"));
  }
  if (Trim(segment_.element(2)) != gs_control_) {
    Report(Severity::kError, "GE02",
           absl::StrCat("GE02 '", Shown(segment_.element(2)), "' does not match GS06 '",
                        gs_control_, "'"));
  }
}

void X12Reader::OnSt() {
  if (in_set_) {
    CloseTransactionSet(absl::StrCat("ST arrived before the SE of transaction set ",
                                     st_control_, ": the set is incomplete"));
  }
  if (!in_interchange_ && !bare_) {
    bare_ = true;
    ++stats_.interchanges;
    sets_in_interchange_ = 0;
    interchange_rejection_.reset();
    segment_.position_ = CurrentPosition(segment_.position_.byte_offset);
    Report(Severity::kWarning, "",
           "no ISA/GS envelope: delimiters were inferred from the ST segment and envelope "
           "control numbers cannot be checked");
  }
  in_set_ = true;
  ++stats_.transaction_sets;
  ++sets_in_interchange_;
  if (in_group_) ++sets_in_group_;
  segments_in_set_ = 1;
  segment_.position_ = CurrentPosition(segment_.position_.byte_offset);
  segment_.position_.segment = 1;
  st_control_ = std::string(Trim(segment_.element(2)));
  set_rejection_.reset();
  if (interchange_rejection_.has_value()) {
    set_rejection_ = interchange_rejection_;  // logged once, at the ISA
  } else if (!in_group_ && !bare_) {
    Problem problem;
    problem.position = segment_.position_;
    problem.segment_id = "ST";
    problem.reason = "ST outside a functional group (no GS); the transaction set is rejected";
    RejectTransactionSet(std::move(problem));
  }
  if (st_control_.empty() || Trim(segment_.element(1)).empty()) {
    Problem problem;
    problem.position = segment_.position_;
    problem.segment_id = "ST";
    problem.element = st_control_.empty() ? "ST02" : "ST01";
    problem.reason = absl::StrCat(problem.element, " is required; the transaction set is rejected");
    RejectTransactionSet(std::move(problem));
  }
  X12TransactionSet set;
  set.type = std::string(Trim(segment_.element(1)));
  set.control_number = st_control_;
  const absl::string_view st03 = Trim(segment_.element(3));
  set.version = st03.empty() ? gs_version_ : std::string(st03);
  set.functional_id = in_group_ ? gs_functional_id_ : "";
  set.position = segment_.position_;
  handler_->BeginTransactionSet(set);
}

void X12Reader::OnSe() {
  if (!in_set_) {
    Report(Severity::kError, "", "SE without a matching ST; it was ignored");
    return;
  }
  ++segments_in_set_;
  segment_.position_.segment = segments_in_set_;
  const absl::StatusOr<int64_t> count = ParseCount(Trim(segment_.element(1)));
  if (!count.ok() || *count != segments_in_set_) {
    Problem problem;
    problem.position = segment_.position_;
    problem.segment_id = "SE";
    problem.element = "SE01";
    problem.reason = absl::StrCat("SE01 '", Shown(segment_.element(1)),
                                  "' does not match the ", segments_in_set_,
                                  " segments of the transaction set (ST to SE); the set is "
                                  "rejected");
    RejectTransactionSet(std::move(problem));
  }
  if (Trim(segment_.element(2)) != st_control_) {
    Problem problem;
    problem.position = segment_.position_;
    problem.segment_id = "SE";
    problem.element = "SE02";
    problem.reason = absl::StrCat("SE02 '", Shown(segment_.element(2)), "' does not match ST02 '",
                                  st_control_, "'; the set is rejected");
    RejectTransactionSet(std::move(problem));
  }
  EndTransactionSet();
  if (bare_) mode_ = Mode::kSeekHeader;  // the next bare set brings its own delimiters
}

void X12Reader::CloseTransactionSet(const std::string& reason) {
  Problem problem;
  problem.position = segment_.position_;
  problem.position.segment = 0;
  problem.segment_id = "SE";
  problem.reason = reason;
  RejectTransactionSet(std::move(problem));
  EndTransactionSet();
}

void X12Reader::CloseGroup(const std::string& reason) {
  Report(Severity::kError, "", reason);
  in_group_ = false;
}

void X12Reader::CloseInterchange(const std::string& reason) {
  if (in_set_) CloseTransactionSet(reason);
  if (in_group_) CloseGroup(reason);
  if (in_interchange_) Report(Severity::kError, "", reason);
  in_interchange_ = false;
}

void X12Reader::RejectTransactionSet(Problem problem) {
  problem.severity = Severity::kError;
  if (!set_rejection_.has_value()) set_rejection_ = problem;
  problems_->Add(std::move(problem));
}

void X12Reader::EndTransactionSet() {
  in_set_ = false;
  if (set_rejection_.has_value()) ++stats_.transaction_sets_rejected;
  handler_->EndTransactionSet(set_rejection_.has_value() ? &*set_rejection_ : nullptr);
  set_rejection_.reset();
}

void X12Reader::Report(Severity severity, absl::string_view element, std::string reason) {
  Problem problem;
  problem.severity = severity;
  problem.position = segment_.position_;
  problem.segment_id = std::string(segment_.id());
  problem.element = std::string(element);
  problem.reason = std::move(reason);
  problems_->Add(std::move(problem));
}

Position X12Reader::CurrentPosition(int64_t offset) const {
  Position position;
  position.byte_offset = offset;
  position.interchange = stats_.interchanges;
  position.transaction_set = in_set_ ? sets_in_interchange_ : 0;
  return position;
}

void X12Reader::Finish() {
  if (mode_ == Mode::kFinished) return;
  segment_.field_count_ = 0;
  segment_.position_ = CurrentPosition(stats_.bytes);
  if (mode_ == Mode::kSegments && !pending_.empty()) {
    // The last segment has no terminator. Read it (often a complete IEA), and say so.
    const std::string last = std::move(pending_);
    pending_.clear();
    segment_.position_ = CurrentPosition(pending_offset_);
    Report(Severity::kWarning, "", "the file ends without a segment terminator");
    ProcessSegment(last, pending_offset_);
    segment_.field_count_ = 0;
    segment_.position_ = CurrentPosition(stats_.bytes);
  } else if (mode_ == Mode::kHeader && !pending_.empty()) {
    segment_.position_ = CurrentPosition(pending_offset_);
    Report(Severity::kError, "",
           absl::StrCat("the file ends inside its header '", Shown(pending_),
                        "' (truncated ISA)"));
  }
  mode_ = Mode::kFinished;
  if (in_set_) {
    CloseTransactionSet(absl::StrCat("the file ends inside transaction set ", st_control_,
                                     " (no SE): the set is rejected"));
  }
  if (in_group_) CloseGroup(absl::StrCat("the file ends inside group ", gs_control_, " (no GE)"));
  if (in_interchange_) {
    Report(Severity::kError, "",
           absl::StrCat("the file ends inside interchange ", isa_control_, " (no IEA)"));
    in_interchange_ = false;
  }
  if (stats_.interchanges == 0 && problems_->error_count() == 0) {
    Report(Severity::kError, "",
           stats_.bytes == 0 ? "the file is empty" : "no X12 interchange (ISA) was found");
  }
}

}  // namespace denialscope
