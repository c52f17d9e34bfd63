"""Statements rounds: each member's vote on each statement, and the opinion map.

A vote is written only while its round is voting and its statement standing (checked in
the same statement), once per member and statement: voting again changes it. Only votes on
standing statements count; a statement withdrawn or merged takes its votes out with it.
"""

from __future__ import annotations

import datetime as dt

from bot.domain.decisions.opinions import Choice, OpinionMap
from bot.domain.decisions.statements import Votes
from storage import Connection, to_db

_STANDING = "JOIN ideas ON ideas.id = statement_votes.idea_id AND ideas.status = 'standing'"


async def record_vote(
    conn: Connection, *, round_id: int, idea_id: int, user_id: int, choice: Choice, now: dt.datetime
) -> bool:
    """Store (or change) a member's vote; False if the round is not voting or the statement
    is not one of its standing statements (nothing is written then)."""
    changed = await conn.execute(
        """
        INSERT INTO statement_votes (round_id, idea_id, user_id, choice, voted_at, changed_at)
        SELECT :round, :idea, :user, :choice, :now, :now
        WHERE EXISTS (SELECT 1 FROM rounds WHERE id = :round AND stage = 'voting')
          AND EXISTS (SELECT 1 FROM ideas WHERE id = :idea AND round_id = :round AND status = 'standing')
        ON CONFLICT (idea_id, user_id) DO UPDATE SET choice = excluded.choice, changed_at = excluded.changed_at
        """,
        {"round": round_id, "idea": idea_id, "user": user_id, "choice": int(choice), "now": to_db(now)},
    )
    return changed == 1


async def votes_after(conn: Connection, round_id: int, after: tuple[int, int],
                      limit: int) -> list[tuple[int, int, int, int]]:  # fmt: skip
    """Up to ``limit`` of the round's votes (on any statement) after ``after``, a
    ``(member, vote id)`` key, in that order: ``(member, vote id, statement, choice)``.
    A round of many thousands of votes is read a page at a time, so that the one connection
    serves other members in between."""
    rows = await conn.fetch_all(
        "SELECT user_id, id, idea_id, choice FROM statement_votes WHERE round_id = ? AND (user_id, id) > (?, ?) "
        "ORDER BY user_id, id LIMIT ?",
        (round_id, *after, limit),
    )
    return [(row[0], row[1], row[2], row[3]) for row in rows]


async def has_voted(conn: Connection, round_id: int, user_id: int) -> bool:
    row = await conn.fetch_one("SELECT 1 FROM statement_votes WHERE round_id = ? AND user_id = ? LIMIT 1", (round_id, user_id))
    return row is not None


async def member_votes(conn: Connection, round_id: int, user_id: int) -> dict[int, Choice]:
    """A member's votes on the round's standing statements, in the order first cast."""
    rows = await conn.fetch_all(
        f"SELECT statement_votes.idea_id, statement_votes.choice FROM statement_votes {_STANDING} "
        "WHERE statement_votes.round_id = ? AND statement_votes.user_id = ? ORDER BY statement_votes.id",  # noqa: S608
        (round_id, user_id),
    )
    return {row[0]: Choice(row[1]) for row in rows}


async def tallies(conn: Connection, round_id: int) -> dict[int, Votes]:
    """Agree, disagree and pass votes on each standing statement that has any."""
    rows = await conn.fetch_all(
        f"""
        SELECT statement_votes.idea_id,
               SUM(CASE WHEN choice = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN choice = -1 THEN 1 ELSE 0 END),
               SUM(CASE WHEN choice = 0 THEN 1 ELSE 0 END)
        FROM statement_votes {_STANDING} WHERE statement_votes.round_id = ? GROUP BY statement_votes.idea_id
        """,  # noqa: S608 - a fixed clause only
        (round_id,),
    )
    return {row[0]: Votes(row[1], row[2], row[3]) for row in rows}


async def group_tallies(conn: Connection, round_id: int) -> list[tuple[int, int, int, int, int]]:
    """``(group, statement, agree, disagree, seen)`` of the members on the opinion map."""
    rows = await conn.fetch_all(
        f"""
        SELECT opinion_members.opinion_group, statement_votes.idea_id,
               SUM(CASE WHEN choice = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN choice = -1 THEN 1 ELSE 0 END), COUNT(*)
        FROM statement_votes {_STANDING}
        JOIN opinion_members ON opinion_members.round_id = statement_votes.round_id
                            AND opinion_members.user_id = statement_votes.user_id
        WHERE statement_votes.round_id = ?
        GROUP BY opinion_members.opinion_group, statement_votes.idea_id
        """,  # noqa: S608 - a fixed clause only
        (round_id,),
    )
    return [(row[0], row[1], row[2], row[3], row[4]) for row in rows]


async def vote_counts(conn: Connection, round_id: int) -> dict[int, int]:
    """How many have voted on each statement of the round (the next one shown is the least voted)."""
    rows = await conn.fetch_all(
        "SELECT idea_id, COUNT(*) FROM statement_votes WHERE round_id = ? GROUP BY idea_id", (round_id,)
    )
    return {row[0]: row[1] for row in rows}


async def voters(conn: Connection, round_id: int) -> int:
    """Members who voted on at least one standing statement."""
    row = await conn.fetch_one(
        f"SELECT COUNT(DISTINCT statement_votes.user_id) FROM statement_votes {_STANDING} "
        "WHERE statement_votes.round_id = ?",  # noqa: S608 - a fixed clause only
        (round_id,),
    )
    return row[0]


async def previous_vote(conn: Connection, round_id: int, user_id: int, before: int | None) -> int | None:
    """The statement a member voted on just before first voting on ``before`` (or their last
    one, when they have not voted on ``before``): where "back" goes."""
    rows = await conn.fetch_all(
        f"SELECT statement_votes.idea_id FROM statement_votes {_STANDING} "
        "WHERE statement_votes.round_id = ? AND statement_votes.user_id = ? ORDER BY statement_votes.id",  # noqa: S608
        (round_id, user_id),
    )
    order = [row[0] for row in rows]
    if before in order:
        position = order.index(before)
        return order[position - 1] if position else None
    return order[-1] if order else None


async def save_map(conn: Connection, round_id: int, opinion: OpinionMap) -> None:
    """Replace the round's opinion map with ``opinion``."""
    await conn.execute("DELETE FROM opinion_members WHERE round_id = ?", (round_id,))
    await conn.execute_batch(
        "INSERT INTO opinion_members (round_id, user_id, opinion_group, x, y) VALUES (?, ?, ?, ?, ?)",
        [(round_id, *point) for point in zip(opinion.members, opinion.groups, opinion.x, opinion.y, strict=True)],
    )


async def opinion_map(conn: Connection, round_id: int) -> OpinionMap:
    rows = await conn.fetch_all(
        "SELECT user_id, opinion_group, x, y FROM opinion_members WHERE round_id = ? ORDER BY user_id", (round_id,)
    )
    return OpinionMap(*(tuple(column) for column in zip(*rows, strict=True))) if rows else OpinionMap((), (), (), ())

