-- An outcome is a history of updates, each with a status ('in_progress' carries a
-- percentage). Updates are appended, never edited or deleted: the only change ever made to
-- a row is noting the message that announced it.
ALTER TABLE outcomes ADD COLUMN status TEXT NOT NULL DEFAULT 'planned'
    CHECK (status IN ('planned', 'in_progress', 'done', 'dropped'));
ALTER TABLE outcomes ADD COLUMN progress INTEGER CHECK (progress BETWEEN 0 AND 100);
CREATE INDEX outcomes_by_round ON outcomes (round_id, recorded_at);

CREATE TRIGGER outcomes_never_deleted BEFORE DELETE ON outcomes
BEGIN
    SELECT RAISE(ABORT, 'outcome updates are append-only');
END;

CREATE TRIGGER outcomes_only_announced BEFORE UPDATE ON outcomes
WHEN NOT (
    NEW.id IS OLD.id AND NEW.round_id IS OLD.round_id AND NEW.text IS OLD.text
    AND NEW.recorded_by IS OLD.recorded_by AND NEW.recorded_at IS OLD.recorded_at
    AND NEW.status IS OLD.status AND NEW.progress IS OLD.progress
    AND NEW.source_chat_id IS OLD.source_chat_id AND NEW.source_message_id IS OLD.source_message_id
    AND OLD.message_id IS NULL
)
BEGIN
    SELECT RAISE(ABORT, 'outcome updates are append-only: add a new update instead');
END;

-- Hours volunteered for a round (/log 2h for #3 ...): the link is set when the entry is
-- logged and never changes.
ALTER TABLE ledger_entries ADD COLUMN round_id INTEGER REFERENCES rounds (id);
CREATE INDEX ledger_by_round ON ledger_entries (round_id) WHERE round_id IS NOT NULL;

CREATE TRIGGER ledger_round_fixed BEFORE UPDATE OF round_id ON ledger_entries
WHEN NEW.round_id IS NOT OLD.round_id
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only: an entry keeps its round');
END;
