-- Needs and offers, and the ledger's 'exchange' kind: hours a helped member confirms moving
-- from themselves to the neighbour who helped them.
--
-- SQLite cannot change a CHECK constraint, so the ledger is rebuilt: the old table is
-- renamed, a new one with the same columns and the new kind is filled from it, and the old
-- one (its triggers and indexes with it) is dropped. Renaming first keeps the new table's
-- self-reference (reverses) pointing at itself, and dropping the old one never touches rows
-- the new one refers to. Every row is copied unchanged: the ledger stays append-only.
ALTER TABLE ledger_entries RENAME TO ledger_entries_before_exchanges;

CREATE TABLE ledger_entries (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES groups (id),
    kind TEXT NOT NULL CHECK (kind IN ('volunteering', 'thanks', 'reversal', 'exchange')),
    from_member INTEGER REFERENCES members (user_id),
    to_member INTEGER REFERENCES members (user_id),
    minutes INTEGER NOT NULL CHECK (minutes > 0),
    note TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'rejected', 'lapsed')),
    confirmed_by INTEGER,
    rejected_by INTEGER,
    decided_at TEXT,
    created_by INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    lapses_at TEXT,
    reverses INTEGER UNIQUE REFERENCES ledger_entries (id),
    message_id INTEGER,
    source_chat_id INTEGER,
    source_message_id INTEGER,
    round_id INTEGER REFERENCES rounds (id),
    CHECK (from_member IS NOT NULL OR to_member IS NOT NULL),
    CHECK (from_member IS NOT to_member),
    CHECK (kind <> 'volunteering' OR (from_member IS NULL AND to_member IS NOT NULL)),
    CHECK (kind <> 'thanks' OR (from_member IS NOT NULL AND to_member IS NOT NULL)),
    -- an exchange is between two members and is authorised by the one it takes from
    CHECK (kind <> 'exchange' OR (from_member IS NOT NULL AND to_member IS NOT NULL
                                  AND status = 'confirmed' AND confirmed_by = from_member)),
    CHECK ((kind = 'reversal') = (reverses IS NOT NULL)),
    CHECK (status <> 'confirmed' OR (confirmed_by IS NOT NULL AND decided_at IS NOT NULL)),
    CHECK (status <> 'rejected' OR (rejected_by IS NOT NULL AND decided_at IS NOT NULL)),
    CHECK (status <> 'pending' OR decided_at IS NULL)
);

INSERT INTO ledger_entries
SELECT id, group_id, kind, from_member, to_member, minutes, note, status, confirmed_by,
       rejected_by, decided_at, created_by, created_at, lapses_at, reverses, message_id,
       source_chat_id, source_message_id, round_id
FROM ledger_entries_before_exchanges ORDER BY id;

DROP TABLE ledger_entries_before_exchanges;

CREATE INDEX ledger_by_group ON ledger_entries (group_id, status);
CREATE INDEX ledger_by_from ON ledger_entries (from_member);
CREATE INDEX ledger_by_to ON ledger_entries (to_member);
CREATE INDEX ledger_by_creator ON ledger_entries (created_by);
CREATE INDEX ledger_by_confirmer ON ledger_entries (confirmed_by);
CREATE INDEX ledger_by_rejecter ON ledger_entries (rejected_by);
CREATE UNIQUE INDEX ledger_entries_by_source ON ledger_entries (source_chat_id, source_message_id)
    WHERE source_message_id IS NOT NULL;
CREATE INDEX ledger_by_round ON ledger_entries (round_id) WHERE round_id IS NOT NULL;
CREATE TRIGGER ledger_round_fixed BEFORE UPDATE OF round_id ON ledger_entries
WHEN NEW.round_id IS NOT OLD.round_id
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only: an entry keeps its round');
END;
CREATE TRIGGER ledger_entries_never_deleted BEFORE DELETE ON ledger_entries
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only: add a reversing entry instead');
END;

-- Allowed updates: (1) a pending entry is decided, once, with who and when;
-- (2) the message showing an entry is noted, once. Nothing else ever changes.
CREATE TRIGGER ledger_entries_only_decided BEFORE UPDATE ON ledger_entries
WHEN NOT (
    NEW.id IS OLD.id AND NEW.group_id IS OLD.group_id AND NEW.kind IS OLD.kind
    AND NEW.from_member IS OLD.from_member AND NEW.to_member IS OLD.to_member
    AND NEW.minutes IS OLD.minutes AND NEW.note IS OLD.note
    AND NEW.created_by IS OLD.created_by AND NEW.created_at IS OLD.created_at
    AND NEW.lapses_at IS OLD.lapses_at AND NEW.reverses IS OLD.reverses
    AND (
        (OLD.status = 'pending' AND NEW.status IN ('confirmed', 'rejected', 'lapsed')
         AND NEW.decided_at IS NOT NULL AND NEW.message_id IS OLD.message_id
         AND (NEW.status <> 'confirmed' OR NEW.confirmed_by IS NOT NULL)
         AND (NEW.status <> 'rejected' OR NEW.rejected_by IS NOT NULL))
        OR
        (OLD.message_id IS NULL AND NEW.message_id IS NOT NULL AND NEW.status IS OLD.status
         AND NEW.confirmed_by IS OLD.confirmed_by AND NEW.rejected_by IS OLD.rejected_by
         AND NEW.decided_at IS OLD.decided_at)
    )
)
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only: only a pending entry can be decided');
END;
CREATE TRIGGER ledger_entries_source_fixed BEFORE UPDATE OF source_chat_id, source_message_id ON ledger_entries
WHEN NEW.source_chat_id IS NOT OLD.source_chat_id OR NEW.source_message_id IS NOT OLD.source_message_id
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only: an entry''s source message never changes');
END;

-- What members need and offer. A need is taken by one helper; an offer stays open to
-- several askers until it is cancelled or lapses.
CREATE TABLE postings (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES groups (id),
    kind TEXT NOT NULL CHECK (kind IN ('need', 'offer')),
    author INTEGER NOT NULL REFERENCES members (user_id),
    minutes INTEGER CHECK (minutes IS NULL OR minutes > 0),
    text TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'taken', 'met', 'cancelled', 'lapsed')),
    created_at TEXT NOT NULL,
    lapses_at TEXT NOT NULL,
    closed_at TEXT,
    closed_by INTEGER,
    message_id INTEGER,
    source_chat_id INTEGER,
    source_message_id INTEGER,
    CHECK (kind = 'need' OR status NOT IN ('taken', 'met'))
);
CREATE INDEX postings_by_group ON postings (group_id, status);
CREATE INDEX postings_by_author ON postings (author);
CREATE UNIQUE INDEX postings_by_source ON postings (source_chat_id, source_message_id)
    WHERE source_message_id IS NOT NULL;

-- A helper and a helped member brought together by a posting, and the hours they settle.
CREATE TABLE connections (
    id INTEGER PRIMARY KEY,
    posting_id INTEGER NOT NULL REFERENCES postings (id),
    helper INTEGER NOT NULL REFERENCES members (user_id),
    helped INTEGER NOT NULL REFERENCES members (user_id),
    status TEXT NOT NULL CHECK (status IN ('connected', 'proposed', 'settled')),
    created_at TEXT NOT NULL,
    minutes INTEGER CHECK (minutes IS NULL OR minutes > 0),
    proposed_by INTEGER,
    entry_id INTEGER UNIQUE REFERENCES ledger_entries (id),
    message_id INTEGER,
    CHECK (helper <> helped),
    CHECK ((status = 'connected') = (minutes IS NULL)),
    CHECK ((status = 'settled') = (entry_id IS NOT NULL)),
    UNIQUE (posting_id, helper, helped)
);
CREATE INDEX connections_by_helper ON connections (helper);
CREATE INDEX connections_by_helped ON connections (helped);
