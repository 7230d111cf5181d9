-- Replaces the cumulative rows of 0008_report_rollups.sql (fact_count_cums) and
-- 0009_reason_cums.sql (fact_reason_cums) by totals over all months. Keeping cumulative rows
-- current meant rewriting every later month of every key an ingest batch touched: about
-- 5,000 wide rows per batch of 1,000 records when the batch spans the year, which made the
-- end-to-end import of 100,000 claims 57% slower (bench/README.md "Dashboard latency").
-- The totals are the cells of each key summed over all months, one row per key, added to
-- like the cells: a comparison (count cells per stratum: cohort leaf, payer, procedure
-- family) or a reason breakdown (reason cells per leaf, stage, category, CARC, RARC) whose
-- period covers every month with such cells (the dashboard's default view) reads them; any
-- other period sums the period's cells. Kept with the cells (sql/report_rollups.h), rebuilt
-- with them.
DROP TABLE fact_count_cums;
DROP TABLE fact_reason_cums;

CREATE TABLE fact_count_totals (LIKE fact_count_cells INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
ALTER TABLE fact_count_totals DROP COLUMN month,
  ADD PRIMARY KEY (practice_id, basis, cohort, family, payer_id, procedure_family);

DO $$
DECLARE
  value_columns text;
  sums text;
BEGIN
  SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position),
         string_agg(format('sum(%I)', column_name), ', ' ORDER BY ordinal_position)
    INTO value_columns, sums
    FROM information_schema.columns
   WHERE table_schema = current_schema() AND table_name = 'fact_count_cells'
     AND (column_name LIKE 'c\_%' OR column_name LIKE 'sq\_%');
  EXECUTE format(
      'INSERT INTO fact_count_totals (practice_id, basis, cohort, family, payer_id,'
      '  procedure_family, %s)'
      ' SELECT practice_id, basis, cohort, family, payer_id, procedure_family, %s'
      ' FROM fact_count_cells'
      ' GROUP BY practice_id, basis, cohort, family, payer_id, procedure_family',
      value_columns, sums);
END
$$;

CREATE TABLE fact_reason_totals (LIKE fact_reason_cells INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
ALTER TABLE fact_reason_totals DROP COLUMN month,
  ADD PRIMARY KEY (practice_id, basis, cohort, family, stage, category, carc, rarc);
INSERT INTO fact_reason_totals
  SELECT practice_id, basis, cohort, family, stage, category, carc, rarc, sum(claims),
         sum(charge_cents)
  FROM fact_reason_cells
  GROUP BY practice_id, basis, cohort, family, stage, category, carc, rarc;

-- Row-level security as 0003_security.sql sets it up for every table of practice data.
DO $$
DECLARE
  practice_table text;
BEGIN
  FOREACH practice_table IN ARRAY ARRAY['fact_count_totals', 'fact_reason_totals'] LOOP
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
END
$$;

ANALYZE fact_count_totals, fact_reason_totals;
