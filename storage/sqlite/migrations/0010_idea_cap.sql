-- How many ideas one member may put into one round (a group setting), so one member
-- cannot fill a ballot. The index keeps counting a member's ideas in a round cheap.
ALTER TABLE groups ADD COLUMN idea_cap INTEGER NOT NULL DEFAULT 10 CHECK (idea_cap > 0);
CREATE INDEX ideas_author ON ideas (round_id, author_id);
