-- Personal notices. A member can be written to privately once they have started a private
-- chat with the bot, until Telegram answers 403 (they blocked it); writing to the bot again
-- makes them reachable again. /notify off stops notices without touching reachability.
ALTER TABLE members ADD COLUMN private_since TEXT;
ALTER TABLE members ADD COLUMN unreachable_since TEXT;
ALTER TABLE members ADD COLUMN notices INTEGER NOT NULL DEFAULT 1;

-- When a member last took part in a group (nudges go to members active in the last 60 days).
ALTER TABLE group_members ADD COLUMN last_seen_at TEXT;
UPDATE group_members SET last_seen_at = first_seen_at;

-- One row per notice, written with the change it tells about and sent later (at 08:00 when
-- due in the group's quiet hours), so a restart neither loses nor repeats one.
-- kind 'results' and 'nudge' refer to the round, 'outcome' to the outcome update.
CREATE TABLE notices (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES groups (id),
    user_id INTEGER NOT NULL REFERENCES members (user_id),
    round_id INTEGER NOT NULL REFERENCES rounds (id),
    kind TEXT NOT NULL CHECK (kind IN ('results', 'outcome', 'nudge')),
    ref_id INTEGER NOT NULL,
    due_at TEXT NOT NULL,
    sent_at TEXT,
    result TEXT CHECK (result IN ('sent', 'unreachable', 'off')),
    UNIQUE (kind, ref_id, user_id)
);
CREATE INDEX notices_due ON notices (group_id, sent_at, due_at);
CREATE INDEX notices_by_member ON notices (user_id);
