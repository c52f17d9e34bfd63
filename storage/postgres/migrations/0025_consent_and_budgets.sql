-- Two more decision methods beside approval voting (rounds.method): consent proposals
-- ('consent', kind 'poll': no ideas stage) and participatory budgets ('budget', kind 'round').

-- The group's settings for them, copied onto each proposal or budget when it opens.
ALTER TABLE groups ADD COLUMN quorum TEXT COLLATE "C" NOT NULL DEFAULT 'off';  -- 'off', 'N' members or 'N%' of the active
ALTER TABLE groups ADD COLUMN budget_rule TEXT COLLATE "C" NOT NULL DEFAULT 'equal-shares';
ALTER TABLE groups ADD COLUMN budget_min_spend BIGINT NOT NULL DEFAULT 0 CHECK (budget_min_spend BETWEEN 0 AND 100);
ALTER TABLE groups ADD COLUMN budget_min_projects BIGINT NOT NULL DEFAULT 1 CHECK (budget_min_projects >= 1);
ALTER TABLE groups ADD COLUMN budget_max_projects BIGINT CHECK (budget_max_projects >= 1);

-- A resident's /propose consent ...: what the proposal opens as once supported.
ALTER TABLE proposals ADD COLUMN method TEXT COLLATE "C" NOT NULL DEFAULT 'approval';

-- A consent proposal's terms (the quorum it needs, worked out when it opened) and, once it
-- closed, its counts and verdict as published.
CREATE TABLE consent_rounds (
    round_id BIGINT PRIMARY KEY REFERENCES rounds (id),
    quorum BIGINT NOT NULL DEFAULT 0 CHECK (quorum >= 0),  -- members who must take part; 0: none
    quorum_setting TEXT COLLATE "C" NOT NULL DEFAULT 'off',
    active_members BIGINT NOT NULL DEFAULT 0,  -- seen in the group in the 60 days before it opened
    amends BIGINT REFERENCES rounds (id),  -- the proposal this one amends and runs again
    agree BIGINT,
    abstain BIGINT,
    disagree BIGINT,
    block BIGINT,
    verdict TEXT COLLATE "C" CHECK (verdict IN ('passed', 'not_passed', 'no_quorum'))
);

-- Each member's latest position on a proposal, and the reason they gave for it.
CREATE TABLE consent_positions (
    round_id BIGINT NOT NULL REFERENCES rounds (id),
    user_id BIGINT NOT NULL REFERENCES members (user_id),
    position TEXT COLLATE "C" NOT NULL CHECK (position IN ('agree', 'abstain', 'disagree', 'block')),
    reason TEXT COLLATE "C",
    reason_asked BIGINT NOT NULL DEFAULT 0,  -- 1: asked privately, the member's next message is the reason
    changed_at TEXT COLLATE "C" NOT NULL,
    reason_at TEXT COLLATE "C",
    PRIMARY KEY (round_id, user_id)
);
CREATE INDEX consent_positions_asked ON consent_positions (user_id, reason_asked);

-- A budget round's terms, fixed when it opens, and what its winners spent once closed.
CREATE TABLE budgets (
    round_id BIGINT PRIMARY KEY REFERENCES rounds (id),
    amount BIGINT NOT NULL CHECK (amount > 0),
    currency TEXT COLLATE "C" NOT NULL DEFAULT '',
    rule TEXT COLLATE "C" NOT NULL,
    min_spend BIGINT NOT NULL DEFAULT 0,
    min_projects BIGINT NOT NULL DEFAULT 1,
    max_projects BIGINT,
    spent BIGINT
);

-- Each idea's cost, set by a facilitator; funded once the rule chose it.
CREATE TABLE budget_costs (
    idea_id BIGINT PRIMARY KEY REFERENCES ideas (id),
    round_id BIGINT NOT NULL REFERENCES rounds (id),
    cost BIGINT NOT NULL CHECK (cost > 0),
    set_by BIGINT,
    set_at TEXT COLLATE "C" NOT NULL,
    funded BIGINT NOT NULL DEFAULT 0,
    funded_order BIGINT
);
CREATE INDEX budget_costs_by_round ON budget_costs (round_id);

-- A member's ballot as they are filling it in (the toggles), and as submitted (what counts).
CREATE TABLE budget_picks (
    round_id BIGINT NOT NULL REFERENCES rounds (id),
    user_id BIGINT NOT NULL,
    idea_id BIGINT NOT NULL REFERENCES ideas (id),
    PRIMARY KEY (round_id, user_id, idea_id)
);
CREATE TABLE budget_ballots (
    round_id BIGINT NOT NULL REFERENCES rounds (id),
    user_id BIGINT NOT NULL,
    projects TEXT COLLATE "C" NOT NULL,  -- the chosen ideas' ids, comma-separated, ascending
    submitted_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (round_id, user_id)
);

-- Paper budget ballots: each distinct ballot of a paper tally and how many were alike.
CREATE TABLE paper_budget_ballots (
    tally_id BIGINT NOT NULL REFERENCES paper_tallies (id),
    position BIGINT NOT NULL,
    projects TEXT COLLATE "C" NOT NULL,  -- as budget_ballots.projects
    copies BIGINT NOT NULL CHECK (copies > 0),
    PRIMARY KEY (tally_id, position)
);
CREATE TRIGGER paper_budget_ballots_append_only BEFORE UPDATE ON paper_budget_ballots
FOR EACH ROW EXECUTE FUNCTION coprod_refuse('paper tallies are append-only: enter a new tally instead');
CREATE TRIGGER paper_budget_ballots_kept BEFORE DELETE ON paper_budget_ballots
FOR EACH ROW EXECUTE FUNCTION coprod_refuse('paper tallies are append-only: enter a new tally instead');
