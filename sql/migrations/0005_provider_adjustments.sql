-- Provider-level adjustments (835 PLB, issue 3): money a payer moves for the provider as a
-- whole (interest, forward balances, recoupments, withholdings) rather than for a claim. They
-- are stored at the provider level and never spread over claims, so claim payments, claim
-- facts and denial measures never see them.
--
-- One row per PLB reason/amount pair. The natural key is the remittance (payer and TRN02
-- trace number) and the pair's 1-based number among that transaction set's PLB pairs, so
-- importing the same 835 again finds every pair stored; content_hash tells a true repeat
-- (a duplicate) from a different file reusing the trace number (rejected).
CREATE TABLE provider_adjustments (
  practice_id bigint NOT NULL,
  payer_id text NOT NULL,
  payer_name text NOT NULL DEFAULT '',
  trace_number text NOT NULL CHECK (trace_number <> ''),
  sequence integer NOT NULL CHECK (sequence >= 1),
  content_hash bytea NOT NULL CHECK (length(content_hash) = 32),
  provider_id text NOT NULL CHECK (provider_id <> ''),
  fiscal_period_date date,
  reason_code text NOT NULL CHECK (reason_code <> ''),
  reference text NOT NULL DEFAULT '',
  amount_cents bigint NOT NULL,
  payment_date date,
  ingested_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (practice_id, payer_id, trace_number, sequence),
  FOREIGN KEY (practice_id, payer_id) REFERENCES payers
);

-- The server's role may add and read them (0003's default privileges grant more; a PLB is
-- never updated or deleted by the server, so take those back).
GRANT SELECT, INSERT ON provider_adjustments TO denialscope_app;
REVOKE UPDATE, DELETE ON provider_adjustments FROM denialscope_app;

-- Row-level security as on every practice table (0003): a transaction sees only the practice
-- it set in app.practice_id, and none when it set none.
ALTER TABLE provider_adjustments ENABLE ROW LEVEL SECURITY;
CREATE POLICY practice_isolation ON provider_adjustments
  USING (practice_id = NULLIF(current_setting('app.practice_id', true), '')::bigint)
  WITH CHECK (practice_id = NULLIF(current_setting('app.practice_id', true), '')::bigint);
