"""Commands the bot asked about before doing them (``0024_undo_and_correct.sql``): kept until
their sender presses one of the buttons, so a restart loses no question and a second press
(or the first one replayed) does nothing more."""

from __future__ import annotations

import datetime as dt
import json

from bot.domain.records import Choice, HeldCommand, Source
from storage import Connection, Row, to_db


def _held(row: Row) -> HeldCommand:
    return HeldCommand(
        id=row["id"], chat_id=row["chat_id"], message_id=row["message_id"], member_id=row["member_id"],
        command=row["command"], question=row["question"],
        choices=tuple(Choice(label, command) for label, command in json.loads(row["choices"])),
        answered=row["answered_at"] is not None,
    )  # fmt: skip


async def hold(
    conn: Connection, source: Source, *, member_id: int | None, command: str, question: str,
    choices: tuple[Choice, ...], now: dt.datetime,
) -> HeldCommand:  # fmt: skip
    """Keep ``command`` (sent as ``source``) with its question; asked again (the update replayed), the same row."""
    await conn.execute(
        """
        INSERT INTO held_commands (chat_id, message_id, member_id, command, question, choices, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (chat_id, message_id, command) DO NOTHING
        """,
        (source.chat_id, source.message_id, member_id, command, question,
         json.dumps([[choice.label, choice.command] for choice in choices]), to_db(now)),
    )  # fmt: skip
    row = await conn.fetch_one(
        "SELECT * FROM held_commands WHERE chat_id = ? AND message_id = ? AND command = ?",
        (source.chat_id, source.message_id, command),
    )
    return _held(row)


async def get(conn: Connection, held_id: int) -> HeldCommand | None:
    row = await conn.fetch_one("SELECT * FROM held_commands WHERE id = ?", (held_id,))
    return _held(row) if row else None


async def answer(conn: Connection, held_id: int, now: dt.datetime) -> bool:
    """Mark the question answered; False if it already was (a second press)."""
    changed = await conn.execute(
        "UPDATE held_commands SET answered_at = ? WHERE id = ? AND answered_at IS NULL", (to_db(now), held_id)
    )
    return changed == 1
