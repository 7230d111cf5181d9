-- Prompt pay as of a date reads the receipt cells of the due month up to the due date
-- (kSelectDueReceiptCells). The primary key leads with the service month, so that read
-- walked every cell of the period (~6,500 for a year of a 1-million-claim practice) to keep
-- ~400; by receipt date it reads only those (bench/README.md "Dashboard latency").
CREATE INDEX fact_receipt_cells_by_received_date
  ON fact_receipt_cells (practice_id, basis, received_date);
ANALYZE fact_receipt_cells;

-- The curves' array literals (0010) are a few kilobytes each and read whole on every default
-- timeline call: keep them out of line but uncompressed (no pglz per read). The UPDATE
-- writes the stored rows again in that form (new values take the column's storage).
ALTER TABLE fact_time_curves
  ALTER COLUMN days SET STORAGE EXTERNAL,
  ALTER COLUMN claims SET STORAGE EXTERNAL,
  ALTER COLUMN open_claims SET STORAGE EXTERNAL,
  ALTER COLUMN open_charge_cents SET STORAGE EXTERNAL;
UPDATE fact_time_curves SET days = days || '', claims = claims || '',
  open_claims = open_claims || '', open_charge_cents = open_charge_cents || '';
