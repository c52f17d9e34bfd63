"""What a group's summary needs from the database, for one period, as plain records.

Reads rounds, ideas, polls, frozen results, outcomes, proposals, needs and the ledger; the only
write is the summary bookkeeping (``groups.last_summary_at``, where the next period starts).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from bot.domain.decisions import Method
from bot.domain.records import Group
from bot.domain.rounds import Stage
from bot.domain.summary import (
    Activity,
    ClosedRound,
    ConfirmedHours,
    MetNeed,
    OpenRound,
    RecordedOutcome,
    RoundRef,
    TopIdea,
    WaitingProposal,
)
from storage import Connection, from_db, needs, outcomes, to_db
from storage.voting import CURRENT_OUTCOME


async def mark_summarised(conn: Connection, group_id: int, until: dt.datetime) -> None:
    await conn.execute("UPDATE groups SET last_summary_at = ? WHERE id = ?", (to_db(until), group_id))


async def activity(conn: Connection, group: Group, *, since: dt.datetime, until: dt.datetime) -> Activity:
    period = {"group": group.id, "since": to_db(since), "until": to_db(until)}
    return Activity(
        since=since,
        until=until,
        timezone=group.timezone,
        open_rounds=await _open_rounds(conn, period),
        closed_rounds=await _closed_rounds(conn, period),
        outcomes=await _outcomes(conn, period),
        confirmed=await _confirmed_hours(conn, period),
        pending_confirmations=await _count(
            conn, "SELECT COUNT(*) FROM ledger_entries WHERE group_id = :group AND status = 'pending'", period
        ),
        logged_in_period=await _count(
            conn,
            "SELECT COUNT(*) FROM ledger_entries WHERE group_id = :group AND kind = 'volunteering' "
            "AND created_at >= :since AND created_at < :until",
            period,
        ),
        proposals=await _waiting_proposals(conn, period, group.support_threshold),
        waiting_outcomes=[RoundRef(*row) for row in await outcomes.waiting_for_update(conn, group.id, until)],
        round_hours=[RoundRef(*row) for row in await outcomes.hours_for_rounds(conn, group.id, since, until)],
        needs_met=[
            MetNeed(posting.id, posting.text, minutes)
            for posting, minutes in await needs.met_between(conn, group.id, since, until)
        ],
        open_needs=await _count(
            conn, "SELECT COUNT(*) FROM postings WHERE group_id = :group AND kind = 'need' AND status = 'open' "
            "AND lapses_at > :until", period,
        ),
    )


async def _count(conn: Connection, query: str, params: dict) -> int:
    return (await conn.fetch_one(query, params))[0]


async def _open_rounds(conn: Connection, period: dict) -> list[OpenRound]:
    rows = await conn.fetch_all(
        """
        SELECT rounds.*,
               (SELECT COUNT(*) FROM ideas WHERE round_id = rounds.id AND status = 'standing') AS idea_count,
               (SELECT COUNT(DISTINCT author_id) FROM ideas
                WHERE round_id = rounds.id AND status = 'standing') AS author_count,
               (SELECT COUNT(DISTINCT ballots.user_id) FROM ballots
                JOIN polls ON polls.poll_id = ballots.poll_id WHERE polls.round_id = rounds.id)
               + (SELECT COUNT(DISTINCT user_id) FROM statement_votes WHERE round_id = rounds.id)
               + (SELECT COUNT(*) FROM consent_positions WHERE round_id = rounds.id)
               + (SELECT COUNT(*) FROM budget_ballots WHERE round_id = rounds.id) AS ballot_voters,
               (SELECT COALESCE(MAX(total_voter_count), 0) FROM polls WHERE round_id = rounds.id) AS busiest_poll,
               (rounds.created_at >= :since OR rounds.voting_started_at >= :since
                OR EXISTS (SELECT 1 FROM ideas WHERE round_id = rounds.id AND created_at >= :since)) AS active
        FROM rounds WHERE group_id = :group AND stage != 'closed' ORDER BY number
        """,
        period,
    )
    found = []
    for row in rows:
        stage = Stage(row["stage"])
        voting = stage is Stage.VOTING
        found.append(
            OpenRound(
                number=row["number"],
                question=row["question"],
                stage=stage,
                deadline=from_db(row["voting_ends_at"] if voting else row["ideas_ends_at"]),
                ideas=row["idea_count"],
                authors=row["author_count"],
                busiest_poll=row["busiest_poll"],
                ballot_voters=row["ballot_voters"],
                active=bool(row["active"]),
            )
        )
    return found


async def _closed_rounds(conn: Connection, period: dict) -> list[ClosedRound]:
    closed_in_period = (
        "FROM rounds WHERE group_id = :group AND stage = 'closed' AND cancelled_at IS NULL "
        "AND closed_at >= :since AND closed_at < :until"
    )
    rows = await conn.fetch_all(
        f"SELECT id, number, question, COALESCE(voter_count, 0) AS voters, paper_voters, method {closed_in_period} "
        "ORDER BY closed_at, number",
        period,
    )
    results = await conn.fetch_all(
        "SELECT round_results.round_id, ideas.number, ideas.text, round_results.votes, round_results.paper_votes, "
        "round_results.rank, (SELECT COUNT(*) FROM round_results AS same WHERE same.round_id = round_results.round_id "
        "AND same.rank = round_results.rank) AS sharing "
        "FROM round_results "
        "JOIN ideas ON ideas.id = round_results.idea_id "
        f"WHERE round_results.round_id IN (SELECT id {closed_in_period}) "
        "ORDER BY round_results.round_id, round_results.rank, ideas.number",
        period,
    )
    top: dict[int, list[TopIdea]] = defaultdict(list)
    for round_id, number, text, votes, on_paper, rank, sharing in results:
        top[round_id].append(TopIdea(number, text, votes, on_paper, rank, sharing > 1))
    return [
        ClosedRound(row["number"], row["question"], row["voters"], tuple(top[row["id"]]), row["paper_voters"],
                    row["id"], Method(row["method"]))
        for row in rows
    ]


async def _outcomes(conn: Connection, period: dict) -> list[RecordedOutcome]:
    rows = await conn.fetch_all(
        "SELECT rounds.number, rounds.question, outcomes.text, outcomes.status, outcomes.progress FROM outcomes "
        "JOIN rounds ON rounds.id = outcomes.round_id WHERE rounds.group_id = :group "
        "AND outcomes.recorded_at >= :since AND outcomes.recorded_at < :until AND " + CURRENT_OUTCOME
        + " ORDER BY outcomes.recorded_at",
        period,
    )
    return [RecordedOutcome(*row) for row in rows]


async def _confirmed_hours(conn: Connection, period: dict) -> list[ConfirmedHours]:
    """Volunteering confirmed in the period that still stands: a reversed entry is not
    counted, thanked or drawn."""
    rows = await conn.fetch_all(
        f"""
        SELECT entry.to_member, entry.minutes, entry.decided_at,
               CASE WHEN members.forgotten_at IS NULL
                    THEN trim(members.first_name || ' ' || COALESCE(members.last_name, '')) ELSE '' END AS name,
               COALESCE(members.hidden, 0) AS hidden
        FROM ledger_entries AS entry LEFT JOIN members ON members.user_id = entry.to_member
        WHERE entry.group_id = :group AND entry.kind = 'volunteering' AND entry.status = 'confirmed'
          AND entry.decided_at >= :since AND entry.decided_at < :until AND {outcomes.NOT_REVERSED}
        ORDER BY entry.decided_at
        """,  # noqa: S608 - a fixed clause
        period,
    )
    return [
        ConfirmedHours(member, name or "", bool(hidden), minutes, from_db(decided_at))
        for member, minutes, decided_at, name, hidden in rows
    ]


async def _waiting_proposals(conn: Connection, period: dict, needed: int) -> list[WaitingProposal]:
    rows = await conn.fetch_all(
        """
        SELECT question, expires_at, created_at >= :since AS new,
               (SELECT COUNT(*) FROM proposal_supporters WHERE proposal_id = proposals.id) AS supporters
        FROM proposals WHERE group_id = :group AND status = 'open' AND expires_at > :until
        ORDER BY expires_at
        """,
        period,
    )
    return [
        WaitingProposal(row["question"], row["supporters"], needed, from_db(row["expires_at"]), bool(row["new"]))
        for row in rows
    ]
