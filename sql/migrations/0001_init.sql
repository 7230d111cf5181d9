-- The first schema (DESIGN §4): practices, the raw claims and remittance events as they
-- arrived, and the per-claim facts derived from them on ingest.
--
-- Every table of practice data leads its primary key with practice_id, so a practice's rows
-- sit together and the schema distributes by practice_id (Citus) unchanged. Money is integer
-- cents (bigint) everywhere; dates of service and adjudication are civil dates.
-- Remittance events do not reference claims: a remittance may arrive before its claim and
-- joins it on (practice_id, payer_id, claim_id) whenever both are stored.

CREATE TABLE practices (
  practice_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  npi text NOT NULL UNIQUE CHECK (npi ~ '^[0-9]{10}$'),
  display_name text NOT NULL DEFAULT '',
  create_time timestamptz NOT NULL DEFAULT now()
);

-- Payers as the practice's claims and remittances name them (NM1*PR / N1*PR).
CREATE TABLE payers (
  practice_id bigint NOT NULL REFERENCES practices,
  payer_id text NOT NULL CHECK (payer_id <> ''),
  payer_name text NOT NULL DEFAULT '',
  PRIMARY KEY (practice_id, payer_id)
);

-- The current version of each claim (loop 2300): the content of the latest accepted original
-- (frequency 1) or replacement (7), which rewrites it; a void (8) only sets voided, and a
-- later replacement revives the claim. content_hash is the hash of that content (the
-- frequency code takes no part in it).
CREATE TABLE claims (
  practice_id bigint NOT NULL,
  payer_id text NOT NULL,
  claim_id text NOT NULL CHECK (claim_id <> ''),
  frequency_code smallint NOT NULL CHECK (frequency_code IN (1, 7)),
  voided boolean NOT NULL DEFAULT false,
  version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  payer_name text NOT NULL DEFAULT '',
  patient_key text NOT NULL DEFAULT '',
  billing_npi text NOT NULL DEFAULT '',
  rendering_npi text NOT NULL DEFAULT '',
  place_of_service text NOT NULL DEFAULT '',
  submission_date date,
  service_date date NOT NULL,  -- earliest service-line date
  total_charge_cents bigint NOT NULL CHECK (total_charge_cents >= 0),
  content_hash bytea NOT NULL CHECK (length(content_hash) = 32),
  ingested_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (practice_id, payer_id, claim_id),
  FOREIGN KEY (practice_id, payer_id) REFERENCES payers
);
-- LoadClaims and the facts read active claims by date of service.
CREATE INDEX claims_active_by_service_date ON claims (practice_id, service_date)
  WHERE NOT voided;

-- Every submission of a claim that was stored or recognised as a restatement of the stored
-- claim, as it arrived: which content, which frequency, when. Sending one of them again is a
-- duplicate.
CREATE TABLE claim_submissions (
  practice_id bigint NOT NULL,
  payer_id text NOT NULL,
  claim_id text NOT NULL,
  content_hash bytea NOT NULL CHECK (length(content_hash) = 32),
  frequency_code smallint NOT NULL CHECK (frequency_code IN (1, 7, 8)),
  version integer NOT NULL CHECK (version >= 1),
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (practice_id, payer_id, claim_id, content_hash, frequency_code),
  FOREIGN KEY (practice_id, payer_id, claim_id) REFERENCES claims ON DELETE CASCADE
);

-- Service lines (SV1) of the current version.
CREATE TABLE claim_lines (
  practice_id bigint NOT NULL,
  payer_id text NOT NULL,
  claim_id text NOT NULL,
  line_number integer NOT NULL CHECK (line_number >= 1),
  line_control_number text NOT NULL DEFAULT '',
  procedure_code text NOT NULL CHECK (procedure_code <> ''),
  modifiers text[] NOT NULL DEFAULT '{}',
  charge_cents bigint NOT NULL CHECK (charge_cents >= 0),
  units double precision NOT NULL CHECK (units >= 0),
  diagnosis_pointers integer[] NOT NULL DEFAULT '{}',
  service_date date NOT NULL,
  rendering_npi text NOT NULL DEFAULT '',
  PRIMARY KEY (practice_id, payer_id, claim_id, line_number),
  FOREIGN KEY (practice_id, payer_id, claim_id) REFERENCES claims ON DELETE CASCADE
);

-- Diagnoses (HI) of the current version; position 1 is the principal (ABK).
CREATE TABLE claim_diagnoses (
  practice_id bigint NOT NULL,
  payer_id text NOT NULL,
  claim_id text NOT NULL,
  position smallint NOT NULL CHECK (position BETWEEN 1 AND 12),
  code text NOT NULL CHECK (code <> ''),
  PRIMARY KEY (practice_id, payer_id, claim_id, position),
  FOREIGN KEY (practice_id, payer_id, claim_id) REFERENCES claims ON DELETE CASCADE
);

-- Adjudication events (835 CLP loops), keyed by the hash of their whole content so a
-- re-sent remittance is recognised.
CREATE TABLE remittance_events (
  practice_id bigint NOT NULL,
  event_id bytea NOT NULL CHECK (length(event_id) = 32),
  payer_id text NOT NULL,
  payer_name text NOT NULL DEFAULT '',
  claim_id text NOT NULL CHECK (claim_id <> ''),
  status_code integer NOT NULL,
  charge_cents bigint NOT NULL,
  paid_cents bigint NOT NULL,
  patient_responsibility_cents bigint NOT NULL,
  payer_claim_control_number text NOT NULL DEFAULT '',
  received_date date,
  production_date date,
  payment_date date,
  trace_number text NOT NULL DEFAULT '',
  ingested_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (practice_id, event_id),
  FOREIGN KEY (practice_id, payer_id) REFERENCES payers
);
CREATE INDEX remittance_events_by_claim ON remittance_events (practice_id, payer_id, claim_id);

-- Service lines (SVC, loop 2110) of an event, 1-based in the order they arrived.
CREATE TABLE remittance_lines (
  practice_id bigint NOT NULL,
  event_id bytea NOT NULL,
  line_index integer NOT NULL CHECK (line_index >= 1),
  line_control_number text NOT NULL DEFAULT '',
  procedure_code text NOT NULL DEFAULT '',
  modifiers text[] NOT NULL DEFAULT '{}',
  charge_cents bigint NOT NULL,
  paid_cents bigint NOT NULL,
  units double precision NOT NULL,
  service_date date,
  PRIMARY KEY (practice_id, event_id, line_index),
  FOREIGN KEY (practice_id, event_id) REFERENCES remittance_events ON DELETE CASCADE
);

-- CAS triplets: line_index 0 is the claim level, 1.. the event's lines.
CREATE TABLE adjustments (
  practice_id bigint NOT NULL,
  event_id bytea NOT NULL,
  line_index integer NOT NULL CHECK (line_index >= 0),
  position integer NOT NULL CHECK (position >= 1),
  group_code text NOT NULL CHECK (group_code IN ('CO', 'PR', 'OA', 'PI', 'CR')),
  carc text NOT NULL CHECK (carc <> ''),
  amount_cents bigint NOT NULL,
  quantity double precision NOT NULL DEFAULT 0,
  PRIMARY KEY (practice_id, event_id, line_index, position),
  FOREIGN KEY (practice_id, event_id) REFERENCES remittance_events ON DELETE CASCADE
);

-- Remark codes (MOA/MIA at line_index 0, LQ*HE on lines 1..).
CREATE TABLE remark_codes (
  practice_id bigint NOT NULL,
  event_id bytea NOT NULL,
  line_index integer NOT NULL CHECK (line_index >= 0),
  position integer NOT NULL CHECK (position >= 1),
  code text NOT NULL CHECK (code <> ''),
  PRIMARY KEY (practice_id, event_id, line_index, position),
  FOREIGN KEY (practice_id, event_id) REFERENCES remittance_events ON DELETE CASCADE
);

-- Per-claim facts for the dashboards, recomputed on ingest for every claim a batch touches:
-- the principal-diagnosis cohort and the netted outcome of all stored events (as of the end
-- of time; measures with an earlier as-of date filter by the dates kept here). Only active
-- claims have facts: a void removes them.
CREATE TABLE claim_facts (
  practice_id bigint NOT NULL,
  payer_id text NOT NULL,
  claim_id text NOT NULL,
  cohort text NOT NULL CHECK (cohort IN ('non_cervical', 'nonspecific', 'specific')),
  family text NOT NULL DEFAULT '',
  cohort_code text NOT NULL DEFAULT '',  -- the diagnosis that decided the cohort
  principal_dx text NOT NULL DEFAULT '',
  service_date date NOT NULL,
  charge_cents bigint NOT NULL CHECK (charge_cents >= 0),
  event_count integer NOT NULL CHECK (event_count >= 0),
  adjudicated boolean NOT NULL,
  initial_outcome text NOT NULL
    CHECK (initial_outcome IN ('none', 'paid', 'denied', 'zero_pay_not_denied')),
  initial_date date,
  initial_partial_denial boolean NOT NULL,
  final_outcome text NOT NULL
    CHECK (final_outcome IN ('none', 'paid', 'denied', 'zero_pay_not_denied')),
  finally_denied boolean NOT NULL,
  overturned boolean NOT NULL,
  net_paid_cents bigint NOT NULL,
  first_payment_date date,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (practice_id, payer_id, claim_id),
  FOREIGN KEY (practice_id, payer_id, claim_id) REFERENCES claims ON DELETE CASCADE
);
CREATE INDEX claim_facts_by_service_date ON claim_facts (practice_id, service_date);
CREATE INDEX claim_facts_by_initial_date ON claim_facts (practice_id, initial_date);
