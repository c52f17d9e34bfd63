-- Two more decision methods beside approval voting (rounds.method): consent proposals
-- ('consent', kind 'poll': no ideas stage) and participatory budgets ('budget', kind 'round').

-- The group's settings for them, copied onto each proposal or budget when it opens.
ALTER TABLE groups ADD COLUMN quorum TEXT NOT NULL DEFAULT 'off';  -- 'off', 'N' members or 'N%' of the active
ALTER TABLE groups ADD COLUMN budget_rule TEXT NOT NULL DEFAULT 'equal-shares';
ALTER TABLE groups ADD COLUMN budget_min_spend INTEGER NOT NULL DEFAULT 0 CHECK (budget_min_spend BETWEEN 0 AND 100);
ALTER TABLE groups ADD COLUMN budget_min_projects INTEGER NOT NULL DEFAULT 1 CHECK (budget_min_projects >= 1);
ALTER TABLE groups ADD COLUMN budget_max_projects INTEGER CHECK (budget_max_projects >= 1);

-- A resident's /propose consent ...: what the proposal opens as once supported.
ALTER TABLE proposals ADD COLUMN method TEXT NOT NULL DEFAULT 'approval';

-- A consent proposal's terms (the quorum it needs, worked out when it opened) and, once it
-- closed, its counts and verdict as published.
CREATE TABLE consent_rounds (
    round_id INTEGER PRIMARY KEY REFERENCES rounds (id),
    quorum INTEGER NOT NULL DEFAULT 0 CHECK (quorum >= 0),  -- members who must take part; 0: none
    quorum_setting TEXT NOT NULL DEFAULT 'off',
    active_members INTEGER NOT NULL DEFAULT 0,  -- seen in the group in the 60 days before it opened
    amends INTEGER REFERENCES rounds (id),  -- the proposal this one amends and runs again
    agree INTEGER,
    abstain INTEGER,
    disagree INTEGER,
    block INTEGER,
    verdict TEXT CHECK (verdict IN ('passed', 'not_passed', 'no_quorum'))
);

-- Each member's latest position on a proposal, and the reason they gave for it.
CREATE TABLE consent_positions (
    round_id INTEGER NOT NULL REFERENCES rounds (id),
    user_id INTEGER NOT NULL REFERENCES members (user_id),
    position TEXT NOT NULL CHECK (position IN ('agree', 'abstain', 'disagree', 'block')),
    reason TEXT,
    reason_asked INTEGER NOT NULL DEFAULT 0,  -- 1: asked privately, the member's next message is the reason
    changed_at TEXT NOT NULL,
    reason_at TEXT,
    PRIMARY KEY (round_id, user_id)
);
CREATE INDEX consent_positions_asked ON consent_positions (user_id, reason_asked);

-- A budget round's terms, fixed when it opens, and what its winners spent once closed.
CREATE TABLE budgets (
    round_id INTEGER PRIMARY KEY REFERENCES rounds (id),
    amount INTEGER NOT NULL CHECK (amount > 0),
    currency TEXT NOT NULL DEFAULT '',
    rule TEXT NOT NULL,
    min_spend INTEGER NOT NULL DEFAULT 0,
    min_projects INTEGER NOT NULL DEFAULT 1,
    max_projects INTEGER,
    spent INTEGER
);

-- Each idea's cost, set by a facilitator; funded once the rule chose it.
CREATE TABLE budget_costs (
    idea_id INTEGER PRIMARY KEY REFERENCES ideas (id),
    round_id INTEGER NOT NULL REFERENCES rounds (id),
    cost INTEGER NOT NULL CHECK (cost > 0),
    set_by INTEGER,
    set_at TEXT NOT NULL,
    funded INTEGER NOT NULL DEFAULT 0,
    funded_order INTEGER
);
CREATE INDEX budget_costs_by_round ON budget_costs (round_id);

-- A member's ballot as they are filling it in (the toggles), and as submitted (what counts).
CREATE TABLE budget_picks (
    round_id INTEGER NOT NULL REFERENCES rounds (id),
    user_id INTEGER NOT NULL,
    idea_id INTEGER NOT NULL REFERENCES ideas (id),
    PRIMARY KEY (round_id, user_id, idea_id)
);
CREATE TABLE budget_ballots (
    round_id INTEGER NOT NULL REFERENCES rounds (id),
    user_id INTEGER NOT NULL,
    projects TEXT NOT NULL,  -- the chosen ideas' ids, comma-separated, ascending
    submitted_at TEXT NOT NULL,
    PRIMARY KEY (round_id, user_id)
);

-- Paper budget ballots: each distinct ballot of a paper tally and how many were alike.
CREATE TABLE paper_budget_ballots (
    tally_id INTEGER NOT NULL REFERENCES paper_tallies (id),
    position INTEGER NOT NULL,
    projects TEXT NOT NULL,  -- as budget_ballots.projects
    copies INTEGER NOT NULL CHECK (copies > 0),
    PRIMARY KEY (tally_id, position)
);
CREATE TRIGGER paper_budget_ballots_append_only BEFORE UPDATE ON paper_budget_ballots
BEGIN
    SELECT RAISE(ABORT, 'paper tallies are append-only: enter a new tally instead');
END;
CREATE TRIGGER paper_budget_ballots_kept BEFORE DELETE ON paper_budget_ballots
BEGIN
    SELECT RAISE(ABORT, 'paper tallies are append-only: enter a new tally instead');
END;
