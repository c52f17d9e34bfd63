"""Ideas on their way in (see ``0002_idea_drafts.sql``): stored, so a restart loses none."""

from __future__ import annotations

import datetime as dt

from bot.domain.rounds import IdeaDraft
from storage import Connection, Row, to_db


def _draft(row: Row) -> IdeaDraft:
    return IdeaDraft(
        id=row["id"],
        author_id=row["author_id"],
        chat_id=row["chat_id"],
        message_id=row["message_id"],
        round_id=row["round_id"],
        text=row["text"],
    )


async def start_private(
    conn: Connection, *, author_id: int, chat_id: int, round_id: int | None,
    text: str | None, message_id: int | None, now: dt.datetime,
) -> IdeaDraft:  # fmt: skip
    """A member's one private draft: starting a new one replaces any unfinished one."""
    await conn.execute(
        "DELETE FROM idea_drafts WHERE author_id = ? AND chat_id = ?", (author_id, chat_id)
    )
    new_id = await conn.insert(
        "INSERT INTO idea_drafts (author_id, chat_id, message_id, round_id, text, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (author_id, chat_id, message_id, round_id, text, to_db(now)),
    )
    return await get(conn, new_id)


async def hold_group_message(
    conn: Connection, *, author_id: int, chat_id: int, message_id: int, text: str,
    now: dt.datetime,
) -> bool:  # fmt: skip
    """Keep a group /idea until its author picks a round; False if already held (redelivery)."""
    changed = await conn.execute(
        "INSERT INTO idea_drafts (author_id, chat_id, message_id, text, created_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (chat_id, message_id) DO NOTHING",
        (author_id, chat_id, message_id, text, to_db(now)),
    )
    return changed == 1


async def get(conn: Connection, draft_id: int) -> IdeaDraft | None:
    row = await conn.fetch_one("SELECT * FROM idea_drafts WHERE id = ?", (draft_id,))
    return _draft(row) if row else None


async def by_message(conn: Connection, chat_id: int, message_id: int) -> IdeaDraft | None:
    row = await conn.fetch_one("SELECT * FROM idea_drafts WHERE chat_id = ? AND message_id = ?", (chat_id, message_id)
    )
    return _draft(row) if row else None


async def private_draft(conn: Connection, author_id: int, chat_id: int) -> IdeaDraft | None:
    row = await conn.fetch_one("SELECT * FROM idea_drafts WHERE author_id = ? AND chat_id = ? ORDER BY id DESC LIMIT 1",
        (author_id, chat_id),
    )
    return _draft(row) if row else None


async def set_text(conn: Connection, draft_id: int, text: str, message_id: int) -> None:
    await conn.execute(
        "UPDATE idea_drafts SET text = ?, message_id = ? WHERE id = ?", (text, message_id, draft_id)
    )


async def set_round(conn: Connection, draft_id: int, round_id: int) -> None:
    await conn.execute("UPDATE idea_drafts SET round_id = ? WHERE id = ?", (round_id, draft_id))


async def delete(conn: Connection, draft_id: int) -> None:
    await conn.execute("DELETE FROM idea_drafts WHERE id = ?", (draft_id,))
