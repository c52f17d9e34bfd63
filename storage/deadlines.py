"""Deadline rows: when each stage ends, each reminder is due, each pending entry lapses."""

from __future__ import annotations

import datetime as dt
import sqlite3

import aiosqlite

from bot.model import Deadline
from storage.database import from_db, to_db


def _deadline(row: sqlite3.Row) -> Deadline:
    return Deadline(
        id=row["id"],
        group_id=row["group_id"],
        kind=row["kind"],
        ref_id=row["ref_id"],
        due_at=from_db(row["due_at"]),
        done_at=from_db(row["done_at"]),
    )


async def set_due(
    conn: aiosqlite.Connection, *, group_id: int, kind: str, ref_id: int, due_at: dt.datetime
) -> Deadline:
    """Create or move the deadline ``(kind, ref_id)``; moving it makes it pending again."""
    await conn.execute(
        """
        INSERT INTO deadlines (group_id, kind, ref_id, due_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (kind, ref_id) DO UPDATE SET due_at = excluded.due_at, done_at = NULL
        """,
        (group_id, kind, ref_id, to_db(due_at)),
    )
    return await get(conn, kind, ref_id)


async def get(conn: aiosqlite.Connection, kind: str, ref_id: int) -> Deadline | None:
    cursor = await conn.execute(
        "SELECT * FROM deadlines WHERE kind = ? AND ref_id = ?", (kind, ref_id)
    )
    row = await cursor.fetchone()
    return _deadline(row) if row else None


async def by_id(conn: aiosqlite.Connection, deadline_id: int) -> Deadline | None:
    cursor = await conn.execute("SELECT * FROM deadlines WHERE id = ?", (deadline_id,))
    row = await cursor.fetchone()
    return _deadline(row) if row else None


async def pending(conn: aiosqlite.Connection, *, due_by: dt.datetime | None = None) -> list[Deadline]:
    """Deadlines not yet carried out, soonest first, for active groups only."""
    query = (
        "SELECT deadlines.* FROM deadlines JOIN groups ON groups.id = deadlines.group_id "
        "WHERE done_at IS NULL AND groups.active = 1"
    )
    params: tuple = ()
    if due_by is not None:
        query += " AND due_at <= ?"
        params = (to_db(due_by),)
    cursor = await conn.execute(query + " ORDER BY due_at, deadlines.id", params)
    return [_deadline(row) for row in await cursor.fetchall()]


async def mark_done(conn: aiosqlite.Connection, deadline_id: int, now: dt.datetime) -> bool:
    """Claim a deadline; False if it was already done (it fired twice)."""
    cursor = await conn.execute(
        "UPDATE deadlines SET done_at = ? WHERE id = ? AND done_at IS NULL", (to_db(now), deadline_id)
    )
    return cursor.rowcount == 1


async def finish(conn: aiosqlite.Connection, kind: str, ref_id: int, now: dt.datetime) -> None:
    """The stage ended some other way (a facilitator moved it on): nothing left to fire."""
    await conn.execute(
        "UPDATE deadlines SET done_at = ? WHERE kind = ? AND ref_id = ? AND done_at IS NULL",
        (to_db(now), kind, ref_id),
    )
