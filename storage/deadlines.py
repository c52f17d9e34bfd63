"""Deadline rows: when each stage ends, each reminder is due, each pending entry lapses.

Setting a stage deadline (ideas end, voting end) also writes that stage's reminder row at
the time the caller decided (:func:`bot.domain.deadline_kinds.reminder_due`), in the same
statement batch, so a stage never exists without its reminder.
"""

from __future__ import annotations

import datetime as dt

from bot.domain.deadline_kinds import REMINDER_OF
from bot.domain.records import Deadline
from storage import Connection, Row, from_db, to_db


def _deadline(row: Row) -> Deadline:
    return Deadline(
        id=row["id"],
        group_id=row["group_id"],
        kind=row["kind"],
        ref_id=row["ref_id"],
        due_at=from_db(row["due_at"]),
        done_at=from_db(row["done_at"]),
    )


async def set_due(
    conn: Connection,
    *,
    group_id: int,
    kind: str,
    ref_id: int,
    due_at: dt.datetime,
    remind_at: dt.datetime | None = None,
) -> Deadline:
    """Create or move the deadline ``(kind, ref_id)``; moving it makes it pending again.

    A stage deadline needs ``remind_at`` and brings its reminder along; moving the stage
    moves the reminder, but a reminder already sent stays sent (one reminder per stage).
    """
    reminder = REMINDER_OF.get(kind)
    if (reminder is None) != (remind_at is None):
        raise ValueError(f"a {kind} deadline {'needs' if reminder else 'has no'} reminder time")
    await conn.execute(
        """
        INSERT INTO deadlines (group_id, kind, ref_id, due_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (kind, ref_id) DO UPDATE SET due_at = excluded.due_at, done_at = NULL
        """,
        (group_id, kind, ref_id, to_db(due_at)),
    )
    if reminder is not None:
        await conn.execute(
            """
            INSERT INTO deadlines (group_id, kind, ref_id, due_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (kind, ref_id) DO UPDATE SET due_at = excluded.due_at
            """,
            (group_id, reminder, ref_id, to_db(remind_at)),
        )
    return await get(conn, kind, ref_id)


async def get(conn: Connection, kind: str, ref_id: int) -> Deadline | None:
    row = await conn.fetch_one("SELECT * FROM deadlines WHERE kind = ? AND ref_id = ?", (kind, ref_id)
    )
    return _deadline(row) if row else None


_PENDING = (
    "SELECT deadlines.* FROM deadlines JOIN groups ON groups.id = deadlines.group_id "
    "WHERE done_at IS NULL AND groups.active = 1"
)


async def pending_by_id(conn: Connection, deadline_id: int) -> Deadline | None:
    """The deadline if it is still to be carried out (not done, its group still active)."""
    row = await conn.fetch_one(_PENDING + " AND deadlines.id = ?", (deadline_id,))
    return _deadline(row) if row else None


async def pending(
    conn: Connection, *, due_by: dt.datetime | None = None, group_id: int | None = None
) -> list[Deadline]:
    """Deadlines not yet carried out, soonest first, for active groups only."""
    query, params = _PENDING, []
    if due_by is not None:
        query += " AND due_at <= ?"
        params.append(to_db(due_by))
    if group_id is not None:
        query += " AND deadlines.group_id = ?"
        params.append(group_id)
    rows = await conn.fetch_all(query + " ORDER BY due_at, deadlines.id", params)
    return [_deadline(row) for row in rows]


async def mark_done(
    conn: Connection, deadline_id: int, now: dt.datetime, *, due_at: dt.datetime | None = None
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
    changed = await conn.execute(query, params)
    return changed == 1


async def finish(conn: Connection, kind: str, ref_id: int, now: dt.datetime) -> None:
    """The stage ended some other way (a facilitator moved it on): nothing left to fire,
    not even its reminder."""
    kinds = [kind, REMINDER_OF.get(kind, kind)]
    await conn.execute(
        "UPDATE deadlines SET done_at = ? WHERE kind IN (?, ?) AND ref_id = ? AND done_at IS NULL",
        (to_db(now), *kinds, ref_id),
    )
