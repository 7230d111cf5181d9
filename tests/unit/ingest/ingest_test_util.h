// Helpers for the ingest tests: a sink that keeps everything, one-call importers that feed a
// text in chunks of a given size, an X12 envelope builder that counts segments so tests state
// only what they test, and a canonical dump of a whole result so two runs can be compared.
#ifndef DENIALSCOPE_TESTS_UNIT_INGEST_INGEST_TEST_UTIL_H_
#define DENIALSCOPE_TESTS_UNIT_INGEST_INGEST_TEST_UTIL_H_

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "ingest/csv_reader.h"
#include "ingest/import_records.h"
#include "ingest/problem.h"
#include "ingest/x12_import.h"

namespace denialscope::testing {

class CollectingSink : public RecordSink {
 public:
  void OnClaim(ParsedClaim claim) override { claims.push_back(std::move(claim)); }
  void OnRemittance(ParsedRemittance remittance) override {
    remittances.push_back(std::move(remittance));
  }
  void OnProviderAdjustment(ProviderAdjustment adjustment) override {
    adjustments.push_back(std::move(adjustment));
  }
  void OnRejected(RejectedRecord record) override { rejected.push_back(std::move(record)); }

  std::vector<ParsedClaim> claims;
  std::vector<ParsedRemittance> remittances;
  std::vector<ProviderAdjustment> adjustments;
  std::vector<RejectedRecord> rejected;
};

struct ImportResult {
  CollectingSink sink;
  std::vector<Problem> problems;
  int64_t error_count = 0;
  int64_t warning_count = 0;
  RecordCounts counts;
  X12ReaderStats stats;

  // Problems as "ELEMENT: reason" lines, for readable failure messages.
  std::string ProblemText() const {
    std::string text;
    for (const Problem& problem : problems) absl::StrAppend(&text, problem.ToString(), "\n");
    return text;
  }
};

// Feeds `text` in chunks of `chunk` bytes (0 = one chunk).
inline ImportResult ImportX12(absl::string_view text, size_t chunk = 0,
                              X12ImportOptions options = {}) {
  ImportResult result;
  X12Importer importer(&result.sink, options);
  if (chunk == 0) chunk = std::max<size_t>(text.size(), 1);
  for (size_t i = 0; i < text.size(); i += chunk) importer.Feed(text.substr(i, chunk));
  importer.Finish();
  result.problems = importer.problems().kept();
  result.error_count = importer.problems().error_count();
  result.warning_count = importer.problems().warning_count();
  result.counts = importer.counts();
  result.stats = importer.reader_stats();
  return result;
}

inline ImportResult ImportCsv(absl::string_view text, size_t chunk = 0, CsvOptions options = {}) {
  ImportResult result;
  CsvClaimReader reader(&result.sink, options);
  if (chunk == 0) chunk = std::max<size_t>(text.size(), 1);
  for (size_t i = 0; i < text.size(); i += chunk) reader.Feed(text.substr(i, chunk));
  reader.Finish();
  result.problems = reader.problems().kept();
  result.error_count = reader.problems().error_count();
  result.warning_count = reader.problems().warning_count();
  result.counts = reader.counts();
  return result;
}

// The first kept problem whose element (or segment id) is `element`; nullptr if none.
inline const Problem* FindProblem(const ImportResult& result, absl::string_view element) {
  for (const Problem& problem : result.problems) {
    if (problem.element == element || (problem.element.empty() && problem.segment_id == element)) {
      return &problem;
    }
  }
  return nullptr;
}

inline std::string PositionText(const Position& position) {
  return absl::StrCat(position.interchange, "/", position.transaction_set, "/", position.segment,
                      "@", position.byte_offset, "L", position.line);
}

// Everything a result holds, in order, as text: equal dumps mean equal results.
inline std::string Dump(const ImportResult& result) {
  std::string out;
  for (const ParsedClaim& claim : result.sink.claims) {
    absl::StrAppend(&out, "claim ", ClaimContentKey(claim.claim), " f",
                    static_cast<int>(claim.claim.frequency), " sub=", claim.subscriber_id,
                    " ref=", claim.original_reference, " at ", PositionText(claim.position), "\n");
  }
  for (const ParsedRemittance& remittance : result.sink.remittances) {
    absl::StrAppend(&out, "remit ", RemittanceContentKey(remittance.event),
                    " payee=", remittance.payee_npi, " pat=", remittance.patient_id,
                    " sub=", remittance.subscriber_id, " at ", PositionText(remittance.position));
    for (const RemittanceLineExtras& extras : remittance.line_extras) {
      absl::StrAppend(&out, " [", extras.original_procedure_code, ",",
                      extras.allowed_cents.value_or(-1), "]");
    }
    absl::StrAppend(&out, "\n");
  }
  for (const ProviderAdjustment& adjustment : result.sink.adjustments) {
    absl::StrAppend(&out, "plb ", ProviderAdjustmentContentKey(adjustment.adjustment),
                    " payee=", adjustment.payee_npi, " at ", PositionText(adjustment.position),
                    "\n");
  }
  for (const RejectedRecord& rejected : result.sink.rejected) {
    absl::StrAppend(&out, "rejected ", static_cast<int>(rejected.kind), " ", rejected.claim_id,
                    " ", rejected.problem.ToString(), "\n");
  }
  absl::StrAppend(&out, result.ProblemText(), "errors=", result.error_count,
                  " warnings=", result.warning_count, " segments=", result.stats.segments, "\n");
  return out;
}

// The ISA used by the tests: '*' elements, '^' repetitions, ':' components, '~' terminator.
inline std::string Isa(absl::string_view control = "000000001") {
  return absl::StrCat("ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       "
                      "*260310*1200*^*00501*",
                      control, "*0*P*:~");
}

// "ST*<type>*<control>[*<version>]~" + body + "SE*<count>*<control>~", counting segments.
// `body` is segments separated by '~' (a trailing '~' is optional).
inline std::string TransactionSet(absl::string_view type, absl::string_view control,
                                  absl::string_view body, absl::string_view version = "") {
  std::vector<absl::string_view> segments =
      absl::StrSplit(body, '~', absl::SkipWhitespace());
  std::string out = absl::StrCat("ST*", type, "*", control);
  if (!version.empty()) absl::StrAppend(&out, "*", version);
  absl::StrAppend(&out, "~");
  for (absl::string_view segment : segments) absl::StrAppend(&out, segment, "~");
  absl::StrAppend(&out, "SE*", segments.size() + 2, "*", control, "~");
  return out;
}

// One interchange with one functional group around `sets` (already built).
inline std::string Interchange(const std::vector<std::string>& sets,
                               absl::string_view functional_id, absl::string_view version,
                               absl::string_view isa_control = "000000001",
                               absl::string_view gs_control = "1") {
  return absl::StrCat(Isa(isa_control), "GS*", functional_id, "*SENDER*RECEIVER*20260310*1200*",
                      gs_control, "*X*", version, "~", absl::StrJoin(sets, ""), "GE*",
                      sets.size(), "*", gs_control, "~IEA*1*", isa_control, "~");
}

inline std::string File835(const std::vector<std::string>& bodies,
                           absl::string_view isa_control = "000000001") {
  std::vector<std::string> sets;
  for (size_t i = 0; i < bodies.size(); ++i) {
    sets.push_back(TransactionSet("835", absl::StrCat("000", i + 1), bodies[i]));
  }
  return Interchange(sets, "HP", "005010X221A1", isa_control);
}

inline std::string File837(const std::vector<std::string>& bodies,
                           absl::string_view isa_control = "000000001") {
  std::vector<std::string> sets;
  for (size_t i = 0; i < bodies.size(); ++i) {
    sets.push_back(
        TransactionSet("837", absl::StrCat("000", i + 1), bodies[i], "005010X222A1"));
  }
  return Interchange(sets, "HC", "005010X222A1", isa_control);
}

}  // namespace denialscope::testing

#endif  // DENIALSCOPE_TESTS_UNIT_INGEST_INGEST_TEST_UTIL_H_
