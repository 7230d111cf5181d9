-- Rollups of the monthly cells that let a dashboard call read a few hundred stored rows for
-- any period instead of summing thousands of cells per request (bench/README.md "Dashboard
-- latency"). Each is derived from fact_count_cells or fact_receipt_cells only, kept with the
-- cells in the same transaction (sql/report_rollups.h) and rebuilt with them.
--
-- 1. fact_count_leaf_cells: the count cells summed over payers and procedure families, per
--    month and cohort leaf (the trend without payer or procedure-family filters).
-- 2. fact_count_cums: per stratum (cohort leaf, payer, procedure family) and month, the count
--    cells of that stratum summed over every month up to and including it. A stratum has a
--    row for each month from its first cell's month to the practice's last cell month under
--    the basis, so the sums over any period are two rows per stratum: the row of the period's
--    last month minus the row of the month before its first (the comparison).
-- 3. fact_receipt_month_cells: the receipt cells summed per month of receipt. Prompt pay
--    reads whole receipt months from here and only the days of the last due month from the
--    cells.
CREATE TABLE fact_count_leaf_cells (LIKE fact_count_cells INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
ALTER TABLE fact_count_leaf_cells DROP COLUMN payer_id, DROP COLUMN procedure_family,
  ADD PRIMARY KEY (practice_id, basis, month, cohort, family);

CREATE TABLE fact_count_cums (LIKE fact_count_cells INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
ALTER TABLE fact_count_cums
  ADD PRIMARY KEY (practice_id, basis, month, cohort, family, payer_id, procedure_family);

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
  running_sums text;
BEGIN
  SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position),
         string_agg(format('sum(%I)', column_name), ', ' ORDER BY ordinal_position),
         string_agg(format('sum(coalesce(c.%I, 0)) OVER w', column_name), ', '
                    ORDER BY ordinal_position)
    INTO value_columns, sums, running_sums
    FROM information_schema.columns
   WHERE table_schema = current_schema() AND table_name = 'fact_count_cells'
     AND (column_name LIKE 'c\_%' OR column_name LIKE 'sq\_%');
  EXECUTE format(
      'INSERT INTO fact_count_leaf_cells (practice_id, basis, month, cohort, family, %s)'
      ' SELECT practice_id, basis, month, cohort, family, %s FROM fact_count_cells'
      ' GROUP BY practice_id, basis, month, cohort, family', value_columns, sums);
  EXECUTE format(
      'INSERT INTO fact_count_cums (practice_id, basis, month, cohort, family, payer_id,'
      '  procedure_family, %s)'
      ' SELECT t.practice_id, t.basis, g.month::date, t.cohort, t.family, t.payer_id,'
      '  t.procedure_family, %s'
      ' FROM (SELECT practice_id, basis, cohort, family, payer_id, procedure_family,'
      '        min(month) AS first FROM fact_count_cells'
      '       GROUP BY practice_id, basis, cohort, family, payer_id, procedure_family) t'
      ' JOIN (SELECT practice_id, basis, max(month) AS last FROM fact_count_cells'
      '       GROUP BY practice_id, basis) s USING (practice_id, basis)'
      ' CROSS JOIN LATERAL generate_series(t.first, s.last, interval ''1 month'') AS g(month)'
      ' LEFT JOIN fact_count_cells c ON c.practice_id = t.practice_id AND c.basis = t.basis'
      '  AND c.month = g.month::date AND c.cohort = t.cohort AND c.family = t.family'
      '  AND c.payer_id = t.payer_id AND c.procedure_family = t.procedure_family'
      ' WINDOW w AS (PARTITION BY t.practice_id, t.basis, t.cohort, t.family, t.payer_id,'
      '  t.procedure_family ORDER BY g.month)', value_columns, running_sums);
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
  FOREACH practice_table IN ARRAY ARRAY['fact_count_leaf_cells', 'fact_count_cums',
                                        'fact_receipt_month_cells'] LOOP
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
ANALYZE fact_count_leaf_cells, fact_count_cums, fact_receipt_month_cells;
