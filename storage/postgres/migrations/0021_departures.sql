-- When a member left (or was removed from) a group, as Telegram told the bot: a chat_member
-- update, a left_chat_member message, or getChatMember answering that they are not in it.
-- NULL while they are a member: taking part in the group again, or Telegram saying they are
-- back, clears it. Nothing about a group reaches, privately, a member who left it.
ALTER TABLE group_members ADD COLUMN left_at TEXT COLLATE "C";
