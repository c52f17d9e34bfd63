-- Every private message that is not the answer to a member's own action is a notice: besides
-- a round's results, outcome updates and nudges, the note that a need or offer lapsed
-- ('lapse', ref: the posting) and the introduction to whoever answered it ('introduction',
-- ref: the connection), which concern no round; 'cancelled' tells who took part that a round
-- was cancelled before its results. A notice Telegram refuses (other than 403)
-- is tried again later, a few times (attempts; due_at is the next try), then settled as
-- 'failed'; one for a member no longer in the group is settled as 'departed'. sent_at is
-- when a notice was settled, whatever its result.
--
-- SQLite rebuilds the table; PostgreSQL changes its constraints in place.
ALTER TABLE notices ALTER COLUMN round_id DROP NOT NULL;
ALTER TABLE notices DROP CONSTRAINT notices_kind_check;
ALTER TABLE notices ADD CONSTRAINT notices_kind_check
    CHECK (kind IN ('results', 'outcome', 'nudge', 'cancelled', 'lapse', 'introduction'));
ALTER TABLE notices DROP CONSTRAINT notices_result_check;
ALTER TABLE notices ADD CONSTRAINT notices_result_check
    CHECK (result IN ('sent', 'unreachable', 'off', 'departed', 'failed'));
ALTER TABLE notices ADD COLUMN attempts BIGINT NOT NULL DEFAULT 0 CHECK (attempts >= 0);
ALTER TABLE notices ADD CONSTRAINT notices_round_check CHECK ((round_id IS NULL) = (kind IN ('lapse', 'introduction')));
