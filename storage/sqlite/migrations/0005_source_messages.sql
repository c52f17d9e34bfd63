-- The message each command came from (chat id, message id), so that an update applied again
-- after a crash (bot/inbox.py replays one that had not finished) finds the row it wrote
-- instead of writing a second. NULL for rows no message asked for (a proposal opening a
-- round, a reversal). An outcome also notes the message that announced it, as entries do.
ALTER TABLE rounds ADD COLUMN source_chat_id INTEGER;
ALTER TABLE rounds ADD COLUMN source_message_id INTEGER;
CREATE UNIQUE INDEX rounds_by_source ON rounds (source_chat_id, source_message_id)
    WHERE source_message_id IS NOT NULL;

ALTER TABLE proposals ADD COLUMN source_chat_id INTEGER;
ALTER TABLE proposals ADD COLUMN source_message_id INTEGER;
CREATE UNIQUE INDEX proposals_by_source ON proposals (source_chat_id, source_message_id)
    WHERE source_message_id IS NOT NULL;

ALTER TABLE outcomes ADD COLUMN source_chat_id INTEGER;
ALTER TABLE outcomes ADD COLUMN source_message_id INTEGER;
ALTER TABLE outcomes ADD COLUMN message_id INTEGER;
CREATE UNIQUE INDEX outcomes_by_source ON outcomes (source_chat_id, source_message_id)
    WHERE source_message_id IS NOT NULL;

ALTER TABLE ledger_entries ADD COLUMN source_chat_id INTEGER;
ALTER TABLE ledger_entries ADD COLUMN source_message_id INTEGER;
CREATE UNIQUE INDEX ledger_entries_by_source ON ledger_entries (source_chat_id, source_message_id)
    WHERE source_message_id IS NOT NULL;

-- The ledger stays append-only (0004): where an entry came from is written with it, never changed.
CREATE TRIGGER ledger_entries_source_fixed BEFORE UPDATE OF source_chat_id, source_message_id ON ledger_entries
WHEN NEW.source_chat_id IS NOT OLD.source_chat_id OR NEW.source_message_id IS NOT OLD.source_message_id
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only: an entry''s source message never changes');
END;
