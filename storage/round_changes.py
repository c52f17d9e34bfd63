"""What facilitators changed on a round (``0024_undo_and_correct.sql``): its question as it
was and became (/edit), a deadline moved (/extend), a cancellation with its reason (/cancel).

Rows are appended, never changed, one per command message, so the history keeps the old
words and a command applied again after a crash finds the row it wrote.
"""

from __future__ import annotations

import datetime as dt

from bot.domain.records import Source
from bot.domain.rounds import ChangeKind, RoundChange
from storage import Connection, Row, from_db, sources, to_db


def _change(row: Row) -> RoundChange:
    return RoundChange(
        round_id=row["round_id"], kind=ChangeKind(row["kind"]), was=row["was"], became=row["became"],
        changed_by=row["changed_by"], changed_at=from_db(row["changed_at"]),
    )  # fmt: skip


async def record(
    conn: Connection, round_id: int, kind: ChangeKind, *, was: str | None, became: str | None,
    by: int | None, now: dt.datetime, source: Source | None,
) -> bool:  # fmt: skip
    """Append one change; False when ``source`` already recorded one (the command replayed)."""
    row = await conn.fetch_one(
        """
        INSERT INTO round_changes (round_id, kind, was, became, changed_by, changed_at,
                                   source_chat_id, source_message_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (source_chat_id, source_message_id) WHERE source_message_id IS NOT NULL DO NOTHING
        RETURNING id
        """,
        (round_id, kind.value, was, became, by, to_db(now), *sources.columns(source)),
    )
    return row is not None


async def of_round(conn: Connection, round_id: int) -> list[RoundChange]:
    """Every change of a round, oldest first."""
    rows = await conn.fetch_all("SELECT * FROM round_changes WHERE round_id = ? ORDER BY id", (round_id,))
    return [_change(row) for row in rows]
