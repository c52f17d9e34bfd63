-- Ideas on their way in, kept in the database so a restart loses none of them:
-- a private idea waiting for its round or for the "with my name / anonymously" choice,
-- or a group /idea waiting for its author to pick one of several open rounds.
CREATE TABLE idea_drafts (
    id INTEGER PRIMARY KEY,
    author_id INTEGER NOT NULL REFERENCES members (user_id),
    chat_id INTEGER NOT NULL,
    message_id INTEGER,
    round_id INTEGER REFERENCES rounds (id),
    text TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (chat_id, message_id)
);
CREATE INDEX idea_drafts_author ON idea_drafts (author_id, chat_id);
