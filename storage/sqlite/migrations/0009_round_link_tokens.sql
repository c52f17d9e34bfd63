-- The private-idea link carried the round's id, which is sequential: anyone could reach
-- every group's round. Each round gets an unguessable token for its link instead; rounds
-- made before this get one from SQLite's randomness, new ones from Python's secrets.
ALTER TABLE rounds ADD COLUMN link_token TEXT;
UPDATE rounds SET link_token = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX rounds_link_token ON rounds (link_token);
