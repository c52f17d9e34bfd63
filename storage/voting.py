"""Polls of a round, the counts and ballots Telegram reports, frozen results, and outcomes.

Poll updates carry absolute state (each option's count, the poll's voter total), so
storing them is naturally idempotent: a redelivered or late update writes the same
numbers again. Updates about polls this bot did not record are ignored.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

from bot.domain.ballots import PollLayout, PostedPoll
from bot.domain.decisions import Decision, Tally
from bot.domain.outcomes import Outcome
from bot.domain.records import Source
from storage import Connection, Row, from_db, sources, to_db


def _poll(row: Row) -> PostedPoll:
    return PostedPoll(
        poll_id=row["poll_id"],
        round_id=row["round_id"],
        position=row["position"],
        chat_id=row["chat_id"],
        message_id=row["message_id"],
        total_voter_count=row["total_voter_count"],
        stopped=bool(row["stopped"]),
    )


async def add_poll(
    conn: Connection, *, poll_id: str, round_id: int, layout: PollLayout,
    chat_id: int, message_id: int,
) -> None:  # fmt: skip
    """Remember a sent poll and which idea each of its options stands for."""
    await conn.execute(
        "INSERT INTO polls (poll_id, round_id, position, chat_id, message_id) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (poll_id) DO NOTHING",
        (poll_id, round_id, layout.position, chat_id, message_id),
    )
    await conn.execute_batch(
        "INSERT INTO poll_options (poll_id, option_index, idea_id) VALUES (?, ?, ?) "
        "ON CONFLICT (poll_id, option_index) DO NOTHING",
        [(poll_id, index, option.idea_id) for index, option in enumerate(layout.options)],
    )


async def polls(conn: Connection, round_id: int) -> list[PostedPoll]:
    rows = await conn.fetch_all("SELECT * FROM polls WHERE round_id = ? ORDER BY position", (round_id,))
    return [_poll(row) for row in rows]


async def record_poll_state(
    conn: Connection, poll_id: str, *, total_voter_count: int,
    option_counts: Sequence[int], closed: bool,
) -> bool:  # fmt: skip
    """Store the counts of a ``poll`` update; False for a poll that is not ours."""
    changed = await conn.execute(
        "UPDATE polls SET total_voter_count = ?, stopped = CASE WHEN ? = 1 THEN 1 ELSE stopped END WHERE poll_id = ?",
        (total_voter_count, int(closed), poll_id),
    )
    if changed != 1:
        return False
    await conn.execute_batch(
        "UPDATE poll_options SET voter_count = ? WHERE poll_id = ? AND option_index = ?",
        [(count, poll_id, index) for index, count in enumerate(option_counts)],
    )
    return True


async def record_ballot(
    conn: Connection, poll_id: str, *, voter_id: int, option_indexes: Sequence[int],
    now: dt.datetime,
) -> bool:  # fmt: skip
    """Store a public poll answer (an empty one withdraws the vote); False if not our poll."""
    if await conn.fetch_one("SELECT 1 FROM polls WHERE poll_id = ?", (poll_id,)) is None:
        return False
    if not option_indexes:
        await conn.execute("DELETE FROM ballots WHERE poll_id = ? AND user_id = ?", (poll_id, voter_id))
        return True
    await conn.execute(
        """
        INSERT INTO ballots (poll_id, user_id, option_indexes, cast_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (poll_id, user_id) DO UPDATE SET option_indexes = excluded.option_indexes,
                                                     cast_at = excluded.cast_at
        """,
        (poll_id, voter_id, json.dumps(list(option_indexes)), to_db(now)),
    )
    return True


async def tallies(conn: Connection, round_id: int) -> list[Tally]:
    """Votes per idea of ``round_id`` as last reported, online and in the latest paper tally:
    every idea that was on a poll, and every standing one (with no votes if its poll never
    went out)."""
    rows = await conn.fetch_all(
        """
        SELECT ideas.id, ideas.number, ideas.text, COALESCE(SUM(poll_options.voter_count), 0),
               COALESCE((SELECT paper_votes.votes FROM paper_votes
                         WHERE paper_votes.idea_id = ideas.id AND paper_votes.tally_id =
                               (SELECT MAX(id) FROM paper_tallies WHERE round_id = ideas.round_id)), 0)
        FROM ideas LEFT JOIN poll_options ON poll_options.idea_id = ideas.id
        WHERE ideas.round_id = ? AND (ideas.status = 'standing' OR poll_options.idea_id IS NOT NULL)
        GROUP BY ideas.id ORDER BY ideas.number
        """,
        (round_id,),
    )
    return [Tally(row[0], row[1], row[2], row[3] + row[4], paper=row[4]) for row in rows]


async def distinct_voters(conn: Connection, round_id: int) -> int:
    """People who answered any public poll of the round (0 when the polls were anonymous)."""
    row = await conn.fetch_one("SELECT COUNT(DISTINCT ballots.user_id) FROM ballots "
        "JOIN polls ON polls.poll_id = ballots.poll_id WHERE polls.round_id = ?",
        (round_id,),
    )
    return row[0]


async def poll_totals(conn: Connection, round_id: int) -> list[int]:
    """Each of the round's polls' voter count as Telegram last reported it."""
    return [poll.total_voter_count for poll in await polls(conn, round_id)]


async def freeze_results(conn: Connection, round_id: int, results: Decision) -> None:
    """Keep the published ranking, so late poll updates never change what was announced."""
    await conn.execute_batch(
        "INSERT INTO round_results (round_id, idea_id, votes, rank, paper_votes) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (round_id, idea_id) DO UPDATE SET votes = excluded.votes, rank = excluded.rank, "
        "paper_votes = excluded.paper_votes",
        [(round_id, p.tally.idea_id, p.tally.votes, p.rank, p.tally.paper) for p in results.placings],
    )


async def frozen_tallies(conn: Connection, round_id: int) -> list[Tally]:
    """The votes per idea as published when the round closed."""
    rows = await conn.fetch_all(
        """
        SELECT ideas.id, ideas.number, ideas.text, round_results.votes, round_results.paper_votes
        FROM round_results JOIN ideas ON ideas.id = round_results.idea_id
        WHERE round_results.round_id = ?
        """,
        (round_id,),
    )
    return [Tally(row[0], row[1], row[2], row[3], paper=row[4]) for row in rows]


# ---------------------------------------------------------------------------- outcomes


def _outcome(row: Row) -> Outcome:
    return Outcome(
        id=row["id"],
        round_id=row["round_id"],
        text=row["text"],
        recorded_by=row["recorded_by"],
        recorded_at=from_db(row["recorded_at"]),
        message_id=row["message_id"],
        status=row["status"],
        progress=row["progress"],
        corrects=row["corrects"],
    )


async def add_outcome(
    conn: Connection, *, round_id: int, text: str, recorded_by: int | None, now: dt.datetime,
    source: Source | None = None, status: str = "planned", progress: int | None = None,
    corrects: int | None = None,
) -> Outcome:  # fmt: skip
    """Append an outcome update; ``source`` is the /outcome message: see :func:`outcome_by_source`;
    ``corrects``: the update this one corrects."""
    new_id = await conn.insert(
        "INSERT INTO outcomes (round_id, text, recorded_by, recorded_at, source_chat_id, source_message_id, "
        "status, progress, corrects) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (round_id, text, recorded_by, to_db(now), *sources.columns(source), status, progress, corrects),
    )
    row = await conn.fetch_one("SELECT * FROM outcomes WHERE id = ?", (new_id,))
    return _outcome(row)


async def outcome_by_source(conn: Connection, source: Source) -> Outcome | None:
    """The outcome an /outcome message already recorded (that message replayed), if any."""
    row = await sources.row_from(conn, "outcomes", source)
    return _outcome(row) if row else None


async def set_outcome_message(conn: Connection, outcome_id: int, message_id: int) -> None:
    """Note the message that announced the outcome, so a replay does not announce it again."""
    await conn.execute("UPDATE outcomes SET message_id = ? WHERE id = ?", (message_id, outcome_id))


async def latest_outcome(conn: Connection, round_id: int) -> Outcome | None:
    row = await conn.fetch_one("SELECT * FROM outcomes WHERE round_id = ? ORDER BY recorded_at DESC, id DESC LIMIT 1",
        (round_id,),
    )
    return _outcome(row) if row else None


async def outcome_history(conn: Connection, round_id: int, *, current_only: bool = False) -> list[Outcome]:
    """Every update of a round's outcome, oldest first; with ``current_only``, without the
    updates a later one corrected."""
    query = "SELECT * FROM outcomes WHERE round_id = ?"
    if current_only:
        query += " AND " + CURRENT_OUTCOME
    rows = await conn.fetch_all(query + " ORDER BY recorded_at, id", (round_id,))
    return [_outcome(row) for row in rows]


# An outcome update no later update corrects: the version summaries and the page show.
CURRENT_OUTCOME = "NOT EXISTS (SELECT 1 FROM outcomes AS correction WHERE correction.corrects = outcomes.id)"
