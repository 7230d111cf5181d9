// The monthly report's own content over the in-memory store: the payer table (top payers by
// claims, the rest pooled) and the M54.2-vs-family sentences, on small practices whose numbers
// are worked out by hand below. The equality with the AnalyticsService answers on demo data is
// the e2e test's job (tests/e2e/report_e2e_test.cc).
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "analytics/memory_claim_store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/call_log.h"
#include "server/clock.h"
#include "server/monthly_report.h"
#include "server/service_context.h"
#include "tests/unit/test_records.h"
#include "tests/unit/test_server.h"

namespace denialscope {
namespace {

namespace v1 = ::denialscope::v1;
using ::testing::HasSubstr;
using testing::Adj;
using testing::MakeClaim;
using testing::MakeEvent;

class MonthlyReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    practice_ = *store_.CreatePractice(testing::kTestNpi, "Clinic");
    taxonomy_ = std::make_unique<CohortTaxonomy>(*CohortTaxonomy::Builtin());
    context_ = TestContext(&store_, taxonomy_.get(), nullptr, &clock_, &log_, nullptr);
  }

  // One $100 one-line claim served on `day`: denied CO-50 when `denied`, else paid $80 with a
  // CO-45 write-off of $20, both adjudicated 10 days later.
  void AddClaim(const std::string& id, const std::string& diagnosis, const std::string& payer,
                Day day, bool denied, const std::string& payer_name = "") {
    Claim claim = MakeClaim(id, {diagnosis}, {10000}, day, payer);
    claim.payer_name = payer_name;
    ASSERT_TRUE(store_.IngestClaims(practice_, {claim}).ok());
    const RemittanceEvent event =
        denied ? MakeEvent(id, 1, 10000, 0, day + 10, {Adj(GroupCode::kCO, "50", 10000)}, payer)
               : MakeEvent(id, 1, 10000, 8000, day + 10, {Adj(GroupCode::kCO, "45", 2000)},
                           payer);
    ASSERT_TRUE(store_.IngestRemittances(practice_, {event}).ok());
  }

  v1::MonthlyReport Build(const std::string& month) {
    int64_t rows = 0;
    absl::StatusOr<v1::MonthlyReport> report = BuildMonthlyReport(
        context_, absl::StrCat("practices/", testing::kTestNpi, "/reports/", month),
        "2026-07-31", &rows);
    EXPECT_TRUE(report.ok()) << report.status();
    return report.ok() ? *report : v1::MonthlyReport();
  }

  MemoryClaimStore store_;
  Practice practice_;
  std::unique_ptr<CohortTaxonomy> taxonomy_;
  FakeClock clock_{absl::FromCivil(absl::CivilDay(2026, 8, 1), absl::UTCTimeZone())};
  MemoryLogSink log_;
  ServiceContext context_;
};

// Ten payers in March 2026: PAYER0 has 12 claims, PAYER1 11, ... PAYER9 3. In each payer the
// first claim is specific (M50.121, paid), the others M54.2, denied at even positions. Only
// PAYER1's claims carry a payer name.
//   PAYER0: M54.2 positions 1..11, denied 2,4,6,8,10: 5 of 11; specific 0 of 1.
//   Pooled (PAYER8: 4 claims, PAYER9: 3): M54.2 positions 1..3 and 1..2, denied 2 and 2:
//   2 of 5, $200 of $500 denied (0.4), paid $240 of $500 (0.48); specific 0 of 2, paid
//   $160 of $200 (0.8).
TEST_F(MonthlyReportTest, PayerTableShowsTopPayersAndPoolsTheRest) {
  for (int payer = 0; payer < 10; ++payer) {
    for (int i = 0; i < 12 - payer; ++i) {
      AddClaim(absl::StrCat("C", payer, "-", i), i == 0 ? "M50121" : "M542",
               absl::StrCat("PAYER", payer), Day(2026, 3, 2 + i), i > 0 && i % 2 == 0,
               payer == 1 ? "ACME HEALTH PLAN" : "");
    }
  }
  const v1::MonthlyReport report = Build("2026-03");
  EXPECT_EQ(report.payer_count(), 10);
  ASSERT_EQ(report.payers_size(), kReportPayers + 1);
  int64_t claims = 0;
  for (int i = 0; i < kReportPayers; ++i) {
    const v1::PayerRow& row = report.payers(i);
    EXPECT_EQ(row.payer_id(), absl::StrCat("PAYER", i));
    // Shown by name and id when the claims name the payer (PAYER1), else by id.
    EXPECT_EQ(row.display_name(), i == 1 ? "ACME HEALTH PLAN (PAYER1)" : row.payer_id());
    EXPECT_EQ(row.payers(), 1);
    EXPECT_EQ(row.nonspecific_claims() + row.specific_claims(), 12 - i);
    claims += row.nonspecific_claims() + row.specific_claims();
  }
  const v1::PayerRow& top = report.payers(0);
  EXPECT_EQ(top.nonspecific_initial_denial().numerator(), 5);
  EXPECT_EQ(top.nonspecific_initial_denial().denominator(), 11);
  EXPECT_EQ(top.specific_initial_denial().numerator(), 0);
  EXPECT_EQ(top.specific_initial_denial().denominator(), 1);
  EXPECT_TRUE(top.initial_denial_risk_ratio().insufficient_data());

  const v1::PayerRow& pooled = report.payers(kReportPayers);
  EXPECT_EQ(pooled.payer_id(), "");
  EXPECT_EQ(pooled.display_name(), "All other payers");
  EXPECT_EQ(pooled.payers(), 2);
  EXPECT_EQ(pooled.nonspecific_claims(), 5);
  EXPECT_EQ(pooled.specific_claims(), 2);
  EXPECT_EQ(pooled.nonspecific_initial_denial().numerator(), 2);
  EXPECT_EQ(pooled.nonspecific_initial_denial().denominator(), 5);
  ASSERT_TRUE(pooled.has_nonspecific_initial_denial_dollars());
  EXPECT_DOUBLE_EQ(pooled.nonspecific_initial_denial_dollars(), 0.4);
  ASSERT_TRUE(pooled.has_specific_initial_denial_dollars());
  EXPECT_DOUBLE_EQ(pooled.specific_initial_denial_dollars(), 0.0);
  ASSERT_TRUE(pooled.has_nonspecific_paid_to_charge());
  EXPECT_DOUBLE_EQ(pooled.nonspecific_paid_to_charge(), 0.48);
  ASSERT_TRUE(pooled.has_specific_paid_to_charge());
  EXPECT_DOUBLE_EQ(pooled.specific_paid_to_charge(), 0.8);
  claims += pooled.nonspecific_claims() + pooled.specific_claims();
  // Every claim of the month is in exactly one row: 12 + 11 + ... + 3.
  EXPECT_EQ(claims, 75);
}

// April 2026, one payer: 40 M54.2 claims (20 denied) against 40 spondylosis claims (M47.812,
// 10 denied) and 5 disc claims (M50.121, none denied). Against spondylosis the risk ratio is
// 0.5 / 0.25 = 2.0, Katz: se(ln RR) = sqrt(1/20 - 1/40 + 1/10 - 1/40) = sqrt(0.1), so the
// 95% interval is 2.0 * exp(±1.95996 * 0.316228) = 1.08 to 3.72 (shown 1.1–3.7). Disc has
// too few claims to compare.
TEST_F(MonthlyReportTest, FamilyFindingsCompareEachFamilyWithEnoughClaims) {
  for (int i = 0; i < 40; ++i) {
    AddClaim(absl::StrCat("N", i), "M542", "PAYER1", Day(2026, 4, 1 + i % 28), i % 2 == 0);
    AddClaim(absl::StrCat("S", i), "M47812", "PAYER1", Day(2026, 4, 1 + i % 28), i % 4 == 0);
  }
  for (int i = 0; i < 5; ++i) {
    AddClaim(absl::StrCat("D", i), "M50121", "PAYER1", Day(2026, 4, 2 + i), false);
  }
  const v1::MonthlyReport report = Build("2026-04");
  ASSERT_EQ(report.family_findings_size(), 2);
  EXPECT_THAT(report.family_findings(0), HasSubstr("pondylosis"));
  EXPECT_THAT(report.family_findings(0),
              HasSubstr("M54.2 claims were denied 2.0 times as often (95% CI 1.1\u20133.7)"));
  EXPECT_THAT(report.family_findings(0), HasSubstr("50.0% of 40 M54.2 claims against 25.0% of 40"));
  EXPECT_THAT(report.family_findings(1), HasSubstr("Too few claims this month"));
  EXPECT_THAT(report.family_findings(1), HasSubstr("(5 adjudicated, 0 denied)"));
}

}  // namespace
}  // namespace denialscope
