// Plain GROUP BY queries over the raw tables (claims, diagnoses, remittance events and
// adjustments), each computing the counts behind one AnalyticsService report the way a
// dashboard without stored facts would: bench/analytics_bench compares their latency with
// the RPCs' in the same run. Approximations of the reports' rules (the initial outcome is the
// earliest non-reversal event, a denial is a zero payment), not a second implementation:
// they exist to price the raw path, and nothing but the benchmark runs them.
// Parameters: $1 practice_id, $2 first day, $3 last day (of service).
#ifndef DENIALSCOPE_SQL_BASELINE_QUERIES_H_
#define DENIALSCOPE_SQL_BASELINE_QUERIES_H_

namespace denialscope::queries {

// The principal diagnosis's cohort, from the code alone.
#define DS_BASELINE_COHORT                                                              \
  "CASE WHEN d.code = 'M542' THEN 'nonspecific'"                                        \
  " WHEN d.code LIKE 'M50%' OR d.code LIKE 'M47%' OR d.code IN ('M5412', 'M5413',"     \
  "  'M4802', 'M9901', 'M436', 'M530', 'M531', 'M5382') OR d.code LIKE 'S134%'"         \
  "  OR d.code LIKE 'S161%' THEN 'specific' ELSE 'non_cervical' END"
#define DS_BASELINE_CLAIMS                                                              \
  " FROM claims c JOIN claim_diagnoses d ON d.practice_id = c.practice_id"              \
  "  AND d.payer_id = c.payer_id AND d.claim_id = c.claim_id AND d.position = 1"
#define DS_BASELINE_INITIAL_EVENT                                                       \
  " LEFT JOIN LATERAL (SELECT e.paid_cents = 0 AS denied FROM remittance_events e"      \
  "  WHERE e.practice_id = c.practice_id AND e.payer_id = c.payer_id"                   \
  "   AND e.claim_id = c.claim_id AND e.status_code <> 22"                              \
  "  ORDER BY e.production_date, e.payment_date LIMIT 1) i ON true"
#define DS_BASELINE_PERIOD \
  " WHERE c.practice_id = $1 AND NOT c.voided AND c.service_date BETWEEN $2 AND $3"

// CompareCohorts: claims, adjudicated and initially denied claims and charges per cohort and
// payer.
inline constexpr char kBaselineCompare[] =
    "SELECT " DS_BASELINE_COHORT " AS cohort, c.payer_id, count(*),"
    " count(i.denied), count(*) FILTER (WHERE i.denied), sum(c.total_charge_cents),"
    " sum(c.total_charge_cents) FILTER (WHERE i.denied)" DS_BASELINE_CLAIMS
    DS_BASELINE_INITIAL_EVENT DS_BASELINE_PERIOD " GROUP BY 1, 2";

// GetTrend: the same counts per service month and cohort.
inline constexpr char kBaselineTrend[] =
    "SELECT date_trunc('month', c.service_date), " DS_BASELINE_COHORT ", count(i.denied),"
    " count(*) FILTER (WHERE i.denied)" DS_BASELINE_CLAIMS DS_BASELINE_INITIAL_EVENT
    DS_BASELINE_PERIOD " GROUP BY 1, 2";

// ListDenialReasons: zero-pay events by cohort and CO/OA/PI reason code.
inline constexpr char kBaselineReasons[] =
    "SELECT " DS_BASELINE_COHORT ", a.carc, count(DISTINCT (c.payer_id, c.claim_id)),"
    " sum(a.amount_cents)" DS_BASELINE_CLAIMS
    " JOIN remittance_events e ON e.practice_id = c.practice_id AND e.payer_id = c.payer_id"
    "  AND e.claim_id = c.claim_id AND e.paid_cents = 0 AND e.status_code <> 22"
    " JOIN adjustments a ON a.practice_id = e.practice_id AND a.event_id = e.event_id"
    "  AND a.group_code IN ('CO', 'OA', 'PI') AND a.carc <> '45'" DS_BASELINE_PERIOD
    " GROUP BY 1, 2";

// GetPaymentTimeline: claims per cohort by days from service to first payment (NULL unpaid).
inline constexpr char kBaselineTimeline[] =
    "SELECT cohort, days, count(*) FROM (SELECT " DS_BASELINE_COHORT " AS cohort,"
    "  (SELECT min(e.payment_date) FROM remittance_events e WHERE e.practice_id = c.practice_id"
    "    AND e.payer_id = c.payer_id AND e.claim_id = c.claim_id AND e.paid_cents > 0)"
    "   - c.service_date AS days" DS_BASELINE_CLAIMS DS_BASELINE_PERIOD ") t GROUP BY 1, 2";

// ListDeniedClaims: the first page of claims whose events net to no payment after a denial.
inline constexpr char kBaselineWorklist[] =
    "SELECT c.payer_id, c.claim_id, c.total_charge_cents" DS_BASELINE_CLAIMS
    " JOIN LATERAL (SELECT sum(e.paid_cents) AS net, bool_or(e.paid_cents = 0) AS denied"
    "  FROM remittance_events e WHERE e.practice_id = c.practice_id"
    "   AND e.payer_id = c.payer_id AND e.claim_id = c.claim_id) n ON n.denied AND n.net = 0"
    DS_BASELINE_PERIOD " ORDER BY c.total_charge_cents DESC, c.payer_id, c.claim_id LIMIT 50";

// After a bulk load: planner statistics for every table.
inline constexpr char kBaselineAnalyze[] = "ANALYZE";

#undef DS_BASELINE_COHORT
#undef DS_BASELINE_CLAIMS
#undef DS_BASELINE_INITIAL_EVENT
#undef DS_BASELINE_PERIOD

}  // namespace denialscope::queries

#endif  // DENIALSCOPE_SQL_BASELINE_QUERIES_H_
