"""Rows keyed on the Telegram message that asked for them (``0005_source_messages.sql``).

A command's row stores its source message, unique per table, so a command applied again
after a crash (``bot/runtime/updates/inbox.py`` replays an update that had not finished) finds
the row it wrote instead of writing a second one.
"""

from __future__ import annotations

from typing import Literal

from bot.domain.records import Source
from storage import Connection, Row

Keyed = Literal["rounds", "proposals", "outcomes", "ledger_entries", "postings", "paper_tallies"]


def columns(source: Source | None) -> tuple[int | None, int | None]:
    """The values of ``(source_chat_id, source_message_id)`` for an INSERT."""
    return (None, None) if source is None else (source.chat_id, source.message_id)


async def row_from(conn: Connection, table: Keyed, source: Source) -> Row | None:
    """The row of ``table`` that ``source`` already wrote, if any."""
    return await conn.fetch_one(f"SELECT * FROM {table} WHERE source_chat_id = ? AND source_message_id = ?",  # noqa: S608 - Keyed names only
        (source.chat_id, source.message_id),
    )
