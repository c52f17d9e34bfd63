-- An assisted neighbour has no /privacy and no /forgetme of their own. Their name shows on
-- the public page and in summaries only where the facilitator marked that they agreed
-- ("/assist NAME (agreed): idea"); elsewhere it reads "a neighbour (via FACILITATOR)".
-- A facilitator removes the name on the neighbour's request (/forget NAME): assisted_name
-- becomes '' (still an assisted idea, now of "a neighbour") and the consent goes with it.
ALTER TABLE ideas ADD COLUMN assisted_agreed BIGINT NOT NULL DEFAULT 0;
