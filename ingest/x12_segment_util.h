// Small helpers the X12 transaction parsers share: a switchable tag for segment ids, X12-style
// element names ("CLP04", "SV101-2") and the problems they report.
#ifndef DENIALSCOPE_INGEST_X12_SEGMENT_UTIL_H_
#define DENIALSCOPE_INGEST_X12_SEGMENT_UTIL_H_

#include <cstdint>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "ingest/problem.h"
#include "ingest/x12_reader.h"

namespace denialscope {
namespace x12 {

// Packs a segment id of up to 3 characters into an integer, so parsers can `switch` on it.
constexpr uint32_t Tag(const char* id) {
  uint32_t tag = 0;
  for (int i = 0; i < 3 && id[i] != '\0'; ++i) tag = (tag << 8) | static_cast<unsigned char>(id[i]);
  return tag;
}
inline uint32_t TagOf(absl::string_view id) {
  uint32_t tag = 0;
  for (size_t i = 0; i < id.size() && i < 3; ++i) tag = (tag << 8) | static_cast<unsigned char>(id[i]);
  return tag;
}

// "CLP" + 4 -> "CLP04"; with a component, "SV1" + 1 + 2 -> "SV101-2".
inline std::string ElementName(absl::string_view id, int index, int component = 0) {
  std::string name = absl::StrCat(id, index < 10 ? "0" : "", index);
  if (component > 0) absl::StrAppend(&name, "-", component);
  return name;
}

// Surrounding whitespace removed. Inline with a fast path: almost no element is padded, and
// this runs for nearly every element read.
inline bool IsSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
inline absl::string_view Trim(absl::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

// Element or component with surrounding spaces removed (payers pad identifiers).
inline absl::string_view Element(const X12Segment& segment, int index) {
  return Trim(segment.element(index));
}
inline absl::string_view Component(const X12Segment& segment, int index, int component) {
  return Trim(segment.component(index, component));
}

// Shortens and escapes a value for a problem message: a huge or binary element must not
// become a huge or binary message.
inline std::string Shorten(absl::string_view value) {
  constexpr size_t kMaxShown = 40;
  std::string shown = absl::CHexEscape(value.substr(0, kMaxShown));
  if (value.size() > kMaxShown) shown += "...";
  return shown;
}

// "procedure code is required", plus the likely cause when the element holds text but no
// component separator (a file whose composites use another separator than its ISA16).
inline std::string MissingComponentReason(const X12Segment& segment, int index,
                                          absl::string_view what) {
  std::string reason = absl::StrCat(what, " is required");
  const absl::string_view element = segment.element(index);
  if (!element.empty() && element.find(segment.delimiters().component) == absl::string_view::npos) {
    absl::StrAppend(&reason, " ('", Shorten(element), "' has no '",
                    absl::CHexEscape(absl::string_view(&segment.delimiters().component, 1)),
                    "' component separator, the one ISA16 declares)");
  }
  return reason;
}

// A problem found in `segment`, about `claim_id` when one is being read (empty otherwise).
inline Problem SegmentProblem(const X12Segment& segment, Severity severity, std::string element,
                              std::string reason, std::string claim_id) {
  Problem problem;
  problem.severity = severity;
  problem.position = segment.position();
  problem.segment_id = std::string(segment.id());
  problem.element = std::move(element);
  problem.reason = std::move(reason);
  problem.claim_id = std::move(claim_id);
  return problem;
}

// A problem with the transaction set's declared version (`element` is ST03 or GS08).
inline Problem VersionProblem(const X12TransactionSet& set, Severity severity,
                              std::string element, std::string reason) {
  Problem problem;
  problem.severity = severity;
  problem.position = set.position;
  problem.segment_id = "ST";
  problem.element = std::move(element);
  problem.reason = std::move(reason);
  return problem;
}

}  // namespace x12
}  // namespace denialscope

#endif  // DENIALSCOPE_INGEST_X12_SEGMENT_UTIL_H_
