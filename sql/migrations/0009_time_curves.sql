-- 1. ds_protect_practice_table(name): the row-level security of 0003_security.sql for one
--    table of practice data (isolation policy on app.practice_id, grants to the server's
--    role). Migrations 0004-0008 each repeated that block; new practice tables call this.
--
-- 2. fact_time_curves: fact_time_totals as one row per cohort leaf and paid flag, the days in
--    order with their counts as arrays. The payment timeline of the default view (a period
--    covering every month with time cells) reads these ~22 rows per basis instead of
--    grouping ~4,200 total rows into arrays per request (bench/README.md "Dashboard
--    latency"). A row is recomputed from the totals of its leaf in the transaction that
--    changed them (sql/report_facts.cc), after that transaction has locked the row, so two
--    concurrent batches of one practice cannot overwrite each other's curve. A row whose
--    totals are all zero keeps empty arrays.
CREATE FUNCTION ds_protect_practice_table(practice_table text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
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
END
$$;
-- Only migrations (run by the owner) call it.
REVOKE ALL ON FUNCTION ds_protect_practice_table(text) FROM PUBLIC;

CREATE TABLE fact_time_curves (
  practice_id bigint NOT NULL,
  basis smallint NOT NULL CHECK (basis IN (1, 2)),
  cohort text NOT NULL,
  family text NOT NULL,
  paid boolean NOT NULL,
  days integer[] NOT NULL,  -- ascending; the totals' day (see fact_time_cells)
  claims bigint[] NOT NULL,
  open_claims bigint[] NOT NULL,
  open_charge_cents bigint[] NOT NULL,
  PRIMARY KEY (practice_id, basis, cohort, family, paid)
);
INSERT INTO fact_time_curves
  SELECT practice_id, basis, cohort, family, paid, array_agg(day ORDER BY day),
         array_agg(claims ORDER BY day), array_agg(open_claims ORDER BY day),
         array_agg(open_charge_cents ORDER BY day)
  FROM fact_time_totals WHERE claims <> 0
  GROUP BY practice_id, basis, cohort, family, paid;

SELECT ds_protect_practice_table('fact_time_curves');
ANALYZE fact_time_curves;
