-- Undo and correct: a facilitator's mistake can be put right in the chat.

-- A round cancelled before its results (/cancel N reason) is closed without a decision: its
-- stage is 'closed', so every stage change (compare-and-set on 'ideas' or 'voting') stops at
-- it, and cancelled_at says it has no results. Voting given as a moment (/round 3d Saturday
-- 18:00 ...) ends then: voting_until, kept until voting opens.
ALTER TABLE rounds ADD COLUMN cancelled_at TEXT;
ALTER TABLE rounds ADD COLUMN cancel_reason TEXT;
ALTER TABLE rounds ADD COLUMN voting_until TEXT;

-- What facilitators changed on a round, kept for good: an edited question (/edit), a moved
-- deadline (/extend), a cancellation (/cancel), each once per command message.
CREATE TABLE round_changes (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES rounds (id),
    kind TEXT NOT NULL CHECK (kind IN ('question', 'deadline', 'cancelled')),
    was TEXT,
    became TEXT,
    changed_by INTEGER,
    changed_at TEXT NOT NULL,
    source_chat_id INTEGER,
    source_message_id INTEGER
);
CREATE INDEX round_changes_by_round ON round_changes (round_id, id);
CREATE UNIQUE INDEX round_changes_by_source ON round_changes (source_chat_id, source_message_id)
    WHERE source_message_id IS NOT NULL;
CREATE TRIGGER round_changes_append_only BEFORE UPDATE ON round_changes
BEGIN
    SELECT RAISE(ABORT, 'round changes are append-only');
END;
CREATE TRIGGER round_changes_kept BEFORE DELETE ON round_changes
BEGIN
    SELECT RAISE(ABORT, 'round changes are append-only');
END;

-- An outcome update can be corrected (/outcome N fix ...): the correction is a new update that
-- names the one it corrects; both stay, and only the newest version is current.
ALTER TABLE outcomes ADD COLUMN corrects INTEGER REFERENCES outcomes (id);
CREATE UNIQUE INDEX outcomes_corrected_once ON outcomes (corrects) WHERE corrects IS NOT NULL;
DROP TRIGGER outcomes_only_announced;
CREATE TRIGGER outcomes_only_announced BEFORE UPDATE ON outcomes
WHEN NOT (
    NEW.id IS OLD.id AND NEW.round_id IS OLD.round_id AND NEW.text IS OLD.text
    AND NEW.recorded_by IS OLD.recorded_by AND NEW.recorded_at IS OLD.recorded_at
    AND NEW.status IS OLD.status AND NEW.progress IS OLD.progress
    AND NEW.source_chat_id IS OLD.source_chat_id AND NEW.source_message_id IS OLD.source_message_id
    AND NEW.corrects IS OLD.corrects AND OLD.message_id IS NULL
)
BEGIN
    SELECT RAISE(ABORT, 'outcome updates are append-only: add a new update instead');
END;

-- A command the bot asked about before doing it ("Friday 5 December or Friday 12 December?",
-- "Which round?"): the command as written, and the commands each button stands for. Pressing
-- one answers it once; the command written out with the answer may be asked about again
-- (its second moment), a row of its own. choices: a JSON list of [label, command].
CREATE TABLE held_commands (
    id INTEGER PRIMARY KEY,
    chat_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    member_id INTEGER,
    command TEXT NOT NULL,
    question TEXT NOT NULL,
    choices TEXT NOT NULL,
    created_at TEXT NOT NULL,
    answered_at TEXT,
    UNIQUE (chat_id, message_id, command)
);
