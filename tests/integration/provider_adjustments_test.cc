// Provider-level adjustments (835 PLB) in PostgreSQL: stored at the provider level under their
// natural key, a re-sent pair is a duplicate, a different pair under a used key is rejected,
// and claims, events and every stored fact stay exactly as they were.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/test_database.h"

namespace denialscope::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr RecordOutcome kAccepted = RecordOutcome::kAccepted;
constexpr RecordOutcome kDuplicate = RecordOutcome::kDuplicate;
constexpr RecordOutcome kRejected = RecordOutcome::kRejected;

ProviderLevelAdjustment Plb(int sequence, const std::string& reason, Cents amount,
                            const std::string& reference = "") {
  ProviderLevelAdjustment a;
  a.payer_id = kPayer;
  a.payer_name = "ACME HEALTH";
  a.trace_number = "EFT-20260320";
  a.sequence = sequence;
  a.provider_id = "1234567893";
  a.fiscal_period_date = Day(2026, 12, 31);
  a.reason_code = reason;
  a.reference = reference;
  a.amount_cents = amount;
  a.payment_date = Day(2026, 3, 20);
  return a;
}

std::vector<std::string> Keys(const std::vector<ProviderLevelAdjustment>& adjustments) {
  std::vector<std::string> keys;
  for (const ProviderLevelAdjustment& a : adjustments) {
    keys.push_back(ProviderAdjustmentContentKey(a));
  }
  return keys;
}

class ProviderAdjustmentsTest : public StoreTest {
 protected:
  // Every stored row of the claim tables and facts of the practice, as text, to show that a
  // provider-level adjustment changes none of them.
  std::string ClaimSideSnapshot(const Practice& practice) {
    std::string out;
    for (const char* table : {"claims", "claim_lines", "remittance_events", "remittance_lines",
                              "adjustments", "claim_facts", "claim_report_facts"}) {
      pqxx::result rows =
          db().Exec(std::string("SELECT t::text FROM ") + table +
                    " t WHERE practice_id = " + std::to_string(practice.practice_id) +
                    " ORDER BY 1");
      out += std::string(table) + ":";
      for (const pqxx::row& row : rows) out += std::string(row[0].c_str()) + "\n";
    }
    return out;
  }
};

TEST_F(ProviderAdjustmentsTest, StoredOnceAtProviderLevelAndClaimsUnchanged) {
  Practice practice = NewPractice();
  ASSERT_TRUE(store().IngestClaims(practice, {MakeClaim("C-1", {"M542"}, Day(2026, 3, 2)),
                                              MakeClaim("C-2", {"M50121"}, Day(2026, 3, 3))})
                  .ok());
  ASSERT_TRUE(store()
                  .IngestRemittances(practice, {MakePayment("C-1", 10000, 8000, Day(2026, 3, 18)),
                                                MakeDenial("C-2", 10000, Day(2026, 3, 18))})
                  .ok());
  const std::string before = ClaimSideSnapshot(practice);

  // Interest paid to the provider (negative: it adds to the payment), a forward balance and
  // a recoupment of an earlier overpayment.
  const std::vector<ProviderLevelAdjustment> plb = {Plb(1, "L6", -500, "INTEREST"),
                                                    Plb(2, "FB", 1200, "FWD0301"),
                                                    Plb(3, "WO", 2000, "RECOUP-C-9")};
  absl::StatusOr<std::vector<RecordResult>> first =
      store().IngestProviderAdjustments(practice, plb);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_THAT(Outcomes(*first), ElementsAre(kAccepted, kAccepted, kAccepted));
  EXPECT_EQ(db().Exec("SELECT count(*), sum(amount_cents) FROM provider_adjustments"
                      " WHERE practice_id = " + std::to_string(practice.practice_id))[0][1]
                .as<int64_t>(),
            -500 + 1200 + 2000);
  absl::StatusOr<std::vector<ProviderLevelAdjustment>> listed =
      store().ListProviderAdjustments(practice);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(Keys(*listed), Keys(plb));

  // The same remittance imported again changes nothing.
  absl::StatusOr<std::vector<RecordResult>> again =
      store().IngestProviderAdjustments(practice, plb);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_THAT(Outcomes(*again), ElementsAre(kDuplicate, kDuplicate, kDuplicate));
  EXPECT_EQ(db().Exec("SELECT count(*) FROM provider_adjustments WHERE practice_id = " +
                      std::to_string(practice.practice_id))[0][0]
                .as<int>(),
            3);

  // Claims, events and facts are byte for byte what they were before any PLB.
  EXPECT_EQ(ClaimSideSnapshot(practice), before);
  absl::StatusOr<std::vector<ClaimHistory>> claims =
      store().LoadClaims(practice, {Day(2026, 1, 1), Day(2026, 12, 31)});
  ASSERT_TRUE(claims.ok()) << claims.status();
  Cents paid = 0;
  for (const ClaimHistory& history : *claims) {
    for (const RemittanceEvent& event : history.events) paid += event.paid_cents;
  }
  EXPECT_EQ(paid, 8000);
}

TEST_F(ProviderAdjustmentsTest, DifferentContentUnderAStoredKeyIsRejected) {
  Practice practice = NewPractice();
  ASSERT_TRUE(store().IngestProviderAdjustments(practice, {Plb(1, "L6", -500)}).ok());
  absl::StatusOr<std::vector<RecordResult>> results =
      store().IngestProviderAdjustments(practice, {Plb(1, "L6", -700), Plb(2, "WO", 100)});
  ASSERT_TRUE(results.ok()) << results.status();
  EXPECT_THAT(Outcomes(*results), ElementsAre(kRejected, kAccepted));
  EXPECT_EQ((*results)[0].field, "trace_number");
  EXPECT_THAT((*results)[0].reason, ::testing::HasSubstr("EFT-20260320 PLB pair 1"));
  absl::StatusOr<std::vector<ProviderLevelAdjustment>> listed =
      store().ListProviderAdjustments(practice);
  ASSERT_TRUE(listed.ok());
  ASSERT_THAT(*listed, SizeIs(2));
  EXPECT_EQ((*listed)[0].amount_cents, -500);  // the first content stays
}

TEST_F(ProviderAdjustmentsTest, RepeatInsideABatchIsADuplicateAndPracticesAreApart) {
  Practice practice = NewPractice();
  Practice other = NewPractice();
  absl::StatusOr<std::vector<RecordResult>> results =
      store().IngestProviderAdjustments(practice, {Plb(1, "L6", -500), Plb(1, "L6", -500)});
  ASSERT_TRUE(results.ok()) << results.status();
  EXPECT_THAT(Outcomes(*results), ElementsAre(kAccepted, kDuplicate));
  absl::StatusOr<std::vector<ProviderLevelAdjustment>> theirs =
      store().ListProviderAdjustments(other);
  ASSERT_TRUE(theirs.ok());
  EXPECT_THAT(*theirs, IsEmpty());
  // The other practice may store the same key: keys are per practice.
  absl::StatusOr<std::vector<RecordResult>> same_key =
      store().IngestProviderAdjustments(other, {Plb(1, "L6", -900)});
  ASSERT_TRUE(same_key.ok());
  EXPECT_THAT(Outcomes(*same_key), ElementsAre(kAccepted));
}

}  // namespace
}  // namespace denialscope::testing
