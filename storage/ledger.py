"""The ledger table: append entries, decide pending ones once, and sum balances.

The table refuses deletes and any update but deciding a pending entry (triggers in
``0003_ledger.sql``); :func:`decide` is compare-and-set on ``status = 'pending'``, so two
neighbours pressing Confirm at the same instant confirm the entry once.
"""

from __future__ import annotations

import datetime as dt

from bot.domain.ledger import EntryDraft, EntryKind, EntryStatus, LedgerEntry
from bot.domain.records import Source
from storage import Connection, Row, from_db, sources, to_db


def _entry(row: Row) -> LedgerEntry:
    return LedgerEntry(
        id=row["id"],
        group_id=row["group_id"],
        kind=EntryKind(row["kind"]),
        from_member=row["from_member"],
        to_member=row["to_member"],
        minutes=row["minutes"],
        note=row["note"],
        status=EntryStatus(row["status"]),
        confirmed_by=row["confirmed_by"],
        rejected_by=row["rejected_by"],
        decided_at=from_db(row["decided_at"]),
        created_by=row["created_by"],
        created_at=from_db(row["created_at"]),
        lapses_at=from_db(row["lapses_at"]),
        reverses=row["reverses"],
        message_id=row["message_id"],
        round_id=row["round_id"],
    )


async def _entries(conn: Connection, where: str, params: tuple) -> list[LedgerEntry]:
    rows = await conn.fetch_all(
        f"SELECT * FROM ledger_entries WHERE {where} ORDER BY id",  # noqa: S608 - fixed clauses only
        params,
    )
    return [_entry(row) for row in rows]


async def add(conn: Connection, draft: EntryDraft, *, source: Source | None = None) -> LedgerEntry:
    """Append ``draft``; ``source`` is the /log or /thank message: see :func:`by_source`."""
    decided_at = draft.created_at if draft.status is EntryStatus.CONFIRMED else None
    new_id = await conn.insert(
        """
        INSERT INTO ledger_entries (group_id, kind, from_member, to_member, minutes, note, status,
                                    confirmed_by, decided_at, created_by, created_at, lapses_at,
                                    reverses, source_chat_id, source_message_id, round_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        (
            draft.group_id, draft.kind.value, draft.from_member, draft.to_member, draft.minutes,
            draft.note, draft.status.value, draft.confirmed_by, to_db(decided_at), draft.created_by,
            to_db(draft.created_at), to_db(draft.lapses_at), draft.reverses, *sources.columns(source), draft.round_id,
        ),
    )  # fmt: skip
    return await get(conn, new_id)


async def by_source(conn: Connection, source: Source) -> LedgerEntry | None:
    """The entry a /log or /thank message already added (that message replayed), if any."""
    row = await sources.row_from(conn, "ledger_entries", source)
    return _entry(row) if row else None


async def get(conn: Connection, entry_id: int) -> LedgerEntry | None:
    found = await _entries(conn, "id = ?", (entry_id,))
    return found[0] if found else None


async def in_group(conn: Connection, group_id: int, entry_id: int) -> LedgerEntry | None:
    """The entry ``entry_id`` if it belongs to this group (ids from elsewhere are not found)."""
    entry = await get(conn, entry_id)
    return entry if entry is not None and entry.group_id == group_id else None


async def reversal_of(conn: Connection, entry_id: int) -> LedgerEntry | None:
    found = await _entries(conn, "reverses = ?", (entry_id,))
    return found[0] if found else None


async def set_message(conn: Connection, entry_id: int, message_id: int) -> None:
    await conn.execute(
        "UPDATE ledger_entries SET message_id = ? WHERE id = ? AND message_id IS NULL",
        (message_id, entry_id),
    )


async def decide(
    conn: Connection, entry_id: int, status: EntryStatus, *, by: int | None, now: dt.datetime
) -> bool:
    """Confirm, reject or lapse a pending entry; False if it was already decided."""
    confirmed_by = by if status is EntryStatus.CONFIRMED else None
    rejected_by = by if status is EntryStatus.REJECTED else None
    changed = await conn.execute(
        """
        UPDATE ledger_entries SET status = ?, confirmed_by = ?, rejected_by = ?, decided_at = ?
        WHERE id = ? AND status = 'pending'
        """,
        (status.value, confirmed_by, rejected_by, to_db(now), entry_id),
    )
    return changed == 1


async def group_entries(conn: Connection, group_id: int) -> list[LedgerEntry]:
    return await _entries(conn, "group_id = ?", (group_id,))


async def member_entries(conn: Connection, user_id: int) -> list[LedgerEntry]:
    """Entries that concern the member, in every group: to, from, logged or decided by them."""
    return await _entries(
        conn,
        "from_member = ? OR to_member = ? OR created_by = ? OR confirmed_by = ? OR rejected_by = ?",
        (user_id,) * 5,
    )


async def balances(conn: Connection, group_id: int) -> dict[int, int]:
    """Each member's balance in the group, summed by SQL from confirmed entries."""
    rows = await conn.fetch_all(
        """
        SELECT member, SUM(amount) AS balance FROM (
            SELECT to_member AS member, minutes AS amount FROM ledger_entries
            WHERE group_id = ? AND status = 'confirmed' AND to_member IS NOT NULL
            UNION ALL
            SELECT from_member, -minutes FROM ledger_entries
            WHERE group_id = ? AND status = 'confirmed' AND from_member IS NOT NULL
        ) AS moves GROUP BY member
        """,
        (group_id, group_id),
    )
    return {row["member"]: row["balance"] for row in rows}


async def balance(conn: Connection, group_id: int, user_id: int) -> int:
    """One member's balance (for /thank's floor), summed from their confirmed entries only."""
    row = await conn.fetch_one("""
        SELECT COALESCE(SUM(CASE WHEN to_member = ? THEN minutes ELSE -minutes END), 0) AS balance
        FROM ledger_entries
        WHERE group_id = ? AND status = 'confirmed' AND (to_member = ? OR from_member = ?)
        """,
        (user_id, group_id, user_id, user_id),
    )
    return row["balance"]


async def group_ids(conn: Connection) -> list[int]:
    """Every group that has a ledger, for the audit."""
    rows = await conn.fetch_all("SELECT DISTINCT group_id FROM ledger_entries ORDER BY group_id")
    return [row["group_id"] for row in rows]
