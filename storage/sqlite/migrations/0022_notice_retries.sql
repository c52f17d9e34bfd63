-- Every private message that is not the answer to a member's own action is a notice: besides
-- a round's results, outcome updates and nudges, the note that a need or offer lapsed
-- ('lapse', ref: the posting) and the introduction to whoever answered it ('introduction',
-- ref: the connection), which concern no round; 'cancelled' tells who took part that a round
-- was cancelled before its results. A notice Telegram refuses (other than 403)
-- is tried again later, a few times (attempts; due_at is the next try), then settled as
-- 'failed'; one for a member no longer in the group is settled as 'departed'. sent_at is
-- when a notice was settled, whatever its result.
--
-- SQLite cannot change a CHECK constraint or drop a NOT NULL, so the table is rebuilt: the
-- old one renamed, the new one filled from it unchanged, the old one dropped.
ALTER TABLE notices RENAME TO notices_before_retries;

CREATE TABLE notices (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES groups (id),
    user_id INTEGER NOT NULL REFERENCES members (user_id),
    round_id INTEGER REFERENCES rounds (id),
    kind TEXT NOT NULL CHECK (kind IN ('results', 'outcome', 'nudge', 'cancelled', 'lapse', 'introduction')),
    ref_id INTEGER NOT NULL,
    due_at TEXT NOT NULL,
    sent_at TEXT,
    result TEXT CHECK (result IN ('sent', 'unreachable', 'off', 'departed', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    CHECK ((round_id IS NULL) = (kind IN ('lapse', 'introduction'))),
    UNIQUE (kind, ref_id, user_id)
);

INSERT INTO notices (id, group_id, user_id, round_id, kind, ref_id, due_at, sent_at, result)
SELECT id, group_id, user_id, round_id, kind, ref_id, due_at, sent_at, result
FROM notices_before_retries ORDER BY id;

DROP TABLE notices_before_retries;

CREATE INDEX notices_due ON notices (group_id, sent_at, due_at);
CREATE INDEX notices_by_member ON notices (user_id);
