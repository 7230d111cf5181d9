// The file registry in PostgreSQL (migration 0007): a completed import is found again by its
// content hash within its practice only, the first record of a hash stays, and the server's
// role can add records but not rewrite or remove them.
#include <string>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/test_database.h"

namespace denialscope::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kHash[] = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

ImportedFile File(int64_t accepted) {
  ImportedFile file;
  file.content_sha256 = kHash;
  file.format = "X12";
  file.file_name = "era-0320.835";
  file.bytes = 40960;
  file.claims = 0;
  file.claim_lines = 0;
  file.remittance_events = 120;
  file.provider_adjustments = 3;
  file.provider_adjustments_stored = 2;
  file.provider_adjustments_duplicate = 1;
  file.provider_adjustments_rejected = 0;
  file.accepted = accepted;
  file.duplicate = 120 - accepted;
  file.rejected = 0;
  file.unmatched = 7;
  file.problem_count = 0;
  // Microseconds survive the round trip; the store keeps no finer time.
  file.imported_at = absl::FromUnixMicros(1795000000123456);
  return file;
}

class ImportedFilesTest : public StoreTest {};

TEST_F(ImportedFilesTest, ARecordedFileIsFoundByItsHashWithEveryCount) {
  const Practice practice = NewPractice();
  absl::StatusOr<std::optional<ImportedFile>> none = store().FindImportedFile(practice, kHash);
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_FALSE(none->has_value());

  ImportedFile recorded = File(113);
  ASSERT_TRUE(store().RecordImportedFile(practice, recorded).ok());
  absl::StatusOr<std::optional<ImportedFile>> found = store().FindImportedFile(practice, kHash);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_TRUE(found->has_value());
  ImportedFile& got = **found;
  EXPECT_EQ(got.content_sha256, kHash);
  EXPECT_EQ(got.format, "X12");
  EXPECT_EQ(got.file_name, "era-0320.835");
  EXPECT_EQ(got.imported_at, recorded.imported_at);
  const auto want = recorded.Counts();
  const auto have = got.Counts();
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(*have[i], *want[i]) << "count " << i;
}

TEST_F(ImportedFilesTest, TheFirstRecordOfAHashStays) {
  const Practice practice = NewPractice();
  ASSERT_TRUE(store().RecordImportedFile(practice, File(113)).ok());
  ImportedFile later = File(0);
  later.imported_at += absl::Hours(5);
  later.file_name = "renamed.835";
  ASSERT_TRUE(store().RecordImportedFile(practice, later).ok());
  absl::StatusOr<std::optional<ImportedFile>> found = store().FindImportedFile(practice, kHash);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->accepted, 113);
  EXPECT_EQ((*found)->file_name, "era-0320.835");
  EXPECT_EQ((*found)->imported_at, File(0).imported_at);
}

TEST_F(ImportedFilesTest, AnotherPracticeDoesNotSeeTheRecord) {
  const Practice a = NewPractice();
  const Practice b = NewPractice();
  ASSERT_TRUE(store().RecordImportedFile(a, File(113)).ok());
  absl::StatusOr<std::optional<ImportedFile>> from_b = store().FindImportedFile(b, kHash);
  ASSERT_TRUE(from_b.ok()) << from_b.status();
  EXPECT_FALSE(from_b->has_value());
  // The same bytes imported into b are b's own record.
  ASSERT_TRUE(store().RecordImportedFile(b, File(5)).ok());
  EXPECT_EQ((*store().FindImportedFile(b, kHash))->accepted, 5);
  EXPECT_EQ((*store().FindImportedFile(a, kHash))->accepted, 113);
}

TEST_F(ImportedFilesTest, AnUnknownPracticeIsNotFound) {
  Practice ghost;
  ghost.practice_id = 987654321;
  ghost.npi = "1245319599";
  EXPECT_EQ(store().FindImportedFile(ghost, kHash).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store().RecordImportedFile(ghost, File(1)).code(), absl::StatusCode::kNotFound);
}

TEST_F(ImportedFilesTest, TheServerRoleCannotRewriteOrRemoveARecord) {
  const Practice practice = NewPractice();
  ASSERT_TRUE(store().RecordImportedFile(practice, File(113)).ok());
  pqxx::connection app(db().url());
  for (const char* statement : {"UPDATE imported_files SET accepted = 0",
                                "DELETE FROM imported_files"}) {
    SCOPED_TRACE(statement);
    pqxx::work tx(app);
    tx.exec("SET LOCAL ROLE denialscope_app");
    tx.exec_params("SELECT set_config('app.practice_id', $1, true)",
                   std::to_string(practice.practice_id));
    try {
      tx.exec(statement);
      ADD_FAILURE() << "the server role may not do this";
    } catch (const pqxx::sql_error& e) {
      EXPECT_THAT(std::string(e.what()), HasSubstr("permission denied"));
    }
  }
  EXPECT_EQ((*store().FindImportedFile(practice, kHash))->accepted, 113);
}

}  // namespace
}  // namespace denialscope::testing
