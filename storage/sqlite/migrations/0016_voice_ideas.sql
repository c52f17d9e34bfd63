-- A voice idea: a voice message, video note or audio sent as a reply to a round's message.
-- Its text stays empty until its author or a facilitator gives it words with /label; until
-- then it goes to the vote as "Voice idea N by NAME", linked to the message.
ALTER TABLE ideas ADD COLUMN voice INTEGER NOT NULL DEFAULT 0 CHECK (voice IN (0, 1));
