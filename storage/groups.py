"""Groups and their settings."""

from __future__ import annotations

import datetime as dt

from bot.domain.deadline_kinds import DeadlineKind
from bot.domain.records import Group
from storage import Connection, Row, from_db, to_db


def _group(row: Row) -> Group:
    return Group(
        id=row["id"],
        chat_id=row["chat_id"],
        title=row["title"],
        language=row["language"],
        timezone=row["timezone"],
        summary_schedule=row["summary_schedule"],
        ideas_minutes=row["ideas_minutes"],
        vote_minutes=row["vote_minutes"],
        anonymous_votes=bool(row["anonymous_votes"]),
        support_threshold=row["support_threshold"],
        floor_minutes=row["floor_minutes"],
        active=bool(row["active"]),
        created_at=from_db(row["created_at"]),
        last_summary_at=from_db(row["last_summary_at"]),
        idea_cap=row["idea_cap"],
        public_page=bool(row["public_page"]),
        site_token=row["site_token"],
        quorum=row["quorum"],
        budget_rule=row["budget_rule"],
        budget_min_spend=row["budget_min_spend"],
        budget_min_projects=row["budget_min_projects"],
        budget_max_projects=row["budget_max_projects"],
    )


async def get_by_chat(conn: Connection, chat_id: int) -> Group | None:
    row = await conn.fetch_one("SELECT * FROM groups WHERE chat_id = ?", (chat_id,))
    return _group(row) if row else None


async def get(conn: Connection, group_id: int) -> Group:
    return _group(await conn.fetch_one("SELECT * FROM groups WHERE id = ?", (group_id,)))


async def ensure(
    conn: Connection,
    chat_id: int,
    *,
    title: str,
    language: str,
    timezone: str,
    now: dt.datetime,
) -> tuple[Group, bool]:
    """The group for ``chat_id``, created with the defaults if new; ``(group, created)``."""
    existing = await get_by_chat(conn, chat_id)
    if existing is not None:
        if title and title != existing.title:
            await conn.execute("UPDATE groups SET title = ? WHERE id = ?", (title, existing.id))
        return existing, False
    await conn.execute(
        "INSERT INTO groups (chat_id, title, language, timezone, created_at) VALUES (?, ?, ?, ?, ?)",
        (chat_id, title, language, timezone, to_db(now)),
    )
    return await get_by_chat(conn, chat_id), True


async def set_active(conn: Connection, group_id: int, active: bool) -> None:
    await conn.execute("UPDATE groups SET active = ? WHERE id = ?", (int(active), group_id))


async def migrate_chat(conn: Connection, old_chat_id: int, new_chat_id: int) -> bool:
    """Move a group to its supergroup id, with every stored id of a chat to write to.

    Rounds, deadlines, proposals and ledger entries hang off the surrogate id and follow by
    themselves; polls and held group ideas name the chat. The ``source_chat_id`` columns
    stay: they key replays of messages received in the old chat, and the supergroup numbers
    its messages afresh, so moving them could mistake a new message for a replay.
    Run it in one transaction.
    """
    changed = await conn.execute(
        "UPDATE groups SET chat_id = ? WHERE chat_id = ? AND NOT EXISTS "
        "(SELECT 1 FROM groups WHERE chat_id = ?)",
        (new_chat_id, old_chat_id, new_chat_id),
    )
    await conn.execute("UPDATE polls SET chat_id = ? WHERE chat_id = ?", (new_chat_id, old_chat_id))
    await conn.execute(  # a held message the new chat already has a draft for stays where it was
        "UPDATE idea_drafts SET chat_id = ? WHERE chat_id = ? AND NOT EXISTS (SELECT 1 FROM idea_drafts AS held "
        "WHERE held.chat_id = ? AND held.message_id = idea_drafts.message_id)",
        (new_chat_id, old_chat_id, new_chat_id),
    )
    return changed == 1


SETTING_COLUMNS = frozenset(
    {
        "language",
        "timezone",
        "summary_schedule",
        "ideas_minutes",
        "vote_minutes",
        "anonymous_votes",
        "support_threshold",
        "floor_minutes",
        "idea_cap",
        "public_page",
        "quorum",
        "budget_rule",
        "budget_min_spend",
        "budget_min_projects",
        "budget_max_projects",
    }
)


async def update_settings(conn: Connection, group_id: int, **values: object) -> None:
    unknown = set(values) - SETTING_COLUMNS
    if unknown:
        raise ValueError(f"not a setting: {sorted(unknown)}")
    assignments = ", ".join(f"{column} = ?" for column in values)
    await conn.execute(
        f"UPDATE groups SET {assignments} WHERE id = ?",  # noqa: S608 - columns are whitelisted
        (*values.values(), group_id),
    )


async def without_pending_summary(conn: Connection) -> list[Group]:
    """Active groups with no summary still to come (new, or their schedule was off):
    one read at start-up instead of one per group."""
    rows = await conn.fetch_all(
        """
        SELECT * FROM groups WHERE active = 1 AND NOT EXISTS (
            SELECT 1 FROM deadlines
            WHERE kind = ? AND ref_id = groups.id AND done_at IS NULL
        ) ORDER BY id
        """,
        (DeadlineKind.SUMMARY,),
    )
    return [_group(row) for row in rows]


async def ensure_site_token(conn: Connection, group_id: int, token: str) -> str:
    """The group's page folder name: ``token`` unless it already has one (kept for good)."""
    await conn.execute("UPDATE groups SET site_token = COALESCE(site_token, ?) WHERE id = ?", (token, group_id))
    row = await conn.fetch_one("SELECT site_token FROM groups WHERE id = ?", (group_id,))
    return row["site_token"]


async def public_ids(conn: Connection) -> list[int]:
    """Every group whose public page is on, for ``python -m bot site``."""
    rows = await conn.fetch_all("SELECT id FROM groups WHERE public_page = 1 ORDER BY id")
    return [row[0] for row in rows]


async def hidden_site_tokens(conn: Connection) -> list[str]:
    """Folder names of pages turned off (kept for good), so ``python -m bot site`` can remove
    a folder that turning the page off failed to remove."""
    rows = await conn.fetch_all(
        "SELECT site_token FROM groups WHERE public_page = 0 AND site_token IS NOT NULL ORDER BY id"
    )
    return [row[0] for row in rows]
