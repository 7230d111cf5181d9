-- fact_time_month_curves: fact_time_cells as one row per month, cohort leaf and paid flag,
-- the days in order with their counts as array literals, as fact_time_curves (0009, 0010)
-- keeps the totals. A payment timeline whose period does not cover every month with time
-- cells (the last quarter, say) reads ~22 rows a month instead of grouping the period's
-- cells per request (bench/README.md "Dashboard latency", --last_months). A row is
-- recomputed from its month's cells in the transaction that changed them, after that
-- transaction has locked the row (sql/report_queries.h kLockTimeMonthCurves says why); a
-- batch usually touches a month or two, so that reads a few thousand cells. A row whose
-- cells are all zero keeps empty arrays ('{}').
CREATE TABLE fact_time_month_curves (
  practice_id bigint NOT NULL,
  basis smallint NOT NULL CHECK (basis IN (1, 2)),
  month date NOT NULL,
  cohort text NOT NULL,
  family text NOT NULL,
  paid boolean NOT NULL,
  days text NOT NULL,  -- integer[] literals, ascending; the cells' day
  claims text NOT NULL,
  open_claims text NOT NULL,
  open_charge_cents text NOT NULL,
  PRIMARY KEY (practice_id, basis, month, cohort, family, paid)
);
-- Read whole on every such request: out of line when long, never compressed.
ALTER TABLE fact_time_month_curves
  ALTER COLUMN days SET STORAGE EXTERNAL,
  ALTER COLUMN claims SET STORAGE EXTERNAL,
  ALTER COLUMN open_claims SET STORAGE EXTERNAL,
  ALTER COLUMN open_charge_cents SET STORAGE EXTERNAL;
INSERT INTO fact_time_month_curves
  SELECT practice_id, basis, month, cohort, family, paid, array_agg(day ORDER BY day)::text,
         array_agg(claims ORDER BY day)::text, array_agg(open_claims ORDER BY day)::text,
         array_agg(open_charge_cents ORDER BY day)::text
  FROM fact_time_cells WHERE claims <> 0
  GROUP BY practice_id, basis, month, cohort, family, paid;

SELECT ds_protect_practice_table('fact_time_month_curves');
ANALYZE fact_time_month_curves;
