"""The postings and connections tables: needs, offers, and who was brought together.

Every change of state is compare-and-set on the state it leaves (a need is taken only while
open, hours are proposed only while connected, settled only while proposed), so two
neighbours pressing at once change it once.
"""

from __future__ import annotations

import datetime as dt

from bot.domain.needs import (
    Match,
    MatchStatus,
    Posting,
    PostingKind,
    PostingStatus,
)
from bot.domain.records import Source
from storage import Connection, Row, from_db, sources, to_db


def _posting(row: Row) -> Posting:
    return Posting(
        id=row["id"],
        group_id=row["group_id"],
        kind=PostingKind(row["kind"]),
        author=row["author"],
        minutes=row["minutes"],
        text=row["text"],
        status=PostingStatus(row["status"]),
        created_at=from_db(row["created_at"]),
        lapses_at=from_db(row["lapses_at"]),
        closed_at=from_db(row["closed_at"]),
        closed_by=row["closed_by"],
        message_id=row["message_id"],
    )


def _connection(row: Row) -> Match:
    return Match(
        id=row["id"],
        posting_id=row["posting_id"],
        helper=row["helper"],
        helped=row["helped"],
        status=MatchStatus(row["status"]),
        created_at=from_db(row["created_at"]),
        minutes=row["minutes"],
        proposed_by=row["proposed_by"],
        entry_id=row["entry_id"],
        message_id=row["message_id"],
    )


async def add(
    conn: Connection, *, group_id: int, kind: PostingKind, author: int, minutes: int | None,
    text: str, now: dt.datetime, lapses_at: dt.datetime, source: Source,
) -> Posting:  # fmt: skip
    new_id = await conn.insert(
        """
        INSERT INTO postings (group_id, kind, author, minutes, text, status, created_at, lapses_at,
                              source_chat_id, source_message_id)
        VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?, ?)
        """,
        (group_id, kind.value, author, minutes, text, to_db(now), to_db(lapses_at), *sources.columns(source)),
    )
    return await get(conn, new_id)


async def by_source(conn: Connection, source: Source) -> Posting | None:
    row = await sources.row_from(conn, "postings", source)
    return _posting(row) if row else None


async def get(conn: Connection, posting_id: int) -> Posting | None:
    row = await conn.fetch_one("SELECT * FROM postings WHERE id = ?", (posting_id,))
    return _posting(row) if row else None


async def in_group(conn: Connection, group_id: int, posting_id: int) -> Posting | None:
    found = await get(conn, posting_id)
    return found if found is not None and found.group_id == group_id else None


async def set_message(conn: Connection, posting_id: int, message_id: int) -> None:
    await conn.execute(
        "UPDATE postings SET message_id = ? WHERE id = ? AND message_id IS NULL", (message_id, posting_id)
    )


async def move(
    conn: Connection, posting_id: int, old: PostingStatus, new: PostingStatus,
    *, by: int | None = None, now: dt.datetime,
) -> bool:  # fmt: skip
    """Move a posting from ``old`` to ``new``; False if it was no longer ``old``."""
    closing = new in (PostingStatus.CANCELLED, PostingStatus.LAPSED, PostingStatus.MET)
    changed = await conn.execute(
        """
        UPDATE postings SET status = ?, closed_at = CASE WHEN ? THEN ? ELSE closed_at END,
                            closed_by = CASE WHEN ? THEN ? ELSE closed_by END
        WHERE id = ? AND status = ?
        """,
        (new.value, closing, to_db(now), closing, by, posting_id, old.value),
    )
    return changed == 1


async def open_in(conn: Connection, group_id: int) -> list[Posting]:
    """The group's board: open postings, needs first, oldest first."""
    rows = await conn.fetch_all(
        "SELECT * FROM postings WHERE group_id = ? AND status = 'open' ORDER BY kind = 'offer', id",
        (group_id,),
    )
    return [_posting(row) for row in rows]


async def group_postings(conn: Connection, group_id: int) -> list[Posting]:
    rows = await conn.fetch_all("SELECT * FROM postings WHERE group_id = ? ORDER BY id", (group_id,))
    return [_posting(row) for row in rows]


async def by_author(conn: Connection, user_id: int) -> list[Posting]:
    rows = await conn.fetch_all("SELECT * FROM postings WHERE author = ? ORDER BY id", (user_id,))
    return [_posting(row) for row in rows]


# ------------------------------------------------------------------------ connections


async def connect(
    conn: Connection, posting_id: int, *, helper: int, helped: int, now: dt.datetime
) -> Match:
    new_id = await conn.insert(
        """
        INSERT INTO connections (posting_id, helper, helped, status, created_at)
        VALUES (?, ?, ?, 'connected', ?)
        """,
        (posting_id, helper, helped, to_db(now)),
    )
    return await connection(conn, new_id)


async def connection(conn: Connection, connection_id: int) -> Match | None:
    row = await conn.fetch_one("SELECT * FROM connections WHERE id = ?", (connection_id,))
    return _connection(row) if row else None


async def connections_of(conn: Connection, posting_id: int) -> list[Match]:
    rows = await conn.fetch_all("SELECT * FROM connections WHERE posting_id = ? ORDER BY id", (posting_id,))
    return [_connection(row) for row in rows]


async def group_connections(conn: Connection, group_id: int) -> list[Match]:
    """Every connection of the group's needs and offers, in one read (the export)."""
    rows = await conn.fetch_all(
        "SELECT connections.* FROM connections JOIN postings ON postings.id = connections.posting_id "
        "WHERE postings.group_id = ? ORDER BY connections.id",
        (group_id,),
    )
    return [_connection(row) for row in rows]


async def member_connections(conn: Connection, user_id: int) -> list[Match]:
    rows = await conn.fetch_all(
        "SELECT * FROM connections WHERE helper = ? OR helped = ? ORDER BY id", (user_id, user_id)
    )
    return [_connection(row) for row in rows]


async def propose(
    conn: Connection, connection_id: int, *, minutes: int, by: int
) -> bool:
    changed = await conn.execute(
        """
        UPDATE connections SET status = 'proposed', minutes = ?, proposed_by = ?
        WHERE id = ? AND status = 'connected'
        """,
        (minutes, by, connection_id),
    )
    return changed == 1


async def set_proposal_message(conn: Connection, connection_id: int, message_id: int) -> None:
    await conn.execute("UPDATE connections SET message_id = ? WHERE id = ?", (message_id, connection_id))


async def settle(conn: Connection, connection_id: int, entry_id: int) -> bool:
    changed = await conn.execute(
        "UPDATE connections SET status = 'settled', entry_id = ? WHERE id = ? AND status = 'proposed'",
        (entry_id, connection_id),
    )
    return changed == 1


async def met_between(
    conn: Connection, group_id: int, since: dt.datetime, until: dt.datetime
) -> list[tuple[Posting, int]]:
    """Needs met in the period, each with the hours confirmed for it (not reversed since)."""
    rows = await conn.fetch_all(
        """
        SELECT postings.*, ledger_entries.minutes AS settled_minutes FROM postings
        JOIN connections ON connections.posting_id = postings.id
        JOIN ledger_entries ON ledger_entries.id = connections.entry_id
        WHERE postings.group_id = ? AND postings.kind = 'need' AND postings.status = 'met'
          AND ledger_entries.created_at >= ? AND ledger_entries.created_at < ?
          AND NOT EXISTS (SELECT 1 FROM ledger_entries AS reversal
                          WHERE reversal.reverses = ledger_entries.id AND reversal.status = 'confirmed')
        ORDER BY postings.id
        """,
        (group_id, to_db(since), to_db(until)),
    )
    return [(_posting(row), row["settled_minutes"]) for row in rows]
