-- Recording an update as applied takes it out of the inbox in the same statement, so
-- marking an update done is one statement (one hop to aiosqlite's thread), still atomic.
CREATE TRIGGER inbox_leaves_when_applied AFTER INSERT ON processed_updates
BEGIN
    DELETE FROM inbox WHERE update_id = NEW.update_id;
END;
