// The SQL of the analytics engine's stored facts and cells (migration 0004_report_facts.sql,
// sql/report_facts.h), as named constants like queries.h: values travel only as parameters,
// set-based statements take one array per column.
#ifndef DENIALSCOPE_SQL_REPORT_QUERIES_H_
#define DENIALSCOPE_SQL_REPORT_QUERIES_H_

#include "sql/queries.h"

namespace denialscope::queries {

// The columns of claim_report_facts after practice_id, in the order report_facts.cc reads
// and writes them.
#define DS_REPORT_FACT_COLUMNS                                                             \
  "payer_id, claim_id, cohort, diagnosis_family, diagnosis_code, procedure_family,"        \
  " procedure_code, rendering_npi, place_of_service, replacement, procedure_codes,"        \
  " diagnoses, service_date, submission_date, received_date, initial_adjudication_date,"   \
  " final_adjudication_date, first_payment_date, adjudicated, initially_denied,"           \
  " finally_denied, initial_partial_denial, final_partial_denial, overturned, clean, paid," \
  " open, charge_cents, net_paid_cents, line_count, line_charge_cents,"                    \
  " initially_denied_lines, initially_denied_line_charge_cents, finally_denied_lines,"     \
  " finally_denied_line_charge_cents, overturned_lines, overturned_line_charge_cents,"     \
  " submission_lag_days, turnaround_days, days_to_payment, receipt_to_payment_days,"       \
  " receipt_to_adjudication_days, initial_denial_category, initial_denial_carc,"           \
  " initial_denial_rarc, final_denial_category, final_denial_carc, final_denial_rarc"

inline constexpr CopyTarget kCopyReportFacts = {
    "claim_report_facts",
    {"practice_id", "payer_id", "claim_id", "cohort", "diagnosis_family", "diagnosis_code",
     "procedure_family", "procedure_code", "rendering_npi", "place_of_service", "replacement",
     "procedure_codes", "diagnoses", "service_date", "submission_date", "received_date",
     "initial_adjudication_date", "final_adjudication_date", "first_payment_date",
     "adjudicated", "initially_denied", "finally_denied", "initial_partial_denial",
     "final_partial_denial", "overturned", "clean", "paid", "open", "charge_cents",
     "net_paid_cents", "line_count", "line_charge_cents", "initially_denied_lines",
     "initially_denied_line_charge_cents", "finally_denied_lines",
     "finally_denied_line_charge_cents", "overturned_lines", "overturned_line_charge_cents",
     "submission_lag_days", "turnaround_days", "days_to_payment", "receipt_to_payment_days",
     "receipt_to_adjudication_days", "initial_denial_category", "initial_denial_carc",
     "initial_denial_rarc", "final_denial_category", "final_denial_carc",
     "final_denial_rarc"}};

// $1 practice_id, $2 payer_id[], $3 claim_id[]: the stored facts of these claims.
inline constexpr char kSelectReportFactsByKey[] =
    "SELECT " DS_REPORT_FACT_COLUMNS " FROM claim_report_facts"
    " WHERE practice_id = $1 AND (payer_id, claim_id) IN"
    " (SELECT * FROM unnest($2::text[], $3::text[]))";
inline constexpr char kDeleteReportFactsByKey[] =
    "DELETE FROM claim_report_facts f"
    " USING unnest($2::text[], $3::text[]) AS k(payer_id, claim_id)"
    " WHERE f.practice_id = $1 AND f.payer_id = k.payer_id AND f.claim_id = k.claim_id";

// Rebuild: $1 practice_id.
inline constexpr char kDeleteReportFacts[] = "DELETE FROM claim_report_facts WHERE practice_id = $1";
inline constexpr char kDeleteCountCells[] = "DELETE FROM fact_count_cells WHERE practice_id = $1";
inline constexpr char kDeleteReasonCells[] =
    "DELETE FROM fact_reason_cells WHERE practice_id = $1";
inline constexpr char kDeleteTimeCells[] = "DELETE FROM fact_time_cells WHERE practice_id = $1";
inline constexpr char kDeleteTimeTotals[] = "DELETE FROM fact_time_totals WHERE practice_id = $1";
inline constexpr char kDeleteTimeCurves[] = "DELETE FROM fact_time_curves WHERE practice_id = $1";
inline constexpr char kDeleteTimeMonthCurves[] =
    "DELETE FROM fact_time_month_curves WHERE practice_id = $1";
inline constexpr char kDeleteReceiptCells[] =
    "DELETE FROM fact_receipt_cells WHERE practice_id = $1";
// $1 practice_id: the service months of the practice's active claims (a rebuild derives
// facts one month at a time, so its memory stays bounded).
inline constexpr char kSelectPracticeServiceMonths[] =
    "SELECT DISTINCT date_trunc('month', service_date)::date FROM claims"
    " WHERE practice_id = $1 AND NOT voided ORDER BY 1";

// $1 practice_id: the horizon, no row when nothing is stored yet.
inline constexpr char kSelectHorizon[] =
    "SELECT horizon FROM fact_horizons WHERE practice_id = $1";
// The horizon and, in the same statement, the month span of one cell table (as
// kSelectCountCellSpan and its siblings below): $1 practice_id, $2 basis; the horizon (NULL:
// nothing stored), then the first and last month with cells (NULLs: none). A read that needs
// both made two round trips. Run after kCheckPractice, which scoped row-level security.
#define DS_HORIZON_AND_SPAN(cells)                                                      \
  "SELECT (SELECT horizon FROM fact_horizons WHERE practice_id = $1), min(month),"      \
  " max(month) FROM " cells " WHERE practice_id = $1 AND basis = $2"
inline constexpr char kSelectHorizonAndCountSpan[] = DS_HORIZON_AND_SPAN("fact_count_cells");
inline constexpr char kSelectHorizonAndReasonSpan[] = DS_HORIZON_AND_SPAN("fact_reason_cells");
#undef DS_HORIZON_AND_SPAN
// kSelectHorizonAndTimeSpan: the same for kSelectTimeCellSpan, defined below with it.

// $1 practice_id, $2 date: raises the horizon (never lowers it).
inline constexpr char kRaiseHorizon[] =
    "INSERT INTO fact_horizons AS h (practice_id, horizon) VALUES ($1, $2::date)"
    " ON CONFLICT (practice_id) DO UPDATE SET horizon = EXCLUDED.horizon"
    " WHERE h.horizon < EXCLUDED.horizon";
// $1 practice_id, $2 date (NULL: nothing stored): sets it (rebuild).
inline constexpr char kSetHorizon[] =
    "INSERT INTO fact_horizons AS h (practice_id, horizon)"
    " SELECT $1, $2::date WHERE $2::date IS NOT NULL"
    " ON CONFLICT (practice_id) DO UPDATE SET horizon = EXCLUDED.horizon";

// The practice's data version (migration 0006): $1 practice_id. A fresh value from the
// sequence; run as the last statement of every transaction that changes the practice's data.
inline constexpr char kBumpDataVersion[] =
    "INSERT INTO practice_data_versions AS v (practice_id, version)"
    " VALUES ($1, nextval('practice_data_version_seq'))"
    " ON CONFLICT (practice_id) DO UPDATE SET version = EXCLUDED.version";
// $1 npi: the practice id, naming the practice for row-level security (as kCheckPractice).
inline constexpr char kSetPracticeByNpi[] =
    "SELECT practice_id, set_config('app.practice_id', practice_id::text, true) FROM practices"
    " WHERE npi = $1";
// $1 practice_id: its version, no row when nothing was ever stored for it.
inline constexpr char kSelectDataVersion[] =
    "SELECT version FROM practice_data_versions WHERE practice_id = $1";

// The c_* columns of fact_count_cells: X(position in CountsToVector, 1-based; field name).
#define DS_COUNT_COLUMNS(X) \
  X(1, claims) \
  X(2, charge_cents) \
  X(3, adjudicated) \
  X(4, adjudicated_charge_cents) \
  X(5, adjudicated_lines) \
  X(6, adjudicated_line_charge_cents) \
  X(7, initially_denied) \
  X(8, initially_denied_charge_cents) \
  X(9, initially_denied_lines) \
  X(10, initially_denied_line_charge_cents) \
  X(11, finally_denied) \
  X(12, finally_denied_charge_cents) \
  X(13, finally_denied_lines) \
  X(14, finally_denied_line_charge_cents) \
  X(15, initial_partial_denials) \
  X(16, initial_partial_denial_charge_cents) \
  X(17, initial_partial_denied_lines) \
  X(18, initial_partial_denied_line_charge_cents) \
  X(19, final_partial_denials) \
  X(20, final_partial_denial_charge_cents) \
  X(21, final_partial_denied_lines) \
  X(22, final_partial_denied_line_charge_cents) \
  X(23, overturned) \
  X(24, overturned_charge_cents) \
  X(25, overturned_lines) \
  X(26, overturned_line_charge_cents) \
  X(27, clean) \
  X(28, clean_charge_cents) \
  X(29, net_paid_cents) \
  X(30, served) \
  X(31, paid) \
  X(32, paid_days_sum) \
  X(33, submission_lag_count) \
  X(34, submission_lag_days_sum) \
  X(35, turnaround_count) \
  X(36, turnaround_days_sum) \
  X(37, open) \
  X(38, open_charge_cents)
#define DS_COLUMN(i, name) ", c_" #name
#define DS_ELEMENT(i, name) ", a.v[" #i "]"
#define DS_ADD(i, name) ", c_" #name " = c.c_" #name " + EXCLUDED.c_" #name
#define DS_SUM(i, name) ", sum(c_" #name ")::bigint"
// The counts of `element` (DS_COLUMN, DS_SUM) as one bigint array: the NULL in front only
// lets every element start with a comma, and the slice drops it.
#define DS_COUNT_ARRAY(element) \
  " (ARRAY[NULL::bigint" DS_COUNT_COLUMNS(element) "])[2:]"

// Cell deltas: $1 practice_id, then one array per column; values are added to stored ones.
// Rows come sorted by key (CellBuilder), so concurrent batches lock cells in one order.
// Count cells take each row's counts and squares as one array literal each. OFFSET 0 keeps
// the LATERAL subquery from being flattened: flattened, each a.v[i] re-parsed the row's
// literal, 41 parses a row (46 ms for 840 cells instead of 4 ms).
inline constexpr char kUpsertCountCells[] =
    "INSERT INTO fact_count_cells AS c (practice_id, basis, month, cohort, family, payer_id,"
    "  procedure_family, sq_adjudicated, sq_initially_denied, sq_finally_denied"
    DS_COUNT_COLUMNS(DS_COLUMN) ")"
    " SELECT $1, u.basis, u.month, u.cohort, u.family, u.payer_id, u.procedure_family,"
    "  a.s[1], a.s[2], a.s[3]" DS_COUNT_COLUMNS(DS_ELEMENT)
    " FROM unnest($2::smallint[], $3::date[], $4::text[], $5::text[], $6::text[], $7::text[],"
    "  $8::text[], $9::text[])"
    "  AS u(basis, month, cohort, family, payer_id, procedure_family, counts, squares),"
    "  LATERAL (SELECT u.counts::bigint[] AS v, u.squares::double precision[] AS s"
    "   OFFSET 0) a"
    " ON CONFLICT (practice_id, basis, month, cohort, family, payer_id, procedure_family)"
    " DO UPDATE SET sq_adjudicated = c.sq_adjudicated + EXCLUDED.sq_adjudicated,"
    "  sq_initially_denied = c.sq_initially_denied + EXCLUDED.sq_initially_denied,"
    "  sq_finally_denied = c.sq_finally_denied + EXCLUDED.sq_finally_denied"
    DS_COUNT_COLUMNS(DS_ADD);
inline constexpr char kUpsertReasonCells[] =
    "INSERT INTO fact_reason_cells AS c (practice_id, basis, month, cohort, family, stage,"
    "  category, carc, rarc, claims, charge_cents)"
    " SELECT $1, u.* FROM unnest($2::smallint[], $3::date[], $4::text[], $5::text[],"
    "  $6::smallint[], $7::smallint[], $8::text[], $9::text[], $10::bigint[], $11::bigint[])"
    "  AS u(basis, month, cohort, family, stage, category, carc, rarc, claims, charge_cents)"
    " ON CONFLICT (practice_id, basis, month, cohort, family, stage, category, carc, rarc)"
    " DO UPDATE SET claims = c.claims + EXCLUDED.claims,"
    "  charge_cents = c.charge_cents + EXCLUDED.charge_cents";
inline constexpr char kUpsertTimeCells[] =
    "INSERT INTO fact_time_cells AS c (practice_id, basis, month, cohort, family, paid, day,"
    "  claims, open_claims, open_charge_cents)"
    " SELECT $1, u.* FROM unnest($2::smallint[], $3::date[], $4::text[], $5::text[],"
    "  $6::boolean[], $7::integer[], $8::bigint[], $9::bigint[], $10::bigint[])"
    "  AS u(basis, month, cohort, family, paid, day, claims, open_claims, open_charge_cents)"
    " ON CONFLICT (practice_id, basis, month, cohort, family, paid, day)"
    " DO UPDATE SET claims = c.claims + EXCLUDED.claims,"
    "  open_claims = c.open_claims + EXCLUDED.open_claims,"
    "  open_charge_cents = c.open_charge_cents + EXCLUDED.open_charge_cents";
inline constexpr char kUpsertReceiptCells[] =
    "INSERT INTO fact_receipt_cells AS c (practice_id, basis, month, cohort, family,"
    "  received_date, received, owed, paid_within, adjudicated_within)"
    " SELECT $1, u.basis, u.month, u.cohort, u.family, u.received_date, u.received, u.owed,"
    "  u.paid_within::bigint[], u.adjudicated_within::bigint[]"
    " FROM unnest($2::smallint[], $3::date[], $4::text[], $5::text[], $6::date[],"
    "  $7::bigint[], $8::bigint[], $9::text[], $10::text[])"
    "  AS u(basis, month, cohort, family, received_date, received, owed, paid_within,"
    "   adjudicated_within)"
    " ON CONFLICT (practice_id, basis, month, cohort, family, received_date)"
    " DO UPDATE SET received = c.received + EXCLUDED.received,"
    "  owed = c.owed + EXCLUDED.owed,"
    "  paid_within = ARRAY(SELECT a + b FROM unnest(c.paid_within, EXCLUDED.paid_within)"
    "   WITH ORDINALITY AS t(a, b, i) ORDER BY i),"
    "  adjudicated_within = ARRAY(SELECT a + b FROM unnest(c.adjudicated_within,"
    "   EXCLUDED.adjudicated_within) WITH ORDINALITY AS t(a, b, i) ORDER BY i)";

// The same time-cell deltas summed over months into fact_time_totals (migration 0006), in
// key order like the cells so concurrent batches lock rows in one order.
inline constexpr char kUpsertTimeTotals[] =
    "INSERT INTO fact_time_totals AS c (practice_id, basis, cohort, family, paid, day, claims,"
    "  open_claims, open_charge_cents)"
    " SELECT $1, u.basis, u.cohort, u.family, u.paid, u.day, sum(u.claims), sum(u.open_claims),"
    "  sum(u.open_charge_cents)"
    " FROM unnest($2::smallint[], $3::text[], $4::text[], $5::boolean[], $6::integer[],"
    "  $7::bigint[], $8::bigint[], $9::bigint[])"
    "  AS u(basis, cohort, family, paid, day, claims, open_claims, open_charge_cents)"
    " GROUP BY u.basis, u.cohort, u.family, u.paid, u.day"
    " ORDER BY u.basis, u.cohort, u.family, u.paid, u.day"
    " ON CONFLICT (practice_id, basis, cohort, family, paid, day)"
    " DO UPDATE SET claims = c.claims + EXCLUDED.claims,"
    "  open_claims = c.open_claims + EXCLUDED.open_claims,"
    "  open_charge_cents = c.open_charge_cents + EXCLUDED.open_charge_cents";

// fact_time_curves (migration 0009) of the leaves a batch's time deltas touch: $1 practice_id,
// $2 basis[], $3 cohort[], $4 family[], $5 paid[] (repeats allowed). kLockTimeCurves runs
// before kUpsertTimeTotals: it creates a missing row and locks each row (a no-op update), so
// a concurrent batch of the practice touching the same leaf waits for this one to commit
// before it changes the totals. kRefreshTimeCurves then recomputes each row from the totals
// its transaction can see: every change committed before the lock, plus its own.
// A curve's four array literals from the rows x of its key, in day order.
#define DS_CURVE_ARRAYS                                                                    \
  " coalesce(array_agg(x.day ORDER BY x.day)::text, '{}') AS days,"                         \
  " coalesce(array_agg(x.claims ORDER BY x.day)::text, '{}') AS claims,"                    \
  " coalesce(array_agg(x.open_claims ORDER BY x.day)::text, '{}') AS open_claims,"          \
  " coalesce(array_agg(x.open_charge_cents ORDER BY x.day)::text, '{}') AS open_charge_cents"
#define DS_CURVE_KEYS                                                                      \
  " FROM (SELECT DISTINCT basis, cohort, family, paid FROM unnest($2::smallint[],"         \
  "  $3::text[], $4::text[], $5::boolean[]) AS u(basis, cohort, family, paid)) k"
inline constexpr char kLockTimeCurves[] =
    "INSERT INTO fact_time_curves AS c (practice_id, basis, cohort, family, paid, days, claims,"
    "  open_claims, open_charge_cents)"
    " SELECT $1, k.basis, k.cohort, k.family, k.paid, '{}', '{}', '{}', '{}'" DS_CURVE_KEYS
    " ORDER BY k.basis, k.cohort, k.family, k.paid"
    " ON CONFLICT (practice_id, basis, cohort, family, paid) DO UPDATE SET days = c.days";
inline constexpr char kRefreshTimeCurves[] =
    "UPDATE fact_time_curves AS c SET days = t.days, claims = t.claims,"
    "  open_claims = t.open_claims, open_charge_cents = t.open_charge_cents"
    " FROM (SELECT k.basis, k.cohort, k.family, k.paid, s.*" DS_CURVE_KEYS
    "  CROSS JOIN LATERAL (SELECT" DS_CURVE_ARRAYS
    "   FROM fact_time_totals x WHERE x.practice_id = $1 AND x.basis = k.basis"
    "   AND x.cohort = k.cohort AND x.family = k.family AND x.paid = k.paid"
    "   AND x.claims <> 0) s) t"
    " WHERE c.practice_id = $1 AND c.basis = t.basis AND c.cohort = t.cohort"
    " AND c.family = t.family AND c.paid = t.paid";
#undef DS_CURVE_KEYS

// fact_time_month_curves (migration 0013) of the months and leaves a batch's time deltas
// touch, as kLockTimeCurves / kRefreshTimeCurves are for the totals: $1 practice_id, $2
// basis[], $3 month[], $4 cohort[], $5 family[], $6 paid[] (repeats allowed). The lock runs
// before kUpsertTimeCells, the refresh after it.
#define DS_MONTH_CURVE_KEYS                                                                \
  " FROM (SELECT DISTINCT basis, month, cohort, family, paid FROM unnest($2::smallint[],"  \
  "  $3::date[], $4::text[], $5::text[], $6::boolean[])"                                   \
  "  AS u(basis, month, cohort, family, paid)) k"
inline constexpr char kLockTimeMonthCurves[] =
    "INSERT INTO fact_time_month_curves AS c (practice_id, basis, month, cohort, family, paid,"
    "  days, claims, open_claims, open_charge_cents)"
    " SELECT $1, k.basis, k.month, k.cohort, k.family, k.paid, '{}', '{}', '{}', '{}'"
    DS_MONTH_CURVE_KEYS
    " ORDER BY k.basis, k.month, k.cohort, k.family, k.paid"
    " ON CONFLICT (practice_id, basis, month, cohort, family, paid) DO UPDATE SET days = c.days";
inline constexpr char kRefreshTimeMonthCurves[] =
    "UPDATE fact_time_month_curves AS c SET days = t.days, claims = t.claims,"
    "  open_claims = t.open_claims, open_charge_cents = t.open_charge_cents"
    " FROM (SELECT k.basis, k.month, k.cohort, k.family, k.paid, s.*" DS_MONTH_CURVE_KEYS
    "  CROSS JOIN LATERAL (SELECT" DS_CURVE_ARRAYS
    "   FROM fact_time_cells x WHERE x.practice_id = $1 AND x.basis = k.basis"
    "   AND x.month = k.month AND x.cohort = k.cohort AND x.family = k.family"
    "   AND x.paid = k.paid AND x.claims <> 0) s) t"
    " WHERE c.practice_id = $1 AND c.basis = t.basis AND c.month = t.month"
    " AND c.cohort = t.cohort AND c.family = t.family AND c.paid = t.paid";
#undef DS_MONTH_CURVE_KEYS
#undef DS_CURVE_ARRAYS

// Rollup maintenance (sql/report_rollups.h), after the cells of the same deltas are written.
// Leaf deltas: $1 practice_id, $2 basis[], $3 month[], $4 cohort[], $5 family[], $6 counts and
// $7 squares as one array literal per row, parsed once a row (OFFSET 0, as kUpsertCountCells);
// added to stored rows.
#define DS_LEAF_ADD(i, name) ", c_" #name " = c.c_" #name " + EXCLUDED.c_" #name
inline constexpr char kUpsertCountLeafCells[] =
    "INSERT INTO fact_count_leaf_cells AS c (practice_id, basis, month, cohort, family,"
    "  sq_adjudicated, sq_initially_denied, sq_finally_denied" DS_COUNT_COLUMNS(DS_COLUMN) ")"
    " SELECT $1, u.basis, u.month, u.cohort, u.family, a.s[1], a.s[2], a.s[3]"
    DS_COUNT_COLUMNS(DS_ELEMENT)
    " FROM unnest($2::smallint[], $3::date[], $4::text[], $5::text[], $6::text[], $7::text[])"
    "  AS u(basis, month, cohort, family, counts, squares),"
    "  LATERAL (SELECT u.counts::bigint[] AS v, u.squares::double precision[] AS s"
    "   OFFSET 0) a"
    " ON CONFLICT (practice_id, basis, month, cohort, family)"
    " DO UPDATE SET sq_adjudicated = c.sq_adjudicated + EXCLUDED.sq_adjudicated,"
    "  sq_initially_denied = c.sq_initially_denied + EXCLUDED.sq_initially_denied,"
    "  sq_finally_denied = c.sq_finally_denied + EXCLUDED.sq_finally_denied"
    DS_COUNT_COLUMNS(DS_LEAF_ADD);
// Stratum deltas summed over months into fact_count_totals (migration 0008): $1 practice_id,
// $2 basis[], $3 cohort[], $4 family[], $5 payer_id[], $6 procedure_family[], $7 counts and
// $8 squares as one array literal per row; added to stored rows.
inline constexpr char kUpsertCountTotals[] =
    "INSERT INTO fact_count_totals AS c (practice_id, basis, cohort, family, payer_id,"
    "  procedure_family, sq_adjudicated, sq_initially_denied, sq_finally_denied"
    DS_COUNT_COLUMNS(DS_COLUMN) ")"
    " SELECT $1, u.basis, u.cohort, u.family, u.payer_id, u.procedure_family, a.s[1], a.s[2],"
    "  a.s[3]" DS_COUNT_COLUMNS(DS_ELEMENT)
    " FROM unnest($2::smallint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],"
    "  $8::text[]) AS u(basis, cohort, family, payer_id, procedure_family, counts, squares),"
    "  LATERAL (SELECT u.counts::bigint[] AS v, u.squares::double precision[] AS s"
    "   OFFSET 0) a"
    " ON CONFLICT (practice_id, basis, cohort, family, payer_id, procedure_family)"
    " DO UPDATE SET sq_adjudicated = c.sq_adjudicated + EXCLUDED.sq_adjudicated,"
    "  sq_initially_denied = c.sq_initially_denied + EXCLUDED.sq_initially_denied,"
    "  sq_finally_denied = c.sq_finally_denied + EXCLUDED.sq_finally_denied"
    DS_COUNT_COLUMNS(DS_LEAF_ADD);
#undef DS_LEAF_ADD
// The additive update of a receipt rollup row (fact_receipt_month_cells,
// fact_receipt_day_totals): received, owed, paid and adjudicated within 30/45/60 days.
#define DS_ADD_RECEIPT_SUMS                                                                \
  " DO UPDATE SET received = c.received + EXCLUDED.received, owed = c.owed + EXCLUDED.owed," \
  "  paid_within_30 = c.paid_within_30 + EXCLUDED.paid_within_30,"                          \
  "  paid_within_45 = c.paid_within_45 + EXCLUDED.paid_within_45,"                          \
  "  paid_within_60 = c.paid_within_60 + EXCLUDED.paid_within_60,"                          \
  "  adjudicated_within_30 = c.adjudicated_within_30 + EXCLUDED.adjudicated_within_30,"     \
  "  adjudicated_within_45 = c.adjudicated_within_45 + EXCLUDED.adjudicated_within_45,"     \
  "  adjudicated_within_60 = c.adjudicated_within_60 + EXCLUDED.adjudicated_within_60"
// Receipt-month deltas: $1 practice_id, $2 basis[], $3 month[], $4 cohort[], $5 family[],
// $6 received_month[], $7 received[], $8 owed[], $9..$11 paid within 30/45/60 days[],
// $12..$14 adjudicated within 30/45/60 days[]; added to stored rows.
inline constexpr char kUpsertReceiptMonthCells[] =
    "INSERT INTO fact_receipt_month_cells AS c (practice_id, basis, month, cohort, family,"
    "  received_month, received, owed, paid_within_30, paid_within_45, paid_within_60,"
    "  adjudicated_within_30, adjudicated_within_45, adjudicated_within_60)"
    " SELECT $1, u.* FROM unnest($2::smallint[], $3::date[], $4::text[], $5::text[],"
    "  $6::date[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[],"
    "  $12::bigint[], $13::bigint[], $14::bigint[]) AS u"
    " ON CONFLICT (practice_id, basis, month, cohort, family, received_month)"
    DS_ADD_RECEIPT_SUMS;
// Receipt deltas summed over months by receipt date into fact_receipt_day_totals (migration
// 0014): $1 practice_id, $2 basis[], $3 received_date[], $4 cohort[], $5 family[], then
// received, owed and paid / adjudicated within 30, 45, 60 days ($6-$13), in key order.
inline constexpr char kUpsertReceiptDayTotals[] =
    "INSERT INTO fact_receipt_day_totals AS c (practice_id, basis, received_date, cohort,"
    "  family, received, owed, paid_within_30, paid_within_45, paid_within_60,"
    "  adjudicated_within_30, adjudicated_within_45, adjudicated_within_60)"
    " SELECT $1, u.* FROM unnest($2::smallint[], $3::date[], $4::text[], $5::text[],"
    "  $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[],"
    "  $12::bigint[], $13::bigint[]) AS u"
    " ON CONFLICT (practice_id, basis, received_date, cohort, family)"
    DS_ADD_RECEIPT_SUMS;
#undef DS_ADD_RECEIPT_SUMS
// Reason deltas summed over months into fact_reason_totals (migration 0008): $1 practice_id,
// then as kUpsertReasonCells without the month: $2 basis[], $3 cohort[], $4 family[],
// $5 stage[], $6 category[], $7 carc[], $8 rarc[], $9 claims[], $10 charge_cents[].
inline constexpr char kUpsertReasonTotals[] =
    "INSERT INTO fact_reason_totals AS c (practice_id, basis, cohort, family, stage, category,"
    "  carc, rarc, claims, charge_cents)"
    " SELECT $1, u.* FROM unnest($2::smallint[], $3::text[], $4::text[], $5::smallint[],"
    "  $6::smallint[], $7::text[], $8::text[], $9::bigint[], $10::bigint[])"
    "  AS u(basis, cohort, family, stage, category, carc, rarc, claims, charge_cents)"
    " ON CONFLICT (practice_id, basis, cohort, family, stage, category, carc, rarc)"
    " DO UPDATE SET claims = c.claims + EXCLUDED.claims,"
    "  charge_cents = c.charge_cents + EXCLUDED.charge_cents";
// Rebuild: $1 practice_id.
inline constexpr char kDeleteCountLeafCells[] =
    "DELETE FROM fact_count_leaf_cells WHERE practice_id = $1";
inline constexpr char kDeleteCountTotals[] =
    "DELETE FROM fact_count_totals WHERE practice_id = $1";
inline constexpr char kDeleteReceiptMonthCells[] =
    "DELETE FROM fact_receipt_month_cells WHERE practice_id = $1";
inline constexpr char kDeleteReceiptDayTotals[] =
    "DELETE FROM fact_receipt_day_totals WHERE practice_id = $1";
inline constexpr char kDeleteReasonTotals[] =
    "DELETE FROM fact_reason_totals WHERE practice_id = $1";

// Cell reads: $1 practice_id, $2 basis, $3 first month, $4 last month (first days). Every
// read sums in SQL over what its caller does not need (fact_cells.h CellKind), so a year of
// a million claims comes back as hundreds of rows. Count cells: $5 payer_id[],
// $6 procedure_family[] (empty: all); then month, cohort, family, payer, procedure family,
// the three squares and the counts as one bigint array in DS_COUNT_COLUMNS order
// (DS_COUNT_ARRAY here; the rollups store it, migration 0012). As 38 columns, reading them
// was a quarter of the server's CPU for a comparison: a libpqxx field object, a null check
// and a parse per value.
#define DS_CELLS_IN_PERIOD " WHERE practice_id = $1 AND basis = $2 AND month BETWEEN $3 AND $4"
#define DS_SELECT_COUNT_CELLS(month, strata, group_by)                                     \
  "SELECT " month ", cohort, family, " strata ", sum(sq_adjudicated),"                    \
  " sum(sq_initially_denied), sum(sq_finally_denied)," DS_COUNT_ARRAY(DS_SUM)            \
  " FROM fact_count_cells" DS_CELLS_IN_PERIOD                                             \
  " AND (cardinality($5::text[]) = 0 OR payer_id = ANY($5::text[]))"                      \
  " AND (cardinality($6::text[]) = 0 OR procedure_family = ANY($6::text[]))"              \
  " GROUP BY " group_by
// Per month and stratum; summed over strata. (Summed over months: kSelectCountCellRows.)
inline constexpr char kSelectCountCells[] = DS_SELECT_COUNT_CELLS(
    "month", "payer_id, procedure_family", "month, cohort, family, payer_id, procedure_family");
inline constexpr char kSelectCountCellsByMonth[] =
    DS_SELECT_COUNT_CELLS("month", "'', ''", "month, cohort, family");
#undef DS_SELECT_COUNT_CELLS
// The period's count cells as stored, one row each with the counts as their stored text
// (migration 0015), for the reader to sum per stratum (month reads $3); the columns of
// kSelectCountCells, $1-$4 as there. PostgreSQL's 41 sums per cell took ~3.4 ms
// for a quarter of a 1-million-claim practice (~740 cells). Unfiltered (prepared), and
// with $5 payer_id[] and $6 procedure_family[] (planned per call: that filter form keeps
// PostgreSQL on custom plans).
#define DS_COUNT_CELL_ROWS                                                                  \
  "SELECT $3::date, cohort, family, payer_id, procedure_family, sq_adjudicated,"            \
  " sq_initially_denied, sq_finally_denied, counts_text FROM fact_count_cells"              \
  DS_CELLS_IN_PERIOD
inline constexpr char kSelectCountCellRows[] = DS_COUNT_CELL_ROWS;
inline constexpr char kSelectFilteredCountCellRows[] = DS_COUNT_CELL_ROWS
    " AND (cardinality($5::text[]) = 0 OR payer_id = ANY($5::text[]))"
    " AND (cardinality($6::text[]) = 0 OR procedure_family = ANY($6::text[]))";
#undef DS_COUNT_CELL_ROWS
// Reason and receipt cells summed over the period's months (month reads $3). Time cells
// come summed per month and leaf as curves (kSelectTimeMonthCurves).
inline constexpr char kSelectReasonCells[] =
    "SELECT $3::date, cohort, family, stage, category, carc, rarc, sum(claims)::bigint,"
    " sum(charge_cents)::bigint FROM fact_reason_cells" DS_CELLS_IN_PERIOD
    " GROUP BY cohort, family, stage, category, carc, rarc HAVING sum(claims) <> 0";
inline constexpr char kSelectReceiptCells[] =
    "SELECT $3::date, cohort, family, received_date, sum(received)::bigint,"
    " sum(owed)::bigint, sum(paid_within[1])::bigint, sum(paid_within[2])::bigint,"
    " sum(paid_within[3])::bigint, sum(adjudicated_within[1])::bigint,"
    " sum(adjudicated_within[2])::bigint, sum(adjudicated_within[3])::bigint"
    " FROM fact_receipt_cells" DS_CELLS_IN_PERIOD
    " GROUP BY cohort, family, received_date HAVING sum(received) <> 0";
// $1 practice_id, $2 basis: the first and last month with time or receipt cells (NULLs when
// none). A period covering them may read the all-months curves instead of each month's, and
// the receipt-day totals instead of the cells (a timeline reads both).
#define DS_TIME_SPAN                                                                       \
  " least(t.lo, r.lo), greatest(t.hi, r.hi)"                                              \
  " FROM (SELECT min(month) AS lo, max(month) AS hi FROM fact_time_cells"                 \
  "  WHERE practice_id = $1 AND basis = $2) t,"                                           \
  " (SELECT min(month) AS lo, max(month) AS hi FROM fact_receipt_cells"                   \
  "  WHERE practice_id = $1 AND basis = $2) r"
inline constexpr char kSelectTimeCellSpan[] = "SELECT" DS_TIME_SPAN;
inline constexpr char kSelectHorizonAndTimeSpan[] =
    "SELECT (SELECT horizon FROM fact_horizons WHERE practice_id = $1)," DS_TIME_SPAN;
#undef DS_TIME_SPAN
// The period's time cells from fact_time_month_curves (migration 0013): $1 practice_id,
// $2 basis, $3 first month, $4 last month; one row per month, leaf and paid flag, then the
// columns of kSelectTimeTotalsByLeaf, a leaf's and paid flag's months together. The reader
// sums a (leaf, paid, day) over months; grouping ~1,200 cells a month per request instead
// cost ~7 ms of CPU per call for a quarter.
inline constexpr char kSelectTimeMonthCurves[] =
    "SELECT month, cohort, family, paid, days, claims, open_claims, open_charge_cents"
    " FROM fact_time_month_curves" DS_CELLS_IN_PERIOD " AND days <> '{}'"
    " ORDER BY cohort, family, paid";
// The time cells over every month, one row per leaf and paid flag (fact_time_curves,
// migrations 0009 and 0010): $1 practice_id, $2 basis; cohort, family, paid, then day,
// claims, open claims and open charges as four array literals in one order. ~4,200 rows of
// a year would each repeat the leaf as text and cost the reader a field object per value;
// grouping them into arrays per request cost PostgreSQL about 2.5 ms, and writing stored
// arrays out as text about 0.6 ms.
inline constexpr char kSelectTimeTotalsByLeaf[] =
    "SELECT cohort, family, paid, days, claims, open_claims, open_charge_cents"
    " FROM fact_time_curves WHERE practice_id = $1 AND basis = $2 AND days <> '{}'";
// Receipt cells due for prompt pay (fact_cells.h kDueReceipts): $5 the last receipt date that
// counts, which the one row per leaf carries. Whole receipt months before $5's month come
// from fact_receipt_month_cells (migration 0008), the days of $5's month from the cells by
// their receipt-date index (migration 0011). `month + 0` keeps the prepared (generic) plan
// off the primary key, whose service-month range would make it walk every cell of the
// period (~6,500 in a year of a 1-million-claim practice) to keep the ~400 of those days.
inline constexpr char kSelectDueReceiptCells[] =
    "SELECT $3::date, cohort, family, $5::date, sum(received)::bigint, sum(owed)::bigint,"
    " sum(p30)::bigint, sum(p45)::bigint, sum(p60)::bigint, sum(a30)::bigint,"
    " sum(a45)::bigint, sum(a60)::bigint FROM ("
    "  SELECT cohort, family, received, owed, paid_within_30 AS p30, paid_within_45 AS p45,"
    "   paid_within_60 AS p60, adjudicated_within_30 AS a30, adjudicated_within_45 AS a45,"
    "   adjudicated_within_60 AS a60 FROM fact_receipt_month_cells" DS_CELLS_IN_PERIOD
    "   AND received_month < date_trunc('month', $5::date)::date"
    "  UNION ALL"
    "  SELECT cohort, family, received, owed, paid_within[1], paid_within[2], paid_within[3],"
    "   adjudicated_within[1], adjudicated_within[2], adjudicated_within[3]"
    "  FROM fact_receipt_cells WHERE practice_id = $1 AND basis = $2"
    "   AND received_date BETWEEN date_trunc('month', $5::date)::date AND $5::date"
    "   AND month + 0 BETWEEN $3 AND $4) due"
    " GROUP BY cohort, family HAVING sum(received) <> 0";
// kSelectDueReceiptCells for a period covering every month with time and receipt cells
// (kSelectTimeCellSpan): $1 practice_id, $2 basis, $3 first month (echoed), $4 the last
// receipt date that counts. The days of $4's month come from fact_receipt_day_totals
// (migration 0014: ~20 rows a leaf, together in its key) instead of ~400 cells scattered
// over the period's pages.
inline constexpr char kSelectDueReceiptTotals[] =
    "SELECT $3::date, cohort, family, $4::date, sum(received)::bigint, sum(owed)::bigint,"
    " sum(p30)::bigint, sum(p45)::bigint, sum(p60)::bigint, sum(a30)::bigint,"
    " sum(a45)::bigint, sum(a60)::bigint FROM ("
    "  SELECT cohort, family, received, owed, paid_within_30 AS p30, paid_within_45 AS p45,"
    "   paid_within_60 AS p60, adjudicated_within_30 AS a30, adjudicated_within_45 AS a45,"
    "   adjudicated_within_60 AS a60 FROM fact_receipt_month_cells"
    "   WHERE practice_id = $1 AND basis = $2"
    "   AND received_month < date_trunc('month', $4::date)::date"
    "  UNION ALL"
    "  SELECT cohort, family, received, owed, paid_within_30, paid_within_45, paid_within_60,"
    "   adjudicated_within_30, adjudicated_within_45, adjudicated_within_60"
    "  FROM fact_receipt_day_totals WHERE practice_id = $1 AND basis = $2"
    "   AND received_date BETWEEN date_trunc('month', $4::date)::date AND $4::date) due"
    " GROUP BY cohort, family HAVING sum(received) <> 0";

// The rollups of migration 0008 (sql/report_rollups.h). Their counts come as the stored
// array text of migration 0012 (counts_text): formatting ~10,000 bigints per request was
// most of PostgreSQL's time for a comparison.
// Count cells summed over strata without payer or procedure-family filters: $1 practice_id,
// $2 basis, $3 first month, $4 last month; the columns of kSelectCountCellsByMonth.
inline constexpr char kSelectCountLeafCells[] =
    "SELECT month, cohort, family, '', '', sq_adjudicated, sq_initially_denied,"
    " sq_finally_denied, counts_text FROM fact_count_leaf_cells" DS_CELLS_IN_PERIOD;
// $1 practice_id, $2 basis: the first and last month with count cells (NULLs when none). A
// comparison whose period covers them reads fact_count_totals instead of summing the cells.
inline constexpr char kSelectCountCellSpan[] =
    "SELECT min(month), max(month) FROM fact_count_cells WHERE practice_id = $1 AND basis = $2";
// The count cells summed per stratum over every month (migration 0008): $1 practice_id,
// $2 basis, $3 first month (echoed); the filtered form also $4 payer_id[], $5 procedure_family[]
// (empty: all). Two statements because PostgreSQL never chose a generic plan for the one
// with the filter arrays (the custom plans fold the empty filters away), so every call
// planned it again (0.066 ms); without them the generic plan is the custom one.
#define DS_SELECT_COUNT_TOTALS                                                     \
  "SELECT $3::date, cohort, family, payer_id, procedure_family, sq_adjudicated,"   \
  " sq_initially_denied, sq_finally_denied, counts_text"                          \
  " FROM fact_count_totals WHERE practice_id = $1 AND basis = $2"
inline constexpr char kSelectCountTotals[] = DS_SELECT_COUNT_TOTALS;
inline constexpr char kSelectFilteredCountTotals[] =
    DS_SELECT_COUNT_TOTALS
    " AND (cardinality($4::text[]) = 0 OR payer_id = ANY($4::text[]))"
    " AND (cardinality($5::text[]) = 0 OR procedure_family = ANY($5::text[]))";
#undef DS_SELECT_COUNT_TOTALS
// The same for reason cells: their span, and kSelectReasonCells over every month ($1
// practice_id, $2 basis, $3 first month, echoed) from fact_reason_totals (migration 0008).
inline constexpr char kSelectReasonCellSpan[] =
    "SELECT min(month), max(month) FROM fact_reason_cells WHERE practice_id = $1 AND basis = $2";
inline constexpr char kSelectReasonTotals[] =
    "SELECT $3::date, cohort, family, stage, category, carc, rarc, claims, charge_cents"
    " FROM fact_reason_totals WHERE practice_id = $1 AND basis = $2 AND claims <> 0";
// Rows whose stored counts_text (migrations 0012, 0015) is not the array of their c_*
// columns in DS_COUNT_COLUMNS order, over both rollups and the cells (0 when the
// migrations' column list and DS_COUNT_COLUMNS agree): for tests.
inline constexpr char kCountTextMismatches[] =
    "SELECT (SELECT count(*) FROM fact_count_totals WHERE counts_text IS DISTINCT FROM"
    DS_COUNT_ARRAY(DS_COLUMN) "::text)"
    " + (SELECT count(*) FROM fact_count_leaf_cells WHERE counts_text IS DISTINCT FROM"
    DS_COUNT_ARRAY(DS_COLUMN) "::text)"
    " + (SELECT count(*) FROM fact_count_cells WHERE counts_text IS DISTINCT FROM"
    DS_COUNT_ARRAY(DS_COLUMN) "::text)";
#undef DS_CELLS_IN_PERIOD
#undef DS_COLUMN
#undef DS_ELEMENT
#undef DS_ADD
#undef DS_SUM
#undef DS_COUNT_ARRAY
#undef DS_COUNT_COLUMNS

// Per-claim reads: $1 practice_id, $2 first day, $3 last day, $4 payer_id[],
// $5 procedure_family[], $6 rendering_npi[], $7 place_of_service[] (empty: all).
#define DS_FACT_FILTERS                                                               \
  " AND (cardinality($4::text[]) = 0 OR payer_id = ANY($4::text[]))"                  \
  " AND (cardinality($5::text[]) = 0 OR procedure_family = ANY($5::text[]))"          \
  " AND (cardinality($6::text[]) = 0 OR rendering_npi = ANY($6::text[]))"             \
  " AND (cardinality($7::text[]) = 0 OR place_of_service = ANY($7::text[]))"
#define DS_SELECT_FACTS(date_column)                                          \
  "SELECT " DS_REPORT_FACT_COLUMNS " FROM claim_report_facts"                 \
  " WHERE practice_id = $1 AND " date_column " BETWEEN $2 AND $3" DS_FACT_FILTERS
inline constexpr char kSelectFactsByServiceDate[] = DS_SELECT_FACTS("service_date");
inline constexpr char kSelectFactsByAdjudicationDate[] =
    DS_SELECT_FACTS("initial_adjudication_date");

// The worklist, in worklist order: $1..$7 as above, $8 cohort[], $9 final category
// smallint[], $10 final CARC[] (empty: all), $11 whether $12..$14 (charge, payer_id,
// claim_id of the previous page's last row) apply, $15 limit.
#define DS_SELECT_WORKLIST(date_column)                                                  \
  DS_SELECT_FACTS(date_column)                                                           \
  " AND finally_denied AND adjudicated"                                                  \
  " AND (cardinality($8::text[]) = 0 OR cohort = ANY($8::text[]))"                       \
  " AND (cardinality($9::smallint[]) = 0 OR final_denial_category = ANY($9::smallint[]))" \
  " AND (cardinality($10::text[]) = 0 OR final_denial_carc = ANY($10::text[]))"          \
  " AND (NOT $11::boolean OR charge_cents < $12::bigint OR (charge_cents = $12::bigint"  \
  "  AND (payer_id COLLATE \"C\", claim_id COLLATE \"C\") > ($13::text, $14::text)))"    \
  " ORDER BY charge_cents DESC, payer_id COLLATE \"C\", claim_id COLLATE \"C\" LIMIT $15"
inline constexpr char kSelectWorklistByServiceDate[] = DS_SELECT_WORKLIST("service_date");
inline constexpr char kSelectWorklistByAdjudicationDate[] =
    DS_SELECT_WORKLIST("initial_adjudication_date");
#undef DS_SELECT_WORKLIST
#undef DS_SELECT_FACTS
#undef DS_FACT_FILTERS
#undef DS_REPORT_FACT_COLUMNS

}  // namespace denialscope::queries

#endif  // DENIALSCOPE_SQL_REPORT_QUERIES_H_
