-- fact_receipt_day_totals: the receipt cells summed over months per receipt date and cohort
-- leaf, kept with the cells (sql/report_rollups.h) and rebuilt with them. Prompt pay in the
-- default view (a period covering every month with cells) reads the days of the due month
-- here, ~20 rows a leaf together in the key, instead of ~400 receipt cells scattered over
-- the period's pages (bench/README.md "Dashboard latency").
CREATE TABLE fact_receipt_day_totals (
  practice_id bigint NOT NULL,
  basis smallint NOT NULL CHECK (basis IN (1, 2)),
  received_date date NOT NULL,
  cohort text NOT NULL,
  family text NOT NULL,
  received bigint NOT NULL,
  owed bigint NOT NULL,
  paid_within_30 bigint NOT NULL,
  paid_within_45 bigint NOT NULL,
  paid_within_60 bigint NOT NULL,
  adjudicated_within_30 bigint NOT NULL,
  adjudicated_within_45 bigint NOT NULL,
  adjudicated_within_60 bigint NOT NULL,
  PRIMARY KEY (practice_id, basis, received_date, cohort, family)
);
INSERT INTO fact_receipt_day_totals
  SELECT practice_id, basis, received_date, cohort, family, sum(received), sum(owed),
         sum(paid_within[1]), sum(paid_within[2]), sum(paid_within[3]),
         sum(adjudicated_within[1]), sum(adjudicated_within[2]), sum(adjudicated_within[3])
  FROM fact_receipt_cells
  GROUP BY practice_id, basis, received_date, cohort, family;

SELECT ds_protect_practice_table('fact_receipt_day_totals');
ANALYZE fact_receipt_day_totals;
