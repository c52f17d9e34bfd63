-- The time bank's ledger. Append-only: rows are never deleted, and the only
-- change ever made to a row is deciding a pending entry (confirmed, rejected or lapsed)
-- or noting the message that shows it. Corrections are new 'reversal' rows.
-- A NULL from_member / to_member is the community: volunteering comes from it, and
-- reversing volunteering gives the time back to it.
CREATE TABLE ledger_entries (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES groups (id),
    kind TEXT NOT NULL CHECK (kind IN ('volunteering', 'thanks', 'reversal')),
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
    CHECK (from_member IS NOT NULL OR to_member IS NOT NULL),
    CHECK (from_member IS NOT to_member),
    CHECK (kind <> 'volunteering' OR (from_member IS NULL AND to_member IS NOT NULL)),
    CHECK (kind <> 'thanks' OR (from_member IS NOT NULL AND to_member IS NOT NULL)),
    CHECK ((kind = 'reversal') = (reverses IS NOT NULL)),
    CHECK (status <> 'confirmed' OR (confirmed_by IS NOT NULL AND decided_at IS NOT NULL)),
    CHECK (status <> 'rejected' OR (rejected_by IS NOT NULL AND decided_at IS NOT NULL)),
    CHECK (status <> 'pending' OR decided_at IS NULL)
);
CREATE INDEX ledger_by_group ON ledger_entries (group_id, status);
CREATE INDEX ledger_by_from ON ledger_entries (from_member);
CREATE INDEX ledger_by_to ON ledger_entries (to_member);

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
