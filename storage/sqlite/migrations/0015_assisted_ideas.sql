-- An assisted idea: a facilitator enters it for a neighbour who is not in the chat. The
-- facilitator is its author_id (who entered it, and when: created_at); the neighbour's
-- name as they gave it is kept here, and the idea is shown as "NAME (via FACILITATOR)".
ALTER TABLE ideas ADD COLUMN assisted_name TEXT;
