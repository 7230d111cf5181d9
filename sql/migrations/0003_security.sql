-- Security and tenancy (issue 6): API keys, the audit trail, the role the server runs as,
-- and row-level security so that one practice's transaction can only see that practice.
--
-- The server never runs as the owner of these tables (the role running migrations). It
-- connects as, or SET ROLEs to, denialscope_app: NOSUPERUSER, NOBYPASSRLS, owning nothing,
-- with only the privileges granted below. Row-level security policies restrict every
-- practice table to the practice the transaction set with
--   SELECT set_config('app.practice_id', <id>, true)   -- transaction-local (SET LOCAL)
-- so a query that forgets its practice_id filter still cannot cross practices; with no
-- practice set, it sees no rows.
--
-- Security is ENABLEd, not FORCEd: the owner (migrations, back-fills, an operator's psql)
-- sees every row, which a data migration needs. The server checks at start that its role is
-- not the owner, not a superuser and cannot bypass RLS (sql/pg_claim_store.cc), so the
-- policies always apply to it.
--
-- `practices` is the tenant directory, not practice data: NPIs and names from the public
-- NPPES registry. It has no policy because the practice must be looked up (NPI -> id) before
-- a transaction can be scoped to it; listing it is guarded by the admin scope in the API.

-- Roles are global to the cluster while migrations run per database, and many test databases
-- share one cluster: create the role only when missing, and tolerate a concurrent creator.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'denialscope_app') THEN
    BEGIN
      CREATE ROLE denialscope_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL;  -- created meanwhile by a migration in another database
    END;
  END IF;
  -- The migrating role must be able to SET ROLE denialscope_app (the server's default).
  IF NOT pg_has_role(current_user, 'denialscope_app', 'MEMBER') THEN
    BEGIN
      EXECUTE format('GRANT denialscope_app TO %I', current_user);
    EXCEPTION WHEN unique_violation THEN
      NULL;  -- granted meanwhile by a migration in another database
    END;
  END IF;
END
$$;

-- API keys: global, not practice data. The secret is stored only as its SHA-256.
CREATE TABLE api_keys (
  key_id text PRIMARY KEY CHECK (key_id ~ '^[0-9a-f]{16}$'),
  secret_hash bytea NOT NULL CHECK (length(secret_hash) = 32),
  display_name text NOT NULL DEFAULT '',
  scopes text[] NOT NULL CHECK (scopes <@ ARRAY['ingest', 'read', 'report', 'admin']
                                AND cardinality(scopes) > 0),
  all_practices boolean NOT NULL DEFAULT false,
  practice_npis text[] NOT NULL DEFAULT '{}',
  create_time timestamptz NOT NULL,
  expire_time timestamptz,
  revoke_time timestamptz,
  CHECK (all_practices OR cardinality(practice_npis) > 0)
);

-- Every authenticated call, appended when it ends. Never updated or deleted by the server:
-- its role may only INSERT and SELECT here.
CREATE TABLE audit_log (
  audit_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_time timestamptz NOT NULL,
  key_id text NOT NULL,
  method text NOT NULL,
  practice_npi text NOT NULL DEFAULT '',
  status text NOT NULL,
  row_count bigint NOT NULL DEFAULT 0
);
CREATE INDEX audit_log_by_practice ON audit_log (practice_npi, audit_id);
CREATE INDEX audit_log_by_key ON audit_log (key_id, audit_id);

GRANT USAGE ON SCHEMA public TO denialscope_app;
GRANT SELECT ON schema_migrations TO denialscope_app;  -- the store checks the schema at open
GRANT SELECT, INSERT ON practices TO denialscope_app;
GRANT SELECT, INSERT, UPDATE ON api_keys TO denialscope_app;
GRANT SELECT, INSERT ON audit_log TO denialscope_app;
GRANT USAGE ON SEQUENCE audit_log_audit_id_seq TO denialscope_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON
  payers, claims, claim_submissions, claim_lines, claim_diagnoses, remittance_events,
  remittance_lines, adjustments, remark_codes, claim_facts
  TO denialscope_app;

-- Row-level security on every table of practice data, for every role but the owner (the
-- policy is for PUBLIC, so a role other than denialscope_app is confined too). A table
-- added later must do the same;
-- tests/integration/row_security_test.cc fails for any table with a practice_id column
-- that has no policy.
DO $$
DECLARE
  practice_table text;
BEGIN
  FOREACH practice_table IN ARRAY ARRAY['payers', 'claims', 'claim_submissions', 'claim_lines',
      'claim_diagnoses', 'remittance_events', 'remittance_lines', 'adjustments',
      'remark_codes', 'claim_facts'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', practice_table);
    -- NULLIF: after a transaction-local setting ends, the variable reads '' (not NULL).
    EXECUTE format(
        'CREATE POLICY practice_isolation ON %I'
        ' USING (practice_id = NULLIF(current_setting(''app.practice_id'', true), '''')::bigint)'
        ' WITH CHECK (practice_id = NULLIF(current_setting(''app.practice_id'', true), '''')::bigint)',
        practice_table);
  END LOOP;
END
$$;

-- Tables created later by the migrating role are usable by the server without another GRANT
-- (their row-level security is still theirs to enable).
ALTER DEFAULT PRIVILEGES IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO denialscope_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
  GRANT USAGE, SELECT ON SEQUENCES TO denialscope_app;
