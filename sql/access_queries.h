// The SQL of the access store (API keys and the audit trail, migration 0003) and of the
// server-role check, as named constants. Parameters are always bound, never spliced.
#ifndef DENIALSCOPE_SQL_ACCESS_QUERIES_H_
#define DENIALSCOPE_SQL_ACCESS_QUERIES_H_

namespace denialscope::queries {

// Columns of an API key row, in the order ParseApiKeyRow reads them.
#define DS_API_KEY_COLUMNS                                                                  \
  " key_id, encode(secret_hash, 'hex'), display_name, scopes, all_practices, practice_npis," \
  " extract(epoch FROM create_time)::float8, extract(epoch FROM expire_time)::float8,"       \
  " extract(epoch FROM revoke_time)::float8"

// $1 key_id, $2 secret_hash (hex), $3 display_name, $4 scopes text[], $5 all_practices,
// $6 practice_npis text[], $7 create_time, $8 expire_time (epoch seconds, NULL for none).
// Nothing is returned when the id is taken.
inline constexpr char kInsertApiKey[] =
    "INSERT INTO api_keys (key_id, secret_hash, display_name, scopes, all_practices,"
    "  practice_npis, create_time, expire_time)"
    " VALUES ($1, decode($2, 'hex'), $3, $4::text[], $5, $6::text[], to_timestamp($7),"
    "  to_timestamp($8::float8))"
    " ON CONFLICT (key_id) DO NOTHING RETURNING key_id";

// $1 key_id.
inline constexpr char kSelectApiKey[] =
    "SELECT" DS_API_KEY_COLUMNS " FROM api_keys WHERE key_id = $1";

// $1 after key_id, $2 limit.
inline constexpr char kListApiKeys[] =
    "SELECT" DS_API_KEY_COLUMNS " FROM api_keys WHERE key_id > $1 ORDER BY key_id LIMIT $2";

// $1 key_id, $2 revoke time (epoch seconds): the first revocation wins.
inline constexpr char kRevokeApiKey[] =
    "UPDATE api_keys SET revoke_time = coalesce(revoke_time, to_timestamp($2))"
    " WHERE key_id = $1 RETURNING" DS_API_KEY_COLUMNS;

#undef DS_API_KEY_COLUMNS

// Audit rows, written in groups (analytics/group_commit_access_store.h) as one statement in
// its own implicit transaction: one round trip, where BEGIN, SET LOCAL, INSERT and COMMIT
// were four. Its commit does not wait for the WAL flush (the set_config below is the
// transaction-local `SET LOCAL synchronous_commit = off` of the earlier four-statement form):
// measured 4.2 ms per call with the flush, 0.2 ms without, on the dashboards' critical path.
// A PostgreSQL crash may lose the last fraction of a second of audit rows (never claims,
// whose commits still wait); an error in the write itself still reaches every caller.
// $1 times (epoch seconds), $2 key_ids, $3 methods, $4 practice_npis, $5 statuses,
// $6 row counts: arrays of one length, rows in their order (audit_ids increase with it).
inline constexpr char kInsertAuditEvents[] =
    "WITH async_commit AS (SELECT set_config('synchronous_commit', 'off', true))"
    " INSERT INTO audit_log (event_time, key_id, method, practice_npi, status, row_count)"
    " SELECT to_timestamp(e.event_time), e.key_id, e.method, e.practice_npi, e.status,"
    "  e.row_count"
    " FROM async_commit,"
    "  unnest($1::float8[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[])"
    "   WITH ORDINALITY AS e(event_time, key_id, method, practice_npi, status, row_count, n)"
    " ORDER BY e.n";

// $1 before audit_id (0: none), $2 practice_npi ('' any), $3 key_id ('' any), $4 limit.
inline constexpr char kListAuditEvents[] =
    "SELECT audit_id, extract(epoch FROM event_time)::float8, key_id, method, practice_npi,"
    " status, row_count FROM audit_log"
    " WHERE ($1 = 0 OR audit_id < $1) AND ($2 = '' OR practice_npi = $2)"
    "  AND ($3 = '' OR key_id = $3)"
    " ORDER BY audit_id DESC LIMIT $4";

// Whether the access tables exist (migration 0003 applied).
inline constexpr char kAccessTablesExist[] = "SELECT to_regclass('api_keys') IS NOT NULL";

// Whether the current role could see past row-level security: a superuser, a role with
// BYPASSRLS, or the owner of a table in the schema (policies do not bind owners).
inline constexpr char kServerRoleCheck[] =
    "SELECT current_user, r.rolsuper, r.rolbypassrls,"
    " EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    "   WHERE c.relowner = r.oid AND n.nspname = current_schema() AND c.relkind IN ('r', 'p'))"
    " FROM pg_roles r WHERE r.rolname = current_user";

}  // namespace denialscope::queries

#endif  // DENIALSCOPE_SQL_ACCESS_QUERIES_H_
