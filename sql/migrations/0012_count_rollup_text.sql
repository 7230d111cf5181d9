-- The counts of the stored count rollups (0008_report_rollups.sql) also as one text column,
-- the bigint array literal of the 38 c_* values in the order of DS_COUNT_COLUMNS
-- (sql/report_queries.h), kept by PostgreSQL itself as a stored generated column.
--
-- Why: a comparison's default view reads ~256 fact_count_totals rows, and turning their
-- ~10,000 bigints into text on every request was most of PostgreSQL's time for the call
-- (pgbench, that read alone: 1.0-1.1 ms as 38 columns, 0.36-0.42 ms as the stored text,
-- which is copied out as it is). The trend's fact_count_leaf_cells rows are read the same
-- way. An upsert of a rollup row recomputes its text in the same statement (about 6 us
-- more per row: an UPDATE of 512 rows took 4.3-5.5 ms instead of 1.2-2.3).
--
-- A migration that adds or reorders count columns must redefine both columns here and the
-- reads' expectation; tests/integration/report_facts_test.cc compares every stored text
-- with the columns in DS_COUNT_COLUMNS order.
--
-- array_out is only STABLE (other element types' output depends on settings), so a
-- generated column cannot call it directly; bigint output depends on none, so the wrapper
-- is truly IMMUTABLE.
CREATE FUNCTION ds_bigint_list_text(VARIADIC v bigint[]) RETURNS text
IMMUTABLE STRICT PARALLEL SAFE LANGUAGE sql AS 'SELECT v::text';

DO $$
DECLARE
  -- The 38 count columns in DS_COUNT_COLUMNS order.
  counts constant text :=
      'c_claims, c_charge_cents, c_adjudicated, c_adjudicated_charge_cents, ' ||
      'c_adjudicated_lines, c_adjudicated_line_charge_cents, c_initially_denied, ' ||
      'c_initially_denied_charge_cents, c_initially_denied_lines, ' ||
      'c_initially_denied_line_charge_cents, c_finally_denied, ' ||
      'c_finally_denied_charge_cents, c_finally_denied_lines, ' ||
      'c_finally_denied_line_charge_cents, c_initial_partial_denials, ' ||
      'c_initial_partial_denial_charge_cents, c_initial_partial_denied_lines, ' ||
      'c_initial_partial_denied_line_charge_cents, c_final_partial_denials, ' ||
      'c_final_partial_denial_charge_cents, c_final_partial_denied_lines, ' ||
      'c_final_partial_denied_line_charge_cents, c_overturned, c_overturned_charge_cents, ' ||
      'c_overturned_lines, c_overturned_line_charge_cents, c_clean, c_clean_charge_cents, ' ||
      'c_net_paid_cents, c_served, c_paid, c_paid_days_sum, c_submission_lag_count, ' ||
      'c_submission_lag_days_sum, c_turnaround_count, c_turnaround_days_sum, c_open, ' ||
      'c_open_charge_cents';
  rollup text;
BEGIN
  FOREACH rollup IN ARRAY ARRAY['fact_count_totals', 'fact_count_leaf_cells'] LOOP
    EXECUTE format('ALTER TABLE %I ADD COLUMN counts_text text NOT NULL'
                   ' GENERATED ALWAYS AS (ds_bigint_list_text(%s)) STORED', rollup, counts);
  END LOOP;
END
$$;
