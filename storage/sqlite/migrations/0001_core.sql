-- Groups, members and co-production rounds. All times are ISO-8601 UTC text.

-- A group keeps a surrogate id so a supergroup migration only changes chat_id.
CREATE TABLE groups (
    id INTEGER PRIMARY KEY,
    chat_id INTEGER NOT NULL UNIQUE,
    title TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL,
    timezone TEXT NOT NULL,
    summary_schedule TEXT NOT NULL DEFAULT 'weekly mon 09:00',
    ideas_minutes INTEGER NOT NULL DEFAULT 4320 CHECK (ideas_minutes > 0),
    vote_minutes INTEGER NOT NULL DEFAULT 2880 CHECK (vote_minutes > 0),
    anonymous_votes INTEGER NOT NULL DEFAULT 1,
    support_threshold INTEGER NOT NULL DEFAULT 3 CHECK (support_threshold > 0),
    floor_minutes INTEGER NOT NULL DEFAULT -600 CHECK (floor_minutes <= 0),
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    last_summary_at TEXT
);

CREATE TABLE members (
    user_id INTEGER PRIMARY KEY,
    first_name TEXT NOT NULL DEFAULT '',
    last_name TEXT,
    username TEXT,
    language_code TEXT,
    language_override TEXT,
    hidden INTEGER NOT NULL DEFAULT 0,
    forgotten_at TEXT,
    first_seen_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX members_username ON members (lower(username));

CREATE TABLE group_members (
    group_id INTEGER NOT NULL REFERENCES groups (id),
    user_id INTEGER NOT NULL REFERENCES members (user_id),
    first_seen_at TEXT NOT NULL,
    PRIMARY KEY (group_id, user_id)
);

CREATE TABLE proposals (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES groups (id),
    question TEXT NOT NULL,
    proposer_id INTEGER NOT NULL REFERENCES members (user_id),
    message_id INTEGER,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'opened', 'lapsed')),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    round_id INTEGER REFERENCES rounds (id)
);

CREATE TABLE proposal_supporters (
    proposal_id INTEGER NOT NULL REFERENCES proposals (id),
    user_id INTEGER NOT NULL REFERENCES members (user_id),
    supported_at TEXT NOT NULL,
    PRIMARY KEY (proposal_id, user_id)
);

-- kind 'round' collects ideas first; kind 'poll' opens straight in voting with fixed options.
CREATE TABLE rounds (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES groups (id),
    number INTEGER NOT NULL,
    kind TEXT NOT NULL DEFAULT 'round' CHECK (kind IN ('round', 'poll')),
    question TEXT NOT NULL,
    stage TEXT NOT NULL CHECK (stage IN ('ideas', 'voting', 'closed')),
    created_by INTEGER,
    created_at TEXT NOT NULL,
    ideas_ends_at TEXT,
    voting_minutes INTEGER NOT NULL,
    voting_started_at TEXT,
    voting_ends_at TEXT,
    closed_at TEXT,
    voter_count INTEGER,
    prompt_message_id INTEGER,
    voting_message_id INTEGER,
    results_message_id INTEGER,
    UNIQUE (group_id, number)
);
CREATE INDEX rounds_open ON rounds (group_id, stage);

CREATE TABLE ideas (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES rounds (id),
    number INTEGER NOT NULL,
    author_id INTEGER REFERENCES members (user_id),
    anonymous INTEGER NOT NULL DEFAULT 0,
    text TEXT NOT NULL,
    folded_text TEXT NOT NULL,
    source_chat_id INTEGER,
    source_message_id INTEGER,
    status TEXT NOT NULL DEFAULT 'standing' CHECK (status IN ('standing', 'withdrawn', 'merged')),
    merged_into INTEGER REFERENCES ideas (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (round_id, number),
    UNIQUE (source_chat_id, source_message_id)
);
CREATE INDEX ideas_folded ON ideas (round_id, folded_text);

CREATE TABLE polls (
    poll_id TEXT PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES rounds (id),
    position INTEGER NOT NULL,
    chat_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    total_voter_count INTEGER NOT NULL DEFAULT 0,
    stopped INTEGER NOT NULL DEFAULT 0,
    UNIQUE (round_id, position)
);

CREATE TABLE poll_options (
    poll_id TEXT NOT NULL REFERENCES polls (poll_id),
    option_index INTEGER NOT NULL,
    idea_id INTEGER NOT NULL REFERENCES ideas (id),
    voter_count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (poll_id, option_index)
);

-- One row per voter per poll when polls are not anonymous (poll_answer updates).
CREATE TABLE ballots (
    poll_id TEXT NOT NULL REFERENCES polls (poll_id),
    user_id INTEGER NOT NULL,
    option_indexes TEXT NOT NULL,
    cast_at TEXT NOT NULL,
    PRIMARY KEY (poll_id, user_id)
);

-- Final results, frozen when the round closes.
CREATE TABLE round_results (
    round_id INTEGER NOT NULL REFERENCES rounds (id),
    idea_id INTEGER NOT NULL REFERENCES ideas (id),
    votes INTEGER NOT NULL,
    rank INTEGER NOT NULL,
    PRIMARY KEY (round_id, idea_id)
);

CREATE TABLE outcomes (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES rounds (id),
    text TEXT NOT NULL,
    recorded_by INTEGER,
    recorded_at TEXT NOT NULL
);

-- Every stage deadline and reminder; the scheduler serves these rows, so restarts lose nothing.
CREATE TABLE deadlines (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES groups (id),
    kind TEXT NOT NULL,
    ref_id INTEGER NOT NULL,
    due_at TEXT NOT NULL,
    done_at TEXT,
    UNIQUE (kind, ref_id)
);
CREATE INDEX deadlines_pending ON deadlines (done_at, due_at);

-- Updates already applied, so a redelivered update changes nothing.
CREATE TABLE processed_updates (
    update_id INTEGER PRIMARY KEY,
    processed_at TEXT NOT NULL
);
