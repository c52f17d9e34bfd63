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

-- One call's slot, in one statement (one round trip): under an advisory transaction lock every
-- reservation holds, at most p_allowed calls into the chat in any p_period seconds and
-- p_spacing seconds between any two calls. Returns 0 once the slot is taken, else the seconds
-- until one is free (nothing taken). Now and then it drops rows older than any window.
CREATE FUNCTION coprod_reserve_send(p_chat TEXT, p_allowed INTEGER, p_period DOUBLE PRECISION,
                                    p_spacing DOUBLE PRECISION) RETURNS DOUBLE PRECISION
LANGUAGE plpgsql AS $$
DECLARE
    now DOUBLE PRECISION;
    last DOUBLE PRECISION;
    oldest DOUBLE PRECISION;
    wait DOUBLE PRECISION := 0;
BEGIN
    PERFORM pg_advisory_xact_lock(109330279132772);  -- SENDS_LOCK in storage/postgres/sends.py
    now := extract(epoch FROM clock_timestamp());
    SELECT max(sent_at) INTO last FROM outbound_sends;
    SELECT sent_at INTO oldest FROM outbound_sends
        WHERE chat = p_chat AND sent_at > now - p_period
        ORDER BY sent_at DESC OFFSET greatest(p_allowed, 1) - 1 LIMIT 1;
    IF oldest IS NOT NULL THEN
        wait := oldest + p_period - now;
    END IF;
    IF last IS NOT NULL THEN
        wait := greatest(wait, last + p_spacing - now);
    END IF;
    IF wait > 0 THEN
        RETURN wait;
    END IF;
    INSERT INTO outbound_sends (chat, sent_at) VALUES (p_chat, now);
    IF random() < 0.005 THEN
        DELETE FROM outbound_sends WHERE sent_at < now - 120;
    END IF;
    RETURN 0;
END;
$$;
