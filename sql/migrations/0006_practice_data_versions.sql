-- Two things for dashboard speed (bench/README.md "Dashboard latency"):
--
-- 1. fact_time_totals: fact_time_cells summed over all months. The payment timeline of a
--    period that covers every month the practice has time cells in (the default view) reads
--    these few thousand rows instead of summing every month's cells per request. Maintained
--    with the cells (same deltas, same transaction) and rebuilt with them.
--
-- 2. The data version of each practice, for the servers' answer caches (server/answer_cache.h).
-- Every transaction that changes a practice's claims, events or stored facts (ingest, bulk
-- load, rebuild) sets a fresh version as its last statement, so a server that reads the
-- version before computing an answer can key the answer by it: an answer cached under a
-- version is never served once a later change has committed, whichever server made it.
--
-- Versions come from one sequence, so a value is never reused (not even after a practice's
-- rows are deleted and loaded again); they identify a state, they are not a count. The row
-- lock the update takes is held only from the last statement to the commit.
CREATE SEQUENCE practice_data_version_seq;

CREATE TABLE practice_data_versions (
  practice_id bigint PRIMARY KEY REFERENCES practices,
  version bigint NOT NULL
);

CREATE TABLE fact_time_totals (
  practice_id bigint NOT NULL,
  basis smallint NOT NULL CHECK (basis IN (1, 2)),
  cohort text NOT NULL,
  family text NOT NULL,
  paid boolean NOT NULL,
  day integer NOT NULL,
  claims bigint NOT NULL,
  open_claims bigint NOT NULL,
  open_charge_cents bigint NOT NULL,
  PRIMARY KEY (practice_id, basis, cohort, family, paid, day)
);
INSERT INTO fact_time_totals
  SELECT practice_id, basis, cohort, family, paid, day, sum(claims), sum(open_claims),
         sum(open_charge_cents)
  FROM fact_time_cells GROUP BY practice_id, basis, cohort, family, paid, day;

-- Row-level security as 0003_security.sql sets it up for every table of practice data.
DO $$
DECLARE
  practice_table text;
BEGIN
  FOREACH practice_table IN ARRAY ARRAY['fact_time_totals', 'practice_data_versions'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', practice_table);
    EXECUTE format(
        'CREATE POLICY practice_isolation ON %I'
        ' USING (practice_id = NULLIF(current_setting(''app.practice_id'', true), '''')::bigint)'
        ' WITH CHECK (practice_id = NULLIF(current_setting(''app.practice_id'', true), '''')::bigint)',
        practice_table);
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'denialscope_app') THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO denialscope_app',
                     practice_table);
    END IF;
  END LOOP;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'denialscope_app') THEN
    GRANT USAGE ON SEQUENCE practice_data_version_seq TO denialscope_app;
  END IF;
END
$$;
