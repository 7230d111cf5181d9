// Practices (the tenants) in PostgreSQL: create, get, list with paging, and the errors the
// API promises.
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/test_database.h"

namespace denialscope::testing {
namespace {

using ::testing::HasSubstr;

class PracticesTest : public StoreTest {};

TEST_F(PracticesTest, CreateThenGet) {
  absl::StatusOr<Practice> created =
      store().CreatePractice("1234567893", "Cascade Spine & Rehab \"Main\" — Café");
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_GT(created->practice_id, 0);
  absl::StatusOr<Practice> got = store().GetPractice("1234567893");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->practice_id, created->practice_id);
  EXPECT_EQ(got->npi, "1234567893");
  EXPECT_EQ(got->display_name, "Cascade Spine & Rehab \"Main\" — Café");
}

TEST_F(PracticesTest, CreatingTwiceIsAlreadyExists) {
  ASSERT_TRUE(store().CreatePractice("1234567802", "First").ok());
  absl::StatusOr<Practice> again = store().CreatePractice("1234567802", "Second");
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(again.status().message(), HasSubstr("1234567802"));
  EXPECT_EQ(store().GetPractice("1234567802")->display_name, "First");
}

TEST_F(PracticesTest, UnknownPracticeIsNotFound) {
  absl::StatusOr<Practice> missing = store().GetPractice("1111111112");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("1111111112"));
}

// The store remembers found practices (no lookup round trip per call), but every
// transaction still checks the practice by id and NPI: a row replaced by hand is never read
// through the remembered id, and the next lookup finds the new row.
TEST_F(PracticesTest, ARememberedPracticeIsCheckedAgainByEveryRead) {
  absl::StatusOr<Practice> created = store().CreatePractice("1234567810", "Remembered");
  ASSERT_TRUE(created.ok()) << created.status();
  absl::StatusOr<Practice> got = store().GetPractice("1234567810");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->practice_id, created->practice_id);
  // Replaced by hand: same NPI, a new id. (Its only row is the practice itself.)
  db().Exec("DELETE FROM practices WHERE npi = '1234567810'");
  db().Exec("INSERT INTO practices (npi, display_name) VALUES ('1234567810', 'Replaced')");
  FactsRequest request;
  request.as_of = Day(2026, 7, 1);
  absl::StatusOr<std::optional<FactCells>> cells =
      store().LoadFactCells(*got, request, kCountCells);
  EXPECT_EQ(cells.status().code(), absl::StatusCode::kNotFound) << cells.status();
  absl::StatusOr<Practice> again = store().GetPractice("1234567810");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_NE(again->practice_id, created->practice_id);
  EXPECT_EQ(again->display_name, "Replaced");
  cells = store().LoadFactCells(*again, request, kCountCells);
  EXPECT_TRUE(cells.ok()) << cells.status();
}

TEST_F(PracticesTest, MalformedNpiIsInvalidArgument) {
  EXPECT_EQ(store().CreatePractice("12345", "Short").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store().CreatePractice("12345678AB", "Letters").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(PracticesTest, ListPagesThroughEveryPracticeInNpiOrder) {
  std::set<std::string> created;
  for (const char* npi : {"1500000001", "1500000002", "1500000003", "1500000004", "1500000005"}) {
    ASSERT_TRUE(store().CreatePractice(npi, "Paged").ok());
    created.insert(npi);
  }
  std::vector<std::string> listed;
  std::string after;
  int pages = 0;
  while (true) {
    absl::StatusOr<PracticePage> page = store().ListPractices(2, after);
    ASSERT_TRUE(page.ok()) << page.status();
    ASSERT_LE(page->practices.size(), 2u);
    for (const Practice& practice : page->practices) listed.push_back(practice.npi);
    ++pages;
    ASSERT_LT(pages, 100);
    if (page->next_npi.empty()) break;
    EXPECT_EQ(page->next_npi, page->practices.back().npi);
    after = page->next_npi;
  }
  EXPECT_TRUE(std::is_sorted(listed.begin(), listed.end()));
  EXPECT_EQ(std::set<std::string>(listed.begin(), listed.end()).size(), listed.size());
  for (const std::string& npi : created) {
    EXPECT_NE(std::find(listed.begin(), listed.end(), npi), listed.end()) << npi;
  }

  // A page starting inside the range sees exactly what follows.
  absl::StatusOr<PracticePage> middle = store().ListPractices(2, "1500000002");
  ASSERT_TRUE(middle.ok()) << middle.status();
  ASSERT_EQ(middle->practices.size(), 2u);
  EXPECT_EQ(middle->practices[0].npi, "1500000003");
  EXPECT_EQ(middle->practices[1].npi, "1500000004");
}

TEST_F(PracticesTest, LastPageHasNoNextToken) {
  absl::StatusOr<PracticePage> page = store().ListPractices(1000, "");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_TRUE(page->next_npi.empty());
  absl::StatusOr<PracticePage> beyond = store().ListPractices(10, "9999999999");
  ASSERT_TRUE(beyond.ok()) << beyond.status();
  EXPECT_TRUE(beyond->practices.empty());
  EXPECT_TRUE(beyond->next_npi.empty());
}

TEST_F(PracticesTest, NonPositivePageSizeIsInvalidArgument) {
  EXPECT_EQ(store().ListPractices(0, "").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(PracticesTest, IngestForAnUnknownPracticeIsNotFound) {
  Practice ghost{987654, "1222222228", "Ghost"};
  Claim claim = MakeClaim("C-1", {"M542"}, Day(2026, 3, 2));
  EXPECT_EQ(store().IngestClaims(ghost, {claim}).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store().LoadClaims(ghost, {Day(2026, 1, 1), Day(2026, 12, 31)}).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace denialscope::testing
