"""Deadline rows: when each stage ends, each reminder is due, each pending entry lapses.

Setting a stage deadline (ideas end, voting end) also writes that stage's reminder row,
so a feature that opens a stage gets its reminder without knowing about reminders.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

import aiosqlite

from bot.domain.deadline_kinds import REMINDER_OF, DeadlineKind, reminder_due
from bot.domain.records import Deadline
from storage.database import fetch_one, from_db, to_db


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
    """Create or move the deadline ``(kind, ref_id)``; moving it makes it pending again.

    A stage deadline brings its reminder along; moving the stage moves the reminder, but a
    reminder already sent stays sent (one reminder per stage).
    """
    await conn.execute(
        """
        INSERT INTO deadlines (group_id, kind, ref_id, due_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (kind, ref_id) DO UPDATE SET due_at = excluded.due_at, done_at = NULL
        """,
        (group_id, kind, ref_id, to_db(due_at)),
    )
    reminder = REMINDER_OF.get(kind)
    starts_at = await _stage_start(conn, kind, ref_id, due_at) if reminder else None
    if reminder and starts_at is not None:
        await conn.execute(
            """
            INSERT INTO deadlines (group_id, kind, ref_id, due_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (kind, ref_id) DO UPDATE SET due_at = excluded.due_at
            """,
            (group_id, reminder, ref_id, to_db(reminder_due(starts_at, due_at))),
        )
    return await get(conn, kind, ref_id)


async def _stage_start(
    conn: aiosqlite.Connection, kind: str, round_id: int, ends_at: dt.datetime
) -> dt.datetime | None:
    """When the round's stage ending at ``ends_at`` began (voting: as stored, or its length back)."""
    row = await fetch_one(
        conn, "SELECT created_at, voting_started_at, voting_minutes FROM rounds WHERE id = ?", (round_id,)
    )
    if row is None:
        return None
    if kind == DeadlineKind.IDEAS_END:
        return from_db(row["created_at"])
    started = from_db(row["voting_started_at"])
    return started or ends_at - dt.timedelta(minutes=row["voting_minutes"])


async def get(conn: aiosqlite.Connection, kind: str, ref_id: int) -> Deadline | None:
    row = await fetch_one(
        conn, "SELECT * FROM deadlines WHERE kind = ? AND ref_id = ?", (kind, ref_id)
    )
    return _deadline(row) if row else None


_PENDING = (
    "SELECT deadlines.* FROM deadlines JOIN groups ON groups.id = deadlines.group_id "
    "WHERE done_at IS NULL AND groups.active = 1"
)


async def pending_by_id(conn: aiosqlite.Connection, deadline_id: int) -> Deadline | None:
    """The deadline if it is still to be carried out (not done, its group still active)."""
    row = await fetch_one(conn, _PENDING + " AND deadlines.id = ?", (deadline_id,))
    return _deadline(row) if row else None


async def pending(
    conn: aiosqlite.Connection, *, due_by: dt.datetime | None = None, group_id: int | None = None
) -> list[Deadline]:
    """Deadlines not yet carried out, soonest first, for active groups only."""
    query, params = _PENDING, []
    if due_by is not None:
        query += " AND due_at <= ?"
        params.append(to_db(due_by))
    if group_id is not None:
        query += " AND deadlines.group_id = ?"
        params.append(group_id)
    rows = await conn.execute_fetchall(query + " ORDER BY due_at, deadlines.id", params)
    return [_deadline(row) for row in rows]


async def mark_done(
    conn: aiosqlite.Connection, deadline_id: int, now: dt.datetime, *, due_at: dt.datetime | None = None
) -> bool:
    """Claim a deadline; False if it was already done (it fired twice).

    With ``due_at``, only the deadline as it was when it fired is claimed: an action that
    set its own next occurrence (a summary planning the next one) keeps that one pending.
    """
    query = "UPDATE deadlines SET done_at = ? WHERE id = ? AND done_at IS NULL"
    params: list[object] = [to_db(now), deadline_id]
    if due_at is not None:
        query += " AND due_at = ?"
        params.append(to_db(due_at))
    cursor = await conn.execute(query, params)
    return cursor.rowcount == 1


async def finish(conn: aiosqlite.Connection, kind: str, ref_id: int, now: dt.datetime) -> None:
    """The stage ended some other way (a facilitator moved it on): nothing left to fire,
    not even its reminder."""
    kinds = [kind, REMINDER_OF.get(kind, kind)]
    await conn.execute(
        "UPDATE deadlines SET done_at = ? WHERE kind IN (?, ?) AND ref_id = ? AND done_at IS NULL",
        (to_db(now), *kinds, ref_id),
    )
