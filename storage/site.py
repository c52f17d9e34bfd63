"""What a group's public page is built from: rounds, ideas, frozen results, outcomes, hours.

No usernames or ledger notes are read. Ideas and their authors come as the records every
listing uses, so the page names them the same way (``bot.domain.inclusion.credit`` in
``bot.flows.site``: public names, "a neighbour", "NAME (via FACILITATOR)", voice ideas);
only those words, never an id, reach the templates. Hours are named here by
:func:`bot.domain.site.public_name` from the member's ``/privacy`` choice.
"""

from __future__ import annotations

from bot.domain.records import Group
from bot.domain.rounds import Idea, IdeaStatus, Stage
from bot.domain.site import (
    PublicGroup,
    PublicOutcome,
    PublicRound,
    fold_hours,
    public_name,
)
from storage import Connection, from_db, members, rounds
from storage.voting import CURRENT_OUTCOME

_NAME = "trim(members.first_name || ' ' || COALESCE(members.last_name, ''))"


async def public_group(conn: Connection, group: Group, only: int | None = None) -> PublicGroup:
    """Everything the page shows; with ``only``, the other rounds come without their ideas,
    results and outcomes (the index needs only their question, stage and dates)."""
    rows = await conn.fetch_all(
        "SELECT * FROM rounds WHERE group_id = ? ORDER BY number DESC", (group.id,)
    )
    rounds = [await _round(conn, row, detailed=only is None or row["number"] == only) for row in rows]
    return PublicGroup(group.title, group.language, group.timezone, tuple(rounds), await _hours(conn, group.id))


async def _round(conn: Connection, row, *, detailed: bool = True) -> PublicRound:  # noqa: ANN001 - a Row
    stage = Stage.CANCELLED if row["cancelled_at"] else Stage(row["stage"])
    ideas = await _ideas(conn, row["id"]) if detailed else ()
    deadline = row["ideas_ends_at"] if stage is Stage.IDEAS else row["voting_ends_at"] if stage is Stage.VOTING else None
    return PublicRound(
        number=row["number"],
        question=row["question"],
        stage=stage,
        opened_at=from_db(row["created_at"]),
        deadline=from_db(deadline),
        closed_at=from_db(row["closed_at"]),
        voters=row["voter_count"],
        ideas=ideas,
        authors=await members.names(conn, {idea.author_id for idea in ideas if idea.author_id}),
        outcomes=await _outcomes(conn, row["id"]) if detailed else (),
        round_id=row["id"],
    )


async def _ideas(conn: Connection, round_id: int) -> tuple[Idea, ...]:
    """The round's standing and merged ideas, read as every listing reads them."""
    return tuple(idea for idea in await rounds.ideas(conn, round_id)
                 if idea.status in (IdeaStatus.STANDING, IdeaStatus.MERGED))  # fmt: skip


async def _outcomes(conn: Connection, round_id: int) -> tuple[PublicOutcome, ...]:
    rows = await conn.fetch_all(
        f"SELECT text, recorded_at FROM outcomes WHERE round_id = ? AND {CURRENT_OUTCOME} ORDER BY recorded_at, id",  # noqa: S608 - a fixed clause
        (round_id,),
    )
    return tuple(PublicOutcome(row[0], from_db(row[1])) for row in rows)


async def _hours(conn: Connection, group_id: int) -> tuple:
    rows = await conn.fetch_all(
        f"""
        SELECT {_NAME} AS name, COALESCE(members.hidden, 0) AS hidden,
               members.forgotten_at IS NOT NULL AS forgotten, SUM(entry.minutes) AS minutes
        FROM ledger_entries AS entry LEFT JOIN members ON members.user_id = entry.to_member
        WHERE entry.group_id = ? AND entry.kind = 'volunteering' AND entry.status = 'confirmed'
          AND NOT EXISTS (SELECT 1 FROM ledger_entries AS reversal
                          WHERE reversal.reverses = entry.id AND reversal.status = 'confirmed')
        GROUP BY entry.to_member, members.user_id
        """,  # noqa: S608 - _NAME is a constant expression
        (group_id,),
    )
    return fold_hours(
        [(public_name(row["name"] or "", hidden=bool(row["hidden"]), forgotten=bool(row["forgotten"])), row["minutes"])
         for row in rows]
    )  # fmt: skip
