"""Paper ballots: the tallies facilitators enter for a round, append-only.

The latest tally of a round is the one that counts; the earlier ones stay as its history
(``0017_paper_ballots.sql`` refuses updates and deletes).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping

from bot.domain.inclusion import PaperTally, TallyReason
from bot.domain.records import Source
from storage import Connection, Row, from_db, sources, to_db


async def enter(
    conn: Connection, *, round_id: int, voters: int, votes: Mapping[int, int],
    entered_by: int | None, now: dt.datetime, source: Source | None = None,
    reason: TallyReason = TallyReason.ENTERED,
) -> int:  # fmt: skip
    """A new tally (idea id -> paper votes) that replaces the round's previous one; its id."""
    new_id = await conn.insert(
        "INSERT INTO paper_tallies (round_id, voters, entered_by, entered_at, source_chat_id, source_message_id, "
        "reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (round_id, voters, entered_by, to_db(now), *sources.columns(source), reason.value),
    )
    await conn.execute_batch(
        "INSERT INTO paper_votes (tally_id, idea_id, votes) VALUES (?, ?, ?)",
        [(new_id, idea_id, count) for idea_id, count in votes.items()],
    )
    return new_id


async def entered_by_source(conn: Connection, source: Source) -> bool:
    """Whether this /paper message was already entered (the update replayed after a crash)."""
    return await sources.row_from(conn, "paper_tallies", source) is not None


async def history(conn: Connection, round_id: int) -> list[PaperTally]:
    """Every tally of the round, oldest first; the last one counts."""
    rows = await conn.fetch_all(
        "SELECT * FROM paper_tallies WHERE round_id = ? ORDER BY id", (round_id,)
    )
    votes: dict[int, dict[int, int]] = defaultdict(dict)
    for tally_id, idea_id, count in await conn.fetch_all(
        "SELECT paper_votes.tally_id, paper_votes.idea_id, paper_votes.votes FROM paper_votes "
        "JOIN paper_tallies ON paper_tallies.id = paper_votes.tally_id WHERE paper_tallies.round_id = ?",
        (round_id,),
    ):
        votes[tally_id][idea_id] = count
    return [_tally(row, votes[row["id"]]) for row in rows]


def _tally(row: Row, votes: dict[int, int]) -> PaperTally:
    return PaperTally(row["id"], row["round_id"], row["voters"], votes, row["entered_by"], from_db(row["entered_at"]),
                      TallyReason(row["reason"]))  # fmt: skip


async def latest(conn: Connection, round_id: int) -> PaperTally | None:
    """The tally that counts: the round's latest (None without one)."""
    row = await conn.fetch_one("SELECT * FROM paper_tallies WHERE round_id = ? ORDER BY id DESC LIMIT 1", (round_id,))
    if row is None:
        return None
    votes = await conn.fetch_all("SELECT idea_id, votes FROM paper_votes WHERE tally_id = ?", (row["id"],))
    return _tally(row, {idea_id: count for idea_id, count in votes})


async def voters(conn: Connection, round_id: int) -> int:
    """Paper voters in the round's latest tally (0 without one)."""
    row = await conn.fetch_one("SELECT voters FROM paper_tallies WHERE round_id = ? ORDER BY id DESC LIMIT 1", (round_id,)
    )
    return row[0] if row else 0
