-- Each stored update names its lane (the chat it belongs to, bot/runtime/updates/lanes.py),
-- so that processes sharing one database can take a chat's waiting updates, in order, without
-- reading every payload. Updates stored before this have none; their payload tells.
ALTER TABLE inbox ADD COLUMN lane TEXT;
CREATE INDEX inbox_by_lane ON inbox (lane, update_id);
