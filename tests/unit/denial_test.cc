// Denial derivation: the DESIGN §1 rules and the Appendix examples 1–5, each with the
// expected values worked out by hand in the comments.
#include "analytics/denial.h"

#include "gtest/gtest.h"
#include "tests/unit/test_records.h"

namespace denialscope {
namespace {

using ::denialscope::testing::Adj;
using ::denialscope::testing::Dollars;
using ::denialscope::testing::MakeEvent;
using ::denialscope::testing::RemitLine;

constexpr GroupCode kCO = GroupCode::kCO;
constexpr GroupCode kPR = GroupCode::kPR;
constexpr GroupCode kOA = GroupCode::kOA;
constexpr GroupCode kPI = GroupCode::kPI;
constexpr GroupCode kCR = GroupCode::kCR;

const Day kAsOf(2026, 6, 30);

// --- ClassifyEvent: one event on its own ---

TEST(ClassifyEventTest, ZeroPayWithCo50IsDenied) {
  // $100 charged, $0 paid, CO-50 (not medically necessary) $100: a denial.
  EXPECT_EQ(ClassifyEvent(MakeEvent("C1", 1, Dollars(100), 0, Day(2026, 3, 10),
                                    {Adj(kCO, "50", Dollars(100))})),
            EventKind::kDenied);
}

TEST(ClassifyEventTest, ZeroPayWithOnlyPatientResponsibilityIsNotDenied) {
  // PR-1 (deductible) is the patient's to pay: the payer did not say no.
  EXPECT_EQ(ClassifyEvent(MakeEvent("C1", 1, Dollars(100), 0, Day(2026, 3, 10),
                                    {Adj(kPR, "1", Dollars(100))})),
            EventKind::kZeroPayNotDenied);
}

TEST(ClassifyEventTest, ContractualWriteOffAloneIsNotDenied) {
  EXPECT_EQ(ClassifyEvent(MakeEvent("C1", 1, Dollars(100), 0, Day(2026, 3, 10),
                                    {Adj(kCO, "45", Dollars(100))})),
            EventKind::kZeroPayNotDenied);
}

TEST(ClassifyEventTest, Carc18IsADuplicateDenialInAnyGroupAndAtLineLevel) {
  EXPECT_EQ(ClassifyEvent(MakeEvent("C1", 1, Dollars(80), 0, Day(2026, 3, 10),
                                    {Adj(kCO, "18", Dollars(80))})),
            EventKind::kDuplicateDenial);
  EXPECT_EQ(ClassifyEvent(MakeEvent("C1", 1, Dollars(80), 0, Day(2026, 3, 10),
                                    {Adj(kOA, "18", Dollars(80))})),
            EventKind::kDuplicateDenial);
  // CARC 18 beside another denial reason still marks a duplicate submission.
  RemittanceEvent line_level = MakeEvent("C1", 1, Dollars(80), 0, Day(2026, 3, 10));
  line_level.lines = {RemitLine("L1", Dollars(80), 0,
                                {Adj(kCO, "18", Dollars(40)), Adj(kCO, "50", Dollars(40))})};
  EXPECT_EQ(ClassifyEvent(line_level), EventKind::kDuplicateDenial);
}

TEST(ClassifyEventTest, Status4IsAlwaysADenialUnlessDuplicate) {
  // CLP02 4 with no CAS at all is still a denial.
  EXPECT_EQ(ClassifyEvent(MakeEvent("C1", kClaimStatusDenied, Dollars(100), 0,
                                    Day(2026, 3, 10))),
            EventKind::kDenied);
  // Even with only PR adjustments: the status code decides.
  EXPECT_EQ(ClassifyEvent(MakeEvent("C1", kClaimStatusDenied, Dollars(100), 0,
                                    Day(2026, 3, 10), {Adj(kPR, "1", Dollars(100))})),
            EventKind::kDenied);
  EXPECT_EQ(ClassifyEvent(MakeEvent("C1", kClaimStatusDenied, Dollars(100), 0,
                                    Day(2026, 3, 10), {Adj(kCO, "18", Dollars(100))})),
            EventKind::kDuplicateDenial);
}

TEST(ClassifyEventTest, ReversalByStatusOrNegativePayment) {
  EXPECT_EQ(ClassifyEvent(MakeEvent("C1", kClaimStatusReversal, -Dollars(100), -Dollars(70),
                                    Day(2026, 3, 10), {Adj(kCO, "45", -Dollars(30))})),
            EventKind::kReversal);
  // A negative CLP04 without status 22 still takes money back.
  EXPECT_EQ(ClassifyEvent(MakeEvent("C1", 1, Dollars(100), -Dollars(70), Day(2026, 3, 10))),
            EventKind::kReversal);
  // Status 22 with a zero amount is a reversal too, never a denial.
  EXPECT_EQ(ClassifyEvent(MakeEvent("C1", kClaimStatusReversal, -Dollars(100), 0,
                                    Day(2026, 3, 10), {Adj(kCO, "50", -Dollars(100))})),
            EventKind::kReversal);
}

TEST(ClassifyEventTest, OaAndPiReasonsDenyButCrDoesNot) {
  EXPECT_EQ(ClassifyEvent(MakeEvent("C1", 1, Dollars(100), 0, Day(2026, 3, 10),
                                    {Adj(kOA, "23", Dollars(100))})),
            EventKind::kDenied);
  EXPECT_EQ(ClassifyEvent(MakeEvent("C1", 1, Dollars(100), 0, Day(2026, 3, 10),
                                    {Adj(kPI, "104", Dollars(100))})),
            EventKind::kDenied);
  // CR (4010 corrections) is accepted but is not a denial group.
  EXPECT_EQ(ClassifyEvent(MakeEvent("C1", 1, Dollars(100), 0, Day(2026, 3, 10),
                                    {Adj(kCR, "50", Dollars(100))})),
            EventKind::kZeroPayNotDenied);
}

TEST(ClassifyEventTest, ZeroAmountAdjustmentsAndZeroChargesDoNotDeny) {
  // A CO-50 that moves no money is informational.
  EXPECT_EQ(ClassifyEvent(MakeEvent("C1", 1, Dollars(100), 0, Day(2026, 3, 10),
                                    {Adj(kCO, "50", 0), Adj(kPR, "1", Dollars(100))})),
            EventKind::kZeroPayNotDenied);
  // Paying 0 on a $0 charge is not a denial ("zero pay on a non-zero charge").
  EXPECT_EQ(ClassifyEvent(MakeEvent("C1", 1, 0, 0, Day(2026, 3, 10),
                                    {Adj(kCO, "50", Dollars(1))})),
            EventKind::kZeroPayNotDenied);
}

TEST(ClassifyEventTest, LineLevelDenialReasonDeniesAZeroPayClaim) {
  RemittanceEvent event = MakeEvent("C1", 1, Dollars(100), 0, Day(2026, 3, 10));
  event.lines = {RemitLine("L1", Dollars(100), 0, {Adj(kCO, "97", Dollars(100))})};
  EXPECT_EQ(ClassifyEvent(event), EventKind::kDenied);
}

TEST(ClassifyEventTest, AnyPaymentIsPaid) {
  EXPECT_EQ(ClassifyEvent(MakeEvent("C1", 1, Dollars(100), 1, Day(2026, 3, 10),
                                    {Adj(kCO, "50", Dollars(99) + 99)})),
            EventKind::kPaid);
}

TEST(IsLineDeniedTest, Rules) {
  EXPECT_TRUE(IsLineDenied(RemitLine("L", Dollars(50), 0, {Adj(kCO, "97", Dollars(50))})));
  EXPECT_TRUE(IsLineDenied(RemitLine("L", Dollars(50), 0, {Adj(kOA, "23", Dollars(50))})));
  EXPECT_FALSE(IsLineDenied(RemitLine("L", Dollars(50), 0, {Adj(kCO, "45", Dollars(50))})));
  EXPECT_FALSE(IsLineDenied(RemitLine("L", Dollars(50), 0, {Adj(kCO, "18", Dollars(50))})));
  EXPECT_FALSE(IsLineDenied(RemitLine("L", Dollars(50), 0, {Adj(kPR, "2", Dollars(50))})));
  EXPECT_FALSE(IsLineDenied(RemitLine("L", Dollars(50), 0, {Adj(kCR, "97", Dollars(50))})));
  EXPECT_FALSE(IsLineDenied(RemitLine("L", Dollars(50), 1, {Adj(kCO, "97", Dollars(49))})));
  EXPECT_FALSE(IsLineDenied(RemitLine("L", 0, 0, {Adj(kCO, "97", 0)})));
}

// --- DeriveOutcome: Appendix examples ---

TEST(DeriveOutcomeTest, Appendix1DeniedThenOverturned) {
  // Two $100 lines, both CO-50 $100 with N115 on 2026-03-10; then paid $120 with CO-45 $80
  // on 2026-04-20. Initial: denied (2026-03-10). Net paid = 0 + 120 = $120 > 0, so final is
  // paid, not finally denied, and overturned. First payment: 2026-04-20.
  RemittanceEvent denied = MakeEvent("C1", 1, Dollars(200), 0, Day(2026, 3, 10));
  denied.lines = {RemitLine("L1", Dollars(100), 0, {Adj(kCO, "50", Dollars(100))}),
                  RemitLine("L2", Dollars(100), 0, {Adj(kCO, "50", Dollars(100))})};
  for (RemittanceLine& line : denied.lines) line.remark_codes = {"N115"};
  RemittanceEvent paid = MakeEvent("C1", 1, Dollars(200), Dollars(120), Day(2026, 4, 20),
                                   {Adj(kCO, "45", Dollars(80))});
  const ClaimOutcome o = DeriveOutcome({denied, paid}, kAsOf);
  EXPECT_TRUE(o.adjudicated);
  EXPECT_EQ(o.initial, Outcome::kDenied);
  EXPECT_EQ(o.initial_date, Day(2026, 3, 10));
  EXPECT_FALSE(o.initial_partial_denial);
  EXPECT_EQ(o.final, Outcome::kPaid);
  EXPECT_FALSE(o.finally_denied);
  EXPECT_EQ(o.net_paid_cents, Dollars(120));
  EXPECT_TRUE(o.overturned);
  EXPECT_EQ(o.first_payment_date, Day(2026, 4, 20));
}

TEST(DeriveOutcomeTest, Appendix2PatientResponsibilityIsNotADenial) {
  // $150 charged, paid 0, CO-45 $45 + PR-1 $105: adjudicated, not denied, not paid.
  const ClaimOutcome o = DeriveOutcome(
      {MakeEvent("C2", 1, Dollars(150), 0, Day(2026, 3, 10),
                 {Adj(kCO, "45", Dollars(45)), Adj(kPR, "1", Dollars(105))})},
      kAsOf);
  EXPECT_TRUE(o.adjudicated);
  EXPECT_EQ(o.initial, Outcome::kZeroPayNotDenied);
  EXPECT_EQ(o.final, Outcome::kZeroPayNotDenied);
  EXPECT_FALSE(o.finally_denied);
  EXPECT_EQ(o.net_paid_cents, 0);
  EXPECT_FALSE(o.first_payment_date.has_value());  // censored in days to payment
  EXPECT_FALSE(o.overturned);
}

TEST(DeriveOutcomeTest, Appendix3ReversalAndCorrection) {
  // Pays $70 on 02-03; CLP02 22 takes back -$70 with every CAS negated; pays $65 on 02-20.
  // Initial: paid (02-03). Net = 70 - 70 + 65 = $65. First payment stays 02-03.
  RemittanceEvent first = MakeEvent("C3", 1, Dollars(100), Dollars(70), Day(2026, 2, 3),
                                    {Adj(kCO, "45", Dollars(30))});
  RemittanceEvent reversal =
      MakeEvent("C3", kClaimStatusReversal, -Dollars(100), -Dollars(70), Day(2026, 2, 10),
                {Adj(kCO, "45", -Dollars(30))});
  RemittanceEvent corrected = MakeEvent("C3", 1, Dollars(100), Dollars(65), Day(2026, 2, 20),
                                        {Adj(kCO, "45", Dollars(35))});
  // Given out of order on purpose: the store promises no order.
  const ClaimOutcome o = DeriveOutcome({corrected, reversal, first}, kAsOf);
  EXPECT_EQ(o.initial, Outcome::kPaid);
  EXPECT_EQ(o.initial_date, Day(2026, 2, 3));
  EXPECT_EQ(o.net_paid_cents, Dollars(65));
  EXPECT_EQ(o.final, Outcome::kPaid);
  EXPECT_FALSE(o.finally_denied);
  EXPECT_EQ(o.first_payment_date, Day(2026, 2, 3));
}

TEST(DeriveOutcomeTest, Appendix4DuplicateDenialIgnored) {
  // Paid $80, then a CO-18 zero-pay event: the duplicate is neither initial nor final.
  const ClaimOutcome o = DeriveOutcome(
      {MakeEvent("C4", 1, Dollars(100), Dollars(80), Day(2026, 3, 1),
                 {Adj(kCO, "45", Dollars(20))}),
       MakeEvent("C4", 1, Dollars(100), 0, Day(2026, 3, 20), {Adj(kCO, "18", Dollars(100))})},
      kAsOf);
  EXPECT_EQ(o.initial, Outcome::kPaid);
  EXPECT_EQ(o.final, Outcome::kPaid);
  EXPECT_FALSE(o.finally_denied);
  EXPECT_EQ(o.net_paid_cents, Dollars(80));
}

TEST(DeriveOutcomeTest, DuplicateDenialFirstDoesNotBecomeInitial) {
  // The CO-18 comes first; the initial outcome is the later payment.
  const ClaimOutcome o = DeriveOutcome(
      {MakeEvent("C4", 1, Dollars(100), 0, Day(2026, 3, 1), {Adj(kCO, "18", Dollars(100))}),
       MakeEvent("C4", 1, Dollars(100), Dollars(80), Day(2026, 3, 20))},
      kAsOf);
  EXPECT_EQ(o.initial, Outcome::kPaid);
  EXPECT_EQ(o.initial_date, Day(2026, 3, 20));
}

TEST(DeriveOutcomeTest, OnlyADuplicateDenialIsNotAdjudicated) {
  const ClaimOutcome o = DeriveOutcome(
      {MakeEvent("C4", 1, Dollars(100), 0, Day(2026, 3, 1), {Adj(kCO, "18", Dollars(100))})},
      kAsOf);
  EXPECT_FALSE(o.adjudicated);
  EXPECT_EQ(o.initial, Outcome::kNone);
  EXPECT_EQ(o.final, Outcome::kNone);
  EXPECT_FALSE(o.finally_denied);
}

TEST(DeriveOutcomeTest, Appendix5PartialDenial) {
  // Line 1 $100: paid $60, CO-45 $40. Line 2 $50: paid 0, CO-97 $50. Claim paid $60 > 0, so
  // not a claim denial; one denied line makes it a partial denial.
  RemittanceEvent event = MakeEvent("C5", 1, Dollars(150), Dollars(60), Day(2026, 3, 10));
  event.lines = {RemitLine("L1", Dollars(100), Dollars(60), {Adj(kCO, "45", Dollars(40))}),
                 RemitLine("L2", Dollars(50), 0, {Adj(kCO, "97", Dollars(50))})};
  const ClaimOutcome o = DeriveOutcome({event}, kAsOf);
  EXPECT_EQ(o.initial, Outcome::kPaid);
  EXPECT_TRUE(o.initial_partial_denial);
  EXPECT_FALSE(o.finally_denied);
  EXPECT_FALSE(IsLineDenied(event.lines[0]));
  EXPECT_TRUE(IsLineDenied(event.lines[1]));
}

TEST(DeriveOutcomeTest, EventsAfterAsOfAreIgnored) {
  // Appendix 1 seen on 2026-04-01: the 04-20 payment has not happened yet, so the claim is
  // denied initially and finally, and not paid.
  const std::vector<RemittanceEvent> events = {
      MakeEvent("C1", 1, Dollars(200), 0, Day(2026, 3, 10), {Adj(kCO, "50", Dollars(200))}),
      MakeEvent("C1", 1, Dollars(200), Dollars(120), Day(2026, 4, 20),
                {Adj(kCO, "45", Dollars(80))})};
  const ClaimOutcome before = DeriveOutcome(events, Day(2026, 4, 1));
  EXPECT_EQ(before.initial, Outcome::kDenied);
  EXPECT_TRUE(before.finally_denied);
  EXPECT_EQ(before.final, Outcome::kDenied);
  EXPECT_EQ(before.net_paid_cents, 0);
  EXPECT_FALSE(before.overturned);
  EXPECT_FALSE(before.first_payment_date.has_value());
  // On the day itself the payment counts (on or before as-of).
  const ClaimOutcome on_day = DeriveOutcome(events, Day(2026, 4, 20));
  EXPECT_TRUE(on_day.overturned);
  // Before the first event nothing is known.
  EXPECT_FALSE(DeriveOutcome(events, Day(2026, 3, 9)).adjudicated);
}

TEST(DeriveOutcomeTest, ReversalNetsOutAndIsNeverADenial) {
  // Paid $70, reversed -$70, nothing since: net 0 but no payer said no, so not denied.
  const ClaimOutcome o = DeriveOutcome(
      {MakeEvent("C6", 1, Dollars(100), Dollars(70), Day(2026, 2, 3)),
       MakeEvent("C6", kClaimStatusReversal, -Dollars(100), -Dollars(70), Day(2026, 2, 10))},
      kAsOf);
  EXPECT_EQ(o.initial, Outcome::kPaid);
  EXPECT_EQ(o.net_paid_cents, 0);
  EXPECT_FALSE(o.finally_denied);
  EXPECT_EQ(o.final, Outcome::kZeroPayNotDenied);
  EXPECT_EQ(o.first_payment_date, Day(2026, 2, 3));
}

TEST(DeriveOutcomeTest, PaidReversedThenDeniedIsFinallyDenied) {
  // Pay $70 (02-03), reverse (02-10), re-adjudicate as CO-50 denied (02-12):
  // net = 70 - 70 + 0 = 0 and the latest outcome event is a denial -> finally denied.
  // Initially paid, so not an overturn and not an initial denial.
  const ClaimOutcome o = DeriveOutcome(
      {MakeEvent("C7", 1, Dollars(100), Dollars(70), Day(2026, 2, 3)),
       MakeEvent("C7", kClaimStatusReversal, -Dollars(100), -Dollars(70), Day(2026, 2, 10)),
       MakeEvent("C7", 1, Dollars(100), 0, Day(2026, 2, 12), {Adj(kCO, "50", Dollars(100))})},
      kAsOf);
  EXPECT_EQ(o.initial, Outcome::kPaid);
  EXPECT_TRUE(o.finally_denied);
  EXPECT_EQ(o.final, Outcome::kDenied);
  EXPECT_FALSE(o.overturned);
}

TEST(DeriveOutcomeTest, DeniedThenPatientResponsibilityIsNotFinallyDenied) {
  // Denied (CO-16 missing info), corrected, then applied to the deductible: net 0 but the
  // latest outcome is not a denial.
  const ClaimOutcome o = DeriveOutcome(
      {MakeEvent("C8", 1, Dollars(100), 0, Day(2026, 2, 3), {Adj(kCO, "16", Dollars(100))}),
       MakeEvent("C8", 1, Dollars(100), 0, Day(2026, 3, 3), {Adj(kPR, "1", Dollars(100))})},
      kAsOf);
  EXPECT_EQ(o.initial, Outcome::kDenied);
  EXPECT_FALSE(o.finally_denied);
  EXPECT_EQ(o.final, Outcome::kZeroPayNotDenied);
  EXPECT_FALSE(o.overturned);  // not paid
}

TEST(DeriveOutcomeTest, OrderIsProductionDateThenPaymentDateThenArrival) {
  // Same production date: the earlier payment date decides the initial outcome.
  RemittanceEvent denied =
      MakeEvent("C9", 1, Dollars(100), 0, Day(2026, 3, 1), {Adj(kCO, "50", Dollars(100))});
  RemittanceEvent paid = MakeEvent("C9", 1, Dollars(100), Dollars(50), Day(2026, 3, 1));
  denied.payment_date = Day(2026, 3, 5);
  paid.payment_date = Day(2026, 3, 4);
  EXPECT_EQ(DeriveOutcome({denied, paid}, kAsOf).initial, Outcome::kPaid);
  // All dates equal: the order the events were given in decides.
  paid.payment_date = Day(2026, 3, 5);
  EXPECT_EQ(DeriveOutcome({denied, paid}, kAsOf).initial, Outcome::kDenied);
  EXPECT_EQ(DeriveOutcome({paid, denied}, kAsOf).initial, Outcome::kPaid);
  // No production date: the payment date is the adjudication date.
  RemittanceEvent late = MakeEvent("C9", 1, Dollars(100), Dollars(50), Day(2026, 1, 1));
  late.production_date.reset();
  late.payment_date = Day(2026, 2, 1);
  const ClaimOutcome o = DeriveOutcome({denied, late}, kAsOf);
  EXPECT_EQ(o.initial, Outcome::kPaid);
  EXPECT_EQ(o.initial_date, Day(2026, 2, 1));
}

TEST(DeriveOutcomeTest, FirstPaymentDateIsTheEarliestPaymentDate) {
  // The second payment was produced later but its payment date is earlier; first payment
  // is the earliest payment date of any paying event.
  RemittanceEvent a = MakeEvent("C10", 1, Dollars(100), Dollars(20), Day(2026, 3, 1));
  a.payment_date = Day(2026, 3, 20);
  RemittanceEvent b = MakeEvent("C10", 1, Dollars(100), Dollars(30), Day(2026, 3, 10));
  b.payment_date = Day(2026, 3, 12);
  EXPECT_EQ(DeriveOutcome({a, b}, kAsOf).first_payment_date, Day(2026, 3, 12));
}

TEST(DeriveOutcomeTest, UndatedEventCountsOnTheAsOfDate) {
  RemittanceEvent undated = MakeEvent("C11", 1, Dollars(100), Dollars(100), Day(2026, 3, 1));
  undated.production_date.reset();
  undated.payment_date.reset();
  const ClaimOutcome o = DeriveOutcome({undated}, kAsOf);
  EXPECT_TRUE(o.adjudicated);
  EXPECT_EQ(o.initial_date, kAsOf);
  EXPECT_EQ(o.first_payment_date, kAsOf);
}

TEST(DeriveOutcomeTest, NoEvents) {
  const ClaimOutcome o = DeriveOutcome({}, kAsOf);
  EXPECT_FALSE(o.adjudicated);
  EXPECT_EQ(o.initial, Outcome::kNone);
  EXPECT_EQ(o.final, Outcome::kNone);
  EXPECT_EQ(o.net_paid_cents, 0);
}

}  // namespace
}  // namespace denialscope
