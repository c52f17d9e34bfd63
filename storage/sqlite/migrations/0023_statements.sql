-- Statements rounds (rounds.method 'statements'): members add short statements (ideas) while
-- everyone votes on them one at a time, and Polis's method groups the voters by opinion.
--
-- One vote per member and statement; changing it updates the row. The id orders a member's
-- first votes, so "back" in the private voting steps through them in the order they were cast.
CREATE TABLE statement_votes (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES rounds (id),
    idea_id INTEGER NOT NULL REFERENCES ideas (id),
    user_id INTEGER NOT NULL,
    choice INTEGER NOT NULL CHECK (choice IN (-1, 0, 1)),  -- disagree, pass, agree (Polis's codes)
    voted_at TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    UNIQUE (idea_id, user_id)
);
-- Covers a member's votes in the order cast, and the whole round read member by member.
CREATE INDEX statement_votes_by_member ON statement_votes (round_id, user_id, id, idea_id, choice);
CREATE INDEX statement_votes_by_statement ON statement_votes (round_id, idea_id, choice);

-- The opinion map as last computed (at most once a minute while the round votes, and once when
-- it closes): the members who entered the groups, where they stand and which group they are in.
-- Everything else about the groups follows from it and the votes, which no longer change once
-- the round is closed.
CREATE TABLE opinion_members (
    round_id INTEGER NOT NULL REFERENCES rounds (id),
    user_id INTEGER NOT NULL,
    opinion_group INTEGER NOT NULL CHECK (opinion_group >= 0),
    x REAL NOT NULL,
    y REAL NOT NULL,
    PRIMARY KEY (round_id, user_id)
);
