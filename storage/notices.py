"""Who can be written to privately, who took part in a round, and the queue of notices."""

from __future__ import annotations

import datetime as dt

from bot.domain.notices import Notice, NoticeKind, NoticeResult
from storage import Connection, Row, from_db, to_db
from storage.members import CURRENT


def _notice(row: Row) -> Notice:
    return Notice(
        id=row["id"], group_id=row["group_id"], user_id=row["user_id"], round_id=row["round_id"],
        kind=NoticeKind(row["kind"]), ref_id=row["ref_id"], due_at=from_db(row["due_at"]), attempts=row["attempts"],
    )  # fmt: skip


async def mark_private(conn: Connection, user_id: int, now: dt.datetime) -> None:
    """The member wrote to the bot privately: reachable from now on (again, after a block)."""
    await conn.execute(
        "UPDATE members SET private_since = COALESCE(private_since, ?), unreachable_since = NULL WHERE user_id = ?",
        (to_db(now), user_id),
    )


async def mark_unreachable(conn: Connection, user_id: int, now: dt.datetime) -> None:
    await conn.execute("UPDATE members SET unreachable_since = ? WHERE user_id = ?", (to_db(now), user_id))


async def set_notices(conn: Connection, user_id: int, on: bool) -> None:
    await conn.execute("UPDATE members SET notices = ? WHERE user_id = ?", (int(on), user_id))


_REACHABLE = (
    "members.private_since IS NOT NULL AND members.unreachable_since IS NULL "
    "AND members.notices = 1 AND members.forgotten_at IS NULL"
)


async def participants(conn: Connection, round_id: int) -> list[int]:
    """Members who took part in the round, are in its group now and can hear from the bot
    privately: idea authors (merged ideas' too), its proposal's proposer and supporters,
    public voters, members who took a position on a consent proposal or submitted a budget
    ballot, voters on its statements, hour loggers."""
    rows = await conn.fetch_all(
        f"""
        WITH took_part (user_id) AS (
            SELECT author_id FROM ideas WHERE round_id = :round AND author_id IS NOT NULL
            UNION SELECT proposer_id FROM proposals WHERE round_id = :round
            UNION SELECT supporters.user_id FROM proposal_supporters AS supporters
                  JOIN proposals ON proposals.id = supporters.proposal_id WHERE proposals.round_id = :round
            UNION SELECT ballots.user_id FROM ballots JOIN polls ON polls.poll_id = ballots.poll_id
                  WHERE polls.round_id = :round
            UNION SELECT user_id FROM consent_positions WHERE round_id = :round
            UNION SELECT user_id FROM budget_ballots WHERE round_id = :round
            UNION SELECT to_member FROM ledger_entries WHERE round_id = :round AND kind = 'volunteering'
                  AND status IN ('pending', 'confirmed')
            UNION SELECT user_id FROM statement_votes WHERE round_id = :round
        )
        SELECT members.user_id FROM took_part JOIN members ON members.user_id = took_part.user_id
        JOIN group_members ON group_members.user_id = members.user_id
             AND group_members.group_id = (SELECT group_id FROM rounds WHERE id = :round)
        WHERE {_REACHABLE} AND {CURRENT} ORDER BY members.user_id
        """,  # noqa: S608 - fixed clauses only
        {"round": round_id},
    )
    return [row[0] for row in rows]


async def non_voters(conn: Connection, group_id: int, round_id: int, active_since: dt.datetime) -> list[int]:
    """Reachable members of the group now, active in it since ``active_since``, who have not
    voted in the round (no public poll answer, no position, no budget ballot)."""
    rows = await conn.fetch_all(
        f"""
        SELECT members.user_id FROM group_members JOIN members ON members.user_id = group_members.user_id
        WHERE group_members.group_id = :group AND group_members.last_seen_at >= :since AND {_REACHABLE}
          AND {CURRENT}
          AND NOT EXISTS (SELECT 1 FROM ballots JOIN polls ON polls.poll_id = ballots.poll_id
                          WHERE polls.round_id = :round AND ballots.user_id = members.user_id)
          AND NOT EXISTS (SELECT 1 FROM consent_positions WHERE round_id = :round AND user_id = members.user_id)
          AND NOT EXISTS (SELECT 1 FROM budget_ballots WHERE round_id = :round AND user_id = members.user_id)
        ORDER BY members.user_id
        """,  # noqa: S608 - fixed clauses only
        {"group": group_id, "since": to_db(active_since), "round": round_id},
    )
    return [row[0] for row in rows]


async def queue(
    conn: Connection, *, group_id: int, round_id: int | None, kind: NoticeKind, ref_id: int,
    user_ids: list[int], due_at: dt.datetime,
) -> int:  # fmt: skip
    """Queue one notice per member (never a second one of the same kind and subject); how many are new."""
    return await conn.execute_many(
        "INSERT INTO notices (group_id, user_id, round_id, kind, ref_id, due_at) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (kind, ref_id, user_id) DO NOTHING",
        [(group_id, user_id, round_id, kind.value, ref_id, to_db(due_at)) for user_id in user_ids],
    )


async def due(conn: Connection, group_id: int, now: dt.datetime, limit: int) -> list[Notice]:
    rows = await conn.fetch_all(
        "SELECT * FROM notices WHERE group_id = ? AND sent_at IS NULL AND due_at <= ? ORDER BY due_at, id LIMIT ?",
        (group_id, to_db(now), limit),
    )
    return [_notice(row) for row in rows]


async def next_due(conn: Connection, group_id: int) -> dt.datetime | None:
    row = await conn.fetch_one("SELECT MIN(due_at) FROM notices WHERE group_id = ? AND sent_at IS NULL", (group_id,)
    )
    return from_db(row[0]) if row and row[0] else None


async def settle(conn: Connection, results: list[tuple[int, NoticeResult]], now: dt.datetime) -> None:
    """Note each notice as sent, or as not sent for good (``unreachable``, ``off``,
    ``departed``, ``failed``): never tried again."""
    await conn.execute_batch(
        "UPDATE notices SET sent_at = ?, result = ? WHERE id = ? AND sent_at IS NULL",
        [(to_db(now), result.value, notice_id) for notice_id, result in results],
    )


async def try_again(conn: Connection, retries: list[tuple[int, int, dt.datetime]]) -> None:
    """``(notice id, tries refused so far, when to try next)``: Telegram refused it this time."""
    await conn.execute_batch(
        "UPDATE notices SET attempts = ?, due_at = ? WHERE id = ? AND sent_at IS NULL",
        [(refused, to_db(at), notice_id) for notice_id, refused, at in retries],
    )
