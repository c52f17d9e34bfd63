-- A member's own entries (private /credits, /mydata) are found through an index for each
-- column that can name them: SQLite answers "from = ? OR to = ? OR ..." as a union of
-- index lookups instead of reading the whole ledger.
CREATE INDEX ledger_by_creator ON ledger_entries (created_by);
CREATE INDEX ledger_by_confirmer ON ledger_entries (confirmed_by);
CREATE INDEX ledger_by_rejecter ON ledger_entries (rejected_by);
