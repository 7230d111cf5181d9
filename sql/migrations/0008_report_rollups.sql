-- Rollups of the monthly cells that let a dashboard call read a few hundred stored rows
-- instead of summing thousands of cells per request (bench/README.md "Dashboard latency").
-- Each is derived from the cells only, kept with them in the same transaction by additive
-- upserts (sql/report_rollups.h) and rebuilt with them.
--
-- 1. fact_count_leaf_cells: the count cells summed over payers and procedure families, per
--    month and cohort leaf (the trend without payer or procedure-family filters, any period).
-- 2. fact_receipt_month_cells: the receipt cells summed per month of receipt. Prompt pay
--    reads whole receipt months from here and only the days of the last due month from the
--    cells.
-- 3. fact_count_totals: the count cells of each stratum (cohort leaf, payer, procedure
--    family) summed over all months; fact_reason_totals: the reason cells of each reason key
--    (leaf, stage, category, CARC, RARC) summed over all months. A comparison or a reason
--    breakdown whose period covers every month with such cells (the dashboard's default
--    view) reads them; any other period sums the period's cells.
--
-- Cumulative rows per key and month (any period = two rows per key) were tried first and
-- dropped before release: keeping them current rewrote every later month of every key a
-- batch touched, which made the import of 100,000 claims 57% slower.
CREATE TABLE fact_count_leaf_cells (LIKE fact_count_cells INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
ALTER TABLE fact_count_leaf_cells DROP COLUMN payer_id, DROP COLUMN procedure_family,
  ADD PRIMARY KEY (practice_id, basis, month, cohort, family);

CREATE TABLE fact_count_totals (LIKE fact_count_cells INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
ALTER TABLE fact_count_totals DROP COLUMN month,
  ADD PRIMARY KEY (practice_id, basis, cohort, family, payer_id, procedure_family);

CREATE TABLE fact_reason_totals (LIKE fact_reason_cells INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
ALTER TABLE fact_reason_totals DROP COLUMN month,
  ADD PRIMARY KEY (practice_id, basis, cohort, family, stage, category, carc, rarc);
INSERT INTO fact_reason_totals
  SELECT practice_id, basis, cohort, family, stage, category, carc, rarc, sum(claims),
         sum(charge_cents)
  FROM fact_reason_cells
  GROUP BY practice_id, basis, cohort, family, stage, category, carc, rarc;

CREATE TABLE fact_receipt_month_cells (
  practice_id bigint NOT NULL,
  basis smallint NOT NULL CHECK (basis IN (1, 2)),
  month date NOT NULL,
  cohort text NOT NULL,
  family text NOT NULL,
  received_month date NOT NULL,
  received bigint NOT NULL,
  owed bigint NOT NULL,
  paid_within_30 bigint NOT NULL,
  paid_within_45 bigint NOT NULL,
  paid_within_60 bigint NOT NULL,
  adjudicated_within_30 bigint NOT NULL,
  adjudicated_within_45 bigint NOT NULL,
  adjudicated_within_60 bigint NOT NULL,
  PRIMARY KEY (practice_id, basis, month, cohort, family, received_month)
);

-- Built from the stored cells (a database loaded before this migration keeps its cells).
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
      'INSERT INTO fact_count_leaf_cells (practice_id, basis, month, cohort, family, %s)'
      ' SELECT practice_id, basis, month, cohort, family, %s FROM fact_count_cells'
      ' GROUP BY practice_id, basis, month, cohort, family', value_columns, sums);
  EXECUTE format(
      'INSERT INTO fact_count_totals (practice_id, basis, cohort, family, payer_id,'
      '  procedure_family, %s)'
      ' SELECT practice_id, basis, cohort, family, payer_id, procedure_family, %s'
      ' FROM fact_count_cells'
      ' GROUP BY practice_id, basis, cohort, family, payer_id, procedure_family',
      value_columns, sums);
END
$$;

INSERT INTO fact_receipt_month_cells
  SELECT practice_id, basis, month, cohort, family,
         date_trunc('month', received_date)::date, sum(received), sum(owed),
         sum(paid_within[1]), sum(paid_within[2]), sum(paid_within[3]),
         sum(adjudicated_within[1]), sum(adjudicated_within[2]), sum(adjudicated_within[3])
  FROM fact_receipt_cells
  GROUP BY practice_id, basis, month, cohort, family, date_trunc('month', received_date);

-- Row-level security as 0003_security.sql sets it up for every table of practice data.
DO $$
DECLARE
  practice_table text;
BEGIN
  FOREACH practice_table IN ARRAY ARRAY['fact_count_leaf_cells', 'fact_receipt_month_cells',
                                        'fact_count_totals', 'fact_reason_totals'] LOOP
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

-- Planner statistics now: the reads pick their index plans from the first request on.
ANALYZE fact_count_leaf_cells, fact_count_totals, fact_reason_totals, fact_receipt_month_cells;
