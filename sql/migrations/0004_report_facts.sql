-- The analytics engine's stored facts (analytics/fact_cells.h): one row of every measure's
-- per-claim facts, and the monthly aggregates (cells) the dashboards read instead of raw
-- events. Both are maintained on ingest in the batch's transaction (the cells by subtracting
-- a claim's old facts and adding its new ones) and rebuilt by `denialscope-server
-- --rebuild_facts` when the code lists change.
--
-- Facts are computed with every stored event known. They answer a request whose as-of date
-- is on or after the practice's horizon (fact_horizons: the latest service, submission,
-- receipt, production or payment date stored for it); an earlier as-of date is answered from
-- the raw events. Every table leads its primary key with practice_id (DESIGN §4). The
-- worklist orders claim keys bytewise (COLLATE "C"), as its keyset pagination does in C++.

-- ClaimFacts (analytics/measures.h) as of all events; the as-of-dependent fields (waiting
-- time, aging, days since receipt) are re-derived by the reader.
CREATE TABLE claim_report_facts (
  practice_id bigint NOT NULL,
  payer_id text NOT NULL,
  claim_id text NOT NULL,
  cohort text NOT NULL CHECK (cohort IN ('non_cervical', 'nonspecific', 'specific')),
  diagnosis_family text NOT NULL DEFAULT '',
  diagnosis_code text NOT NULL DEFAULT '',
  procedure_family text NOT NULL DEFAULT '',
  procedure_code text NOT NULL DEFAULT '',
  rendering_npi text NOT NULL DEFAULT '',
  place_of_service text NOT NULL DEFAULT '',
  replacement boolean NOT NULL,
  procedure_codes text[] NOT NULL DEFAULT '{}',
  diagnoses text[] NOT NULL DEFAULT '{}',
  service_date date NOT NULL,
  submission_date date,
  received_date date,
  initial_adjudication_date date,
  final_adjudication_date date,
  first_payment_date date,
  adjudicated boolean NOT NULL,
  initially_denied boolean NOT NULL,
  finally_denied boolean NOT NULL,
  initial_partial_denial boolean NOT NULL,
  final_partial_denial boolean NOT NULL,
  overturned boolean NOT NULL,
  clean boolean NOT NULL,
  paid boolean NOT NULL,
  open boolean NOT NULL,
  charge_cents bigint NOT NULL,
  net_paid_cents bigint NOT NULL,
  line_count integer NOT NULL,
  line_charge_cents bigint NOT NULL,
  initially_denied_lines integer NOT NULL,
  initially_denied_line_charge_cents bigint NOT NULL,
  finally_denied_lines integer NOT NULL,
  finally_denied_line_charge_cents bigint NOT NULL,
  overturned_lines integer NOT NULL,
  overturned_line_charge_cents bigint NOT NULL,
  submission_lag_days integer,
  turnaround_days integer,
  days_to_payment integer,
  receipt_to_payment_days integer,
  receipt_to_adjudication_days integer,
  initial_denial_category smallint NOT NULL,
  initial_denial_carc text NOT NULL DEFAULT '',
  initial_denial_rarc text NOT NULL DEFAULT '',
  final_denial_category smallint NOT NULL,
  final_denial_carc text NOT NULL DEFAULT '',
  final_denial_rarc text NOT NULL DEFAULT '',
  PRIMARY KEY (practice_id, payer_id, claim_id)
);
CREATE INDEX claim_report_facts_by_service_date
  ON claim_report_facts (practice_id, service_date);
CREATE INDEX claim_report_facts_by_adjudication_date
  ON claim_report_facts (practice_id, initial_adjudication_date);
-- The worklist: finally denied claims by charge descending, then claim key.
CREATE INDEX claim_report_facts_worklist
  ON claim_report_facts (practice_id, charge_cents DESC, payer_id COLLATE "C",
                         claim_id COLLATE "C")
  WHERE finally_denied;

-- The latest date anything stored for the practice happened (see above).
CREATE TABLE fact_horizons (
  practice_id bigint PRIMARY KEY REFERENCES practices,
  horizon date NOT NULL
);

-- Cells of one basis (1 service month, 2 adjudication month), month and cohort leaf. The
-- c_* columns are analytics/fact_cells.h CountsToVector in order (MeasureCounts' fields),
-- the sq_* columns SquaresToVector: columns, so a read sums them in SQL (int8 sums) and
-- hands the server one row per stratum or month instead of one per cell.
CREATE TABLE fact_count_cells (
  practice_id bigint NOT NULL,
  basis smallint NOT NULL CHECK (basis IN (1, 2)),
  month date NOT NULL,
  cohort text NOT NULL,
  family text NOT NULL,
  payer_id text NOT NULL,
  procedure_family text NOT NULL,
  c_claims bigint NOT NULL DEFAULT 0,
  c_charge_cents bigint NOT NULL DEFAULT 0,
  c_adjudicated bigint NOT NULL DEFAULT 0,
  c_adjudicated_charge_cents bigint NOT NULL DEFAULT 0,
  c_adjudicated_lines bigint NOT NULL DEFAULT 0,
  c_adjudicated_line_charge_cents bigint NOT NULL DEFAULT 0,
  c_initially_denied bigint NOT NULL DEFAULT 0,
  c_initially_denied_charge_cents bigint NOT NULL DEFAULT 0,
  c_initially_denied_lines bigint NOT NULL DEFAULT 0,
  c_initially_denied_line_charge_cents bigint NOT NULL DEFAULT 0,
  c_finally_denied bigint NOT NULL DEFAULT 0,
  c_finally_denied_charge_cents bigint NOT NULL DEFAULT 0,
  c_finally_denied_lines bigint NOT NULL DEFAULT 0,
  c_finally_denied_line_charge_cents bigint NOT NULL DEFAULT 0,
  c_initial_partial_denials bigint NOT NULL DEFAULT 0,
  c_initial_partial_denial_charge_cents bigint NOT NULL DEFAULT 0,
  c_initial_partial_denied_lines bigint NOT NULL DEFAULT 0,
  c_initial_partial_denied_line_charge_cents bigint NOT NULL DEFAULT 0,
  c_final_partial_denials bigint NOT NULL DEFAULT 0,
  c_final_partial_denial_charge_cents bigint NOT NULL DEFAULT 0,
  c_final_partial_denied_lines bigint NOT NULL DEFAULT 0,
  c_final_partial_denied_line_charge_cents bigint NOT NULL DEFAULT 0,
  c_overturned bigint NOT NULL DEFAULT 0,
  c_overturned_charge_cents bigint NOT NULL DEFAULT 0,
  c_overturned_lines bigint NOT NULL DEFAULT 0,
  c_overturned_line_charge_cents bigint NOT NULL DEFAULT 0,
  c_clean bigint NOT NULL DEFAULT 0,
  c_clean_charge_cents bigint NOT NULL DEFAULT 0,
  c_net_paid_cents bigint NOT NULL DEFAULT 0,
  c_served bigint NOT NULL DEFAULT 0,
  c_paid bigint NOT NULL DEFAULT 0,
  c_paid_days_sum bigint NOT NULL DEFAULT 0,
  c_submission_lag_count bigint NOT NULL DEFAULT 0,
  c_submission_lag_days_sum bigint NOT NULL DEFAULT 0,
  c_turnaround_count bigint NOT NULL DEFAULT 0,
  c_turnaround_days_sum bigint NOT NULL DEFAULT 0,
  c_open bigint NOT NULL DEFAULT 0,
  c_open_charge_cents bigint NOT NULL DEFAULT 0,
  sq_adjudicated double precision NOT NULL DEFAULT 0,
  sq_initially_denied double precision NOT NULL DEFAULT 0,
  sq_finally_denied double precision NOT NULL DEFAULT 0,
  PRIMARY KEY (practice_id, basis, month, cohort, family, payer_id, procedure_family)
);

CREATE TABLE fact_reason_cells (
  practice_id bigint NOT NULL,
  basis smallint NOT NULL CHECK (basis IN (1, 2)),
  month date NOT NULL,
  cohort text NOT NULL,
  family text NOT NULL,
  stage smallint NOT NULL CHECK (stage IN (1, 2)),
  category smallint NOT NULL,
  carc text NOT NULL,
  rarc text NOT NULL,
  claims bigint NOT NULL,
  charge_cents bigint NOT NULL,
  PRIMARY KEY (practice_id, basis, month, cohort, family, stage, category, carc, rarc)
);

-- `day`: days to payment when paid, else the date of service as days since 1970-01-01.
CREATE TABLE fact_time_cells (
  practice_id bigint NOT NULL,
  basis smallint NOT NULL CHECK (basis IN (1, 2)),
  month date NOT NULL,
  cohort text NOT NULL,
  family text NOT NULL,
  paid boolean NOT NULL,
  day integer NOT NULL,
  claims bigint NOT NULL,
  open_claims bigint NOT NULL,
  open_charge_cents bigint NOT NULL,
  PRIMARY KEY (practice_id, basis, month, cohort, family, paid, day)
);

CREATE TABLE fact_receipt_cells (
  practice_id bigint NOT NULL,
  basis smallint NOT NULL CHECK (basis IN (1, 2)),
  month date NOT NULL,
  cohort text NOT NULL,
  family text NOT NULL,
  received_date date NOT NULL,
  received bigint NOT NULL,
  owed bigint NOT NULL,
  paid_within bigint[] NOT NULL,         -- 30, 45, 60 days
  adjudicated_within bigint[] NOT NULL,  -- 30, 45, 60 days
  PRIMARY KEY (practice_id, basis, month, cohort, family, received_date)
);

-- Row-level security as 0003_security.sql sets it up for every table of practice data: a
-- transaction sees only the practice it named with set_config('app.practice_id', ...).
DO $$
DECLARE
  practice_table text;
BEGIN
  FOREACH practice_table IN ARRAY ARRAY['claim_report_facts', 'fact_horizons',
      'fact_count_cells', 'fact_reason_cells', 'fact_time_cells', 'fact_receipt_cells'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', practice_table);
    EXECUTE format(
        'CREATE POLICY practice_isolation ON %I'
        ' USING (practice_id = NULLIF(current_setting(''app.practice_id'', true), '''')::bigint)'
        ' WITH CHECK (practice_id = NULLIF(current_setting(''app.practice_id'', true), '''')::bigint)',
        practice_table);
    -- The server's role (0003) may use them, whatever the default privileges say.
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'denialscope_app') THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO denialscope_app',
                     practice_table);
    END IF;
  END LOOP;
END
$$;
