// CSV claims: RFC 4180 quoting (commas, quotes and newlines inside fields), CRLF or LF, a
// BOM, rows grouped into claims by claim_id, any chunking, and problems naming line and
// column.
#include "ingest/csv_reader.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/ingest/ingest_test_util.h"

namespace denialscope {
namespace {

using ::denialscope::testing::Dump;
using ::denialscope::testing::FindProblem;
using ::denialscope::testing::ImportCsv;
using ::denialscope::testing::ImportResult;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr char kHeader[] =
    "claim_id,frequency_code,original_reference,submission_date,payer_id,payer_name,billing_npi,"
    "rendering_npi,patient_id,place_of_service,total_charge,diagnoses,line_number,"
    "line_control_number,procedure_code,modifiers,line_charge,units,diagnosis_pointers,"
    "service_date,line_rendering_npi\n";

// The claim columns of PCN-1, repeated on each of its rows.
constexpr char kPcn1[] =
    "PCN-1,1,,2026-03-04,PAYER01,\"ACME, Health \"\"Plan\"\"\",1234567893,1234567893,MEMBER-1,"
    "11,150.00,M54.2;M50.121,";

std::string Sample() {
  return absl::StrCat(
      kHeader, kPcn1, "1,LINE-1,98941,GA;AT,100.00,1,1;2,2026-03-02,\n", kPcn1,
      "2,LINE-2,97140,,50.00,2.5,1,2026-03-01,1245319599\n",
      "PCN-2,7,PAYERCTL-2,2026-03-05,PAYER01,Plain,1234567893,,MEMBER-2,11,,M54.2,,,99213,,"
      "80.00,1,1,20260303,\n");
}

TEST(CsvClaimReaderTest, GroupsRowsIntoClaims) {
  const ImportResult result = ImportCsv(Sample());
  ASSERT_EQ(result.error_count, 0) << result.ProblemText();
  EXPECT_EQ(result.warning_count, 0) << result.ProblemText();
  ASSERT_THAT(result.sink.claims, SizeIs(2));
  const ParsedClaim& first = result.sink.claims[0];
  const Claim& claim = first.claim;
  EXPECT_EQ(claim.claim_id, "PCN-1");
  EXPECT_EQ(claim.frequency, FrequencyCode::kOriginal);
  EXPECT_EQ(claim.submission_date, absl::CivilDay(2026, 3, 4));
  EXPECT_EQ(claim.payer_id, "PAYER01");
  EXPECT_EQ(claim.payer_name, "ACME, Health \"Plan\"");
  EXPECT_EQ(claim.billing_npi, "1234567893");
  EXPECT_EQ(claim.rendering_npi, "1234567893");
  EXPECT_EQ(claim.patient_key, "MEMBER-1");  // raw; the server hashes it
  EXPECT_EQ(claim.place_of_service, "11");
  EXPECT_EQ(claim.total_charge_cents, 15000);
  EXPECT_THAT(claim.diagnoses, ElementsAre("M542", "M50121"));
  EXPECT_EQ(first.position.line, 2);
  EXPECT_EQ(first.position.byte_offset, static_cast<int64_t>(std::string(kHeader).size()));
  ASSERT_THAT(claim.lines, SizeIs(2));
  EXPECT_EQ(claim.lines[0].line_number, 1);
  EXPECT_EQ(claim.lines[0].line_control_number, "LINE-1");
  EXPECT_EQ(claim.lines[0].procedure_code, "98941");
  EXPECT_THAT(claim.lines[0].modifiers, ElementsAre("GA", "AT"));
  EXPECT_EQ(claim.lines[0].charge_cents, 10000);
  EXPECT_DOUBLE_EQ(claim.lines[0].units, 1);
  EXPECT_THAT(claim.lines[0].diagnosis_pointers, ElementsAre(1, 2));
  EXPECT_EQ(claim.lines[0].service_date, absl::CivilDay(2026, 3, 2));
  EXPECT_DOUBLE_EQ(claim.lines[1].units, 2.5);
  EXPECT_EQ(claim.lines[1].rendering_npi, "1245319599");

  const ParsedClaim& second = result.sink.claims[1];
  EXPECT_EQ(second.claim.frequency, FrequencyCode::kReplacement);
  EXPECT_EQ(second.original_reference, "PAYERCTL-2");
  EXPECT_EQ(second.claim.total_charge_cents, 8000);  // no total: the sum of the lines
  EXPECT_EQ(second.claim.lines[0].line_number, 1);   // no line number: the row's order
  EXPECT_EQ(second.claim.lines[0].service_date, absl::CivilDay(2026, 3, 3));
  EXPECT_EQ(second.position.line, 4);
}

TEST(CsvClaimReaderTest, BomCrlfAndEverySplitGiveTheSameResult) {
  const std::string lf = Sample();
  const std::string expected = Dump(ImportCsv(lf));
  const std::string crlf = absl::StrReplaceAll(lf, {{"\n", "\r\n"}});
  const std::string with_bom = "\xEF\xBB\xBF" + crlf;
  // Byte offsets differ between the forms; claims, lines and problems do not.
  const auto without_offsets = [](ImportResult result) {
    for (ParsedClaim& claim : result.sink.claims) claim.position.byte_offset = 0;
    return Dump(result);
  };
  EXPECT_EQ(without_offsets(ImportCsv(crlf)), without_offsets(ImportCsv(lf)));
  EXPECT_EQ(without_offsets(ImportCsv(with_bom)), without_offsets(ImportCsv(lf)));
  const std::string bom_expected = Dump(ImportCsv(with_bom));
  for (size_t split = 0; split <= with_bom.size(); ++split) {
    ImportResult result;
    CsvClaimReader reader(&result.sink);
    reader.Feed(absl::string_view(with_bom).substr(0, split));
    reader.Feed(absl::string_view(with_bom).substr(split));
    reader.Finish();
    result.problems = reader.problems().kept();
    result.error_count = reader.problems().error_count();
    result.warning_count = reader.problems().warning_count();
    ASSERT_EQ(Dump(result), bom_expected) << "split at byte " << split;
  }
  EXPECT_EQ(Dump(ImportCsv(lf, 1)), expected);
}

TEST(CsvClaimReaderTest, NewlinesInsideQuotesKeepLineNumbersRight) {
  const std::string csv = absl::StrCat(
      kHeader,
      "PCN-1,1,,,PAYER01,\"Two\nline\r\nname\",1234567893,,M1,11,,M54.2,1,,98941,,100.00,1,1,"
      "2026-03-02,\n",
      "PCN-2,1,,,PAYER01,Plain,1234567893,,M2,11,,M54.2,1,,98941,,12A.00,1,1,2026-03-02,\n");
  const ImportResult result = ImportCsv(csv);
  ASSERT_THAT(result.sink.claims, SizeIs(1));
  EXPECT_EQ(result.sink.claims[0].claim.payer_name, "Two\nline\r\nname");
  const Problem* problem = FindProblem(result, "line_charge");
  ASSERT_NE(problem, nullptr) << result.ProblemText();
  EXPECT_EQ(problem->position.line, 5);  // the header, then a row spanning lines 2-4
  EXPECT_EQ(problem->claim_id, "PCN-2");
  EXPECT_THAT(problem->reason, HasSubstr("'12A.00' is not an amount"));
  EXPECT_THAT(problem->ToString(), HasSubstr("line 5, line_charge (claim PCN-2)"));
}

TEST(CsvClaimReaderTest, BadValuesRejectTheirClaimWithLineAndColumn) {
  struct Case {
    std::string row;  // a row of claim BAD, followed by a good claim
    std::string column;
    std::string reason;
  };
  const std::string bad = "BAD,1,,,PAYER01,P,1234567893,,M1,11,,";
  const std::vector<Case> cases = {
      {bad + "M54.2,1,,98941,,100.00,1,1,2026-02-30,", "service_date", "not a real date"},
      {bad + "M54.2,1,,98941,,100.00,one,1,2026-03-02,", "units", "not a quantity"},
      {bad + "5M4.2,1,,98941,,100.00,1,1,2026-03-02,", "diagnoses", "not an ICD-10-CM code"},
      {bad + "M54.2,1,,98941,,100.00,1,13,2026-03-02,", "diagnosis_pointers", "1 to 12"},
      {bad + "M54.2,1,,,,100.00,1,1,2026-03-02,", "procedure_code", "is required"},
      {"BAD,6,,,PAYER01,P,1234567893,,M1,11,,M54.2,1,,98941,,100.00,1,1,2026-03-02,",
       "frequency_code", "'6' is not 1"},
      {bad + "M54.2,1,,98941,,100.00,1,1,2026-03-02", "", "the row has 20 fields"},
      {bad + "M54.2,1,,98941,,100\"00,1,1,2026-03-02,", "", "a quote inside an unquoted field"},
      {bad + "M54.2,1,,98941,\"GA\"X,100.00,1,1,2026-03-02,", "", "text after the closing quote"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.row);
    const ImportResult result = ImportCsv(absl::StrCat(
        kHeader, c.row, "\n",
        "GOOD,1,,,PAYER01,P,1234567893,,M1,11,,M54.2,1,,98941,,100.00,1,1,2026-03-02,\n"));
    ASSERT_THAT(result.sink.claims, SizeIs(1)) << result.ProblemText();
    EXPECT_EQ(result.sink.claims[0].claim.claim_id, "GOOD");
    ASSERT_THAT(result.sink.rejected, SizeIs(1));
    EXPECT_EQ(result.sink.rejected[0].claim_id, "BAD");
    EXPECT_EQ(result.sink.rejected[0].problem.element, c.column);
    EXPECT_EQ(result.sink.rejected[0].problem.position.line, 2);
    EXPECT_THAT(result.sink.rejected[0].problem.reason, HasSubstr(c.reason));
  }
}

TEST(CsvClaimReaderTest, ClaimColumnsMustAgreeAcrossItsRows) {
  const std::string row = "PCN-1,1,,,PAYER01,P,1234567893,,M1,11,,M54.2,";
  const ImportResult result = ImportCsv(
      absl::StrCat(kHeader, row, "1,,98941,,100.00,1,1,2026-03-02,\n",
                   absl::StrReplaceAll(row, {{"PAYER01", "PAYER02"}}),
                   "2,,98941,,100.00,1,1,2026-03-02,\n"));
  EXPECT_THAT(result.sink.claims, IsEmpty());
  const Problem* problem = FindProblem(result, "payer_id");
  ASSERT_NE(problem, nullptr) << result.ProblemText();
  EXPECT_EQ(problem->position.line, 3);
  EXPECT_THAT(problem->reason, HasSubstr("differs from 'PAYER01' on the claim's first row (line 2)"));
}

TEST(CsvClaimReaderTest, RowsOfAClaimMustBeConsecutive) {
  const std::string a = "A,1,,,PAYER01,P,1234567893,,M1,11,,M54.2,,,98941,,100.00,1,1,2026-03-02,\n";
  const std::string b = "B,1,,,PAYER01,P,1234567893,,M1,11,,M54.2,,,98941,,100.00,1,1,2026-03-02,\n";
  const ImportResult result = ImportCsv(absl::StrCat(kHeader, a, b, a));
  ASSERT_THAT(result.sink.claims, SizeIs(2));
  ASSERT_THAT(result.sink.rejected, SizeIs(1));
  EXPECT_EQ(result.sink.rejected[0].problem.element, "claim_id");
  EXPECT_EQ(result.sink.rejected[0].problem.position.line, 4);
  EXPECT_THAT(result.sink.rejected[0].problem.reason, HasSubstr("not consecutive"));
}

TEST(CsvClaimReaderTest, HeaderProblems) {
  const ImportResult missing =
      ImportCsv("claim_id,payer_id\nA,P\n");
  EXPECT_THAT(missing.sink.claims, IsEmpty());
  ASSERT_NE(FindProblem(missing, "billing_npi"), nullptr) << missing.ProblemText();
  EXPECT_THAT(FindProblem(missing, "billing_npi")->reason, HasSubstr("required column is missing"));
  EXPECT_EQ(FindProblem(missing, "billing_npi")->position.line, 1);

  const ImportResult unknown = ImportCsv(absl::StrCat(
      absl::StrReplaceAll(kHeader, {{"\n", ",Notes\n"}}),
      "A,1,,,PAYER01,P,1234567893,,M1,11,,M54.2,,,98941,,100.00,1,1,2026-03-02,,\"anything\"\n"));
  EXPECT_THAT(unknown.sink.claims, SizeIs(1)) << unknown.ProblemText();
  EXPECT_EQ(unknown.error_count, 0);
  ASSERT_NE(FindProblem(unknown, "notes"), nullptr);
  EXPECT_EQ(FindProblem(unknown, "notes")->severity, Severity::kWarning);

  const ImportResult twice = ImportCsv("claim_id,claim_id\n");
  EXPECT_THAT(twice.ProblemText(), HasSubstr("appears twice"));

  EXPECT_THAT(ImportCsv("").ProblemText(), HasSubstr("no header row"));
  const ImportResult header_only = ImportCsv(kHeader);
  EXPECT_EQ(header_only.error_count, 0);
  EXPECT_THAT(header_only.sink.claims, IsEmpty());
}

TEST(CsvClaimReaderTest, UnterminatedQuoteAndHugeRowsAreErrors) {
  const ImportResult unterminated = ImportCsv(absl::StrCat(
      kHeader, "A,1,,,PAYER01,\"never closed,1234567893,,M1,11,,M54.2,,,98941,,100.00,1,1\n"));
  EXPECT_THAT(unterminated.sink.claims, IsEmpty());
  EXPECT_THAT(unterminated.ProblemText(), HasSubstr("opened on line 2 is never closed"));

  CsvOptions options;
  options.max_row_bytes = 1000;
  const ImportResult huge = ImportCsv(
      absl::StrCat(kHeader, "A,1,,,PAYER01,", std::string(5000, 'x'),
                   ",1234567893,,M1,11,,M54.2,,,98941,,100.00,1,1,2026-03-02,\n",
                   "B,1,,,PAYER01,P,1234567893,,M1,11,,M54.2,,,98941,,100.00,1,1,2026-03-02,\n"),
      64, options);
  ASSERT_THAT(huge.sink.claims, SizeIs(1)) << huge.ProblemText();
  EXPECT_EQ(huge.sink.claims[0].claim.claim_id, "B");
  EXPECT_THAT(huge.ProblemText(), HasSubstr("longer than 1000 bytes"));
}

TEST(CsvClaimReaderTest, BinaryGarbageNeverCrashes) {
  std::string garbage;
  for (int i = 0; i < 100000; ++i) garbage.push_back(static_cast<char>((i * 7919) % 251));
  const ImportResult result = ImportCsv(garbage, 333);
  EXPECT_THAT(result.sink.claims, IsEmpty());
  EXPECT_GE(result.error_count, 1);
}

}  // namespace
}  // namespace denialscope
