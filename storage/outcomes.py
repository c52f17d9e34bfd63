"""What outcomes need beyond their own rows: hours members gave to a round, and the outcomes
whose review date has passed without an update ("waiting for an update")."""

from __future__ import annotations

import datetime as dt

from bot.domain.deadline_kinds import DeadlineKind
from storage import Connection, to_db

# An entry ("entry") no confirmed reversal cancels: what every total, thanks and chart counts.
NOT_REVERSED = """NOT EXISTS (SELECT 1 FROM ledger_entries AS reversal
                              WHERE reversal.reverses = entry.id AND reversal.status = 'confirmed')"""
# Standing volunteering for a round: confirmed, and not cancelled by a confirmed reversal.
_STANDING_FOR_ROUND = f"""
    FROM ledger_entries AS entry
    WHERE entry.round_id = ? AND entry.kind = 'volunteering' AND entry.status = 'confirmed'
      AND {NOT_REVERSED}
"""


async def round_hours(conn: Connection, round_id: int) -> tuple[int, int]:
    """(minutes, neighbours): confirmed time members linked to the round."""
    row = await conn.fetch_one("SELECT COALESCE(SUM(entry.minutes), 0), COUNT(DISTINCT entry.to_member)" + _STANDING_FOR_ROUND,
        (round_id,),
    )  # fmt: skip
    return row[0], row[1]


async def waiting_for_update(conn: Connection, group_id: int, now: dt.datetime) -> list[tuple[int, str]]:
    """(round number, question) of outcomes whose review date has passed with no update since."""
    rows = await conn.fetch_all(
        """
        SELECT rounds.number, rounds.question FROM deadlines
        JOIN rounds ON rounds.id = deadlines.ref_id
        WHERE deadlines.kind = ? AND deadlines.group_id = ? AND deadlines.due_at <= ?
          AND NOT EXISTS (SELECT 1 FROM outcomes WHERE outcomes.round_id = rounds.id
                          AND outcomes.recorded_at >= deadlines.due_at)
          AND (SELECT status FROM outcomes WHERE outcomes.round_id = rounds.id
               ORDER BY recorded_at DESC, id DESC LIMIT 1) NOT IN ('done', 'dropped')
        ORDER BY rounds.number
        """,
        (DeadlineKind.OUTCOME_REVIEW, group_id, to_db(now)),
    )
    return [(row[0], row[1]) for row in rows]


async def hours_for_rounds(
    conn: Connection, group_id: int, since: dt.datetime, until: dt.datetime
) -> list[tuple[int, str, int]]:
    """(round number, question, minutes) confirmed in the period for each round they were given to,
    reversed entries left out."""
    rows = await conn.fetch_all(
        f"""
        SELECT rounds.number, rounds.question, SUM(entry.minutes) FROM ledger_entries AS entry
        JOIN rounds ON rounds.id = entry.round_id
        WHERE entry.group_id = ? AND entry.kind = 'volunteering' AND entry.status = 'confirmed'
          AND entry.decided_at >= ? AND entry.decided_at < ? AND {NOT_REVERSED}
        GROUP BY rounds.id ORDER BY rounds.number
        """,  # noqa: S608 - a fixed clause
        (group_id, to_db(since), to_db(until)),
    )
    return [(row[0], row[1], row[2]) for row in rows]
