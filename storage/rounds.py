"""Rounds and their ideas.

Stage changes are compare-and-set (``WHERE stage = ?``) and report whether they applied,
so concurrent or repeated requests (two /close, a deadline firing after /vote) change the
round once.
"""

from __future__ import annotations

import datetime as dt

from bot.domain.decisions import Method
from bot.domain.records import Source
from bot.domain.rounds import (
    Idea,
    IdeaStatus,
    Kind,
    Round,
    Stage,
    new_link_token,
)
from storage import Connection, Row, from_db, sources, to_db


def _round(row: Row) -> Round:
    return Round(
        id=row["id"],
        group_id=row["group_id"],
        number=row["number"],
        kind=Kind(row["kind"]),
        question=row["question"],
        stage=Stage.CANCELLED if row["cancelled_at"] else Stage(row["stage"]),
        created_by=row["created_by"],
        created_at=from_db(row["created_at"]),
        ideas_ends_at=from_db(row["ideas_ends_at"]),
        voting_minutes=row["voting_minutes"],
        voting_started_at=from_db(row["voting_started_at"]),
        voting_ends_at=from_db(row["voting_ends_at"]),
        closed_at=from_db(row["closed_at"]),
        voter_count=row["voter_count"],
        prompt_message_id=row["prompt_message_id"],
        voting_message_id=row["voting_message_id"],
        link_token=row["link_token"],
        paper_voters=row["paper_voters"],
        method=Method(row["method"]),
        cancel_reason=row["cancel_reason"],
        voting_until=from_db(row["voting_until"]),
    )


def _idea(row: Row) -> Idea:
    return Idea(
        id=row["id"],
        round_id=row["round_id"],
        number=row["number"],
        author_id=row["author_id"],
        anonymous=bool(row["anonymous"]),
        text=row["text"],
        status=IdeaStatus(row["status"]),
        merged_into=row["merged_into"],
        created_at=from_db(row["created_at"]),
        assisted_name=row["assisted_name"],
        voice=bool(row["voice"]),
        source_message_id=row["source_message_id"],
        assisted_agreed=bool(row["assisted_agreed"]),
    )


async def create(
    conn: Connection,
    *,
    group_id: int,
    question: str,
    created_by: int | None,
    now: dt.datetime,
    ideas_ends_at: dt.datetime | None,
    voting_minutes: int,
    voting_ends_at: dt.datetime | None = None,
    voting_until: dt.datetime | None = None,
    kind: Kind = Kind.ROUND,
    method: Method = Method.APPROVAL,
    source: Source | None = None,
) -> Round:
    """A new round numbered after the group's last one, in its kind's first stage (a poll
    starts in voting, ending at ``voting_ends_at``); ``voting_until``: its vote given as a moment.

    ``source`` is the command's message: see :func:`by_source`.
    """
    stage = kind.first_stage(method)
    new_id = await conn.insert(
        """
        INSERT INTO rounds (group_id, number, kind, method, question, stage, created_by, created_at,
                            ideas_ends_at, voting_minutes, voting_started_at, voting_ends_at, voting_until,
                            source_chat_id, source_message_id, link_token)
        VALUES (?, (SELECT COALESCE(MAX(number), 0) + 1 FROM rounds WHERE group_id = ?),
                ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        (
            group_id, group_id, kind.value, method.value, question, stage.value, created_by, to_db(now),
            to_db(ideas_ends_at), voting_minutes,
            to_db(now) if stage is Stage.VOTING else None, to_db(voting_ends_at), to_db(voting_until),
            *sources.columns(source), new_link_token(),
        ),
    )  # fmt: skip
    return await get(conn, new_id)


async def by_source(conn: Connection, source: Source) -> Round | None:
    """The round a /round or /poll message already opened (that message replayed), if any."""
    row = await sources.row_from(conn, "rounds", source)
    return _round(row) if row else None


async def get(conn: Connection, round_id: int) -> Round:
    return _round(await conn.fetch_one("SELECT * FROM rounds WHERE id = ?", (round_id,)))


async def by_number(conn: Connection, group_id: int, number: int) -> Round | None:
    row = await conn.fetch_one("SELECT * FROM rounds WHERE group_id = ? AND number = ?", (group_id, number)
    )
    return _round(row) if row else None


async def by_prompt(conn: Connection, group_id: int, message_id: int) -> Round | None:
    """The round whose prompt (or voting message) is ``message_id``: replies go to it."""
    row = await conn.fetch_one("SELECT * FROM rounds WHERE group_id = ? AND (prompt_message_id = ? OR voting_message_id = ?)",
        (group_id, message_id, message_id),
    )
    return _round(row) if row else None


async def started_voting_since(conn: Connection, group_id: int, since: dt.datetime) -> list[Round]:
    """Rounds of the group whose vote opened after ``since`` (a /vote a moment ago)."""
    rows = await conn.fetch_all(
        "SELECT * FROM rounds WHERE group_id = ? AND voting_started_at > ? ORDER BY voting_started_at, number",
        (group_id, to_db(since)),
    )
    return [_round(row) for row in rows]


async def open_rounds(conn: Connection, group_id: int) -> list[Round]:
    rows = await conn.fetch_all(
        "SELECT * FROM rounds WHERE group_id = ? AND stage != 'closed' ORDER BY number",
        (group_id,),
    )
    return [_round(row) for row in rows]


async def closed_rounds(conn: Connection, group_id: int, limit: int) -> list[Round]:
    rows = await conn.fetch_all(
        "SELECT * FROM rounds WHERE group_id = ? AND stage = 'closed' AND cancelled_at IS NULL "
        "ORDER BY closed_at DESC, number DESC LIMIT ?",
        (group_id, limit),
    )
    return [_round(row) for row in rows]


async def set_prompt_message(conn: Connection, round_id: int, message_id: int) -> None:
    await conn.execute("UPDATE rounds SET prompt_message_id = ? WHERE id = ?", (message_id, round_id))


async def start_voting(
    conn: Connection, round_id: int, *, now: dt.datetime, ends_at: dt.datetime
) -> bool:
    """ideas -> voting; False if the round had already moved on."""
    changed = await conn.execute(
        "UPDATE rounds SET stage = 'voting', voting_started_at = ?, voting_ends_at = ? "
        "WHERE id = ? AND stage = 'ideas'",
        (to_db(now), to_db(ends_at), round_id),
    )
    return changed == 1


async def close(
    conn: Connection, round_id: int, *, now: dt.datetime, voter_count: int, paper_voters: int = 0
) -> bool:
    """voting -> closed; False if it was already closed. ``voter_count`` includes ``paper_voters``."""
    changed = await conn.execute(
        "UPDATE rounds SET stage = 'closed', closed_at = ?, voter_count = ?, paper_voters = ? "
        "WHERE id = ? AND stage = 'voting'",
        (to_db(now), voter_count, paper_voters, round_id),
    )
    return changed == 1


async def set_question(conn: Connection, round_id: int, question: str) -> bool:
    """A round's question as corrected; False once it stopped collecting ideas."""
    changed = await conn.execute(
        "UPDATE rounds SET question = ? WHERE id = ? AND stage = 'ideas' AND cancelled_at IS NULL",
        (question, round_id),
    )
    return changed == 1


async def set_deadline(conn: Connection, round_id: int, stage: Stage, due: dt.datetime) -> bool:
    """Move the end of the round's current ``stage``; False if it is in another stage by now."""
    column = {Stage.IDEAS: "ideas_ends_at", Stage.VOTING: "voting_ends_at"}[stage]
    changed = await conn.execute(
        f"UPDATE rounds SET {column} = ? WHERE id = ? AND stage = ? AND cancelled_at IS NULL",  # noqa: S608 - a fixed column
        (to_db(due), round_id, stage.value),
    )
    return changed == 1


async def cancel(conn: Connection, round_id: int, *, reason: str, now: dt.datetime) -> bool:
    """An open round closes without results; False if it had already closed."""
    changed = await conn.execute(
        "UPDATE rounds SET stage = 'closed', closed_at = ?, cancelled_at = ?, cancel_reason = ? "
        "WHERE id = ? AND stage IN ('ideas', 'voting')",
        (to_db(now), to_db(now), reason, round_id),
    )
    return changed == 1


async def set_voting_message(conn: Connection, round_id: int, message_id: int) -> None:
    await conn.execute("UPDATE rounds SET voting_message_id = ? WHERE id = ?", (message_id, round_id))


# ------------------------------------------------------------------------------ ideas


_INSERT_IDEA = """
    INSERT INTO ideas (round_id, number, author_id, anonymous, text, folded_text,
                       source_chat_id, source_message_id, created_at, updated_at, assisted_name, voice,
                       assisted_agreed)
    SELECT CAST(:round AS BIGINT), (SELECT COALESCE(MAX(number), 0) + 1 FROM ideas WHERE round_id = :round),
           CAST(:author AS BIGINT), CAST(:anonymous AS INTEGER), :text, :folded, CAST(:chat AS BIGINT),
           CAST(:message AS BIGINT), :now, :now, :assisted, CAST(:voice AS INTEGER), CAST(:agreed AS INTEGER)
    WHERE {condition}
    ON CONFLICT (source_chat_id, source_message_id) DO NOTHING
    RETURNING *, (SELECT other.id FROM ideas AS other
                  WHERE other.round_id = ideas.round_id AND other.folded_text = ideas.folded_text
                    AND other.id != ideas.id AND other.status = 'standing' AND ideas.folded_text != ''
                  ORDER BY +other.number LIMIT 1) AS same_as_id
"""
# The values are cast because a SELECT, unlike VALUES, gives PostgreSQL no column to infer
# their types from.
# same_as_id: a standing idea of the round whose folded text equals the new one's (a
# near-duplicate; voice ideas without words yet are no one's twins). "+number" keeps SQLite from walking the round's ideas in number order
# (one full scan per new idea); the (round_id, folded_text) index finds the few candidates.


_COLLECTING_WITHIN_CAP = """
    EXISTS (SELECT 1 FROM rounds WHERE id = :round AND stage = :collecting)
    AND (:author IS NULL OR :capped = 0 OR (
        SELECT COUNT(*) FROM ideas WHERE round_id = :round AND author_id = :author AND status != 'withdrawn'
    ) < (SELECT groups.idea_cap FROM rounds JOIN groups ON groups.id = rounds.group_id WHERE rounds.id = :round))
"""


async def add_idea(
    conn: Connection,
    *,
    round_id: int,
    text: str,
    folded: str,
    author_id: int | None,
    anonymous: bool,
    now: dt.datetime,
) -> Idea:
    """An idea added in any stage, with no source message: a poll's options (its /poll
    message is what keys a replay, see :func:`by_source`) and rounds set up in tests."""
    collected = await collect_idea(
        conn, round_id=round_id, text=text, folded=folded, author_id=author_id, anonymous=anonymous, now=now,
        source_chat_id=None, source_message_id=None, any_stage=True,
    )  # fmt: skip
    assert collected is not None  # no stage condition, and no source message to conflict on
    return collected[0]


async def collect_idea(
    conn: Connection,
    *,
    round_id: int,
    text: str,
    folded: str,
    author_id: int | None,
    anonymous: bool,
    now: dt.datetime,
    source_chat_id: int | None,
    source_message_id: int | None,
    any_stage: bool = False,
    assisted_name: str | None = None,
    assisted_agreed: bool = False,
    voice: bool = False,
    collecting: Stage = Stage.IDEAS,
    capped: bool = True,
) -> tuple[Idea, int | None] | None:
    """Add an idea to a round that is collecting them (or, with ``any_stage``, to any
    round), in one statement: one hop to aiosqlite's thread. ``folded`` is the text as
    compared for twins (:func:`bot.domain.rounds.fold`); ``collecting`` is the stage in which
    the round takes ideas (:attr:`bot.domain.rounds.Round.collecting_stage`), and an author
    who is not ``capped`` (a facilitator seeding a statements round) may exceed the cap.

    ``(idea, id of a standing idea of the round that reads the same, if any)``; None when
    nothing was stored: the round is not collecting ideas, the author already has the
    group's ``idea_cap`` ideas in it (both checked in the same statement; ``any_stage``
    checks neither, ``capped=False`` not the cap), or the source message is already an idea.
    """
    condition = "true" if any_stage else _COLLECTING_WITHIN_CAP
    row = await conn.fetch_one(_INSERT_IDEA.format(condition=condition),
        {
            "round": round_id, "author": author_id, "anonymous": int(anonymous), "text": text,
            "folded": folded, "chat": source_chat_id, "message": source_message_id, "now": to_db(now),
            "assisted": assisted_name, "agreed": int(assisted_agreed), "voice": int(voice),
            "collecting": collecting.value, "capped": int(capped),
        },
    )  # fmt: skip
    return None if row is None else (_idea(row), row["same_as_id"])


async def get_idea(conn: Connection, idea_id: int) -> Idea:
    return _idea(await conn.fetch_one("SELECT * FROM ideas WHERE id = ?", (idea_id,)))


async def find_idea(conn: Connection, idea_id: int) -> Idea | None:
    """The idea with this id, or None (ids from buttons may be stale or forged)."""
    row = await conn.fetch_one("SELECT * FROM ideas WHERE id = ?", (idea_id,))
    return _idea(row) if row else None


async def idea_by_number(conn: Connection, round_id: int, number: int) -> Idea | None:
    row = await conn.fetch_one("SELECT * FROM ideas WHERE round_id = ? AND number = ?", (round_id, number)
    )
    return _idea(row) if row else None


async def idea_by_source(conn: Connection, chat_id: int | None, message_id: int) -> Idea | None:
    row = await conn.fetch_one("SELECT * FROM ideas WHERE source_chat_id IS NOT DISTINCT FROM ? AND source_message_id = ?",
        (chat_id, message_id),
    )
    return _idea(row) if row else None


async def ideas(conn: Connection, round_id: int, *, standing_only: bool = False) -> list[Idea]:
    query = "SELECT * FROM ideas WHERE round_id = ?"
    if standing_only:
        query += " AND status = 'standing'"
    return [_idea(row) for row in await conn.fetch_all(query + " ORDER BY number", (round_id,))]


async def update_idea_text(
    conn: Connection, idea_id: int, text: str, *, folded: str, now: dt.datetime
) -> None:
    await conn.execute(
        "UPDATE ideas SET text = ?, folded_text = ?, updated_at = ? WHERE id = ?",
        (text, folded, to_db(now), idea_id),
    )


async def assisted_in_group(conn: Connection, group_id: int) -> list[Idea]:
    """Every idea a facilitator entered for a neighbour in the group's rounds."""
    rows = await conn.fetch_all(
        "SELECT ideas.* FROM ideas JOIN rounds ON rounds.id = ideas.round_id "
        "WHERE rounds.group_id = ? AND ideas.assisted_name IS NOT NULL ORDER BY ideas.id",
        (group_id,),
    )
    return [_idea(row) for row in rows]


async def forget_assisted(conn: Connection, idea_ids: list[int]) -> None:
    """The neighbour's name leaves these ideas, and their consent with it: "a neighbour" now."""
    await conn.execute_batch(
        "UPDATE ideas SET assisted_name = '', assisted_agreed = 0 WHERE id = ?", [(idea_id,) for idea_id in idea_ids]
    )


async def set_idea_status(
    conn: Connection, idea_id: int, status: IdeaStatus, now: dt.datetime,
    merged_into: int | None = None,
) -> None:  # fmt: skip
    await conn.execute(
        "UPDATE ideas SET status = ?, merged_into = ?, updated_at = ? WHERE id = ?",
        (status.value, merged_into, to_db(now), idea_id),
    )


async def counts(conn: Connection, round_id: int) -> tuple[int, int]:
    """``(standing ideas, distinct named authors)`` for a running count or a reminder."""
    ideas_count, authors = await conn.fetch_one("SELECT COUNT(*), COUNT(DISTINCT author_id) FROM ideas WHERE round_id = ? AND status = 'standing'",
        (round_id,),
    )
    return ideas_count, authors


async def collecting_for_member(conn: Connection, user_id: int) -> list[Round]:
    """Rounds taking ideas in the active groups a member is in now (for private ideas): in
    their ideas stage, or voting when ideas come in while members vote (``while_voting``)."""
    while_voting = [method.value for method in Method if method.adds_while_voting]
    rows = await conn.fetch_all(
        "SELECT rounds.* FROM rounds JOIN groups ON groups.id = rounds.group_id "
        "JOIN group_members ON group_members.group_id = rounds.group_id "
        "WHERE group_members.user_id = ? AND group_members.left_at IS NULL AND groups.active = 1 "
        "AND (rounds.stage = 'ideas' OR "
        f"(rounds.stage = 'voting' AND rounds.method IN ({', '.join('?' * len(while_voting))}))) "
        "ORDER BY rounds.created_at, rounds.id",
        (user_id, *while_voting),
    )
    return [_round(row) for row in rows]


async def find(conn: Connection, round_id: int) -> Round | None:
    """The round with this id, or None (ids from links and buttons may be stale or forged)."""
    row = await conn.fetch_one("SELECT * FROM rounds WHERE id = ?", (round_id,))
    return _round(row) if row else None


async def by_link_token(conn: Connection, token: str) -> Round | None:
    """The round whose private-idea link carries ``token``, or None."""
    row = await conn.fetch_one("SELECT * FROM rounds WHERE link_token = ?", (token,))
    return _round(row) if row else None


async def unlabelled_voice_ideas(conn: Connection, round_id: int) -> list[Idea]:
    """The round's standing voice ideas still without words, for the facilitators' reminder."""
    rows = await conn.fetch_all(
        "SELECT * FROM ideas WHERE round_id = ? AND status = 'standing' AND voice = 1 AND text = '' ORDER BY number",
        (round_id,),
    )
    return [_idea(row) for row in rows]
