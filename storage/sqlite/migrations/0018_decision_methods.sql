-- A round decides by a method (bot.domain.decisions.Method). Every round so far voted by
-- approval: with an ideas stage (kind 'round') or as a quick poll (kind 'poll', the same
-- method without one). No CHECK on the column: a new method is a new value, not a rebuild.
ALTER TABLE rounds ADD COLUMN method TEXT NOT NULL DEFAULT 'approval';
