-- Paper ballots: a facilitator enters a round's paper tally (votes per idea and the number of
-- paper voters) while the round is open. Entering it again adds a new tally that replaces the
-- previous one in the results; every tally stays, so the history of who entered what is kept.
CREATE TABLE paper_tallies (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES rounds (id),
    voters INTEGER NOT NULL CHECK (voters >= 0),
    entered_by INTEGER,
    entered_at TEXT NOT NULL,
    source_chat_id INTEGER,
    source_message_id INTEGER
);
CREATE INDEX paper_tallies_by_round ON paper_tallies (round_id, id);
CREATE UNIQUE INDEX paper_tallies_by_source ON paper_tallies (source_chat_id, source_message_id)
    WHERE source_message_id IS NOT NULL;

CREATE TABLE paper_votes (
    tally_id INTEGER NOT NULL REFERENCES paper_tallies (id),
    idea_id INTEGER NOT NULL REFERENCES ideas (id),
    votes INTEGER NOT NULL CHECK (votes >= 0),
    PRIMARY KEY (tally_id, idea_id)
);

CREATE TRIGGER paper_tallies_append_only BEFORE UPDATE ON paper_tallies
BEGIN
    SELECT RAISE(ABORT, 'paper tallies are append-only: enter a new tally instead');
END;
CREATE TRIGGER paper_tallies_kept BEFORE DELETE ON paper_tallies
BEGIN
    SELECT RAISE(ABORT, 'paper tallies are append-only: enter a new tally instead');
END;
CREATE TRIGGER paper_votes_append_only BEFORE UPDATE ON paper_votes
BEGIN
    SELECT RAISE(ABORT, 'paper tallies are append-only: enter a new tally instead');
END;
CREATE TRIGGER paper_votes_kept BEFORE DELETE ON paper_votes
BEGIN
    SELECT RAISE(ABORT, 'paper tallies are append-only: enter a new tally instead');
END;

-- What the results froze: the paper part of each idea's votes, and of the round's voters.
ALTER TABLE round_results ADD COLUMN paper_votes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rounds ADD COLUMN paper_voters INTEGER NOT NULL DEFAULT 0;
