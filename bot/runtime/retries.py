"""Pauses between attempts: growing backoff after failures, and Telegram's flood waits.

Used by the rate limiter (:mod:`bot.runtime.limiter`) for timeouts and network errors, and
by the inbox, the polling source and the start (:mod:`bot.runtime.updates`) when Telegram or
the database is unreachable for a while.
"""

from __future__ import annotations

import datetime as dt

from telegram.error import RetryAfter

FIRST_BACKOFF, LAST_BACKOFF = 0.5, 30.0


class Backoff:
    """Pauses after consecutive failures, doubling from ``first`` up to ``last``; reset on success."""

    def __init__(self, first: float | None = None, last: float = LAST_BACKOFF) -> None:
        self._first, self._last = first or FIRST_BACKOFF, last
        self._next = self._first

    def reset(self) -> None:
        self._next = self._first

    def delay(self) -> float:
        delay, self._next = self._next, min(self._next * 2, self._last)
        return delay


def retry_after_seconds(error: RetryAfter) -> float:
    """How long Telegram asked us to wait (an ``int`` or a ``timedelta``, by PTB's settings)."""
    value = error.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)
