-- A group's public page: off until a facilitator turns it on. Its folder is named by an
-- unguessable token, made when the page is first turned on and kept after, so a page
-- turned off and on again comes back at the same address.
ALTER TABLE groups ADD COLUMN public_page INTEGER NOT NULL DEFAULT 0;
ALTER TABLE groups ADD COLUMN site_token TEXT;
CREATE UNIQUE INDEX groups_site_token ON groups (site_token);
