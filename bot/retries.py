"""Outbound calls that survive a bad network: rate limited, flood waits honoured, failures retried.

:class:`RetryingRateLimiter` is python-telegram-bot's ``AIORateLimiter`` (30 messages a
second overall, 20 a minute into one group, a ``RetryAfter`` waited out and the call
retried) that also retries timeouts and network errors with growing pauses. A refusal
(``BadRequest``, ``Forbidden``) is final and goes straight to the caller.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.constants import FloodLimit
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

FIRST_BACKOFF, LAST_BACKOFF = 0.5, 30.0
OVERALL_PER_SECOND = FloodLimit.MESSAGES_PER_SECOND - 1


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


class RetryingRateLimiter(AIORateLimiter):
    def __init__(self, *, max_retries: int = 3, network_retries: int = 3, first_backoff: float | None = None) -> None:
        # Telegram counts calls where they arrive, after event-loop and network delays that
        # bunch them up; so the overall budget is spent evenly just under the limit (a burst of
        # one, 29 a second) rather than in bursts of 30, which arrive as 429s under load.
        super().__init__(max_retries=max_retries, overall_max_rate=1, overall_time_period=1 / OVERALL_PER_SECOND)
        self._network_retries = network_retries
        self._first_backoff = first_backoff

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        backoff, failures = Backoff(self._first_backoff), 0
        while True:
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except BadRequest:
                raise
            except NetworkError as error:
                failures += 1
                if failures > self._network_retries:
                    raise
                delay = backoff.delay()
                log.warning(
                    "event=telegram_call_retry method=%s error=%s retry_in=%.1fs",
                    endpoint, type(error).__name__, delay,
                )  # fmt: skip
                await asyncio.sleep(delay)
