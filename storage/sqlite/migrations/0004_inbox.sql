-- Updates fetched from Telegram and stored before their offset is confirmed (bot/inbox.py),
-- so a crash at any moment loses none. A row leaves the inbox when its update has been
-- applied, by the trigger of 0006 as it is recorded in processed_updates (0001).
CREATE TABLE inbox (
    update_id INTEGER PRIMARY KEY,
    payload TEXT NOT NULL,
    received_at TEXT NOT NULL
);

CREATE INDEX processed_updates_age ON processed_updates (processed_at);
