-- fact_reason_cums: the reason cells of each reason key (cohort leaf, stage, category, CARC,
-- RARC) summed over every month up to and including each month, as fact_count_cums does for
-- the count cells (0008_report_rollups.sql): a key has a row for each month from its first
-- cell's month to the practice's last reason-cell month under the basis, so the reasons of
-- any period are two rows per key (ListDenialReasons; bench/README.md "Dashboard latency").
-- Kept with the cells and rebuilt with them (sql/report_rollups.h).
CREATE TABLE fact_reason_cums (LIKE fact_reason_cells INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
ALTER TABLE fact_reason_cums
  ADD PRIMARY KEY (practice_id, basis, month, cohort, family, stage, category, carc, rarc);

INSERT INTO fact_reason_cums
  SELECT k.practice_id, k.basis, g.month::date, k.cohort, k.family, k.stage, k.category,
         k.carc, k.rarc, sum(coalesce(c.claims, 0)) OVER w, sum(coalesce(c.charge_cents, 0)) OVER w
  FROM (SELECT practice_id, basis, cohort, family, stage, category, carc, rarc,
               min(month) AS first
        FROM fact_reason_cells
        GROUP BY practice_id, basis, cohort, family, stage, category, carc, rarc) k
  JOIN (SELECT practice_id, basis, max(month) AS last FROM fact_reason_cells
        GROUP BY practice_id, basis) s USING (practice_id, basis)
  CROSS JOIN LATERAL generate_series(k.first, s.last, interval '1 month') AS g(month)
  LEFT JOIN fact_reason_cells c ON c.practice_id = k.practice_id AND c.basis = k.basis
    AND c.month = g.month::date AND c.cohort = k.cohort AND c.family = k.family
    AND c.stage = k.stage AND c.category = k.category AND c.carc = k.carc AND c.rarc = k.rarc
  WINDOW w AS (PARTITION BY k.practice_id, k.basis, k.cohort, k.family, k.stage, k.category,
               k.carc, k.rarc ORDER BY g.month);

-- Row-level security as 0003_security.sql sets it up for every table of practice data.
ALTER TABLE fact_reason_cums ENABLE ROW LEVEL SECURITY;
CREATE POLICY practice_isolation ON fact_reason_cums
  USING (practice_id = NULLIF(current_setting('app.practice_id', true), '')::bigint)
  WITH CHECK (practice_id = NULLIF(current_setting('app.practice_id', true), '')::bigint);
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'denialscope_app') THEN
    GRANT SELECT, INSERT, UPDATE, DELETE ON fact_reason_cums TO denialscope_app;
  END IF;
END
$$;

ANALYZE fact_reason_cums;
