// Cohort taxonomy: the builtin FY2025 data, the principal and any-pointed rules (Appendix 7),
// CSV parsing errors, ICD-10-CM syntax, and a check of every taxonomy code against the
// ICD-10-CM table in the shared fixtures.
#include "analytics/taxonomy.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "absl/strings/str_replace.h"
#include "analytics/embedded_file.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/test_records.h"

namespace denialscope::internal {
const std::vector<EmbeddedFile>& BuiltinDataFiles();
}  // namespace denialscope::internal

namespace denialscope {
namespace {

using ::denialscope::testing::MakeClaim;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const Day kDos(2026, 3, 2);

CohortTaxonomy Builtin() {
  absl::StatusOr<CohortTaxonomy> taxonomy = CohortTaxonomy::Builtin();
  EXPECT_TRUE(taxonomy.ok()) << taxonomy.status();
  return *taxonomy;
}

std::vector<std::string> FamilyIds(const CohortTaxonomy& taxonomy) {
  std::vector<std::string> ids;
  for (const TaxonomyFamily& family : taxonomy.families()) ids.push_back(family.id);
  return ids;
}

TEST(TaxonomyTest, BuiltinIsFy2025WithTheDesignFamiliesInOrder) {
  const CohortTaxonomy taxonomy = Builtin();
  EXPECT_EQ(taxonomy.fiscal_year(), 2025);
  EXPECT_THAT(FamilyIds(taxonomy),
              ElementsAre("disc", "spondylosis", "radiculopathy", "stenosis", "sprain_strain",
                          "segmental_dysfunction", "torticollis",
                          "cervicocranial_cervicobrachial", "other_cervical"));
  EXPECT_EQ(taxonomy.families()[0].display_name, "Disc disorders (M50.-)");
  EXPECT_EQ(taxonomy.nonspecific_display_name(), "M54.2 (cervicalgia)");
  EXPECT_TRUE(CohortTaxonomy::Builtin(2025).ok());
  EXPECT_EQ(CohortTaxonomy::Builtin(2019).status().code(), absl::StatusCode::kNotFound);
}

TEST(TaxonomyTest, ClassifyCode) {
  const CohortTaxonomy taxonomy = Builtin();
  auto family_of = [&](std::string_view code) { return taxonomy.ClassifyCode(code).family; };
  EXPECT_EQ(taxonomy.ClassifyCode("M542").cohort, Cohort::kNonspecific);
  EXPECT_EQ(taxonomy.ClassifyCode("M542").family, "");
  EXPECT_EQ(family_of("M50121"), "disc");          // prefix M50
  EXPECT_EQ(family_of("M5030"), "disc");
  EXPECT_EQ(family_of("M47812"), "spondylosis");
  EXPECT_EQ(family_of("M4722"), "spondylosis");
  EXPECT_EQ(family_of("M5412"), "radiculopathy");
  EXPECT_EQ(family_of("M5413"), "radiculopathy");
  EXPECT_EQ(family_of("M4802"), "stenosis");
  EXPECT_EQ(family_of("S134XXA"), "sprain_strain");  // prefix S13.4 with 7th character
  EXPECT_EQ(family_of("S161XXD"), "sprain_strain");
  EXPECT_EQ(family_of("M9901"), "segmental_dysfunction");
  EXPECT_EQ(family_of("M436"), "torticollis");
  EXPECT_EQ(family_of("M530"), "cervicocranial_cervicobrachial");
  EXPECT_EQ(family_of("M531"), "cervicocranial_cervicobrachial");
  EXPECT_EQ(family_of("M532X2"), "other_cervical");
  EXPECT_EQ(family_of("M4312"), "other_cervical");
  EXPECT_EQ(taxonomy.ClassifyCode("M50121").cohort, Cohort::kSpecific);
  EXPECT_EQ(taxonomy.ClassifyCode("M50121").code, "M50121");
  // Neighbours in other regions and non-billable headers are outside the cohort.
  for (std::string_view code : {"I10", "M5416", "M47816", "M4806", "M9903", "M54", "M541",
                                "M5450", "M532X6", "M5422"}) {
    EXPECT_EQ(taxonomy.ClassifyCode(code).cohort, Cohort::kNonCervical) << code;
  }
  // A prefix rule covers its own code too (M43.6 is billable as is); whether a code such as
  // S13.4 lacks its 7th character is the code table's question, not the taxonomy's.
  EXPECT_EQ(family_of("S134"), "sprain_strain");
}

TEST(TaxonomyTest, Appendix7PrincipalRule) {
  const CohortTaxonomy taxonomy = Builtin();
  // Principal M54.2 with a secondary M50.121: still nonspecific by the principal rule.
  Classification c =
      taxonomy.ClassifyClaim(MakeClaim("A", {"M542", "M50121"}, {100}, kDos),
                             CohortRule::kPrincipal);
  EXPECT_EQ(c.cohort, Cohort::kNonspecific);
  EXPECT_EQ(c.code, "M542");
  // Principal M99.01 with secondary M54.2: specific, segmental dysfunction.
  c = taxonomy.ClassifyClaim(MakeClaim("B", {"M9901", "M542"}, {100}, kDos),
                             CohortRule::kPrincipal);
  EXPECT_EQ(c.cohort, Cohort::kSpecific);
  EXPECT_EQ(c.family, "segmental_dysfunction");
  // Principal I10: outside the neck-pain cohort.
  c = taxonomy.ClassifyClaim(MakeClaim("C", {"I10", "M542"}, {100}, kDos),
                             CohortRule::kPrincipal);
  EXPECT_EQ(c.cohort, Cohort::kNonCervical);
  // A stray dotted code is still recognized.
  c = taxonomy.ClassifyClaim(MakeClaim("D", {"M54.2"}, {100}, kDos), CohortRule::kPrincipal);
  EXPECT_EQ(c.cohort, Cohort::kNonspecific);
  // No diagnoses at all: outside.
  Claim empty = MakeClaim("E", {}, {100}, kDos);
  EXPECT_EQ(taxonomy.ClassifyClaim(empty, CohortRule::kPrincipal).cohort,
            Cohort::kNonCervical);
}

TEST(TaxonomyTest, AnyPointedRuleSpecificWinsOverNonspecific) {
  const CohortTaxonomy taxonomy = Builtin();
  // Lines point at 1 (M54.2) and 2 (M50.121): specific wins.
  Claim claim = MakeClaim("A", {"M542", "M50121", "S134XXA"}, {100, 100}, kDos);
  claim.lines[1].diagnosis_pointers = {2};
  Classification c = taxonomy.ClassifyClaim(claim, CohortRule::kAnyPointed);
  EXPECT_EQ(c.cohort, Cohort::kSpecific);
  EXPECT_EQ(c.family, "disc");  // the earlier pointed specific diagnosis, not S13.4XXA
  EXPECT_EQ(c.code, "M50121");
  // The principal rule still says nonspecific for the same claim.
  EXPECT_EQ(taxonomy.ClassifyClaim(claim, CohortRule::kPrincipal).cohort,
            Cohort::kNonspecific);
  // A specific code nobody points to does not count.
  claim.lines[1].diagnosis_pointers = {1};
  EXPECT_EQ(taxonomy.ClassifyClaim(claim, CohortRule::kAnyPointed).cohort,
            Cohort::kNonspecific);
  // Principal I10 with a pointed M54.2: nonspecific under any-pointed.
  Claim hypertension = MakeClaim("B", {"I10", "M542"}, {100}, kDos);
  hypertension.lines[0].diagnosis_pointers = {1, 2};
  EXPECT_EQ(taxonomy.ClassifyClaim(hypertension, CohortRule::kAnyPointed).cohort,
            Cohort::kNonspecific);
  EXPECT_EQ(taxonomy.ClassifyClaim(hypertension, CohortRule::kPrincipal).cohort,
            Cohort::kNonCervical);
  // No pointers at all: falls back to the principal.
  Claim unpointed = MakeClaim("C", {"M9901", "M542"}, {100}, kDos);
  unpointed.lines[0].diagnosis_pointers.clear();
  EXPECT_EQ(taxonomy.ClassifyClaim(unpointed, CohortRule::kAnyPointed).family,
            "segmental_dysfunction");
}

constexpr char kHeader[] = "fiscal_year,cohort,family,family_name,match,code,description\n";

TEST(TaxonomyParseTest, LowBackPainIsADataChange) {
  const std::string csv = std::string(kHeader) +
                          "# low back pain, two fiscal years\n"
                          "2024,nonspecific,,M54.5 (low back pain),exact,M54.5,Low back pain\n"
                          "2025,nonspecific,,M54.50 (low back pain),exact,M54.50,\"Low back "
                          "pain, unspecified\"\r\n"
                          "2025,specific,lumbar_disc,Lumbar disc (M51.-),prefix,M51,x\n"
                          "2025,specific,herniation,\"Disc \"\"herniation\"\"\",exact,M51.26,y\n"
                          "\n";
  absl::StatusOr<CohortTaxonomy> latest = CohortTaxonomy::Parse(csv, 0);
  ASSERT_TRUE(latest.ok()) << latest.status();
  EXPECT_EQ(latest->fiscal_year(), 2025);
  EXPECT_EQ(latest->nonspecific_display_name(), "M54.50 (low back pain)");
  EXPECT_EQ(latest->families()[1].display_name, "Disc \"herniation\"");
  EXPECT_EQ(latest->ClassifyCode("M5450").cohort, Cohort::kNonspecific);
  EXPECT_EQ(latest->ClassifyCode("M545").cohort, Cohort::kNonCervical);
  // The longest rule wins: M51.26 is exact in "herniation" though M51 is a prefix rule.
  EXPECT_EQ(latest->ClassifyCode("M5126").family, "herniation");
  EXPECT_EQ(latest->ClassifyCode("M5127").family, "lumbar_disc");
  absl::StatusOr<CohortTaxonomy> fy2024 = CohortTaxonomy::Parse(csv, 2024);
  ASSERT_TRUE(fy2024.ok()) << fy2024.status();
  EXPECT_EQ(fy2024->ClassifyCode("M545").cohort, Cohort::kNonspecific);
  EXPECT_TRUE(fy2024->families().empty());
}

TEST(TaxonomyParseTest, ErrorsNameLineAndColumn) {
  struct Case {
    std::string rows;
    std::string expected;
  };
  const Case cases[] = {
      {"2025,specific,disc,Disc,exact,M50.121\n", "line 2, column 7 (description)"},
      {"2025,specific,disc,Disc,exact,M50.121,x,extra\n", "expected 7 columns"},
      {"20x5,specific,disc,Disc,exact,M50.121,x\n", "line 2, column 1 (fiscal_year)"},
      {"2025,vague,disc,Disc,exact,M50.121,x\n", "line 2, column 2 (cohort)"},
      {"2025,specific,,Disc,exact,M50.121,x\n", "line 2, column 3 (family)"},
      {"2025,specific,disc,,exact,M50.121,x\n", "line 2, column 4 (family_name)"},
      {"2025,nonspecific,disc,X,exact,M54.2,x\n", "line 2, column 3 (family)"},
      {"2025,specific,disc,Disc,fuzzy,M50.121,x\n", "line 2, column 5 (match)"},
      {"2025,specific,disc,Disc,exact,M5.0121,x\n", "line 2, column 6 (code)"},
      {"2025,specific,disc,\"Disc,exact,M50.121,x\n", "unterminated quoted field"},
      {"2025,specific,disc,Disc,exact,M50.121,x\n2025,specific,disc,Disc,exact,M50121,y\n",
       "line 3, column 6 (code): M50.121 is already listed on line 2"},
      {"2025,specific,disc,Disc,exact,M50.121,x\n2025,specific,disc,Other,exact,M50.122,y\n",
       "line 3, column 4 (family_name): family \"disc\" was named \"Disc\" before"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<CohortTaxonomy> t = CohortTaxonomy::Parse(kHeader + c.rows, 2025);
    ASSERT_FALSE(t.ok()) << c.rows;
    EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument) << c.rows;
    EXPECT_THAT(t.status().message(), HasSubstr(c.expected)) << c.rows;
  }
  EXPECT_THAT(CohortTaxonomy::Parse("year,cohort\n", 2025).status().message(),
              HasSubstr("line 1"));
  EXPECT_EQ(CohortTaxonomy::Parse("", 2025).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CohortTaxonomy::Parse(kHeader, 2025).status().code(), absl::StatusCode::kNotFound);
}

TEST(NormalizeIcd10Test, ValidForms) {
  EXPECT_EQ(NormalizeIcd10("M54.2").value(), "M542");
  EXPECT_EQ(NormalizeIcd10("M542").value(), "M542");
  EXPECT_EQ(NormalizeIcd10("m54.2").value(), "M542");
  EXPECT_EQ(NormalizeIcd10(" s13.4xxa ").value(), "S134XXA");
  EXPECT_EQ(NormalizeIcd10("M50.121").value(), "M50121");
  EXPECT_EQ(NormalizeIcd10("I10").value(), "I10");
  EXPECT_EQ(NormalizeIcd10("M1A.0110").value(), "M1A0110");  // letter in third place
  EXPECT_EQ(NormalizeIcd10("M53.2X2").value(), "M532X2");
}

TEST(NormalizeIcd10Test, MalformedCodes) {
  for (std::string_view bad : {"", "M5", "M54.2.1", "54.2", "M54.2ABCDE", "M5.42", "M542.",
                               "M.542", "M54-2", "MM4.2", "M54 2", ".M542", "M54.", "M54.2Ä"}) {
    absl::StatusOr<std::string> code = NormalizeIcd10(bad);
    EXPECT_FALSE(code.ok()) << "\"" << bad << "\" -> " << (code.ok() ? *code : "");
    EXPECT_EQ(code.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_THAT(NormalizeIcd10("M5.42").status().message(), HasSubstr("dot"));
}

TEST(NormalizeIcd10Test, Display) {
  EXPECT_EQ(DisplayIcd10("M542"), "M54.2");
  EXPECT_EQ(DisplayIcd10("S134XXA"), "S13.4XXA");
  EXPECT_EQ(DisplayIcd10("I10"), "I10");
}

// --- The taxonomy against the ICD-10-CM code table ---

std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;  // doubled quotes never matter for the columns read here
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back().push_back(c);
    }
  }
  return fields;
}

struct CodeTable {
  std::map<std::string, std::pair<bool, std::string>> derived;  // nodot -> billable, basis
  std::set<std::string> full;  // every code of the full FY2025 table, without dots
  bool has_full = false;

  bool IsLeafOfFull(const std::string& code) const {
    if (!full.contains(code)) return false;
    auto next = full.upper_bound(code);
    return next == full.end() || next->rfind(code, 0) != 0;
  }
  bool IsBillable(const std::string& code) const {
    if (auto it = derived.find(code); it != derived.end()) return it->second.first;
    return IsLeafOfFull(code);
  }
  bool Exists(const std::string& code) const {
    return derived.contains(code) || full.contains(code);
  }
  bool HasBillableUnder(const std::string& prefix) const {
    for (auto it = derived.lower_bound(prefix);
         it != derived.end() && it->first.rfind(prefix, 0) == 0; ++it) {
      if (it->second.first) return true;
    }
    // The full table lists no 7th-character extensions (S16.1XXA); a leaf there is either
    // billable itself or completed by a 7th character.
    return IsLeafOfFull(prefix);
  }
};

TEST(TaxonomyFixtureTest, EveryCodeExistsAndIsBillableInIcd10cmFy2025) {
  const std::string root = std::string(DENIALSCOPE_SOURCE_DIR) + "/../shared/fixtures/icd10cm";
  std::ifstream derived_file(root + "/_derived/cervical_spine_families_FY2025_derived.csv");
  if (!derived_file) {
    GTEST_SKIP() << "ICD-10-CM fixtures not found under " << root
                 << " (the shared fixtures are not checked out next to the repo)";
  }
  CodeTable table;
  std::string line;
  std::getline(derived_file, line);  // code_nodot,code,description,billable,basis
  while (std::getline(derived_file, line)) {
    std::vector<std::string> f = SplitCsv(line);
    if (f.size() < 5) continue;
    table.derived[f[0]] = {f[3] == "1", f[4]};
  }
  std::ifstream full_file(root + "/wbdill__Python-sandbox01/ICD10CM_2025_codes.csv");
  if (full_file) {
    table.has_full = true;
    std::getline(full_file, line);  // Code,Description,ChapterID,SectionID
    while (std::getline(full_file, line)) {
      table.full.insert(absl::StrReplaceAll(SplitCsv(line)[0], {{".", ""}}));
    }
  }
  // Sanity of the reading: DESIGN's examples of non-billable codes are headers.
  ASSERT_FALSE(table.IsBillable("M54"));
  ASSERT_FALSE(table.IsBillable("M501"));
  ASSERT_TRUE(table.IsBillable("M542"));

  const std::vector<EmbeddedFile>& files = internal::BuiltinDataFiles();
  auto csv = std::find_if(files.begin(), files.end(), [](const EmbeddedFile& file) {
    return file.name == "cohort_taxonomy.csv";
  });
  ASSERT_NE(csv, files.end());
  std::istringstream rows(csv->contents);
  std::getline(rows, line);
  int checked = 0;
  while (std::getline(rows, line)) {
    if (line.empty() || line[0] == '#') continue;
    const std::vector<std::string> f = SplitCsv(line);
    ASSERT_EQ(f.size(), 7u) << line;
    const std::string code = NormalizeIcd10(f[5]).value();
    ++checked;
    EXPECT_TRUE(table.Exists(code)) << f[5] << " is not an ICD-10-CM FY2025 code";
    if (f[4] == "exact") {
      EXPECT_TRUE(table.IsBillable(code)) << f[5] << " is not billable";
    } else {
      EXPECT_TRUE(table.HasBillableUnder(code)) << "no billable code starts with " << f[5];
    }
    if (!table.derived.contains(code) && !table.has_full) {
      ADD_FAILURE() << f[5] << " is not in the derived table and the full table is missing";
    }
  }
  EXPECT_GE(checked, 20);
}

}  // namespace
}  // namespace denialscope
