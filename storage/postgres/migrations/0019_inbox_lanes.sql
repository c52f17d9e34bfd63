-- Each stored update names its lane (the chat it belongs to, bot/runtime/updates/lanes.py),
-- so that replicas sharing this database can take a chat's waiting updates, in order, without
-- reading every payload.
ALTER TABLE inbox ADD COLUMN lane TEXT COLLATE "C";
CREATE INDEX inbox_by_lane ON inbox (lane, update_id);

-- Telegram's outbound limits, shared by every replica (storage/postgres/sends.py): one row per
-- call, the chat and the database server's clock in seconds. Rows older than any window go.
CREATE TABLE outbound_sends (
    chat TEXT COLLATE "C" NOT NULL,
    sent_at DOUBLE PRECISION NOT NULL
);
CREATE INDEX outbound_sends_by_chat ON outbound_sends (chat, sent_at);
CREATE INDEX outbound_sends_by_time ON outbound_sends (sent_at);
