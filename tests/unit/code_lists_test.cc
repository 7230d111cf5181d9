// The code lists as shipped (every CARC and RARC the product names has the category chosen
// for it), their loaders' errors (each names its line), the denial-reason rule, procedure
// families at their range boundaries, and ICD-10-CM billability on small hand-written tables
// and, when the shared fixtures are checked out beside the repo, on the FY2025 code list.
#include "analytics/code_lists.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/test_records.h"

namespace denialscope {
namespace {

using ::denialscope::testing::Adj;
using ::denialscope::testing::Dollars;
using ::denialscope::testing::MakeClaim;
using ::denialscope::testing::RemitLine;
using ::testing::HasSubstr;

constexpr GroupCode kCO = GroupCode::kCO;
constexpr GroupCode kOA = GroupCode::kOA;
constexpr GroupCode kPI = GroupCode::kPI;
constexpr GroupCode kPR = GroupCode::kPR;
constexpr GroupCode kCR = GroupCode::kCR;
using DC = DenialCategory;

CodeLists Builtin() { return CodeLists::Builtin().value(); }

TEST(DenialCategoryTest, IdsRoundTripAndOnlyTwoAreNotDenials) {
  for (int i = 0; i < kDenialCategoryCount; ++i) {
    const auto category = static_cast<DenialCategory>(i);
    EXPECT_EQ(ParseDenialCategory(DenialCategoryId(category)), category);
    EXPECT_FALSE(DenialCategoryDisplayName(category).empty());
    EXPECT_EQ(IsDenialCategory(category),
              category != DC::kContractual && category != DC::kPatientResponsibility);
  }
  EXPECT_EQ(ParseDenialCategory("medical_necessity"), DC::kMedicalNecessity);
  EXPECT_EQ(ParseDenialCategory("Medical necessity"), std::nullopt);
}

TEST(CodeListsTest, BuiltinCarcCategories) {
  const CodeLists lists = Builtin();
  EXPECT_EQ(lists.carc_version(), "2025.1");
  EXPECT_EQ(lists.rarc_version(), "2025.1");
  const std::vector<std::pair<std::string, DenialCategory>> expected = {
      {"1", DC::kPatientResponsibility},
      {"2", DC::kPatientResponsibility},
      {"3", DC::kPatientResponsibility},
      {"4", DC::kDiagnosisCoding},
      {"5", DC::kDiagnosisCoding},
      {"6", DC::kDiagnosisCoding},
      {"11", DC::kDiagnosisCoding},
      {"16", DC::kMissingInformation},
      {"18", DC::kDuplicate},
      {"22", DC::kCoordinationOfBenefits},
      {"23", DC::kCoordinationOfBenefits},
      {"26", DC::kEligibilityCoverage},
      {"27", DC::kEligibilityCoverage},
      {"29", DC::kTimelyFiling},
      {"31", DC::kEligibilityCoverage},
      {"45", DC::kContractual},
      {"49", DC::kNonCovered},
      {"50", DC::kMedicalNecessity},
      {"55", DC::kNonCovered},
      {"56", DC::kMedicalNecessity},
      {"58", DC::kDiagnosisCoding},
      {"96", DC::kNonCovered},
      {"97", DC::kBundling},
      {"107", DC::kOther},
      {"109", DC::kEligibilityCoverage},
      {"119", DC::kEligibilityCoverage},
      {"146", DC::kDiagnosisCoding},
      {"150", DC::kMedicalNecessity},
      {"151", DC::kMedicalNecessity},
      {"167", DC::kDiagnosisCoding},
      {"170", DC::kNonCovered},
      {"181", DC::kDiagnosisCoding},
      {"182", DC::kDiagnosisCoding},
      {"185", DC::kOther},
      {"197", DC::kAuthorization},
      {"198", DC::kAuthorization},
      {"204", DC::kNonCovered},
      {"234", DC::kBundling},
      {"236", DC::kBundling},
      {"242", DC::kEligibilityCoverage},
      {"252", DC::kMissingInformation},
      {"A1", DC::kOther},
      {"B7", DC::kOther},
      {"B9", DC::kNonCovered},
      {"B15", DC::kOther},
      {"253", DC::kContractual},
  };
  for (const auto& [code, category] : expected) {
    const CarcEntry* entry = lists.FindCarc(code);
    ASSERT_NE(entry, nullptr) << "CARC " << code << " is missing";
    EXPECT_EQ(entry->category, category)
        << "CARC " << code << " is " << DenialCategoryId(entry->category);
    EXPECT_FALSE(entry->description.empty()) << code;
    EXPECT_EQ(lists.CategoryOfCarc(code), category) << code;
  }
  // Lookups trim and upper-case; unknown codes are other, not an error.
  EXPECT_EQ(lists.CategoryOfCarc(" b7 "), DC::kOther);
  EXPECT_EQ(lists.CategoryOfCarc(" 197"), DC::kAuthorization);
  EXPECT_EQ(lists.FindCarc("999"), nullptr);
  EXPECT_EQ(lists.CategoryOfCarc("999"), DC::kOther);
  // The generic codes are the ones remarks refine.
  for (const char* code : {"11", "16", "50", "96", "167", "234", "252", "A1"}) {
    EXPECT_TRUE(lists.FindCarc(code)->refined_by_remarks) << code;
  }
  for (const char* code : {"45", "97", "197", "29"}) {
    EXPECT_FALSE(lists.FindCarc(code)->refined_by_remarks) << code;
  }
  EXPECT_THAT(lists.CarcDisplayName("50"), HasSubstr("CARC 50: "));
  EXPECT_EQ(lists.CarcDisplayName("999"), "CARC 999 (not in the code list)");
}

TEST(CodeListsTest, BuiltinRarcHints) {
  const CodeLists lists = Builtin();
  const std::vector<std::pair<std::string, DenialCategory>> expected = {
      {"N115", DC::kMedicalNecessity},    {"N386", DC::kMedicalNecessity},
      {"M76", DC::kDiagnosisCoding},      {"N290", DC::kMissingInformation},
      {"M51", DC::kDiagnosisCoding},      {"N657", DC::kDiagnosisCoding},
      {"MA130", DC::kMissingInformation}, {"N20", DC::kBundling},
      {"N30", DC::kEligibilityCoverage},  {"M15", DC::kBundling},
  };
  for (const auto& [code, category] : expected) {
    EXPECT_EQ(lists.CategoryOfRarc(code), category) << "RARC " << code;
  }
  EXPECT_EQ(lists.CategoryOfRarc("N999"), std::nullopt);
  EXPECT_THAT(lists.RarcDisplayName("N115"), HasSubstr("LCD"));
}

TEST(CodeListsTest, CarcLoadErrorsNameTheLine) {
  CodeLists lists;
  const std::string header = "code,category,refined_by_remarks,description\n";
  // Line 1 is a comment, line 2 the header, line 3 a good row, line 4 the bad one.
  absl::Status status = lists.LoadCarcCsv("# version: t\n" + header +
                                          "50,medical_necessity,1,ok\n"
                                          "97,bundlng,0,typo in the category\n");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("line 4, column 2 (category)"));
  EXPECT_THAT(status.message(), HasSubstr("bundlng"));

  status = lists.LoadCarcCsv(header + "50,medical_necessity,1\n");
  EXPECT_THAT(status.message(), HasSubstr("line 2: expected 4 columns, found 3"));

  status = lists.LoadCarcCsv(header + "50,medical_necessity,maybe,x\n");
  EXPECT_THAT(status.message(), HasSubstr("line 2, column 3 (refined_by_remarks)"));

  status = lists.LoadCarcCsv(header +
                             "50,medical_necessity,1,a\n\n45,contractual,0,b\n"
                             "50,other,0,c\n");
  EXPECT_THAT(status.message(), HasSubstr("line 5: code 50 is already listed on line 2"));

  status = lists.LoadCarcCsv("code,category,description\n50,other,x\n");
  EXPECT_THAT(status.message(), HasSubstr("line 1: the header must be"));

  status = lists.LoadCarcCsv(header + "5-0,other,0,x\n");
  EXPECT_THAT(status.message(), HasSubstr("line 2, column 1 (code)"));

  status = lists.LoadCarcCsv(header + "50,other,0,\"unterminated\n");
  EXPECT_THAT(status.message(), HasSubstr("line 2: unterminated quoted field"));

  // A failed load keeps the list it had.
  ASSERT_TRUE(lists.LoadCarcCsv("# version: v1\n" + header + "50,medical_necessity,1,a\n").ok());
  EXPECT_FALSE(lists.LoadCarcCsv(header + "50,nope,1,a\n").ok());
  EXPECT_EQ(lists.carc_version(), "v1");
  EXPECT_EQ(lists.CategoryOfCarc("50"), DC::kMedicalNecessity);
  EXPECT_EQ(lists.carcs().size(), 1u);
}

TEST(CodeListsTest, RarcLoadErrorsNameTheLine) {
  CodeLists lists;
  absl::Status status = lists.LoadRarcCsv(
      "code,category_hint,description\nN115,medical_necessity,x\n"
      "M76,coding,y\n");
  EXPECT_THAT(status.message(), HasSubstr("RARC list line 3, column 2 (category_hint)"));
  status = lists.LoadRarcCsv("code,category_hint,description\nN115,medical_necessity,\n");
  EXPECT_THAT(status.message(), HasSubstr("line 2, column 3 (description)"));
  status = lists.LoadRarcCsv("# nothing but a comment\n");
  EXPECT_THAT(status.message(), HasSubstr("no header line"));
}

TEST(ClassifyDenialReasonTest, LargestNonContractualCoOaPiAmountWins) {
  const CodeLists lists = Builtin();
  // CO-45 $500 is contractual and PR-1 $400 patient responsibility: neither decides. Of
  // CO-97 $50, OA-16 $30 + OA-16 $30 ($60 summed) and PI-197 $20, CARC 16 wins with $60.
  DenialReason r = lists.ClassifyDenialReason(
      {Adj(kCO, "45", Dollars(500)), Adj(kPR, "1", Dollars(400)), Adj(kCO, "97", Dollars(50)),
       Adj(kOA, "16", Dollars(30)), Adj(kOA, "16", Dollars(30)), Adj(kPI, "197", Dollars(20))},
      {});
  EXPECT_EQ(r.carc, "16");
  EXPECT_EQ(r.group, kOA);
  EXPECT_EQ(r.amount_cents, Dollars(60));
  EXPECT_EQ(r.category, DC::kMissingInformation);
  EXPECT_EQ(r.rarc, "");

  // A tie keeps the first listed.
  r = lists.ClassifyDenialReason({Adj(kCO, "197", Dollars(50)), Adj(kCO, "97", Dollars(50))}, {});
  EXPECT_EQ(r.carc, "197");
  EXPECT_EQ(r.category, DC::kAuthorization);

  // A denial category beats a larger contractual one (CO-253 sequestration).
  r = lists.ClassifyDenialReason({Adj(kCO, "253", Dollars(90)), Adj(kCO, "29", Dollars(10))}, {});
  EXPECT_EQ(r.carc, "29");
  EXPECT_EQ(r.category, DC::kTimelyFiling);
  // Alone, a contractual CARC other than 45 still names the cause.
  r = lists.ClassifyDenialReason({Adj(kCO, "253", Dollars(90))}, {});
  EXPECT_EQ(r.carc, "253");
  EXPECT_EQ(r.category, DC::kContractual);

  // CR, PR, zero amounts and CO-45 are never candidates: other with no CARC.
  r = lists.ClassifyDenialReason({Adj(kCR, "50", Dollars(10)), Adj(kPR, "2", Dollars(10)),
                                  Adj(kCO, "50", 0), Adj(kCO, "45", Dollars(10))},
                                 {"N115"});
  EXPECT_EQ(r.carc, "");
  EXPECT_EQ(r.category, DC::kOther);

  // An unknown CARC is other, and remarks do not refine what the list does not know.
  r = lists.ClassifyDenialReason({Adj(kCO, "999", Dollars(10))}, {"M76"});
  EXPECT_EQ(r.carc, "999");
  EXPECT_EQ(r.category, DC::kOther);
  EXPECT_EQ(r.rarc, "");
}

TEST(ClassifyDenialReasonTest, RemarksRefineGenericCarcsOnly) {
  const CodeLists lists = Builtin();
  // CO-11 (diagnosis does not fit) under an LCD (N115): the LCD's covered-diagnosis list.
  DenialReason r = lists.ClassifyDenialReason({Adj(kCO, "11", Dollars(100))}, {"N115"});
  EXPECT_EQ(r.category, DC::kMedicalNecessity);
  EXPECT_EQ(r.rarc, "N115");
  // CO-50 under an NCD stays medical necessity, now with the remark on record.
  r = lists.ClassifyDenialReason({Adj(kCO, "50", Dollars(100))}, {"N386"});
  EXPECT_EQ(r.category, DC::kMedicalNecessity);
  EXPECT_EQ(r.rarc, "N386");
  // CO-50 with M76 (invalid diagnosis): a coder's fix.
  r = lists.ClassifyDenialReason({Adj(kCO, "50", Dollars(100))}, {"M76"});
  EXPECT_EQ(r.category, DC::kDiagnosisCoding);
  // CO-16 with an unknown remark first, then N290: the first remark with a hint decides.
  r = lists.ClassifyDenialReason({Adj(kCO, "16", Dollars(100))}, {"N999", "N290", "M76"});
  EXPECT_EQ(r.category, DC::kMissingInformation);
  EXPECT_EQ(r.rarc, "N290");
  // A1 needs its remark: N20 makes it bundling.
  r = lists.ClassifyDenialReason({Adj(kCO, "A1", Dollars(100))}, {"N20"});
  EXPECT_EQ(r.category, DC::kBundling);
  // CO-97 is specific already: N115 does not move it.
  r = lists.ClassifyDenialReason({Adj(kCO, "97", Dollars(100))}, {"N115"});
  EXPECT_EQ(r.category, DC::kBundling);
  EXPECT_EQ(r.rarc, "");
  // CO-11 without a remark stays diagnosis coding.
  r = lists.ClassifyDenialReason({Adj(kCO, "11", Dollars(100))}, {});
  EXPECT_EQ(r.category, DC::kDiagnosisCoding);
}

TEST(ClassifyDenialReasonTest, EventReadsTheRemarksOfTheDecidingLineFirst) {
  const CodeLists lists = Builtin();
  // Appendix 1's first event: both lines CO-50 $100 with N115 -> CARC 50 ($200), medical
  // necessity by N115.
  RemittanceEvent event;
  event.status_code = 1;
  event.charge_cents = Dollars(200);
  event.lines.push_back(RemitLine("L1", Dollars(100), 0, {Adj(kCO, "50", Dollars(100))}));
  event.lines.push_back(RemitLine("L2", Dollars(100), 0, {Adj(kCO, "50", Dollars(100))}));
  event.lines[0].remark_codes = {"N115"};
  event.lines[1].remark_codes = {"N115"};
  DenialReason r = lists.ClassifyDenialReason(event);
  EXPECT_EQ(r.carc, "50");
  EXPECT_EQ(r.amount_cents, Dollars(200));
  EXPECT_EQ(r.category, DC::kMedicalNecessity);
  EXPECT_EQ(r.rarc, "N115");

  // Line 1 CO-16 $80 with N290; line 2 CO-97 $20 with M76; claim-level remark M76. CARC 16
  // wins ($80) and its own line's N290 is read before the claim's M76.
  RemittanceEvent mixed;
  mixed.status_code = 1;
  mixed.charge_cents = Dollars(100);
  mixed.remark_codes = {"M76"};
  mixed.lines.push_back(RemitLine("L1", Dollars(80), 0, {Adj(kCO, "16", Dollars(80))}));
  mixed.lines.push_back(RemitLine("L2", Dollars(20), 0, {Adj(kCO, "97", Dollars(20))}));
  mixed.lines[0].remark_codes = {"N290"};
  mixed.lines[1].remark_codes = {"M76"};
  r = lists.ClassifyDenialReason(mixed);
  EXPECT_EQ(r.carc, "16");
  EXPECT_EQ(r.category, DC::kMissingInformation);
  EXPECT_EQ(r.rarc, "N290");
  // Without the line's remark the claim-level M76 decides.
  mixed.lines[0].remark_codes.clear();
  r = lists.ClassifyDenialReason(mixed);
  EXPECT_EQ(r.category, DC::kDiagnosisCoding);
  EXPECT_EQ(r.rarc, "M76");
}

TEST(ProcedureFamiliesTest, BuiltinRangesAtTheirBoundaries) {
  const ProcedureFamilies families = ProcedureFamilies::Builtin().value();
  EXPECT_EQ(families.version(), "2025.1");
  EXPECT_EQ(families.fallback_id(), "other");
  ASSERT_EQ(families.families().size(), 6u);
  EXPECT_EQ(families.families().back().id, "other");
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"99201", "other"},     {"99202", "em"},           {"99213", "em"},
      {"99215", "em"},        {"99216", "other"},        {"96999", "other"},
      {"97000", "pt_rehab"},  {"97110", "pt_rehab"},     {"97999", "pt_rehab"},
      {"98939", "other"},     {"98940", "chiropractic"}, {"98942", "chiropractic"},
      {"98943", "other"},     {"62319", "other"},        {"62320", "injection"},
      {"62327", "injection"}, {"62328", "other"},        {"64479", "injection"},
      {"64495", "injection"}, {"64496", "other"},        {"20551", "other"},
      {"20552", "injection"}, {"20553", "injection"},    {"64633", "injection"},
      {"64636", "injection"}, {"64637", "other"},        {"72019", "other"},
      {"72020", "imaging"},   {"72125", "imaging"},      {"72127", "imaging"},
      {"72159", "imaging"},   {"72160", "other"},        {"G0283", "other"},
      {"9700T", "other"},     {"9921", "other"},         {"", "other"},
  };
  for (const auto& [code, family] : expected) {
    EXPECT_EQ(families.FamilyOf(code), family) << code;
  }
  EXPECT_EQ(families.DisplayName("chiropractic"), "Chiropractic manipulation (98940-98942)");
}

TEST(ProcedureFamiliesTest, ClaimFamilyIsTheHighestChargeLines) {
  const ProcedureFamilies families = ProcedureFamilies::Builtin().value();
  // E/M $120, manipulation $60, exercise $90: the E/M line carries the claim.
  Claim claim = MakeClaim("C", {"M542"}, {Dollars(120), Dollars(60), Dollars(90)}, Day(2026, 3, 1));
  claim.lines[1].procedure_code = "98941";
  claim.lines[2].procedure_code = "97110";
  EXPECT_EQ(families.FamilyOfClaim(claim), "em");
  claim.lines[2].charge_cents = Dollars(150);
  EXPECT_EQ(families.FamilyOfClaim(claim), "pt_rehab");
  // A tie keeps the first line.
  claim.lines[1].charge_cents = Dollars(150);
  EXPECT_EQ(families.FamilyOfClaim(claim), "chiropractic");
  claim.lines.clear();
  EXPECT_EQ(families.FamilyOfClaim(claim), "other");
}

TEST(ProcedureFamiliesTest, ParseErrorsNameTheLine) {
  const std::string header = "family,display_name,low,high\n";
  auto error = [](const std::string& text) {
    return std::string(ProcedureFamilies::Parse(text).status().message());
  };
  EXPECT_THAT(error(header + "em,E/M,99202,99215\n"), HasSubstr("no fallback row"));
  EXPECT_THAT(error(header + "em,E/M,99202,9921\nother,Other,,\n"),
              HasSubstr("line 2, column 4 (high): low and high must have the same length"));
  EXPECT_THAT(error(header + "other,Other,,\nem,E/M,99215,99202\n"),
              HasSubstr("line 3, column 4 (high): high is below low"));
  EXPECT_THAT(error(header + "em,E/M,99202,99215\nem,Visits,99241,99245\nother,Other,,\n"),
              HasSubstr("line 3, column 2 (display_name)"));
  EXPECT_THAT(error(header + "other,Other,,\nmisc,Misc,,\n"),
              HasSubstr("line 3, column 3 (low): the fallback family is already set on line 2"));
  // The fallback goes last whatever its place in the file.
  absl::StatusOr<ProcedureFamilies> parsed =
      ProcedureFamilies::Parse(header + "misc,Misc,,\nem,E/M,99202,99215\n");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->families().size(), 2u);
  EXPECT_EQ(parsed->families()[0].id, "em");
  EXPECT_EQ(parsed->families()[1].id, "misc");
  EXPECT_EQ(parsed->FamilyOf("99203"), "em");
  EXPECT_EQ(parsed->FamilyOf("97110"), "misc");
}

// A CMS code file: code without dot padded to 8, then the description. It lists only
// billable codes, so M54 and M50.1 appear only as prefixes of longer codes.
constexpr char kCmsCodes[] =
    "M5000   Cervical disc disorder with myelopathy, unspecified cervical region\n"
    "M50121  Cervical disc disorder at C4-C5 level with radiculopathy\n"
    "M50122  Cervical disc disorder at C5-C6 level with radiculopathy\r\n"
    "\n"
    "M542    Cervicalgia\n"
    "M5412   Radiculopathy, cervical region\n";

TEST(Icd10TableTest, CmsCodeFileLeavesAreBillableHeadersAreImplied) {
  absl::StatusOr<Icd10Table> table = Icd10Table::ParseCmsCodeFile(kCmsCodes);
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_TRUE(table->loaded());
  EXPECT_EQ(table->size(), 5u);

  Icd10Lookup m542 = table->Lookup("M54.2");
  EXPECT_EQ(m542.status, Icd10LookupStatus::kFound);
  EXPECT_TRUE(m542.exists);
  EXPECT_TRUE(m542.billable);
  EXPECT_TRUE(m542.listed);
  EXPECT_EQ(m542.code, "M542");
  EXPECT_EQ(m542.description, "Cervicalgia");

  // M54 is not a row but starts M54.2: a category, not billable.
  Icd10Lookup m54 = table->Lookup("M54");
  EXPECT_EQ(m54.status, Icd10LookupStatus::kFound);
  EXPECT_TRUE(m54.exists);
  EXPECT_FALSE(m54.billable);
  EXPECT_FALSE(m54.listed);

  Icd10Lookup m501 = table->Lookup("M50.1");
  EXPECT_TRUE(m501.exists);
  EXPECT_FALSE(m501.billable);
  Icd10Lookup m50121 = table->Lookup("m50.121");
  EXPECT_TRUE(m50121.billable);
  EXPECT_EQ(m50121.description, "Cervical disc disorder at C4-C5 level with radiculopathy");
  EXPECT_EQ(table->Lookup("M50122").description,
            "Cervical disc disorder at C5-C6 level with radiculopathy");

  // Loaded, and the code is not there: unknown to the table, reported rather than guessed.
  Icd10Lookup missing = table->Lookup("M50.13");
  EXPECT_EQ(missing.status, Icd10LookupStatus::kUnknown);
  EXPECT_FALSE(missing.exists);
  EXPECT_EQ(table->Lookup("Q99").status, Icd10LookupStatus::kUnknown);
  EXPECT_EQ(table->Lookup("M5").status, Icd10LookupStatus::kInvalid);
}

TEST(Icd10TableTest, OrderFileFlagsWinOverTheLeafRule) {
  auto line = [](int order, const char* code, int billable, const char* short_description,
                 const char* long_description) {
    return absl::StrFormat("%05d %-7s %d %-60s %s\n", order, code, billable, short_description,
                           long_description);
  };
  const std::string text = line(1, "M54", 0, "Dorsalgia", "Dorsalgia") +
                           line(2, "M542", 1, "Cervicalgia", "Cervicalgia") +
                           line(3, "M5412", 1, "Radiculopathy, cervical region",
                                "Radiculopathy, cervical region (long)") +
                           // A flag contradicting the leaf rule: the file is believed.
                           line(4, "M5413", 0, "Radiculopathy, cervicothor", "Radiculopathy");
  absl::StatusOr<Icd10Table> table = Icd10Table::ParseCmsCodeFile(text);
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_FALSE(table->Lookup("M54").billable);
  EXPECT_TRUE(table->Lookup("M54").listed);
  EXPECT_EQ(table->Lookup("M54").description, "Dorsalgia");
  EXPECT_TRUE(table->Lookup("M54.2").billable);
  EXPECT_EQ(table->Lookup("M54.12").description, "Radiculopathy, cervical region (long)");
  EXPECT_FALSE(table->Lookup("M54.13").billable);
}

TEST(Icd10TableTest, CsvWithAndWithoutBillableColumn) {
  // Every level listed (as the FY2025 fixture does): the leaf rule decides.
  absl::StatusOr<Icd10Table> table = Icd10Table::ParseCsv(
      "Code,Description,ChapterID\n"
      "M50,Cervical disc disorders,13\n"
      "M50.1,Cervical disc disorder with radiculopathy,13\n"
      "M50.12,\"Cervical disc disorder with radiculopathy, mid-cervical region\",13\n"
      "M50.121,Cervical disc disorder at C4-C5 level with radiculopathy,13\n"
      "M54,Dorsalgia,13\n"
      "M54.2,Cervicalgia,13\n");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_FALSE(table->Lookup("M54").billable);
  EXPECT_TRUE(table->Lookup("M54").listed);
  EXPECT_TRUE(table->Lookup("M54.2").billable);
  EXPECT_FALSE(table->Lookup("M50").billable);
  EXPECT_FALSE(table->Lookup("M50.1").billable);
  EXPECT_FALSE(table->Lookup("M50.12").billable);
  EXPECT_EQ(table->Lookup("M50.12").description,
            "Cervical disc disorder with radiculopathy, mid-cervical region");
  EXPECT_TRUE(table->Lookup("M50.121").billable);

  // An explicit billable column wins; an empty cell falls back to the leaf rule.
  table = Icd10Table::ParseCsv(
      "description,billable,code\n"
      "Dorsalgia,N,M54\n"
      "Cervicalgia,,M542\n"
      "Odd but believed,yes,M50\n"
      "Child,1,M501\n");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_FALSE(table->Lookup("M54").billable);
  EXPECT_TRUE(table->Lookup("M54.2").billable);
  EXPECT_TRUE(table->Lookup("M50").billable);
}

TEST(Icd10TableTest, LoadErrorsNameTheLine) {
  auto error = [](absl::StatusOr<Icd10Table> table) {
    EXPECT_FALSE(table.ok());
    return std::string(table.status().message());
  };
  EXPECT_THAT(error(Icd10Table::ParseCmsCodeFile("M542    Cervicalgia\n\n1M54    Bad\n")),
              HasSubstr("ICD-10-CM code file line 3: \"1M54\" is not an ICD-10-CM code"));
  EXPECT_THAT(error(Icd10Table::ParseCmsCodeFile("M542    Cervicalgia\nM5412\n")),
              HasSubstr("line 2: M54.12 has no description"));
  EXPECT_THAT(error(Icd10Table::ParseCmsCodeFile("M542 a\nM5412 b\nM542 c\n")),
              HasSubstr("line 3: M54.2 is already listed on line 1"));
  EXPECT_THAT(error(Icd10Table::ParseCmsCodeFile("\n\n")), HasSubstr("no codes"));
  EXPECT_THAT(error(Icd10Table::ParseCsv("Code,Name\nM54,Dorsalgia\n")),
              HasSubstr("line 1: the header must name a code and a description column"));
  EXPECT_THAT(error(Icd10Table::ParseCsv("code,description\nM54,Dorsalgia\nM54.2\n")),
              HasSubstr("line 3: expected at least 2 columns, found 1"));
  EXPECT_THAT(error(Icd10Table::ParseCsv("code,description\nM54,Dorsalgia\n5M4,x\n")),
              HasSubstr("line 3, column 1 (code)"));
  EXPECT_THAT(error(Icd10Table::ParseCsv("code,description,billable\nM54,Dorsalgia,maybe\n")),
              HasSubstr("line 2, column 3 (billable)"));
}

TEST(Icd10TableTest, NotLoadedVersusUnknown) {
  const Icd10Table none;
  EXPECT_FALSE(none.loaded());
  EXPECT_EQ(none.Lookup("M54.2").status, Icd10LookupStatus::kNotLoaded);
  EXPECT_EQ(none.Lookup("nonsense").status, Icd10LookupStatus::kInvalid);

  // The built-in table knows the taxonomy's exact codes and nothing else.
  const Icd10Table builtin = Icd10Table::BuiltinTaxonomyCodes().value();
  EXPECT_FALSE(builtin.loaded());
  EXPECT_GE(builtin.size(), 15u);
  Icd10Lookup m542 = builtin.Lookup("M54.2");
  EXPECT_EQ(m542.status, Icd10LookupStatus::kFound);
  EXPECT_TRUE(m542.billable);
  EXPECT_EQ(m542.description, "Cervicalgia");
  EXPECT_EQ(builtin.Lookup("M99.01").status, Icd10LookupStatus::kFound);
  // M54 would be implied by M54.2 in a loaded table; without one nothing can be said.
  EXPECT_EQ(builtin.Lookup("M54").status, Icd10LookupStatus::kNotLoaded);
  EXPECT_EQ(builtin.Lookup("I10").status, Icd10LookupStatus::kNotLoaded);

  const Icd10Table loaded = Icd10Table::ParseCmsCodeFile(kCmsCodes).value();
  EXPECT_EQ(loaded.Lookup("I10").status, Icd10LookupStatus::kUnknown);
}

TEST(Icd10TableTest, SharedFy2025CodeList) {
  const std::string path = std::string(DENIALSCOPE_SOURCE_DIR) +
                           "/../shared/fixtures/icd10cm/wbdill__Python-sandbox01/"
                           "ICD10CM_2025_codes.csv";
  std::ifstream file(path);
  if (!file) {
    GTEST_SKIP() << "ICD-10-CM FY2025 fixture not found at " << path
                 << " (the shared fixtures are not checked out next to the repo)";
  }
  std::stringstream text;
  text << file.rdbuf();
  absl::StatusOr<Icd10Table> table = Icd10Table::ParseCsv(text.str());
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_GT(table->size(), 40000u);
  EXPECT_FALSE(table->Lookup("M54").billable);
  EXPECT_TRUE(table->Lookup("M54").listed);
  EXPECT_TRUE(table->Lookup("M54.2").billable);
  EXPECT_EQ(table->Lookup("M54.2").description, "Cervicalgia");
  EXPECT_FALSE(table->Lookup("M50.1").billable);
  EXPECT_TRUE(table->Lookup("M50.121").billable);
  EXPECT_EQ(table->Lookup("M54.9").status, Icd10LookupStatus::kFound);
  EXPECT_EQ(table->Lookup("M54.99").status, Icd10LookupStatus::kUnknown);

  // Every code the built-in list knows is a billable code of the full table.
  const Icd10Table builtin = Icd10Table::BuiltinTaxonomyCodes().value();
  for (const std::string code :
       {"M542", "M5412", "M5413", "M4802", "M9901", "M530", "M531", "M47812", "M5382"}) {
    ASSERT_EQ(builtin.Lookup(code).status, Icd10LookupStatus::kFound) << code;
    EXPECT_TRUE(table->Lookup(code).billable) << code;
  }
}

}  // namespace
}  // namespace denialscope
