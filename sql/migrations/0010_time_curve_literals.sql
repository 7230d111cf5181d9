-- fact_time_curves (0009) keeps each array as its text literal ('{1,2,3}'): the payment
-- timeline reads the arrays as text anyway, and PostgreSQL turning ~17,000 stored numbers
-- into text took about 0.6 ms of every default-view timeline call (bench/README.md
-- "Dashboard latency"); a text column is sent as stored. `days::bigint[]` reads one back.
ALTER TABLE fact_time_curves
  ALTER COLUMN days TYPE text USING days::text,
  ALTER COLUMN claims TYPE text USING claims::text,
  ALTER COLUMN open_claims TYPE text USING open_claims::text,
  ALTER COLUMN open_charge_cents TYPE text USING open_charge_cents::text;
