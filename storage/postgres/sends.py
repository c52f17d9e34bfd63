"""Telegram's outbound limits counted in the database, so every replica keeps them together.

Each process keeps its own fair queues (``bot.runtime.limiter``); before a call goes out it
asks here for a slot. The sliding windows are rows of ``outbound_sends`` (one per call:
the chat and the moment, in the database server's clock, so replicas on different machines
agree on "now"), read and written by one function under one advisory transaction lock, so
two replicas never both take a group's twentieth slot. Rows older than the longest window are
dropped now and then. SQLite needs none of this: one process owns its file, and its journal of recent sends
lives next to it.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

SENDS_LOCK = 0x636F70736E64  # the advisory transaction lock every reservation holds ("copsnd")


class SharedSendWindows:
    """The windows of every process using this database: :meth:`reserve` a slot, or learn how
    long until one is free."""

    def __init__(self, read: Callable[[], AbstractAsyncContextManager[Any]],
                 lone: Callable[[], AbstractAsyncContextManager[Any]]) -> None:  # fmt: skip
        self._read, self._lone = read, lone

    async def reserve(self, chat: int | str, *, limit: int, period: float, keep_free: int, spacing: float) -> float:
        """Take a slot for one call into ``chat`` now and return 0.0, or return the seconds until
        one could be taken (nothing is taken then): at most ``limit - keep_free`` calls into the
        chat in any ``period`` seconds, and ``spacing`` seconds between any two calls at all.
        One statement, ``coprod_reserve_send`` (migration 0026), so one round trip."""
        async with self._lone() as conn:
            row = await conn.fetch_one(
                "SELECT coprod_reserve_send(?, ?, ?, ?)", (str(chat), limit - keep_free, period, spacing)
            )
        return max(float(row[0]), 0.0)

    async def recent(self, chat: int | str, period: float) -> int:
        """Calls into ``chat`` in the last ``period`` seconds, by every process (for tests and checks)."""
        async with self._read() as conn:
            row = await conn.fetch_one(
                "SELECT count(*) FROM outbound_sends WHERE chat = ? "
                "AND sent_at > extract(epoch FROM clock_timestamp())::float8 - ?",
                (str(chat), period),
            )
        return row[0]
