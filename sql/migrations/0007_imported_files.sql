-- The file registry (issue 3): every file whose import ran to its end, keyed by the SHA-256
-- of its bytes, so the same file sent again is recognised. A client that declares the hash
-- up front gets the first import's summary at once, without sending or parsing the file;
-- one that does not is told at the end that the bytes were imported before (its records are
-- duplicates then, as natural keys and content hashes make them).
--
-- The counts are the first import's summary (what it read and what happened to it). The
-- first record of a hash stays: a later import of the same bytes changes nothing.
CREATE TABLE imported_files (
  practice_id bigint NOT NULL REFERENCES practices,
  content_sha256 text NOT NULL CHECK (content_sha256 ~ '^[0-9a-f]{64}$'),
  format text NOT NULL CHECK (format IN ('X12', 'JSONL', 'CSV')),
  file_name text NOT NULL DEFAULT '',
  bytes bigint NOT NULL CHECK (bytes >= 0),
  claims bigint NOT NULL CHECK (claims >= 0),
  claim_lines bigint NOT NULL CHECK (claim_lines >= 0),
  remittance_events bigint NOT NULL CHECK (remittance_events >= 0),
  provider_adjustments bigint NOT NULL CHECK (provider_adjustments >= 0),
  provider_adjustments_stored bigint NOT NULL CHECK (provider_adjustments_stored >= 0),
  provider_adjustments_duplicate bigint NOT NULL CHECK (provider_adjustments_duplicate >= 0),
  provider_adjustments_rejected bigint NOT NULL CHECK (provider_adjustments_rejected >= 0),
  accepted bigint NOT NULL CHECK (accepted >= 0),
  duplicate bigint NOT NULL CHECK (duplicate >= 0),
  rejected bigint NOT NULL CHECK (rejected >= 0),
  unmatched bigint NOT NULL CHECK (unmatched >= 0),
  problem_count bigint NOT NULL CHECK (problem_count >= 0),
  imported_at timestamptz NOT NULL,
  PRIMARY KEY (practice_id, content_sha256)
);

-- The server adds and reads records; it never rewrites or removes one.
GRANT SELECT, INSERT ON imported_files TO denialscope_app;
REVOKE UPDATE, DELETE ON imported_files FROM denialscope_app;

-- Row-level security as on every practice table (0003).
ALTER TABLE imported_files ENABLE ROW LEVEL SECURITY;
CREATE POLICY practice_isolation ON imported_files
  USING (practice_id = NULLIF(current_setting('app.practice_id', true), '')::bigint)
  WITH CHECK (practice_id = NULLIF(current_setting('app.practice_id', true), '')::bigint);
