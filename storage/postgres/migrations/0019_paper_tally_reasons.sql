-- Why a paper tally was added: entered by a facilitator with /paper, or written by the bot
-- when the ideas it counts changed: two ideas merged (the folded idea's votes move to the
-- kept one), an idea withdrawn, or an idea's words changed (its votes were for the old
-- words, so they no longer count). Tallies stay append-only: each change is a new tally.
ALTER TABLE paper_tallies ADD COLUMN reason TEXT COLLATE "C" NOT NULL DEFAULT 'entered'
    CHECK (reason IN ('entered', 'merged', 'withdrawn', 'words_changed'));
