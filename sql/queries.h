// Every SQL statement sql/ runs, as a named constant, so the SQL can be read and reviewed in
// one place and nothing is ever assembled from input: values always travel as parameters
// ($1, $2, ...) or as COPY data. Set-based statements take one array parameter per column and
// expand them with unnest, so a batch costs a fixed number of round trips whatever its size;
// rows known to be new are streamed with COPY into the targets listed here.
//
// Statements run with exec_params (the unnamed statement), so each is planned with its actual
// parameters: a cached generic plan made while a table was nearly empty (the start of a bulk
// load) would turn keyed lookups into scans of the whole practice. Forcing custom plans
// session-wide instead would also re-plan every foreign-key check of a COPY.
#ifndef DENIALSCOPE_SQL_QUERIES_H_
#define DENIALSCOPE_SQL_QUERIES_H_

#include <initializer_list>

namespace denialscope::queries {

// --- Migrations (run with plain exec: they precede the schema) --------------------------

// Serializes migration runners of every server sharing the database (two-int advisory key
// space, so it never collides with the claim-key locks below).
inline constexpr char kLockMigrations[] = "SELECT pg_advisory_xact_lock(1146308941, 1)";
inline constexpr char kCreateSchemaMigrations[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " name text PRIMARY KEY,"
    " applied_at timestamptz NOT NULL DEFAULT now())";
inline constexpr char kSelectAppliedMigrations[] = "SELECT name FROM schema_migrations";
inline constexpr char kInsertMigration[] = "INSERT INTO schema_migrations (name) VALUES ($1)";
inline constexpr char kSchemaMigrationsExists[] =
    "SELECT to_regclass('schema_migrations') IS NOT NULL";
// Whether a migration is recorded; the store also uses it to refuse an unmigrated database.
inline constexpr char kSelectMigration[] = "SELECT 1 FROM schema_migrations WHERE name = $1";

// --- Practices ---------------------------------------------------------------------------

// $1 npi, $2 display_name. No row back when the NPI exists already.
inline constexpr char kInsertPractice[] =
    "INSERT INTO practices (npi, display_name) VALUES ($1, $2)"
    " ON CONFLICT (npi) DO NOTHING RETURNING practice_id";

// $1 npi.
inline constexpr char kSelectPractice[] =
    "SELECT practice_id, npi, display_name FROM practices WHERE npi = $1";

// $1 after_npi (exclusive), $2 limit.
inline constexpr char kListPractices[] =
    "SELECT practice_id, npi, display_name FROM practices"
    " WHERE npi > $1 ORDER BY npi LIMIT $2";

// --- Ingest: shared -----------------------------------------------------------------------

// $1 bigint[] of lock keys, sorted ascending. Holding the lock of a claim key (a hash bucket
// of practice, payer and claim id) until commit serializes batches that touch the same
// claim, so the claim-event join and the facts never miss a concurrent partner.
inline constexpr char kLockClaimKeys[] =
    "SELECT count(pg_advisory_xact_lock(k)) FROM unnest($1::bigint[]) AS k";

// $1 practice_id: the practice's payers that have a name.
inline constexpr char kSelectPayerNames[] =
    "SELECT payer_id, payer_name FROM payers WHERE practice_id = $1 AND payer_name <> ''";
// $1 practice_id, $2 payer_id[], $3 payer_name[] (sorted by payer_id, distinct). Adds new
// payers and fills a missing name; never takes row locks on existing payers.
inline constexpr char kUpsertPayers[] =
    "WITH input AS ("
    "  SELECT * FROM unnest($2::text[], $3::text[]) AS u(payer_id, payer_name)),"
    " inserted AS ("
    "  INSERT INTO payers (practice_id, payer_id, payer_name)"
    "  SELECT $1, payer_id, payer_name FROM input"
    "  ON CONFLICT (practice_id, payer_id) DO NOTHING)"
    " UPDATE payers p SET payer_name = i.payer_name FROM input i"
    " WHERE p.practice_id = $1 AND p.payer_id = i.payer_id"
    "   AND p.payer_name = '' AND i.payer_name <> ''";

// $1 practice_id, $2 npi: the practice a batch or a query names must exist as named. It also
// scopes the transaction to that practice for row-level security (migration 0003): every
// practice-scoped transaction runs this first, and its setting ends with the transaction.
inline constexpr char kCheckPractice[] =
    "SELECT set_config('app.practice_id', practice_id::text, true) FROM practices"
    " WHERE practice_id = $1 AND npi = $2";

// $1 practice_id, $2 payer_id[], $3 claim_id[]: the stored claims among these keys.
inline constexpr char kSelectExistingClaims[] =
    "SELECT c.payer_id, c.claim_id"
    " FROM claims c"
    " JOIN unnest($2::text[], $3::text[]) AS k(payer_id, claim_id)"
    "   ON c.payer_id = k.payer_id AND c.claim_id = k.claim_id"
    " WHERE c.practice_id = $1";

// The same, with what deciding a new submission needs: status, version, content hash, the
// first-submitted diagnoses and the current ones in position order.
inline constexpr char kSelectClaimStates[] =
    "SELECT c.payer_id, c.claim_id, c.voided, c.version, encode(c.content_hash, 'hex'),"
    " c.first_diagnoses,"
    " ARRAY(SELECT d.code FROM claim_diagnoses d WHERE d.practice_id = c.practice_id"
    "   AND d.payer_id = c.payer_id AND d.claim_id = c.claim_id ORDER BY d.position)"
    " FROM claims c"
    " JOIN unnest($2::text[], $3::text[]) AS k(payer_id, claim_id)"
    "   ON c.payer_id = k.payer_id AND c.claim_id = k.claim_id"
    " WHERE c.practice_id = $1";

// --- Ingest: claims ----------------------------------------------------------------------

// $1 practice_id, $2 payer_id[], $3 claim_id[]: every recorded submission.
inline constexpr char kSelectSubmissions[] =
    "SELECT s.payer_id, s.claim_id, s.frequency_code, encode(s.content_hash, 'hex')"
    " FROM claim_submissions s"
    " JOIN unnest($2::text[], $3::text[]) AS k(payer_id, claim_id)"
    "   ON s.payer_id = k.payer_id AND s.claim_id = k.claim_id"
    " WHERE s.practice_id = $1";

// $1 practice_id, then one array per column. Rewrites replaced claims (their lines and
// diagnoses are deleted and copied again separately); new claims go in by COPY.
inline constexpr char kUpsertClaims[] =
    "INSERT INTO claims (practice_id, payer_id, claim_id, frequency_code, voided, version,"
    "  payer_name, patient_key, billing_npi, rendering_npi, place_of_service,"
    "  submission_date, service_date, total_charge_cents, content_hash, first_diagnoses)"
    " SELECT $1, u.payer_id, u.claim_id, u.frequency_code, u.voided, u.version,"
    "  u.payer_name, u.patient_key, u.billing_npi, u.rendering_npi, u.place_of_service,"
    "  u.submission_date, u.service_date, u.total_charge_cents, decode(u.content_hash, 'hex'),"
    "  u.first_diagnoses::text[]"
    " FROM unnest($2::text[], $3::text[], $4::smallint[], $5::boolean[], $6::integer[],"
    "  $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::date[],"
    "  $13::date[], $14::bigint[], $15::text[], $16::text[])"
    "  AS u(payer_id, claim_id, frequency_code, voided, version, payer_name, patient_key,"
    "   billing_npi, rendering_npi, place_of_service, submission_date, service_date,"
    "   total_charge_cents, content_hash, first_diagnoses)"
    " ON CONFLICT (practice_id, payer_id, claim_id) DO UPDATE SET"
    "  frequency_code = EXCLUDED.frequency_code, voided = EXCLUDED.voided,"
    "  version = EXCLUDED.version, payer_name = EXCLUDED.payer_name,"
    "  patient_key = EXCLUDED.patient_key, billing_npi = EXCLUDED.billing_npi,"
    "  rendering_npi = EXCLUDED.rendering_npi, place_of_service = EXCLUDED.place_of_service,"
    "  submission_date = EXCLUDED.submission_date, service_date = EXCLUDED.service_date,"
    "  total_charge_cents = EXCLUDED.total_charge_cents,"
    "  content_hash = EXCLUDED.content_hash, first_diagnoses = EXCLUDED.first_diagnoses,"
    "  updated_at = now()";

// $1 practice_id, $2 payer_id[], $3 claim_id[], $4 voided[], $5 version[]: a void without
// new content.
inline constexpr char kSetClaimStatus[] =
    "UPDATE claims c SET voided = u.voided, version = u.version, updated_at = now()"
    " FROM unnest($2::text[], $3::text[], $4::boolean[], $5::integer[])"
    "  AS u(payer_id, claim_id, voided, version)"
    " WHERE c.practice_id = $1 AND c.payer_id = u.payer_id AND c.claim_id = u.claim_id";

// $1 practice_id, $2 payer_id[], $3 claim_id[].
inline constexpr char kDeleteClaimLines[] =
    "DELETE FROM claim_lines l USING unnest($2::text[], $3::text[]) AS k(payer_id, claim_id)"
    " WHERE l.practice_id = $1 AND l.payer_id = k.payer_id AND l.claim_id = k.claim_id";
inline constexpr char kDeleteClaimDiagnoses[] =
    "DELETE FROM claim_diagnoses d"
    " USING unnest($2::text[], $3::text[]) AS k(payer_id, claim_id)"
    " WHERE d.practice_id = $1 AND d.payer_id = k.payer_id AND d.claim_id = k.claim_id";

// --- Ingest: remittances ------------------------------------------------------------------

// $1 practice_id, $2 event_id[] (hex): the ids among them already stored.
inline constexpr char kSelectStoredEvents[] =
    "SELECT encode(e.event_id, 'hex') FROM remittance_events e"
    " JOIN unnest($2::text[]) AS k(id) ON e.event_id = decode(k.id, 'hex')"
    " WHERE e.practice_id = $1";

// --- Provider-level adjustments (835 PLB) ----------------------------------------------

// $1 practice_id, $2 payer_id[], $3 trace_number[], $4 sequence[]: the stored content hash of
// each key that is stored.
inline constexpr char kSelectProviderAdjustmentHashes[] =
    "SELECT a.payer_id, a.trace_number, a.sequence, encode(a.content_hash, 'hex')"
    " FROM provider_adjustments a"
    " JOIN unnest($2::text[], $3::text[], $4::int[]) AS k(payer_id, trace_number, sequence)"
    "   ON a.payer_id = k.payer_id AND a.trace_number = k.trace_number"
    "  AND a.sequence = k.sequence"
    " WHERE a.practice_id = $1";

// $1 practice_id, then one array per column. A key stored meanwhile by a concurrent import
// is skipped; RETURNING names the rows this statement stored.
inline constexpr char kInsertProviderAdjustments[] =
    "INSERT INTO provider_adjustments (practice_id, payer_id, payer_name, trace_number,"
    " sequence, content_hash, provider_id, fiscal_period_date, reason_code, reference,"
    " amount_cents, payment_date)"
    " SELECT $1, u.payer_id, u.payer_name, u.trace_number, u.sequence,"
    "  decode(u.content_hash, 'hex'), u.provider_id, u.fiscal_period_date, u.reason_code,"
    "  u.reference, u.amount_cents, u.payment_date"
    " FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[],"
    "  $8::date[], $9::text[], $10::text[], $11::bigint[], $12::date[])"
    "  AS u(payer_id, payer_name, trace_number, sequence, content_hash, provider_id,"
    "   fiscal_period_date, reason_code, reference, amount_cents, payment_date)"
    " ON CONFLICT (practice_id, payer_id, trace_number, sequence) DO NOTHING"
    " RETURNING payer_id, trace_number, sequence";

// $1 practice_id: every stored adjustment, in key order (bytewise, as the in-memory store).
inline constexpr char kListProviderAdjustments[] =
    "SELECT payer_id, payer_name, trace_number, sequence, provider_id, fiscal_period_date,"
    " reason_code, reference, amount_cents, payment_date"
    " FROM provider_adjustments WHERE practice_id = $1"
    " ORDER BY payer_id COLLATE \"C\", trace_number COLLATE \"C\", sequence";

// --- The file registry (0007) --------------------------------------------------------------

// $1 practice_id, $2 content_sha256.
inline constexpr char kFindImportedFile[] =
    "SELECT format, file_name, bytes, claims, claim_lines, remittance_events,"
    " provider_adjustments, provider_adjustments_stored, provider_adjustments_duplicate,"
    " provider_adjustments_rejected, accepted, duplicate, rejected, unmatched, problem_count,"
    " (extract(epoch FROM imported_at) * 1000000)::bigint"
    " FROM imported_files WHERE practice_id = $1 AND content_sha256 = $2";

// $1 practice_id, $2 content_sha256, $3 format, $4 file_name, $5..$17 the counts in the
// order of kFindImportedFile, $18 imported_at in microseconds since the epoch. The first
// record of a hash stays.
inline constexpr char kRecordImportedFile[] =
    "INSERT INTO imported_files (practice_id, content_sha256, format, file_name, bytes, claims,"
    " claim_lines, remittance_events, provider_adjustments, provider_adjustments_stored,"
    " provider_adjustments_duplicate, provider_adjustments_rejected, accepted, duplicate,"
    " rejected, unmatched, problem_count, imported_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,"
    " to_timestamp($18::bigint / 1000000.0))"
    " ON CONFLICT (practice_id, content_sha256) DO NOTHING";

// --- Per-claim facts ----------------------------------------------------------------------

// $1 practice_id, $2 payer_id[], $3 claim_id[].
inline constexpr char kDeleteClaimFacts[] =
    "DELETE FROM claim_facts f USING unnest($2::text[], $3::text[]) AS k(payer_id, claim_id)"
    " WHERE f.practice_id = $1 AND f.payer_id = k.payer_id AND f.claim_id = k.claim_id";

// $1 practice_id, then one array per column: the outcome columns of existing facts, after
// new events joined a claim whose own fields (and so its cohort) did not change.
inline constexpr char kUpdateClaimFactOutcomes[] =
    "UPDATE claim_facts f SET event_count = u.event_count, adjudicated = u.adjudicated,"
    "  initial_outcome = u.initial_outcome, initial_date = u.initial_date,"
    "  initial_partial_denial = u.initial_partial_denial, final_outcome = u.final_outcome,"
    "  finally_denied = u.finally_denied, overturned = u.overturned,"
    "  net_paid_cents = u.net_paid_cents, first_payment_date = u.first_payment_date,"
    "  updated_at = now()"
    " FROM unnest($2::text[], $3::text[], $4::integer[], $5::boolean[], $6::text[], $7::date[],"
    "  $8::boolean[], $9::text[], $10::boolean[], $11::boolean[], $12::bigint[], $13::date[])"
    "  AS u(payer_id, claim_id, event_count, adjudicated, initial_outcome, initial_date,"
    "   initial_partial_denial, final_outcome, finally_denied, overturned, net_paid_cents,"
    "   first_payment_date)"
    " WHERE f.practice_id = $1 AND f.payer_id = u.payer_id AND f.claim_id = u.claim_id";

// --- COPY targets ---------------------------------------------------------------------------
//
// Rows known to be new (the claim keys are locked and checked first) are streamed with COPY,
// the fastest way into PostgreSQL; the columns not listed take their defaults.

struct CopyTarget {
  const char* table;
  std::initializer_list<const char*> columns;
};

inline constexpr CopyTarget kCopyClaims = {
    "claims",
    {"practice_id", "payer_id", "claim_id", "frequency_code", "voided", "version", "payer_name",
     "patient_key", "billing_npi", "rendering_npi", "place_of_service", "submission_date",
     "service_date", "total_charge_cents", "content_hash", "first_diagnoses"}};
inline constexpr CopyTarget kCopyClaimLines = {
    "claim_lines",
    {"practice_id", "payer_id", "claim_id", "line_number", "line_control_number",
     "procedure_code", "modifiers", "charge_cents", "units", "diagnosis_pointers",
     "service_date", "rendering_npi"}};
inline constexpr CopyTarget kCopyClaimDiagnoses = {
    "claim_diagnoses", {"practice_id", "payer_id", "claim_id", "position", "code"}};
inline constexpr CopyTarget kCopyClaimSubmissions = {
    "claim_submissions",
    {"practice_id", "payer_id", "claim_id", "content_hash", "frequency_code", "version"}};
inline constexpr CopyTarget kCopyRemittanceEvents = {
    "remittance_events",
    {"practice_id", "event_id", "payer_id", "payer_name", "claim_id", "status_code",
     "charge_cents", "paid_cents", "patient_responsibility_cents", "payer_claim_control_number",
     "received_date", "production_date", "payment_date", "trace_number"}};
inline constexpr CopyTarget kCopyRemittanceLines = {
    "remittance_lines",
    {"practice_id", "event_id", "line_index", "line_control_number", "procedure_code",
     "modifiers", "charge_cents", "paid_cents", "units", "service_date"}};
inline constexpr CopyTarget kCopyAdjustments = {
    "adjustments",
    {"practice_id", "event_id", "line_index", "position", "group_code", "carc", "amount_cents",
     "quantity"}};
inline constexpr CopyTarget kCopyRemarkCodes = {
    "remark_codes", {"practice_id", "event_id", "line_index", "position", "code"}};
inline constexpr CopyTarget kCopyClaimFacts = {
    "claim_facts",
    {"practice_id", "payer_id", "claim_id", "cohort", "family", "cohort_code", "principal_dx",
     "service_date", "charge_cents", "event_count", "adjudicated", "initial_outcome",
     "initial_date", "initial_partial_denial", "final_outcome", "finally_denied", "overturned",
     "net_paid_cents", "first_payment_date"}};

// --- Loading claim histories ---------------------------------------------------------------
//
// Each family of seven statements loads active claims and everything that joins to them,
// one set-based query per table. The claim filter comes in two forms with the same
// parameter positions: by date of service ($1 practice_id, $2 from, $3 to; served by the
// partial index claims_active_by_service_date) and by key ($1 practice_id, $2 payer_id[],
// $3 claim_id[]). Columns are documented once, in the range form.

#define DS_CLAIMS_IN_RANGE \
  " c.practice_id = $1 AND NOT c.voided AND c.service_date BETWEEN $2::date AND $3::date"
#define DS_CLAIMS_IN_KEYS                                            \
  " c.practice_id = $1 AND NOT c.voided AND (c.payer_id, c.claim_id) IN" \
  " (SELECT * FROM unnest($2::text[], $3::text[]))"

#define DS_LOAD_CLAIMS(filter)                                                            \
  "SELECT c.payer_id, c.claim_id, c.frequency_code, c.payer_name, c.patient_key,"        \
  " c.billing_npi, c.rendering_npi, c.place_of_service, c.submission_date,"              \
  " c.total_charge_cents, c.first_diagnoses"                                              \
  " FROM claims c WHERE" filter " ORDER BY c.payer_id, c.claim_id"
#define DS_LOAD_DIAGNOSES(filter)                                                         \
  "SELECT d.payer_id, d.claim_id, d.code"                                                 \
  " FROM claims c JOIN claim_diagnoses d ON d.practice_id = c.practice_id"               \
  "  AND d.payer_id = c.payer_id AND d.claim_id = c.claim_id"                            \
  " WHERE" filter " ORDER BY d.payer_id, d.claim_id, d.position"
#define DS_LOAD_LINES(filter)                                                             \
  "SELECT l.payer_id, l.claim_id, l.line_number, l.line_control_number,"                 \
  " l.procedure_code, l.modifiers, l.charge_cents, l.units, l.diagnosis_pointers,"       \
  " l.service_date, l.rendering_npi"                                                      \
  " FROM claims c JOIN claim_lines l ON l.practice_id = c.practice_id"                   \
  "  AND l.payer_id = c.payer_id AND l.claim_id = c.claim_id"                            \
  " WHERE" filter " ORDER BY l.payer_id, l.claim_id, l.line_number"
#define DS_JOIN_EVENTS                                                                    \
  " FROM claims c JOIN remittance_events e ON e.practice_id = c.practice_id"             \
  "  AND e.payer_id = c.payer_id AND e.claim_id = c.claim_id"
#define DS_LOAD_EVENTS(filter)                                                            \
  "SELECT encode(e.event_id, 'hex'), e.payer_id, e.claim_id, e.payer_name,"              \
  " e.status_code, e.charge_cents, e.paid_cents, e.patient_responsibility_cents,"        \
  " e.payer_claim_control_number, e.received_date, e.production_date, e.payment_date,"   \
  " e.trace_number" DS_JOIN_EVENTS " WHERE" filter
#define DS_LOAD_EVENT_LINES(filter)                                                       \
  "SELECT encode(r.event_id, 'hex'), r.line_index, r.line_control_number,"               \
  " r.procedure_code, r.modifiers, r.charge_cents, r.paid_cents, r.units, r.service_date" \
  DS_JOIN_EVENTS                                                                          \
  " JOIN remittance_lines r ON r.practice_id = e.practice_id AND r.event_id = e.event_id" \
  " WHERE" filter " ORDER BY r.event_id, r.line_index"
#define DS_LOAD_ADJUSTMENTS(filter)                                                       \
  "SELECT encode(a.event_id, 'hex'), a.line_index, a.group_code, a.carc, a.amount_cents," \
  " a.quantity" DS_JOIN_EVENTS                                                           \
  " JOIN adjustments a ON a.practice_id = e.practice_id AND a.event_id = e.event_id"     \
  " WHERE" filter " ORDER BY a.event_id, a.line_index, a.position"
#define DS_LOAD_REMARKS(filter)                                                           \
  "SELECT encode(m.event_id, 'hex'), m.line_index, m.code" DS_JOIN_EVENTS                \
  " JOIN remark_codes m ON m.practice_id = e.practice_id AND m.event_id = e.event_id"    \
  " WHERE" filter " ORDER BY m.event_id, m.line_index, m.position"

struct LoadStatements {
  const char* claims;       // payer_id, claim_id, frequency_code, payer_name, patient_key,
                          // billing_npi, rendering_npi, place_of_service, submission_date,
                          // total_charge_cents, first_diagnoses
  const char* diagnoses;    // payer_id, claim_id, code (by position)
  const char* lines;        // payer_id, claim_id, line_number, line_control_number,
                          // procedure_code, modifiers, charge_cents, units,
                          // diagnosis_pointers, service_date, rendering_npi
  const char* events;       // event_id (hex), payer_id, claim_id, payer_name, status_code,
                          // charge_cents, paid_cents, patient_responsibility_cents,
                          // payer_claim_control_number, received_date, production_date,
                          // payment_date, trace_number
  const char* event_lines;  // event_id, line_index, line_control_number, procedure_code,
                          // modifiers, charge_cents, paid_cents, units, service_date
  const char* adjustments;  // event_id, line_index (0 = claim level), group_code, carc,
                          // amount_cents, quantity
  const char* remarks;      // event_id, line_index, code
};

inline constexpr LoadStatements kLoadByServiceDate = {
    DS_LOAD_CLAIMS(DS_CLAIMS_IN_RANGE),
    DS_LOAD_DIAGNOSES(DS_CLAIMS_IN_RANGE),
    DS_LOAD_LINES(DS_CLAIMS_IN_RANGE),
    DS_LOAD_EVENTS(DS_CLAIMS_IN_RANGE),
    DS_LOAD_EVENT_LINES(DS_CLAIMS_IN_RANGE),
    DS_LOAD_ADJUSTMENTS(DS_CLAIMS_IN_RANGE),
    DS_LOAD_REMARKS(DS_CLAIMS_IN_RANGE),
};

inline constexpr LoadStatements kLoadByKey = {
    DS_LOAD_CLAIMS(DS_CLAIMS_IN_KEYS),
    DS_LOAD_DIAGNOSES(DS_CLAIMS_IN_KEYS),
    DS_LOAD_LINES(DS_CLAIMS_IN_KEYS),
    DS_LOAD_EVENTS(DS_CLAIMS_IN_KEYS),
    DS_LOAD_EVENT_LINES(DS_CLAIMS_IN_KEYS),
    DS_LOAD_ADJUSTMENTS(DS_CLAIMS_IN_KEYS),
    DS_LOAD_REMARKS(DS_CLAIMS_IN_KEYS),
};

#undef DS_CLAIMS_IN_RANGE
#undef DS_CLAIMS_IN_KEYS
#undef DS_LOAD_CLAIMS
#undef DS_LOAD_DIAGNOSES
#undef DS_LOAD_LINES
#undef DS_JOIN_EVENTS
#undef DS_LOAD_EVENTS
#undef DS_LOAD_EVENT_LINES
#undef DS_LOAD_ADJUSTMENTS
#undef DS_LOAD_REMARKS

}  // namespace denialscope::queries

#endif  // DENIALSCOPE_SQL_QUERIES_H_
