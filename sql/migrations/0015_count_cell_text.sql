-- The monthly count cells keep their 38 counts as stored text too, as 0012 does for the
-- count rollups: a comparison over a period that does not cover every month with cells (the
-- last quarter, say) reads each cell's counts as one field and the server sums them per
-- stratum (kSelectCountCellRows), where PostgreSQL's 41 sums per cell took ~3.4 ms for a
-- quarter of a 1-million-claim practice (bench/README.md "Dashboard latency").
--
-- The expression is taken from fact_count_totals' column, so the cells' text has the same
-- counts in the same order (tests/integration/report_facts_test.cc compares every stored
-- text with the columns).
DO $$
DECLARE
  expression text;
BEGIN
  SELECT pg_get_expr(d.adbin, d.adrelid) INTO STRICT expression
  FROM pg_attrdef d
  JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
  WHERE d.adrelid = 'fact_count_totals'::regclass AND a.attname = 'counts_text';
  EXECUTE format('ALTER TABLE fact_count_cells ADD COLUMN counts_text text NOT NULL'
                 ' GENERATED ALWAYS AS (%s) STORED', expression);
END
$$;
