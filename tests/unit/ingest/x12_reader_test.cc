// The X12 tokenizer and envelope: delimiters from each ISA, whitespace and BOMs between
// segments, several interchanges and groups, any chunking, envelope checks that reject a set
// or an interchange and go on, and malformed input that yields positioned problems, never a
// crash or an unbounded allocation.
#include "ingest/x12_reader.h"

#include <cstdint>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/ingest/ingest_test_util.h"

namespace denialscope {
namespace {

using ::denialscope::testing::Dump;
using ::denialscope::testing::File835;
using ::denialscope::testing::File837;
using ::denialscope::testing::FindProblem;
using ::denialscope::testing::ImportResult;
using ::denialscope::testing::ImportX12;
using ::denialscope::testing::Interchange;
using ::denialscope::testing::TransactionSet;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

std::string Remit(const std::string& claim_id, const std::string& paid = "80.00") {
  return absl::StrCat(
      "BPR*I*", paid, "*C*ACH*CCP*01*1*DA*1*1512345678**01*2*DA*2*20260320~TRN*1*T*1512345678~"
      "N1*PR*ACME*XV*PAYER01~N1*PE*CLINIC*XX*1234567893~LX*1~CLP*",
      claim_id, "*1*100.00*", paid, "*0*12*CTL~CAS*CO*45*20.00~SVC*HC:98941*100.00*", paid,
      "~DTM*472*20260301~REF*6R*L1~");
}

std::string ClaimSet(const std::string& claim_id) {
  return absl::StrCat(
      "BHT*0019*00*B*20260304*1200*CH~HL*1**20*1~NM1*85*2*C*****XX*1234567893~HL*2*1*22*0~"
      "NM1*IL*1*A*B****MI*M1~NM1*PR*2*P*****PI*P1~CLM*",
      claim_id, "*100.00***11:B:1*Y*A*Y*Y~HI*ABK:M542~LX*1~SV1*HC:98941:GA*100.00*UN*1***1~",
      "DTP*472*D8*20260302~");
}

std::vector<std::string> ClaimIds(const ImportResult& result) {
  std::vector<std::string> ids;
  for (const ParsedClaim& claim : result.sink.claims) ids.push_back(claim.claim.claim_id);
  for (const ParsedRemittance& remittance : result.sink.remittances) {
    ids.push_back(remittance.event.claim_id);
  }
  return ids;
}

std::vector<std::string> RejectedIds(const ImportResult& result) {
  std::vector<std::string> ids;
  for (const RejectedRecord& rejected : result.sink.rejected) ids.push_back(rejected.claim_id);
  return ids;
}

TEST(X12ReaderTest, SeveralInterchangesAndGroups) {
  const std::string first = absl::StrCat(
      testing::Isa("000000001"), "GS*HP*S*R*20260310*1200*11*X*005010X221A1~",
      TransactionSet("835", "0001", Remit("R1")), "GE*1*11~",
      "GS*HP*S*R*20260310*1200*12*X*005010X221A1~", TransactionSet("835", "0001", Remit("R2")),
      TransactionSet("835", "0002", Remit("R3")), "GE*2*12~IEA*2*000000001~");
  const std::string second = File837({ClaimSet("C1")}, "000000002");
  const ImportResult result = ImportX12(first + second);
  ASSERT_EQ(result.error_count, 0) << result.ProblemText();
  EXPECT_THAT(ClaimIds(result), ::testing::ElementsAre("C1", "R1", "R2", "R3"));
  EXPECT_EQ(result.stats.interchanges, 2);
  EXPECT_EQ(result.stats.transaction_sets, 4);
  EXPECT_EQ(result.sink.remittances[2].position.interchange, 1);
  EXPECT_EQ(result.sink.remittances[2].position.transaction_set, 3);
  EXPECT_EQ(result.sink.claims[0].position.interchange, 2);
  EXPECT_EQ(result.sink.claims[0].position.transaction_set, 1);
  EXPECT_EQ(result.sink.claims[0].position.byte_offset,
            static_cast<int64_t>(first.size() + second.find("CLM*")));
}

TEST(X12ReaderTest, BomAndWhitespaceBetweenSegmentsAreSkipped) {
  const std::string plain = File835({Remit("R1")}) + File835({Remit("R2")}, "000000002");
  const ImportResult expected = ImportX12(plain);
  ASSERT_EQ(expected.error_count, 0) << expected.ProblemText();

  // A BOM at the start and between interchanges, CRLF and blank lines after each '~', and
  // indentation, as editors and some clearinghouses write them.
  std::string messy = "\xEF\xBB\xBF" + absl::StrReplaceAll(File835({Remit("R1")}),
                                                           {{"~", "~\r\n\r\n    "}});
  messy += "\xEF\xBB\xBF\n" + absl::StrReplaceAll(File835({Remit("R2")}, "000000002"),
                                                  {{"~", "~\n\n\t"}});
  const ImportResult result = ImportX12(messy);
  EXPECT_EQ(result.error_count, 0) << result.ProblemText();
  EXPECT_EQ(result.warning_count, 0) << result.ProblemText();
  EXPECT_THAT(ClaimIds(result), ::testing::ElementsAre("R1", "R2"));
  ASSERT_THAT(result.sink.remittances, SizeIs(2));
  EXPECT_EQ(RemittanceContentKey(result.sink.remittances[1].event),
            RemittanceContentKey(expected.sink.remittances[1].event));
}

TEST(X12ReaderTest, DelimitersComeFromEachIsa) {
  // '|' elements, '>' components, '^' repetitions and a newline terminator in the first
  // interchange; the standard ones in the second.
  const std::string odd =
      absl::StrReplaceAll(File835({Remit("R1")}), {{"*", "|"}, {":", ">"}, {"~", "\n"}});
  const std::string file = odd + File837({ClaimSet("C1")}, "000000002");
  const ImportResult result = ImportX12(file);
  ASSERT_EQ(result.error_count, 0) << result.ProblemText();
  ASSERT_THAT(result.sink.remittances, SizeIs(1));
  EXPECT_EQ(result.sink.remittances[0].event.lines[0].procedure_code, "98941");
  ASSERT_THAT(result.sink.claims, SizeIs(1));
  EXPECT_THAT(result.sink.claims[0].claim.lines[0].modifiers, ::testing::ElementsAre("GA"));
}

TEST(X12ReaderTest, EverySplitGivesTheSameResult) {
  const std::string file =
      "\xEF\xBB\xBF" +
      absl::StrReplaceAll(File835({Remit("R1"), Remit("R2", "0")}), {{"~", "~\r\n"}}) +
      File837({ClaimSet("C1")}, "000000002");
  const std::string expected = Dump(ImportX12(file));
  ASSERT_THAT(expected, HasSubstr("errors=0 ")) << expected;
  for (size_t split = 0; split <= file.size(); ++split) {
    ImportResult result;
    X12Importer importer(&result.sink);
    importer.Feed(absl::string_view(file).substr(0, split));
    importer.Feed(absl::string_view(file).substr(split));
    importer.Finish();
    result.problems = importer.problems().kept();
    result.error_count = importer.problems().error_count();
    result.warning_count = importer.problems().warning_count();
    result.stats = importer.reader_stats();
    ASSERT_EQ(Dump(result), expected) << "split at byte " << split;
  }
  for (size_t chunk : {1, 2, 3, 7, 64}) {
    EXPECT_EQ(Dump(ImportX12(file, chunk)), expected) << "chunks of " << chunk;
  }
}

TEST(X12ReaderTest, TruncatedFileRejectsTheOpenSetOnly) {
  const std::string file = File835({Remit("R1"), Remit("R2")});
  const size_t cut = file.find("CLP*R2") + 10;
  const ImportResult result = ImportX12(file.substr(0, cut));
  EXPECT_THAT(ClaimIds(result), ::testing::ElementsAre("R1"));
  EXPECT_THAT(RejectedIds(result), ::testing::ElementsAre("R2"));
  const Problem* problem = FindProblem(result, "SE");
  ASSERT_NE(problem, nullptr) << result.ProblemText();
  EXPECT_THAT(problem->reason, HasSubstr("ends inside transaction set 0002"));
  EXPECT_EQ(problem->position.interchange, 1);
  EXPECT_EQ(problem->position.transaction_set, 2);
  EXPECT_EQ(problem->position.byte_offset, static_cast<int64_t>(cut));

  // Cut anywhere: never a crash, never a record of the unfinished set, always a problem.
  for (size_t length = 0; length < file.size(); ++length) {
    const ImportResult cut_result = ImportX12(file.substr(0, length));
    EXPECT_GE(cut_result.error_count + cut_result.warning_count, 1) << length;
    EXPECT_LE(cut_result.sink.remittances.size(), 2u);
    if (length < file.find("SE*")) {
      EXPECT_THAT(cut_result.sink.remittances, IsEmpty()) << length;
    }
  }
}

TEST(X12ReaderTest, WrongSegmentCountRejectsTheSetAndReadingGoesOn) {
  std::string file = File835({Remit("R1"), Remit("R2")});
  const size_t se = file.find("SE*");
  const size_t count_end = file.find('*', se + 3);
  const std::string count = file.substr(se + 3, count_end - se - 3);
  file.replace(se + 3, count.size(), "99");
  const ImportResult result = ImportX12(file);
  EXPECT_THAT(ClaimIds(result), ::testing::ElementsAre("R2"));
  EXPECT_THAT(RejectedIds(result), ::testing::ElementsAre("R1"));
  const Problem* problem = FindProblem(result, "SE01");
  ASSERT_NE(problem, nullptr) << result.ProblemText();
  EXPECT_THAT(problem->reason, HasSubstr(absl::StrCat("does not match the ", count, " segments")));
  EXPECT_EQ(problem->position.segment, std::stoi(count));
  EXPECT_EQ(problem->position.byte_offset, static_cast<int64_t>(se));
  EXPECT_EQ(result.sink.rejected[0].problem.element, "SE01");
  EXPECT_EQ(result.stats.transaction_sets_rejected, 1);
}

TEST(X12ReaderTest, ControlNumberMismatchRejectsTheSet) {
  const std::string set = TransactionSet("835", "0001", Remit("R1"));
  std::string bad_set = set;
  bad_set.replace(bad_set.rfind("*0001~"), 6, "*0009~");  // SE02 only
  const ImportResult result = ImportX12(Interchange({bad_set}, "HP", "005010X221A1"));
  EXPECT_THAT(RejectedIds(result), ::testing::ElementsAre("R1"));
  ASSERT_NE(FindProblem(result, "SE02"), nullptr) << result.ProblemText();
}

TEST(X12ReaderTest, TrailerMismatchesAreReported) {
  std::string file = File835({Remit("R1")});
  file = absl::StrReplaceAll(file, {{"GE*1*1~", "GE*3*7~"}, {"IEA*1*000000001", "IEA*2*000000009"}});
  const ImportResult result = ImportX12(file);
  EXPECT_THAT(ClaimIds(result), ::testing::ElementsAre("R1"));  // the set validated at its SE
  for (const char* element : {"GE01", "GE02", "IEA01", "IEA02"}) {
    const Problem* problem = FindProblem(result, element);
    ASSERT_NE(problem, nullptr) << element << "\n" << result.ProblemText();
    EXPECT_EQ(problem->severity, Severity::kError);
  }
}

TEST(X12ReaderTest, BadIsaRejectsItsInterchangeOnly) {
  const std::string bad =
      absl::StrReplaceAll(File835({Remit("R1")}), {{"000000001", "00000000X"}});
  const ImportResult result = ImportX12(bad + File835({Remit("R2")}, "000000002"));
  EXPECT_THAT(ClaimIds(result), ::testing::ElementsAre("R2"));
  EXPECT_THAT(RejectedIds(result), ::testing::ElementsAre("R1"));
  const Problem* problem = FindProblem(result, "ISA13");
  ASSERT_NE(problem, nullptr) << result.ProblemText();
  EXPECT_EQ(problem->position.byte_offset, 0);
  EXPECT_EQ(problem->position.interchange, 1);
}

TEST(X12ReaderTest, MissingIsaIsReportedAtByteZero) {
  const std::string file = File835({Remit("R1")});
  const std::string without_isa = file.substr(file.find("GS*"));
  const ImportResult result = ImportX12(without_isa);
  EXPECT_THAT(ClaimIds(result), IsEmpty());
  ASSERT_FALSE(result.problems.empty());
  EXPECT_THAT(result.problems[0].reason, HasSubstr("expected an ISA segment, found 'GS*HP"));
  EXPECT_EQ(result.problems[0].position.byte_offset, 0);
}

TEST(X12ReaderTest, GarbageBetweenInterchangesIsSkipped) {
  const std::string first = File835({Remit("R1")});
  const std::string garbage = "THIS IS NOT X12 \x01\x02\xFF IS IS";
  const ImportResult result =
      ImportX12(first + garbage + File835({Remit("R2")}, "000000002"), 5);
  EXPECT_THAT(ClaimIds(result), ::testing::ElementsAre("R1", "R2"));
  ASSERT_EQ(result.error_count, 1) << result.ProblemText();
  EXPECT_EQ(result.problems[0].position.byte_offset, static_cast<int64_t>(first.size()));
}

TEST(X12ReaderTest, BareTransactionSetWithoutEnvelopeIsReadWithAWarning) {
  const std::string file = "\xEF\xBB\xBF" + TransactionSet("835", "1234", Remit("R1"));
  const ImportResult result = ImportX12(file);
  EXPECT_EQ(result.error_count, 0) << result.ProblemText();
  EXPECT_EQ(result.warning_count, 2) << result.ProblemText();  // no envelope; no GS08 version
  EXPECT_THAT(ClaimIds(result), ::testing::ElementsAre("R1"));
  EXPECT_THAT(result.problems[0].reason, HasSubstr("no ISA/GS envelope"));
}

TEST(X12ReaderTest, HugeSegmentIsAnErrorNotAnAllocation) {
  // A 20 MB element inside the first set: "NTE*AAAA...~" right after its BPR.
  std::string body = Remit("R1");
  body.insert(body.find("TRN*"), absl::StrCat("NTE*", std::string(20 << 20, 'A'), "~"));
  const std::string file = Interchange(
      {TransactionSet("835", "0001", body), TransactionSet("835", "0002", Remit("R2"))}, "HP",
      "005010X221A1");
  const size_t bpr_end = file.find("NTE*");
  for (size_t chunk : {size_t{64} << 10, size_t{0}}) {
    SCOPED_TRACE(chunk);
    const ImportResult result = ImportX12(file, chunk);
    EXPECT_THAT(ClaimIds(result), ::testing::ElementsAre("R2"));
    EXPECT_THAT(RejectedIds(result), ::testing::ElementsAre("R1"));
    ASSERT_EQ(result.error_count, 1) << result.ProblemText();
    const Problem& problem = result.problems[0];
    EXPECT_EQ(problem.segment_id, "NTE");
    EXPECT_THAT(problem.reason, HasSubstr("longer than 1048576 bytes"));
    EXPECT_EQ(problem.position.byte_offset, static_cast<int64_t>(bpr_end));
    EXPECT_EQ(problem.position.segment, 3);
    EXPECT_LE(result.stats.max_buffered_bytes, kDefaultMaxSegmentBytes);
  }
}

TEST(X12ReaderTest, BinaryGarbageNeverCrashes) {
  std::mt19937 random(42);
  std::string garbage(1 << 20, '\0');
  for (char& c : garbage) c = static_cast<char>(random());
  const ImportResult result = ImportX12(garbage, 4096);
  EXPECT_THAT(ClaimIds(result), IsEmpty());
  EXPECT_GE(result.error_count, 1);
  EXPECT_THAT(result.problems[0].reason, HasSubstr("expected an ISA segment"));

  // Garbage bytes stamped over a valid file, at many places: problems, no crash.
  const std::string file = File835({Remit("R1"), Remit("R2")}) + File837({ClaimSet("C1")}, "000000002");
  for (int round = 0; round < 300; ++round) {
    std::string damaged = file;
    for (int i = 0; i < 1 + round % 5; ++i) {
      damaged[random() % damaged.size()] = static_cast<char>(random());
    }
    const ImportResult damaged_result = ImportX12(damaged, 1 + round % 13);
    EXPECT_LE(damaged_result.sink.claims.size() + damaged_result.sink.remittances.size(), 3u);
  }
}

TEST(X12ReaderTest, EmptyAndBlankFilesAreReported) {
  EXPECT_THAT(ImportX12("").ProblemText(), HasSubstr("the file is empty"));
  EXPECT_THAT(ImportX12(" \r\n\xEF\xBB\xBF\n").ProblemText(),
              HasSubstr("no X12 interchange (ISA) was found"));
}

TEST(X12ReaderTest, MissingTrailersAndTerminatorAtTheEnd) {
  const std::string file = File835({Remit("R1")});
  // Without the last '~': a warning; the IEA is still read.
  const ImportResult no_terminator = ImportX12(file.substr(0, file.size() - 1));
  EXPECT_EQ(no_terminator.error_count, 0) << no_terminator.ProblemText();
  EXPECT_EQ(no_terminator.warning_count, 1);
  EXPECT_THAT(ClaimIds(no_terminator), ::testing::ElementsAre("R1"));
  // Without GE and IEA: errors, but the set that validated stands.
  const ImportResult no_trailers = ImportX12(file.substr(0, file.find("GE*")));
  EXPECT_THAT(ClaimIds(no_trailers), ::testing::ElementsAre("R1"));
  EXPECT_THAT(no_trailers.ProblemText(), HasSubstr("no GE"));
  EXPECT_THAT(no_trailers.ProblemText(), HasSubstr("no IEA"));
}

TEST(X12ReaderTest, SegmentsOutsideATransactionSetAreErrors) {
  const std::string file = absl::StrReplaceAll(File835({Remit("R1")}), {{"GE*1*1~", "CLP*X*1~GE*1*1~"}});
  const ImportResult result = ImportX12(file);
  EXPECT_THAT(ClaimIds(result), ::testing::ElementsAre("R1"));
  EXPECT_THAT(result.ProblemText(), HasSubstr("segment CLP is outside a transaction set"));
}

TEST(X12ReaderTest, MalformedSegmentsRejectTheirSet) {
  for (const std::string& bad : {absl::StrCat("NTE", std::string(100, '*'), "X"),
                                 std::string("\x01\x02*X"), std::string("toolongid*X")}) {
    SCOPED_TRACE(bad);
    std::string body = Remit("R1");
    body.insert(body.find("LX*1~"), bad + "~");  // TransactionSet keeps SE01 right
    const std::string file = Interchange(
        {TransactionSet("835", "0001", body), TransactionSet("835", "0002", Remit("R2"))}, "HP",
        "005010X221A1");
    const size_t lx = file.find(bad);
    const ImportResult result = ImportX12(file);
    EXPECT_THAT(ClaimIds(result), ::testing::ElementsAre("R2")) << result.ProblemText();
    ASSERT_EQ(result.error_count, 1) << result.ProblemText();
    EXPECT_EQ(result.problems[0].position.segment, 6);
    EXPECT_EQ(result.problems[0].position.byte_offset, static_cast<int64_t>(lx));
  }
}

TEST(X12ReaderTest, OversizedTransactionSetIsRejectedNotHeld) {
  X12ImportOptions options;
  options.max_records_per_transaction_set = 2;
  const ImportResult result = ImportX12(
      File835({absl::StrCat(Remit("R1"), "CLP*R1B*1*1*1*0*12*X~CLP*R1C*1*1*1*0*12*X~"),
               Remit("R2")}),
      0, options);
  EXPECT_THAT(ClaimIds(result), ::testing::ElementsAre("R2"));
  EXPECT_THAT(RejectedIds(result), ::testing::ElementsAre("R1", "R1B", "R1C"));
  EXPECT_THAT(result.ProblemText(), HasSubstr("more than 2 records"));
}

}  // namespace
}  // namespace denialscope
