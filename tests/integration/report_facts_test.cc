// The analytics engine's stored facts and monthly aggregates (migration 0004): after ingest,
// after a reversal, after a replacement claim and after a code-list reload (rebuild), the
// stored cells, facts and worklist equal what the analytics compute from the raw claims and
// events right now; and stored data declines as-of dates before the practice's horizon.
#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "analytics/cohort_report.h"
#include "analytics/fact_cells.h"
#include "analytics/measures.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sql/pg_claim_store.h"
#include "sql/report_queries.h"
#include "tests/integration/test_database.h"

namespace denialscope::testing {
namespace {

const Day kAsOf(2026, 9, 1);

const MeasureContext& Context() {
  static const MeasureContext* context =
      new MeasureContext{TestTaxonomy(), BuiltinMeasureContext().code_lists,
                         BuiltinMeasureContext().procedure_families};
  return *context;
}

// Cells in a form gtest can compare: one string per cell, sorted.
std::vector<std::string> Describe(const FactCells& cells) {
  std::vector<std::string> out;
  auto key = [](absl::CivilMonth m, const CohortLeaf& leaf) {
    return absl::StrCat(absl::FormatCivilTime(m), "|", std::string(CohortId(leaf.cohort)), "|",
                        leaf.family);
  };
  for (const CountCell& c : cells.counts) {
    const std::vector<int64_t> values = CountsToVector(c.counts);
    if (std::all_of(values.begin(), values.end(), [](int64_t v) { return v == 0; })) continue;
    out.push_back(absl::StrCat("count|", key(c.month, c.leaf), "|", c.payer_id, "|",
                               c.procedure_family, "|", absl::StrJoin(values, ","), "|",
                               c.squares.adjudicated, ",", c.squares.initially_denied, ",",
                               c.squares.finally_denied));
  }
  for (const ReasonCell& c : cells.reasons) {
    out.push_back(absl::StrCat("reason|", key(c.month, c.leaf), "|", static_cast<int>(c.stage),
                               "|", static_cast<int>(c.category), "|", c.carc, "|", c.rarc, "|",
                               c.claims, "|", c.charge_cents));
  }
  for (const TimeCell& c : cells.times) {
    out.push_back(absl::StrCat("time|", key(c.month, c.leaf), "|", c.paid, "|", c.day, "|",
                               c.claims, "|", c.open, "|", c.open_charge_cents));
  }
  for (const ReceiptCell& c : cells.receipts) {
    out.push_back(absl::StrCat("receipt|", key(c.month, c.leaf), "|",
                               absl::FormatCivilTime(c.received_date), "|", c.received, "|",
                               c.owed, "|", absl::StrJoin(c.paid_within, ","), "|",
                               absl::StrJoin(c.adjudicated_within, ",")));
  }
  std::sort(out.begin(), out.end());
  return out;
}

constexpr int kAllCells = kCountCells | kReasonCells | kTimeCells | kReceiptCells;

class ReportFactsTest : public StoreTest {
 protected:
  // The facts of every claim of the practice computed now from the raw rows.
  std::vector<ClaimFacts> RawFacts(ClaimStore& s, const Practice& practice, Day as_of,
                                   const MeasureContext& context) {
    auto histories = s.LoadClaims(practice, {Day(1990, 1, 1), Day(2099, 12, 31)});
    EXPECT_TRUE(histories.ok()) << histories.status();
    return ComputeAllClaimFacts(*histories, as_of, context);
  }

  // Stored cells, facts and worklist equal the raw computation, under both bases.
  void ExpectStoredEqualsRaw(const Practice& practice, ClaimStore& s = store(),
                             const MeasureContext& context = Context()) {
    const std::vector<ClaimFacts> raw = RawFacts(s, practice, kAsOf, context);
    for (PeriodBasis basis : {PeriodBasis::kServiceMonth, PeriodBasis::kAdjudicationMonth}) {
      SCOPED_TRACE(basis == PeriodBasis::kServiceMonth ? "service month" : "adjudication month");
      MeasureSelection selection;
      selection.basis = basis;
      selection.months = {absl::CivilMonth(2026, 1), absl::CivilMonth(2026, 12)};
      const FactsRequest request{kAsOf, selection};
      // At every grain the reads offer: per cell, summed over months, summed over strata,
      // receipts collapsed for prompt pay.
      for (int grain : {0, int{kMergeMonths}, int{kMergeStrata}, int{kDueReceipts}}) {
        auto stored = s.LoadFactCells(practice, request, kAllCells | grain);
        ASSERT_TRUE(stored.ok()) << stored.status();
        ASSERT_TRUE(stored->has_value());
        EXPECT_EQ(Describe(**stored), Describe(KeepKinds(CellsOfFacts(raw, selection),
                                                         kAllCells | grain,
                                                         *selection.months.first, kAsOf)))
            << "grain " << grain;
      }
      // Count cells keep the payer, so a payer filter is read from them at every grain.
      ASSERT_FALSE(raw.empty());
      MeasureSelection by_payer = selection;
      by_payer.filters.payer_ids = {raw.front().payer_id};
      for (int grain : {0, int{kMergeMonths}, int{kMergeStrata}}) {
        auto stored = s.LoadFactCells(practice, {kAsOf, by_payer}, kCountCells | grain);
        ASSERT_TRUE(stored.ok()) << stored.status();
        ASSERT_TRUE(stored->has_value());
        EXPECT_EQ(Describe(**stored), Describe(KeepKinds(CellsOfFacts(raw, by_payer),
                                                         kCountCells | grain,
                                                         *by_payer.months.first)))
            << "payer filter, grain " << grain;
      }
      ExpectDueReceiptsGiveThePromptPayOfAllReceipts(s, practice, selection, raw);
      ExpectEveryPeriodEqualsRaw(s, practice, selection, raw);
      // The year above covers every month with time cells, so its time cells came from the
      // stored totals (migration 0006); a single month sums that month's cells instead.
      MeasureSelection february = selection;
      february.months = {absl::CivilMonth(2026, 2), absl::CivilMonth(2026, 2)};
      auto part = s.LoadFactCells(practice, {kAsOf, february}, kTimeCells);
      ASSERT_TRUE(part.ok()) << part.status();
      ASSERT_TRUE(part->has_value());
      EXPECT_EQ(Describe(**part), Describe(KeepKinds(CellsOfFacts(raw, february), kTimeCells,
                                                     absl::CivilMonth(2026, 2))));

      auto facts = s.LoadFacts(practice, request);
      ASSERT_TRUE(facts.ok()) << facts.status();
      ASSERT_TRUE(facts->has_value());
      std::vector<ClaimFacts> raw_selected;
      for (const ClaimFacts& f : raw) {
        if (InSelection(f, selection)) raw_selected.push_back(f);
      }
      EXPECT_EQ(Describe(CellsOfFacts(**facts, selection)),
                Describe(CellsOfFacts(raw_selected, selection)));
      ASSERT_EQ((*facts)->size(), raw_selected.size());

      // The counts the rollup reads return are the stored text of migration 0012: it must
      // be the row's own columns, in the order the reader expects.
      EXPECT_EQ(db().Exec(queries::kCountTextMismatches)[0][0].as<int64_t>(), 0);

      WorklistRequest worklist{request, {}, std::nullopt, 100};
      auto page = s.ListDeniedFacts(practice, worklist);
      ASSERT_TRUE(page.ok()) << page.status();
      ASSERT_TRUE(page->has_value());
      const std::vector<ClaimFacts> expected =
          WorklistPage(raw, selection, {}, std::nullopt, 100);
      ASSERT_EQ((*page)->size(), expected.size());
      for (size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ((**page)[i].claim_id, expected[i].claim_id);
        EXPECT_EQ((**page)[i].final_denial_carc, expected[i].final_denial_carc);
        EXPECT_EQ((**page)[i].final_denial_rarc, expected[i].final_denial_rarc);
        EXPECT_EQ((**page)[i].diagnoses, expected[i].diagnoses);
      }
    }
  }

  // The reads the rollups of migration 0008 serve (counts summed over months or
  // over strata, reasons, due receipts) equal the raw computation for periods that start or
  // end inside the data, lie wholly before or after it, or cover one month (the cells).
  void ExpectEveryPeriodEqualsRaw(ClaimStore& s, const Practice& practice,
                                  const MeasureSelection& selection,
                                  const std::vector<ClaimFacts>& raw) {
    const std::vector<std::pair<absl::CivilMonth, absl::CivilMonth>> periods = {
        {absl::CivilMonth(2026, 2), absl::CivilMonth(2026, 2)},
        {absl::CivilMonth(2026, 3), absl::CivilMonth(2026, 3)},
        {absl::CivilMonth(2026, 3), absl::CivilMonth(2026, 12)},
        {absl::CivilMonth(2025, 11), absl::CivilMonth(2026, 2)},
        {absl::CivilMonth(2026, 4), absl::CivilMonth(2026, 5)},
        {absl::CivilMonth(2025, 1), absl::CivilMonth(2025, 12)},
        {absl::CivilMonth(2026, 8), absl::CivilMonth(2027, 3)}};
    for (const auto& [first, last] : periods) {
      SCOPED_TRACE(absl::StrCat(absl::FormatCivilTime(first), "..", absl::FormatCivilTime(last)));
      MeasureSelection period = selection;
      period.months = {first, last};
      for (bool by_payer : {false, true}) {
        if (by_payer) period.filters.payer_ids = {raw.front().payer_id};
        for (int grain : {int{kMergeMonths}, int{kMergeStrata}}) {
          auto stored = s.LoadFactCells(practice, {kAsOf, period}, kCountCells | grain);
          ASSERT_TRUE(stored.ok()) << stored.status();
          ASSERT_TRUE(stored->has_value());
          EXPECT_EQ(Describe(**stored),
                    Describe(KeepKinds(CellsOfFacts(raw, period), kCountCells | grain, first)))
              << "grain " << grain << (by_payer ? ", payer filter" : "");
        }
      }
      period.filters = selection.filters;
      auto reasons = s.LoadFactCells(practice, {kAsOf, period}, kReasonCells);
      ASSERT_TRUE(reasons.ok()) << reasons.status();
      ASSERT_TRUE(reasons->has_value());
      EXPECT_EQ(Describe(**reasons),
                Describe(KeepKinds(CellsOfFacts(raw, period), kReasonCells, first)));
      ExpectDueReceiptsGiveThePromptPayOfAllReceipts(s, practice, period, raw);
    }
  }

  // The collapsed receipt cells (kDueReceipts) the timeline reads give the prompt-pay figures
  // of the raw computation's uncollapsed cells, as of kAsOf and as of a date when some
  // receipts are not due yet.
  void ExpectDueReceiptsGiveThePromptPayOfAllReceipts(
      ClaimStore& s, const Practice& practice, const MeasureSelection& selection,
      const std::vector<ClaimFacts>& raw,
      const std::vector<Day>& as_of_dates = {kAsOf, Day(2026, 7, 2)}) {
    for (Day as_of : as_of_dates) {
      auto due = s.LoadFactCells(practice, {as_of, selection},
                                 kTimeCells | kReceiptCells | kDueReceipts);
      ASSERT_TRUE(due.ok()) << due.status();
      ASSERT_TRUE(due->has_value());
      const FactCells all = KeepKinds(CellsOfFacts(raw, selection), kTimeCells | kReceiptCells,
                                      *selection.months.first);
      const TimelineReport from_due =
          PaymentTimeline((*due)->times, (*due)->receipts, as_of, TestTaxonomy());
      const TimelineReport from_all =
          PaymentTimeline(all.times, all.receipts, as_of, TestTaxonomy());
      ASSERT_EQ(from_due.cohorts.size(), from_all.cohorts.size());
      for (size_t i = 0; i < from_all.cohorts.size(); ++i) {
        const CohortTimeline& a = from_due.cohorts[i];
        const CohortTimeline& b = from_all.cohorts[i];
        EXPECT_EQ(a.prompt_pay_received, b.prompt_pay_received) << i;
        EXPECT_EQ(a.prompt_pay_owed, b.prompt_pay_owed) << i;
        EXPECT_EQ(a.paid_within_claims, b.paid_within_claims) << i;
        EXPECT_EQ(a.adjudicated_within_claims, b.adjudicated_within_claims) << i;
      }
    }
  }

  // A practice with a paid claim, a denied one, one patient-responsibility claim, one open
  // claim and one specific-code claim paid late.
  Practice Seeded() {
    const Practice practice = NewPractice();
    EXPECT_TRUE(store()
                    .IngestClaims(practice,
                                  {MakeClaim("PAID", {"M542"}, Day(2026, 2, 2)),
                                   MakeClaim("DENIED", {"M542"}, Day(2026, 2, 3), 25000),
                                   MakeClaim("PR", {"M50121"}, Day(2026, 2, 4)),
                                   MakeClaim("OPEN", {"M50121"}, Day(2026, 3, 5)),
                                   MakeClaim("LATE", {"M9901"}, Day(2026, 3, 6), 30000)})
                    .ok());
    RemittanceEvent pr = MakePayment("PR", 10000, 0, Day(2026, 3, 1));
    pr.lines[0].adjustments = {{GroupCode::kCO, "45", 3000, 0}, {GroupCode::kPR, "1", 7000, 0}};
    pr.lines[0].paid_cents = 0;
    EXPECT_TRUE(store()
                    .IngestRemittances(practice,
                                       {MakePayment("PAID", 10000, 8000, Day(2026, 2, 25)),
                                        MakeDenial("DENIED", 25000, Day(2026, 3, 2)), pr,
                                        MakePayment("LATE", 30000, 20000, Day(2026, 6, 20))})
                    .ok());
    return practice;
  }
};

TEST_F(ReportFactsTest, AggregatesEqualTheRawComputationAfterIngest) {
  const Practice practice = Seeded();
  ExpectStoredEqualsRaw(practice);
}

// Prompt pay due as of a date inside a month of receipts: whole receipt months come from the
// receipt-month rollup, the days up to the due date from the cells. Claims received in April
// and on 5 May, 13 May, 23 May and 28 May (service + 3 days); as of 20 July only receipts up
// to 21 May are due.
TEST_F(ReportFactsTest, DueReceiptsSplitAMonthOfReceiptsAtTheDueDate) {
  const Practice practice = Seeded();
  ASSERT_TRUE(store()
                  .IngestClaims(practice, {MakeClaim("APR", {"M542"}, Day(2026, 4, 14)),
                                           MakeClaim("MAY-2", {"M542"}, Day(2026, 5, 2)),
                                           MakeClaim("MAY-10", {"M50121"}, Day(2026, 5, 10)),
                                           MakeClaim("MAY-20", {"M542"}, Day(2026, 5, 20)),
                                           MakeClaim("MAY-25", {"M50121"}, Day(2026, 5, 25))})
                  .ok());
  ASSERT_TRUE(store()
                  .IngestRemittances(practice,
                                     {MakePayment("APR", 10000, 8000, Day(2026, 5, 1)),
                                      MakePayment("MAY-2", 10000, 8000, Day(2026, 5, 30)),
                                      MakeDenial("MAY-10", 10000, Day(2026, 6, 1)),
                                      MakePayment("MAY-20", 10000, 8000, Day(2026, 6, 2))})
                  .ok());
  ExpectStoredEqualsRaw(practice);
  const std::vector<ClaimFacts> raw = RawFacts(store(), practice, kAsOf, Context());
  for (PeriodBasis basis : {PeriodBasis::kServiceMonth, PeriodBasis::kAdjudicationMonth}) {
    MeasureSelection selection;
    selection.basis = basis;
    for (const auto& [first, last] :
         {std::pair(absl::CivilMonth(2026, 1), absl::CivilMonth(2026, 12)),
          std::pair(absl::CivilMonth(2026, 5), absl::CivilMonth(2026, 5)),
          std::pair(absl::CivilMonth(2026, 3), absl::CivilMonth(2026, 5))}) {
      selection.months = {first, last};
      ExpectDueReceiptsGiveThePromptPayOfAllReceipts(
          store(), practice, selection, raw,
          {Day(2026, 7, 20), Day(2026, 7, 12), Day(2026, 7, 27), Day(2026, 8, 1)});
    }
  }
}

// Batches of one practice stored at the same time touch the same cohort leaves: the time
// curves (migration 0009), recomputed from the totals in each batch's transaction, must
// still hold every batch's claims (each batch locks its curve rows before it changes the
// totals). Four threads store claims and payments of one leaf each in its own service and
// payment month, so their batches share no monthly cell and do not wait for each other
// before they reach the curves.
TEST_F(ReportFactsTest, ConcurrentBatchesOfOnePracticeKeepTheAggregatesEqualToRaw) {
  const Practice practice = NewPractice();
  constexpr int kThreads = 4;
  constexpr int kRounds = 10;
  std::vector<absl::Status> statuses(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds && statuses[t].ok(); ++round) {
        std::vector<Claim> claims;
        std::vector<RemittanceEvent> events;
        for (int i = 0; i < 2; ++i) {
          const std::string id = absl::StrCat("T", t, "-", round, "-", i);
          const Day service(2026, 2 + t, 1 + (round * 7 + i) % 28);
          claims.push_back(MakeClaim(id, {"M542"}, service));
          events.push_back(MakePayment(id, 10000, 8000, service + 10 + t + round));
        }
        statuses[t] = store().IngestClaims(practice, claims).status();
        if (statuses[t].ok()) statuses[t] = store().IngestRemittances(practice, events).status();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const absl::Status& status : statuses) ASSERT_TRUE(status.ok()) << status;
  ExpectStoredEqualsRaw(practice);
}

// Why the test above holds: kLockTimeCurves locks existing curve rows, so a second batch
// touching the same leaf waits for the first to commit before it changes the totals (and
// recomputes the curve from them). Checked directly with two transactions: the second
// times out while the first holds the row.
TEST_F(ReportFactsTest, LockingATimeCurveMakesAConcurrentBatchWait) {
  const Practice practice = Seeded();
  const std::string id = std::to_string(practice.practice_id);
  // The all-months curves (0009) and the month curves (0013), each with one key.
  const auto lock_curve = [&](pqxx::work& tx) {
    tx.exec_params(queries::kLockTimeCurves, id, "{1}", "{nonspecific}", "{M54.2}", "{t}");
  };
  const auto lock_month_curve = [&](pqxx::work& tx) {
    tx.exec_params(queries::kLockTimeMonthCurves, id, "{1}", "{2026-02-01}", "{nonspecific}",
                   "{M54.2}", "{t}");
  };
  for (const auto& lock : {std::function<void(pqxx::work&)>(lock_curve),
                           std::function<void(pqxx::work&)>(lock_month_curve)}) {
    pqxx::connection first(db().url()), second(db().url());
    {  // The row exists and is committed (a new row's insert would make anyone wait anyway).
      pqxx::work create(first);
      lock(create);
      create.commit();
    }
    pqxx::work holder(first);
    lock(holder);
    pqxx::work waiter(second);
    waiter.exec("SET LOCAL lock_timeout = '200ms'");
    EXPECT_THROW(lock(waiter), pqxx::sql_error);
    waiter.abort();
    holder.commit();
    pqxx::work after(second);
    EXPECT_NO_THROW(lock(after));
  }
}

TEST_F(ReportFactsTest, RemittanceBeforeItsClaimCountsWhenTheClaimArrives) {
  const Practice practice = NewPractice();
  ASSERT_TRUE(
      store().IngestRemittances(practice, {MakeDenial("EARLY", 10000, Day(2026, 4, 1))}).ok());
  ASSERT_TRUE(store().IngestClaims(practice, {MakeClaim("EARLY", {"M542"}, Day(2026, 3, 9))}).ok());
  ExpectStoredEqualsRaw(practice);
}

TEST_F(ReportFactsTest, AggregatesEqualTheRawComputationAfterAReversal) {
  const Practice practice = Seeded();
  const RemittanceEvent paid = MakePayment("PAID", 10000, 8000, Day(2026, 2, 25));
  ASSERT_TRUE(store()
                  .IngestRemittances(practice, {MakeReversal(paid, Day(2026, 4, 2)),
                                                MakePayment("PAID", 10000, 7500, Day(2026, 4, 9))})
                  .ok());
  ExpectStoredEqualsRaw(practice);
  // Reversed and not yet repaid: open again.
  ASSERT_TRUE(store()
                  .IngestRemittances(practice,
                                     {MakeReversal(MakePayment("LATE", 30000, 20000,
                                                               Day(2026, 6, 20)),
                                                   Day(2026, 7, 1))})
                  .ok());
  ExpectStoredEqualsRaw(practice);
}

TEST_F(ReportFactsTest, AggregatesEqualTheRawComputationAfterAReplacementAndAVoid) {
  const Practice practice = Seeded();
  // The denied M54.2 claim is recoded and its charge corrected, then paid; the cohort stays
  // M54.2 (first-submitted coding) but everything else moves.
  Claim corrected = MakeClaim("DENIED", {"M50121"}, Day(2026, 2, 3), 22000);
  corrected.frequency = FrequencyCode::kReplacement;
  ASSERT_TRUE(store().IngestClaims(practice, {corrected}).ok());
  ASSERT_TRUE(
      store().IngestRemittances(practice, {MakePayment("DENIED", 22000, 15000, Day(2026, 4, 20))})
          .ok());
  ExpectStoredEqualsRaw(practice);
  Claim voided = MakeClaim("OPEN", {"M50121"}, Day(2026, 3, 5));
  voided.frequency = FrequencyCode::kVoid;
  ASSERT_TRUE(store().IngestClaims(practice, {voided}).ok());
  ExpectStoredEqualsRaw(practice);
}

// One remittance batch mixing every case its path tells apart: a claim with stored events
// (they are read back), claims with none (only the batch's events count, two of them for
// one claim), an event for a voided claim and one for no claim.
TEST_F(ReportFactsTest, AMixedRemittanceBatchEqualsTheRawComputation) {
  const Practice practice = Seeded();
  Claim gone = MakeClaim("GONE", {"M542"}, Day(2026, 3, 7));
  ASSERT_TRUE(store().IngestClaims(practice, {gone, MakeClaim("TWICE", {"M542"},
                                                              Day(2026, 3, 8), 12000)})
                  .ok());
  gone.frequency = FrequencyCode::kVoid;
  ASSERT_TRUE(store().IngestClaims(practice, {gone}).ok());
  RemittanceEvent repaid = MakePayment("TWICE", 12000, 9000, Day(2026, 4, 12));
  auto results = store().IngestRemittances(
      practice, {MakeReversal(MakePayment("PAID", 10000, 8000, Day(2026, 2, 25)),
                              Day(2026, 4, 2)),
                 MakeDenial("TWICE", 12000, Day(2026, 3, 30)), MakeDenial("GONE", 10000,
                                                                          Day(2026, 4, 1)),
                 MakePayment("OPEN", 10000, 6000, Day(2026, 4, 3)), repaid,
                 MakePayment("NOCLAIM", 10000, 6000, Day(2026, 4, 4))});
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_EQ(results->size(), 6u);
  for (const RecordResult& result : *results) {
    EXPECT_EQ(result.outcome, RecordOutcome::kAccepted);
  }
  EXPECT_FALSE((*results)[2].unmatched);  // the voided claim is stored
  EXPECT_TRUE((*results)[5].unmatched);
  ExpectStoredEqualsRaw(practice);
  // Denied, then paid in the same batch: overturned, as the raw computation says.
  auto facts = store().LoadFacts(practice, {kAsOf, {}});
  ASSERT_TRUE(facts.ok()) << facts.status();
  ASSERT_TRUE(facts->has_value());
  int seen = 0;
  for (const ClaimFacts& f : **facts) {
    if (f.claim_id != "TWICE") continue;
    ++seen;
    EXPECT_TRUE(f.initially_denied);
    EXPECT_FALSE(f.finally_denied);
    EXPECT_TRUE(f.overturned);
    EXPECT_EQ(f.net_paid_cents, 9000);
  }
  EXPECT_EQ(seen, 1);
}

TEST_F(ReportFactsTest, EveryStoredChangeGivesAFreshDataVersion) {
  const Practice practice = NewPractice();
  const Practice other = NewPractice();
  auto version = [&](const Practice& p) {
    absl::StatusOr<std::optional<int64_t>> v = store().DataVersion(p.npi);
    EXPECT_TRUE(v.ok()) << v.status();
    EXPECT_TRUE(v.ok() && v->has_value());
    return v.ok() ? v->value_or(-1) : -1;
  };
  std::vector<int64_t> seen = {version(practice)};  // nothing stored yet
  auto expect_fresh = [&](const char* after) {
    const int64_t now = version(practice);
    EXPECT_THAT(seen, ::testing::Not(::testing::Contains(now))) << after;
    seen.push_back(now);
  };
  const Claim claim = MakeClaim("V-1", {"M542"}, Day(2026, 3, 2));
  ASSERT_TRUE(store().IngestClaims(practice, {claim}).ok());
  expect_fresh("a claim");
  // A batch that stores nothing (a duplicate) leaves it; another practice's ingest too.
  ASSERT_TRUE(store().IngestClaims(practice, {claim}).ok());
  ASSERT_TRUE(store().IngestClaims(other, {MakeClaim("V-2", {"M542"}, Day(2026, 3, 2))}).ok());
  EXPECT_EQ(version(practice), seen.back());
  ASSERT_TRUE(
      store().IngestRemittances(practice, {MakePayment("V-1", 10000, 8000, Day(2026, 3, 20))})
          .ok());
  expect_fresh("a remittance");
  ASSERT_TRUE(store()
                  .IngestRemittances(practice, {MakeReversal(MakePayment("V-1", 10000, 8000,
                                                                         Day(2026, 3, 20)),
                                                             Day(2026, 4, 2))})
                  .ok());
  expect_fresh("a reversal");
  Claim replacement = MakeClaim("V-1", {"M50121"}, Day(2026, 3, 2), 12000);
  replacement.frequency = FrequencyCode::kReplacement;
  ASSERT_TRUE(store().IngestClaims(practice, {replacement}).ok());
  expect_fresh("a replacement");
  ASSERT_TRUE(store().RebuildFacts(practice).ok());
  expect_fresh("a rebuild");
  EXPECT_EQ(store().DataVersion("1999999984").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(ReportFactsTest, AsOfBeforeTheHorizonIsLeftToTheRawPath) {
  const Practice practice = Seeded();  // latest stored date: LATE's payment, 2026-06-21
  const FactsRequest before{Day(2026, 6, 20), {}};
  auto cells = store().LoadFactCells(practice, before, kCountCells);
  ASSERT_TRUE(cells.ok()) << cells.status();
  EXPECT_FALSE(cells->has_value());
  EXPECT_FALSE(store().LoadFacts(practice, before)->has_value());
  const FactsRequest on{Day(2026, 6, 21), {}};
  EXPECT_TRUE(store().LoadFactCells(practice, on, kCountCells)->has_value());
  // The same for the reads that get the horizon with a cell table's span in one statement.
  for (int kinds : {kCountCells | kMergeMonths, int{kReasonCells}, int{kTimeCells},
                    kAllCells | kMergeMonths}) {
    auto early = store().LoadFactCells(practice, before, kinds);
    ASSERT_TRUE(early.ok()) << early.status();
    EXPECT_FALSE(early->has_value()) << "kinds " << kinds;
    auto late = store().LoadFactCells(practice, on, kinds);
    ASSERT_TRUE(late.ok()) << late.status();
    EXPECT_TRUE(late->has_value()) << "kinds " << kinds;
  }
  // A practice with nothing stored answers (with nothing).
  const Practice empty = NewPractice();
  auto none = store().LoadFactCells(empty, on, kAllCells);
  ASSERT_TRUE(none.ok() && none->has_value());
  EXPECT_TRUE((*none)->counts.empty());
}

TEST_F(ReportFactsTest, FiltersTheCellsDoNotKeepAreRefused) {
  const Practice practice = Seeded();
  FactsRequest request{kAsOf, {}};
  request.selection.filters.rendering_npis = {"1999999984"};
  EXPECT_EQ(store().LoadFactCells(practice, request, kCountCells).status().code(),
            absl::StatusCode::kInvalidArgument);
  auto facts = store().LoadFacts(practice, request);
  ASSERT_TRUE(facts.ok() && facts->has_value());
  EXPECT_EQ((*facts)->size(), 5u);
  request.selection.filters.rendering_npis = {"1111111111"};
  EXPECT_TRUE((*store().LoadFacts(practice, request))->empty());
}

TEST_F(ReportFactsTest, ACodeListChangeTakesARebuild) {
  const Practice practice = Seeded();
  ExpectStoredEqualsRaw(practice);
  // CARC 50 moves from medical necessity to authorization in the new lists.
  CodeLists lists = *CodeLists::Builtin();
  ASSERT_TRUE(lists
                  .LoadCarcCsv("# version: test-2\n"
                               "code,category,refined_by_remarks,description\n"
                               "45,contractual,false,Charge exceeds fee schedule\n"
                               "50,authorization,false,Not medically necessary (test)\n")
                  .ok());
  const MeasureContext changed{TestTaxonomy(), lists, BuiltinMeasureContext().procedure_families};
  PgOptions options;
  options.url = db().url();
  options.pool_size = 1;
  options.code_lists = &lists;
  auto reloaded = OpenPgClaimStore(options, &TestTaxonomy());
  ASSERT_TRUE(reloaded.ok()) << reloaded.status();

  // Before the rebuild the stored reasons are the old lists' ...
  const std::vector<ClaimFacts> raw = RawFacts(**reloaded, practice, kAsOf, changed);
  MeasureSelection selection;
  selection.months = {absl::CivilMonth(2026, 1), absl::CivilMonth(2026, 12)};
  auto stale = (*reloaded)->LoadFactCells(practice, {kAsOf, selection}, kReasonCells);
  ASSERT_TRUE(stale.ok() && stale->has_value());
  EXPECT_NE(Describe(**stale), Describe(KeepKinds(CellsOfFacts(raw, selection), kReasonCells,
                                                  *selection.months.first)));
  // ... and after it, the new lists' everywhere.
  ASSERT_TRUE((*reloaded)->RebuildFacts(practice).ok());
  ExpectStoredEqualsRaw(practice, **reloaded, changed);
}

}  // namespace
}  // namespace denialscope::testing
