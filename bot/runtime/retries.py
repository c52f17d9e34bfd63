"""Outbound calls that survive a bad network: rate limited, flood waits honoured, failures retried.

:class:`RetryingRateLimiter` is python-telegram-bot's ``AIORateLimiter`` (30 messages a
second overall, 20 a minute into one group, a ``RetryAfter`` waited out and the call
retried) that also retries timeouts and network errors with growing pauses. A refusal
(``BadRequest``, ``Forbidden``) is final and goes straight to the caller.

A call made with ``rate_limit_args=BEST_EFFORT`` (an acknowledgement: a reaction, a count
edit) is never queued and never retried: it is sent only if the limits have room for it
right now, leaving the group a reserve for real messages, and otherwise refused at once
with :class:`NoCapacityNow`.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram import Bot
from telegram.constants import FloodLimit
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

FIRST_BACKOFF, LAST_BACKOFF = 0.5, 30.0
OVERALL_PER_SECOND = FloodLimit.MESSAGES_PER_SECOND - 1
# Of a group's 20 messages a minute, a best-effort call never takes the last few: they are
# kept for real messages (and for one that was just woken to take the slot that freed up).
GROUP_RESERVE = 5

Endpoint = Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]]


class BestEffort:
    """The type of :data:`BEST_EFFORT`, the ``rate_limit_args`` of a call that may be dropped."""

    def __repr__(self) -> str:
        return "BEST_EFFORT"


BEST_EFFORT = BestEffort()


class NoCapacityNow(TelegramError):
    """A best-effort call was not sent: the limits had no room for it without making a real
    message wait. Nothing reached Telegram."""


def best_effort_args(bot: Bot) -> dict[str, Any]:
    """Keyword arguments that make a call through ``bot`` best effort. Empty when the bot has
    no :class:`RetryingRateLimiter` (tests, the demo): ExtBot refuses ``rate_limit_args`` then."""
    limiter = getattr(bot, "rate_limiter", None)
    return {"rate_limit_args": BEST_EFFORT} if isinstance(limiter, RetryingRateLimiter) else {}


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
    def __init__(
        self, *, max_retries: int = 3, network_retries: int = 3, first_backoff: float | None = None,
        group_max_rate: float = FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP, group_time_period: float = 60,
    ) -> None:  # fmt: skip
        # Telegram counts calls where they arrive, after event-loop and network delays that
        # bunch them up; so the overall budget is spent evenly just under the limit (a burst of
        # one, 29 a second) rather than in bursts of 30, which arrive as 429s under load.
        super().__init__(
            max_retries=max_retries, overall_max_rate=1, overall_time_period=1 / OVERALL_PER_SECOND,
            group_max_rate=group_max_rate, group_time_period=group_time_period,
        )  # fmt: skip
        self._network_retries = network_retries
        self._first_backoff = first_backoff

    def _limiters_with_room(self, data: dict[str, Any]) -> list[AsyncLimiter] | None:
        """The limiters a call into ``data``'s chat goes through, if it can go out now without
        taking capacity a real message waits for; else ``None``. Picks them as
        ``AIORateLimiter.process_request`` does: the overall one for any call to a chat, the
        group's as well for a negative or ``@name`` chat id."""
        if not self._retry_after_event.is_set():
            return None  # a flood wait is being waited out
        chat_id = data.get("chat_id")
        if chat_id is None:
            return []
        with contextlib.suppress(ValueError, TypeError):
            chat_id = int(chat_id)
        wanted: list[tuple[AsyncLimiter, float]] = []
        if self._base_limiter is not None:
            wanted.append((self._base_limiter, 1))
        if self._group_max_rate and ((isinstance(chat_id, int) and chat_id < 0) or isinstance(chat_id, str)):
            reserve = min(GROUP_RESERVE, self._group_max_rate - 1)
            wanted.append((self._get_group_limiter(chat_id), 1 + reserve))
        if not all(limiter.has_capacity(amount) for limiter, amount in wanted):
            return None
        return [limiter for limiter, _amount in wanted]

    async def _send_best_effort(
        self, callback: Endpoint, args: Any, kwargs: dict[str, Any], data: dict[str, Any]
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Send once if there is room now, taking it so later calls see it spent; else refuse."""
        limiters = self._limiters_with_room(data)
        if limiters is None:
            raise NoCapacityNow("no capacity for a best-effort call right now")
        for limiter in limiters:
            await limiter.acquire()  # there is room: returns at once
        return await callback(*args, **kwargs)

    async def process_request(
        self,
        callback: Endpoint,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | BestEffort | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if isinstance(rate_limit_args, BestEffort):
            return await self._send_best_effort(callback, args, kwargs, data)
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
