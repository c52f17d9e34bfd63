"""What a group's public page is built from: rounds, ideas, frozen results, outcomes, hours.

No usernames or ledger notes are read. Ideas and their authors come as the records every
listing uses, so the page names them the same way (``bot.domain.inclusion.credit`` in
``bot.flows.site``: public names, "a neighbour", "NAME (via FACILITATOR)", voice ideas);
only those words, never an id, reach the templates. Hours are named here by
:func:`bot.domain.site.public_name` from the member's ``/privacy`` choice.
"""

from __future__ import annotations

from collections.abc import Collection

from bot.domain.decisions import Method
from bot.domain.outcomes import OutcomeStatus
from bot.domain.records import Group
from bot.domain.rounds import Idea, IdeaStatus, Kind, Stage
from bot.domain.site import (
    PublicGroup,
    PublicOutcome,
    PublicRound,
    fold_hours,
    public_name,
)
from storage import Connection, from_db, members, rounds
from storage.outcomes import NOT_REVERSED
from storage.voting import CURRENT_OUTCOME

_NAME = "trim(members.first_name || ' ' || COALESCE(members.last_name, ''))"


async def public_group(conn: Connection, group: Group, only: Collection[int] | None = None) -> PublicGroup:
    """Everything the page shows. Every round comes with its outcome's history and the hours
    given to it (the index shows their status); with ``only``, the rounds not numbered in it
    come without their ideas (only their own pages list them)."""
    rows = await conn.fetch_all(
        "SELECT * FROM rounds WHERE group_id = ? ORDER BY number DESC", (group.id,)
    )
    outcomes, hours = await _outcomes(conn, group.id), await _round_hours(conn, group.id)
    rounds = [await _round(conn, row, outcomes.get(row["id"], ()), hours.get(row["id"], (0, 0)),
                           detailed=only is None or row["number"] in only) for row in rows]  # fmt: skip
    return PublicGroup(group.title, group.language, group.timezone, tuple(rounds), await _hours(conn, group.id))


async def _round(conn: Connection, row, outcomes: tuple[PublicOutcome, ...], hours: tuple[int, int], *,  # noqa: ANN001 - a Row
                 detailed: bool = True) -> PublicRound:  # fmt: skip
    stage = Stage.CANCELLED if row["cancelled_at"] else Stage(row["stage"])
    ideas = await _ideas(conn, row["id"]) if detailed else ()
    deadline = row["ideas_ends_at"] if stage is Stage.IDEAS else row["voting_ends_at"] if stage is Stage.VOTING else None
    return PublicRound(
        number=row["number"],
        question=row["question"],
        stage=stage,
        opened_at=from_db(row["created_at"]),
        deadline=from_db(deadline),
        closed_at=from_db(row["cancelled_at"] or row["closed_at"]),
        voters=row["voter_count"],
        ideas=ideas,
        authors=await members.names(conn, {idea.author_id for idea in ideas if idea.author_id}),
        outcomes=outcomes,
        round_id=row["id"],
        kind=Kind(row["kind"]),
        method=Method(row["method"]),
        voting_started_at=from_db(row["voting_started_at"]),
        cancel_reason=row["cancel_reason"],
        minutes_given=hours[0],
        neighbours_giving=hours[1],
    )


async def _ideas(conn: Connection, round_id: int) -> tuple[Idea, ...]:
    """The round's standing and merged ideas, read as every listing reads them."""
    return tuple(idea for idea in await rounds.ideas(conn, round_id)
                 if idea.status in (IdeaStatus.STANDING, IdeaStatus.MERGED))  # fmt: skip


async def _outcomes(conn: Connection, group_id: int) -> dict[int, tuple[PublicOutcome, ...]]:
    """Each round's outcome updates as they stand (a corrected one only in its new version), oldest first."""
    rows = await conn.fetch_all(
        f"""
        SELECT outcomes.round_id, outcomes.text, outcomes.recorded_at, outcomes.status, outcomes.progress
        FROM outcomes JOIN rounds ON rounds.id = outcomes.round_id
        WHERE rounds.group_id = ? AND {CURRENT_OUTCOME}
        ORDER BY outcomes.round_id, outcomes.recorded_at, outcomes.id
        """,  # noqa: S608 - a fixed clause
        (group_id,),
    )
    found: dict[int, list[PublicOutcome]] = {}
    for row in rows:
        outcome = PublicOutcome(row["text"], from_db(row["recorded_at"]), OutcomeStatus(row["status"]), row["progress"])
        found.setdefault(row["round_id"], []).append(outcome)
    return {round_id: tuple(updates) for round_id, updates in found.items()}


async def _round_hours(conn: Connection, group_id: int) -> dict[int, tuple[int, int]]:
    """(minutes, neighbours) of confirmed volunteering each round was given, reversed entries left out."""
    rows = await conn.fetch_all(
        f"""
        SELECT entry.round_id, SUM(entry.minutes), COUNT(DISTINCT entry.to_member) FROM ledger_entries AS entry
        WHERE entry.group_id = ? AND entry.kind = 'volunteering' AND entry.status = 'confirmed'
          AND entry.round_id IS NOT NULL AND {NOT_REVERSED}
        GROUP BY entry.round_id
        """,  # noqa: S608 - a fixed clause
        (group_id,),
    )
    return {row[0]: (row[1], row[2]) for row in rows}


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
