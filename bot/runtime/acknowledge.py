"""Acknowledging ideas without flooding the group: a reaction, and a debounced running count.

Acknowledgements are best effort. A real message (an answer, a prompt, results) must never
wait behind them, so:

- a reaction is skipped, not queued, when the group's reaction budget (a token bucket on
  the injected clock) is spent: under a burst of hundreds of ideas a minute the count on
  the prompt is acknowledgement enough;
- the prompt's running count is edited at most once per :data:`EDIT_EVERY` per prompt: the
  first change schedules one JobQueue job, later changes before it fires only replace
  what it will do;
- both go through the rate limiter as ``BEST_EFFORT`` (:mod:`bot.runtime.retries`): sent only if
  the overall and the group's limits have room right now, never queued behind real
  messages nor retried;
- a Telegram error (no room now, ``RetryAfter``, a deleted message, "message is not
  modified") or a call that takes longer than :data:`GIVE_UP_AFTER` is logged and dropped.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from telegram import Bot, ReactionTypeEmoji
from telegram.error import TelegramError
from telegram.ext import Application, Job

from bot.runtime.limiter import best_effort_args

log = logging.getLogger(__name__)

EDIT_EVERY = dt.timedelta(seconds=5)
GIVE_UP_AFTER = dt.timedelta(seconds=2)
REACTION = "👍"
# A group gets at most 20 bot messages a minute; reactions take a small share of that.
REACTION_BURST = 8
REACTIONS_PER_MINUTE = 6

Refresh = Callable[[], Awaitable[object]]


async def best_effort(what: str, call: Awaitable[object]) -> bool:
    """Run one acknowledgement call; on any Telegram error or delay, log it and move on."""
    try:
        async with asyncio.timeout(GIVE_UP_AFTER.total_seconds()):
            await call
    except (TelegramError, TimeoutError) as error:
        log.info("event=acknowledgement_dropped what=%s error=%s", what, type(error).__name__)
        return False
    return True


@dataclass
class _Bucket:
    tokens: float
    at: dt.datetime


@dataclass
class Acknowledgements:
    """Per-process bookkeeping of acknowledgements; losing it on restart loses nothing."""

    _buckets: dict[int, _Bucket] = field(default_factory=dict)
    _pending: dict[str, Refresh] = field(default_factory=dict)
    _jobs: dict[str, Job] = field(default_factory=dict)
    _patient: set[str] = field(default_factory=set)

    def _take_reaction(self, chat_id: int, now: dt.datetime) -> bool:
        bucket = self._buckets.setdefault(chat_id, _Bucket(REACTION_BURST, now))
        elapsed = max((now - bucket.at).total_seconds(), 0.0)
        bucket.tokens = min(REACTION_BURST, bucket.tokens + elapsed * REACTIONS_PER_MINUTE / 60)
        bucket.at = now
        if bucket.tokens < 1:
            return False
        bucket.tokens -= 1
        return True

    async def react(
        self, bot: Bot, chat_id: int, message_id: int, now: dt.datetime, emoji: str = REACTION
    ) -> bool:
        """Put ``emoji`` (👍) on a member's message, unless the group's reaction budget is spent."""
        if not self._take_reaction(chat_id, now):
            log.debug("event=reaction_skipped chat_id=%s", chat_id)
            return False
        return await best_effort(
            "reaction",
            bot.set_message_reaction(
                chat_id, message_id, [ReactionTypeEmoji(emoji)], **best_effort_args(bot)
            ),
        )

    def refresh_later(
        self, app: Application, key: str, refresh: Refresh, *, patient: bool = False, within: dt.timedelta = EDIT_EVERY
    ) -> None:
        """Run ``refresh`` (an edit of ``key``, e.g. one prompt) ``within`` :data:`EDIT_EVERY`,
        once however many changes arrive before then. ``patient``: the edit may wait its
        turn in the rate limiter as long as it takes (a ballot's ticks must show in the
        end), instead of being dropped after :data:`GIVE_UP_AFTER`."""
        self._pending[key] = refresh
        if patient:
            self._patient.add(key)
        if key in self._jobs or app.job_queue is None:
            return  # already due soon; or no JobQueue installed, and flush() will send it
        self._jobs[key] = app.job_queue.run_once(
            self._job_callback, when=within, data=key, name=f"acknowledge:{key}"
        )

    async def _job_callback(self, context: object) -> None:
        await self._run(context.job.data)  # type: ignore[attr-defined]

    async def _run(self, key: str) -> bool:
        self._jobs.pop(key, None)
        refresh = self._pending.pop(key, None)
        if refresh is None:
            return False
        if key in self._patient:
            self._patient.discard(key)
            try:
                await refresh()
            except TelegramError as error:
                log.info("event=refresh_failed what=%s error=%s", key, type(error).__name__)
                return False
            return True
        return await best_effort(f"refresh:{key}", refresh())

    async def flush(self) -> int:
        """Carry out every pending refresh now (tests, shutdown); returns how many were sent."""
        done = 0
        for key in list(self._pending):
            job = self._jobs.get(key)
            if job is not None:
                job.schedule_removal()
            done += await self._run(key)
        return done
