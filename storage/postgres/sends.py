"""Telegram's outbound limits counted in the database, so every replica keeps them together.

Each process keeps its own fair queues (``bot.runtime.limiter``); before a call goes out it
asks here for a slot. The sliding windows are rows of ``outbound_sends`` (one per call:
the chat and the moment, in the database server's clock, so replicas on different machines
agree on "now"), read and written under one advisory transaction lock, so two replicas never
both take a group's twentieth slot. Rows older than the longest window are dropped as they
pass. SQLite needs none of this: one process owns its file, and its journal of recent sends
lives next to it.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

SENDS_LOCK = 0x636F70736E64  # the advisory transaction lock every reservation holds ("copsnd")
KEEP = 120.0  # seconds of sends kept: more than any window
PRUNE_EVERY = 200  # reservations between two prunings


class SharedSendWindows:
    """The windows of every process using this database: :meth:`reserve` a slot, or learn how
    long until one is free."""

    def __init__(self, read: Callable[[], AbstractAsyncContextManager[Any]],
                 locked: Callable[[int], AbstractAsyncContextManager[Any]]) -> None:  # fmt: skip
        self._read, self._locked = read, locked
        self._since_prune = 0

    async def reserve(self, chat: int | str, *, limit: int, period: float, keep_free: int, spacing: float) -> float:
        """Take a slot for one call into ``chat`` now and return 0.0, or return the seconds until
        one could be taken (nothing is taken then): at most ``limit - keep_free`` calls into the
        chat in any ``period`` seconds, and ``spacing`` seconds between any two calls at all."""
        async with self._locked(SENDS_LOCK) as conn:
            now = (await conn.fetch_one("SELECT extract(epoch FROM clock_timestamp())::float8"))[0]
            last = (await conn.fetch_one("SELECT max(sent_at) FROM outbound_sends"))[0]
            rows = await conn.fetch_all(
                "SELECT sent_at FROM outbound_sends WHERE chat = ? AND sent_at > ? ORDER BY sent_at",
                (str(chat), now - period),
            )
            wait = _wait([row[0] for row in rows], now, limit - keep_free, period)
            if last is not None:
                wait = max(wait, last + spacing - now)
            if wait > 0:
                return wait
            await conn.execute("INSERT INTO outbound_sends (chat, sent_at) VALUES (?, ?)", (str(chat), now))
            self._since_prune += 1
            if self._since_prune >= PRUNE_EVERY:
                self._since_prune = 0
                await conn.execute("DELETE FROM outbound_sends WHERE sent_at < ?", (now - KEEP,))
        return 0.0

    async def recent(self, chat: int | str, period: float) -> int:
        """Calls into ``chat`` in the last ``period`` seconds, by every process (for tests and checks)."""
        async with self._read() as conn:
            row = await conn.fetch_one(
                "SELECT count(*) FROM outbound_sends WHERE chat = ? "
                "AND sent_at > extract(epoch FROM clock_timestamp())::float8 - ?",
                (str(chat), period),
            )
        return row[0]


def _wait(times: list[float], now: float, allowed: int, period: float) -> float:
    """Seconds until fewer than ``allowed`` of ``times`` fall in the window ending then."""
    allowed = max(allowed, 1)
    if len(times) < allowed:
        return 0.0
    return times[len(times) - allowed] + period - now
