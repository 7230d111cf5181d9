// Conformance against public sample files (../shared/fixtures beside the repository, listed
// in its SOURCES.md; read in place, never copied here). Every file must parse without a crash,
// fed whole and in small chunks, and account for every claim: the CLM (837) and CLP (835)
// segments counted independently here equal the records delivered plus those rejected. The
// ICD-9 837 samples must give the clear ICD-9 rejection.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/x12_837p.h"
#include "tests/unit/ingest/ingest_test_util.h"

namespace denialscope {
namespace {

using ::denialscope::testing::Dump;
using ::denialscope::testing::ImportResult;
using ::denialscope::testing::ImportX12;

namespace fs = std::filesystem;

fs::path FixturesDir() { return fs::path(DENIALSCOPE_SOURCE_DIR) / ".." / "shared" / "fixtures"; }

std::vector<fs::path> SampleFiles(const std::string& category) {
  std::vector<fs::path> files;
  const fs::path dir = FixturesDir() / category;
  if (!fs::is_directory(dir)) return files;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    if (absl::StartsWith(entry.path().filename().string(), "UPSTREAM_")) continue;  // licenses
    files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Segments named `id` (followed by '*', the separator of every sample), found by text search:
// at the start of the file or after a byte that cannot be part of a segment id.
int CountSegments(const std::string& text, const std::string& id) {
  int count = 0;
  const std::string needle = id + "*";
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    if (at == 0 || !absl::ascii_isalnum(static_cast<unsigned char>(text[at - 1]))) ++count;
  }
  return count;
}

class ConformanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::is_directory(FixturesDir())) {
      GTEST_SKIP() << "public sample files not found at " << FixturesDir()
                   << " (the shared fixtures folder beside the repository); skipping";
    }
  }
};

TEST_F(ConformanceTest, Every835SampleAccountsForEveryClp) {
  const std::vector<fs::path> files = SampleFiles("x12_835");
  ASSERT_FALSE(files.empty()) << "no 835 samples under " << FixturesDir();
  for (const fs::path& path : files) {
    SCOPED_TRACE(path.string());
    const std::string text = ReadFile(path);
    const ImportResult result = ImportX12(text);
    const int clp = CountSegments(text, "CLP");
    EXPECT_GT(clp, 0);
    EXPECT_EQ(result.counts.remittances + result.counts.remittances_rejected, clp)
        << result.ProblemText();
    EXPECT_THAT(result.sink.claims, ::testing::IsEmpty());
    EXPECT_EQ(Dump(ImportX12(text, 7)), Dump(result)) << "chunked feeding changed the result";
  }
}

TEST_F(ConformanceTest, Every837SampleAccountsForEveryClmAndRefusesIcd9) {
  const std::vector<fs::path> files = SampleFiles("x12_837p");
  ASSERT_FALSE(files.empty()) << "no 837P samples under " << FixturesDir();
  for (const fs::path& path : files) {
    SCOPED_TRACE(path.string());
    const std::string text = ReadFile(path);
    const ImportResult result = ImportX12(text);
    const int clm = CountSegments(text, "CLM");
    EXPECT_GT(clm, 0);
    EXPECT_EQ(result.counts.claims + result.counts.claims_rejected, clm) << result.ProblemText();
    EXPECT_THAT(result.sink.remittances, ::testing::IsEmpty());
    EXPECT_EQ(Dump(ImportX12(text, 7)), Dump(result)) << "chunked feeding changed the result";
    // Every sample is coded in ICD-9 (HI BK/BF) or has no HI at all: none may be accepted as
    // if it were ICD-10, and ICD-9 files must say why.
    EXPECT_EQ(result.counts.claims, 0) << Dump(result);
    if (absl::StrContains(text, "HI*BK")) {
      bool icd9_reason = false;
      for (const RejectedRecord& rejected : result.sink.rejected) {
        icd9_reason |= absl::StrContains(rejected.problem.reason,
                                         "only ICD-10-CM (ABK/ABF) is accepted");
      }
      EXPECT_TRUE(icd9_reason) << Dump(result);
    }
  }
}

}  // namespace
}  // namespace denialscope
