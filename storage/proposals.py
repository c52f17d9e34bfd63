"""Proposals and their supporters. Status changes are compare-and-set, so two presses that
both reach the threshold open one round, and a lapse after opening changes nothing."""

from __future__ import annotations

import datetime as dt

from bot.domain.decisions import Method
from bot.domain.proposals import Proposal, ProposalStatus
from bot.domain.records import Source
from storage import Connection, Row, from_db, sources, to_db


def _proposal(row: Row) -> Proposal:
    return Proposal(
        id=row["id"],
        group_id=row["group_id"],
        question=row["question"],
        proposer_id=row["proposer_id"],
        message_id=row["message_id"],
        status=ProposalStatus(row["status"]),
        created_at=from_db(row["created_at"]),
        expires_at=from_db(row["expires_at"]),
        round_id=row["round_id"],
        method=Method(row["method"]),
    )


async def create(
    conn: Connection, *, group_id: int, question: str, proposer_id: int,
    now: dt.datetime, expires_at: dt.datetime, source: Source | None = None, method: Method = Method.APPROVAL,
) -> Proposal:  # fmt: skip
    """A new proposal with its proposer as the first supporter; ``source``: see :func:`by_source`."""
    new_id = await conn.insert(
        "INSERT INTO proposals (group_id, question, proposer_id, created_at, expires_at, "
        "source_chat_id, source_message_id, method) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (group_id, question, proposer_id, to_db(now), to_db(expires_at), *sources.columns(source), method.value),
    )
    proposal_id = new_id
    await add_supporter(conn, proposal_id, proposer_id, now)
    return await get(conn, proposal_id)


async def by_source(conn: Connection, source: Source) -> Proposal | None:
    """The proposal a /propose message already made (that message replayed), if any."""
    row = await sources.row_from(conn, "proposals", source)
    return _proposal(row) if row else None


async def get(conn: Connection, proposal_id: int) -> Proposal | None:
    row = await conn.fetch_one("SELECT * FROM proposals WHERE id = ?", (proposal_id,))
    return _proposal(row) if row else None


async def shown_by(conn: Connection, proposer_id: int) -> list[Proposal]:
    """The member's proposals that have a message in their group, oldest first."""
    rows = await conn.fetch_all(
        "SELECT * FROM proposals WHERE proposer_id = ? AND message_id IS NOT NULL ORDER BY id", (proposer_id,)
    )
    return [_proposal(row) for row in rows]


async def set_message(conn: Connection, proposal_id: int, message_id: int) -> None:
    await conn.execute("UPDATE proposals SET message_id = ? WHERE id = ?", (message_id, proposal_id))


async def add_supporter(conn: Connection, proposal_id: int, user_id: int, now: dt.datetime) -> bool:
    """False if this person already supports it: each neighbour counts once."""
    changed = await conn.execute(
        "INSERT INTO proposal_supporters (proposal_id, user_id, supported_at) VALUES (?, ?, ?) "
        "ON CONFLICT (proposal_id, user_id) DO NOTHING",
        (proposal_id, user_id, to_db(now)),
    )
    return changed == 1


async def supporter_count(conn: Connection, proposal_id: int) -> int:
    (count,) = await conn.fetch_one("SELECT COUNT(*) FROM proposal_supporters WHERE proposal_id = ?", (proposal_id,)
    )
    return count


async def mark_opened(conn: Connection, proposal_id: int) -> bool:
    """open -> opened; False if it had already opened or lapsed."""
    changed = await conn.execute(
        "UPDATE proposals SET status = 'opened' WHERE id = ? AND status = 'open'", (proposal_id,)
    )
    return changed == 1


async def set_round(conn: Connection, proposal_id: int, round_id: int) -> None:
    await conn.execute("UPDATE proposals SET round_id = ? WHERE id = ?", (round_id, proposal_id))


async def mark_lapsed(conn: Connection, proposal_id: int) -> bool:
    """open -> lapsed; False if it had opened (or lapsed) already."""
    changed = await conn.execute(
        "UPDATE proposals SET status = 'lapsed' WHERE id = ? AND status = 'open'", (proposal_id,)
    )
    return changed == 1
