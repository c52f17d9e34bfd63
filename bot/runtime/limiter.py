"""Fair outbound rate limiting: one busy group never silences the others.

python-telegram-bot's ``AIORateLimiter`` cannot do what a bot serving many groups needs,
which is why this replaces it rather than extending it:

- it answers any ``429`` by pausing *every* call in every chat until the flood wait is
  over, so one noisy group silenced fifty quiet ones for most of a minute;
- its per-group limit is a leaky bucket (20 at once, then one every three seconds), which
  lets up to 39 messages into a group in one minute, where Telegram allows 20;
- it serves calls in the order they happen to wake, with no notion of whose answer is
  waiting, so a backlog of scheduled posts delays a member's reply.

Here every chat has its own queue, served round-robin under the overall budget, and each
queue is ordered by :class:`~bot.runtime.outbound.Priority` (answers to members first,
private notices last). Limits are sliding windows, read strictly: at most 20 calls into a
group in any 60 seconds, at most 3 into a private chat in any 3 seconds (one a second,
bursts of 3), and an even spacing just under 30 a second overall. A margin on each window
covers calls that reach Telegram a little closer together than they left. A ``429`` pauses
the chat it names (all chats only for a call that names none). Refusals of bad input and
best-effort calls never take a group's last few slots, and what deadlines post leaves a
couple for replies. A :class:`SendJournal` remembers recent sends across a restart, even
after ``kill -9``, so a restarted bot does not burst into a chat it just wrote to.

Replicas sharing a PostgreSQL database also share the windows (:meth:`FairRateLimiter.share`):
a call the local queues granted still takes its slot from the database's count of every
replica's calls (``storage.SendWindows``) before it goes, and waits there if another replica
took the chat's last one. The windows live in the database rather than in one replica that
sends for all: a sending replica would be a second thing to keep alive, and every message
would cross the network twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
import time
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telegram import Bot
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError
from telegram.ext import BaseRateLimiter

from bot.runtime.outbound import Priority, current
from bot.runtime.retries import Backoff, retry_after_seconds
from storage import SendWindows, StorageError

log = logging.getLogger(__name__)

MARGIN = 0.5  # seconds added to each window for calls that arrive closer than they left
GROUP_LIMIT, GROUP_PERIOD = 20, 60.0
PRIVATE_LIMIT, PRIVATE_PERIOD = 3, 3.0
OVERALL_SPACING = 1 / 28  # just under Telegram's 30 a second, spent evenly
# Slots of a group's 20 that a call of each priority leaves free for the ones above it.
GROUP_RESERVE = {Priority.REPLY: 0, Priority.HINT: 5, Priority.SCHEDULED: 2, Priority.NOTICE: 2}
BEST_EFFORT_RESERVE = 5
REMEMBER = GROUP_PERIOD + MARGIN  # how far back the journal needs to look

class BestEffort:
    """The type of :data:`BEST_EFFORT`, the ``rate_limit_args`` of a call that may be dropped
    (an acknowledgement: a reaction, a count edit): never queued, never retried."""

    def __repr__(self) -> str:
        return "BEST_EFFORT"


BEST_EFFORT = BestEffort()


class NoCapacityNow(TelegramError):
    """A best-effort call was not sent: the limits had no room for it without making a real
    message wait. Nothing reached Telegram."""


def best_effort_args(bot: Bot) -> dict[str, Any]:
    """Keyword arguments that make a call through ``bot`` best effort. Empty when the bot has
    no :class:`FairRateLimiter` (tests, the demo): ExtBot refuses ``rate_limit_args`` then."""
    limiter = getattr(bot, "rate_limiter", None)
    return {"rate_limit_args": BEST_EFFORT} if isinstance(limiter, FairRateLimiter) else {}


Endpoint = Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]]
ChatKey = int | str


class Window:
    """At most ``limit`` calls in any ``period`` seconds (a sliding window)."""

    def __init__(self, limit: int, period: float) -> None:
        self.limit, self.period = limit, period
        self.times: deque[float] = deque()

    def wait(self, now: float, *, keep_free: int = 0) -> float:
        """Seconds until one more call fits with ``keep_free`` slots still free after it."""
        while self.times and self.times[0] <= now - self.period:
            self.times.popleft()
        allowed = self.limit - keep_free
        if len(self.times) < allowed:
            return 0.0
        return self.times[len(self.times) - allowed] + self.period - now

    def add(self, moment: float) -> None:
        self.times.append(moment)


class SendJournal:
    """Recent sends on disk, one line per call (``chat wall-time``), read back at start.

    An append and a flush per call, no fsync: a killed process's writes are already in
    the operating system's hands. The file is rewritten with only the recent lines at start
    and whenever it has grown long.
    """

    COMPACT_AFTER = 5000

    def __init__(self, path: Path, *, wall: Callable[[], float] = time.time) -> None:
        self._path, self._wall = path, wall
        self._file: Any = None
        self._lines = 0

    def recent(self) -> list[tuple[ChatKey, float]]:
        """Sends of the last :data:`REMEMBER` seconds, as (chat, seconds ago); compacts the file."""
        now = self._wall()
        found = []
        with contextlib.suppress(FileNotFoundError):
            for line in self._path.read_text("utf-8").splitlines():
                chat, _, moment = line.rpartition(" ")
                with contextlib.suppress(ValueError):
                    ago = now - float(moment)
                    if 0 <= ago <= REMEMBER:
                        found.append((_chat_key(chat), ago))
        self._rewrite([(chat, now - ago) for chat, ago in found])
        return found

    def record(self, chat: ChatKey) -> None:
        if self._file is None:
            self._file = self._path.open("a", encoding="utf-8")
        self._file.write(f"{chat} {self._wall():.3f}\n")
        self._file.flush()
        self._lines += 1
        if self._lines > self.COMPACT_AFTER:
            self.recent()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def _rewrite(self, sends: list[tuple[ChatKey, float]]) -> None:
        self.close()
        self._path.touch(mode=0o600, exist_ok=True)
        self._path.write_text("".join(f"{chat} {moment:.3f}\n" for chat, moment in sends), "utf-8")
        self._lines = len(sends)


def _chat_key(chat_id: object) -> ChatKey:
    with contextlib.suppress(ValueError, TypeError):
        return int(chat_id)  # type: ignore[call-overload]
    return str(chat_id)


def _is_group(chat: ChatKey) -> bool:
    return isinstance(chat, str) or chat < 0  # "@name" is a channel or public supergroup


@dataclass(order=True)
class _Waiting:
    priority: Priority
    seq: int
    granted: asyncio.Future[None] = field(compare=False)


class FairRateLimiter(BaseRateLimiter[int]):
    """Per-chat queues served round-robin by priority within Telegram's limits, read strictly."""

    def __init__(
        self,
        *,
        max_retries: int = 3,
        network_retries: int = 3,
        first_backoff: float | None = None,
        journal: SendJournal | None = None,
        group_limit: int = GROUP_LIMIT,
        group_period: float = GROUP_PERIOD,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._max_retries, self._network_retries = max_retries, network_retries
        self._first_backoff = first_backoff
        self._journal, self._clock = journal, clock
        self._group_limit, self._group_period = group_limit, group_period
        self._overall = Window(1, OVERALL_SPACING)
        self._windows: dict[ChatKey, Window] = {}
        self._paused: dict[ChatKey | None, float] = {}  # None: every chat
        self._queues: dict[ChatKey, list[_Waiting]] = {}
        self._ring: deque[ChatKey] = deque()  # chats with calls waiting, in serving order
        self._seq = itertools.count()
        self._wake: asyncio.Event | None = None
        self._dispatcher: asyncio.Task[None] | None = None
        self._shared: SendWindows | None = None

    def share(self, windows: SendWindows) -> None:
        """Count every call in ``windows`` too, with the other processes' (replicas)."""
        self._shared = windows

    # ------------------------------------------------------------------ lifecycle

    async def initialize(self) -> None:
        self._wake = asyncio.Event()
        if self._journal is not None:
            now = self._clock()
            for chat, ago in self._journal.recent():
                self._window(chat).add(now - ago)
        self._dispatcher = asyncio.create_task(self._dispatch(), name="fair-rate-limiter")

    async def shutdown(self) -> None:
        """Stop serving: calls still waiting are cancelled, so their handlers end at once."""
        if self._dispatcher is not None:
            self._dispatcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._dispatcher
            self._dispatcher = None
        for queue in self._queues.values():
            for waiting in queue:
                waiting.granted.cancel()
        self._queues.clear()
        self._ring.clear()
        if self._journal is not None:
            self._journal.close()

    # ------------------------------------------------------------------ the calls

    async def process_request(
        self,
        callback: Endpoint,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | BestEffort | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat_id = data.get("chat_id")
        if chat_id is None:  # getUpdates, getMe, answerCallbackQuery...: no chat's budget
            return await self._with_retries(callback, args, kwargs, endpoint, None, None, rate_limit_args)
        chat = _chat_key(chat_id)
        if isinstance(rate_limit_args, BestEffort):
            return await self._send_best_effort(callback, args, kwargs, chat)
        return await self._with_retries(callback, args, kwargs, endpoint, chat, current(), rate_limit_args)

    async def _with_retries(
        self, callback: Endpoint, args: Any, kwargs: dict[str, Any], endpoint: str,
        chat: ChatKey | None, priority: Priority | None, rate_limit_args: int | BestEffort | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:  # fmt: skip
        max_retries = rate_limit_args if isinstance(rate_limit_args, int) else self._max_retries
        backoff, flood_waits, failures = Backoff(self._first_backoff), 0, 0
        seq = next(self._seq)  # kept across retries, so a retried call stays first in its queue
        while True:
            if chat is not None:
                await self._turn(chat, priority or Priority.REPLY, seq)
                await self._shared_slot(chat, GROUP_RESERVE[priority or Priority.REPLY])
            else:
                await self._unpaused(None)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                flood_waits += 1
                wait = retry_after_seconds(error)
                self._pause(chat, wait)
                log.warning("event=flood_wait method=%s chat=%s retry_after=%ss", endpoint, chat, wait)
                if flood_waits > max_retries:
                    raise
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

    async def _send_best_effort(
        self, callback: Endpoint, args: Any, kwargs: dict[str, Any], chat: ChatKey
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Send once if there is room now without making anything wait; else refuse."""
        now = self._clock()
        reserve = self._reserve(chat, BEST_EFFORT_RESERVE)
        if self._queues.get(chat) or self._wait(chat, now, reserve) > 0:
            raise NoCapacityNow("no capacity for a best-effort call right now")
        if not await self._shared_slot(chat, BEST_EFFORT_RESERVE, wait=False):
            raise NoCapacityNow("no capacity for a best-effort call right now (another replica took it)")
        self._spend(chat, now)
        return await callback(*args, **kwargs)

    async def _shared_slot(self, chat: ChatKey, reserve: int, *, wait: bool = True) -> bool:
        """Take the call's slot in the windows replicas share, waiting for one (unless not
        ``wait``); True without shared windows. If the database cannot answer, the local
        windows alone decide, as with one process: the bot keeps answering."""
        if self._shared is None:
            return True
        group = _is_group(chat)
        limit, period = (self._group_limit, self._group_period) if group else (PRIVATE_LIMIT, PRIVATE_PERIOD)
        while True:
            try:
                delay = await self._shared.reserve(
                    chat, limit=limit, period=period + MARGIN, keep_free=self._reserve(chat, reserve),
                    spacing=OVERALL_SPACING,
                )  # fmt: skip
            except StorageError as error:
                log.warning("event=shared_limits_unavailable error=%r", str(error))
                return True
            if delay <= 0:
                return True
            if not wait:
                return False
            await asyncio.sleep(delay)

    # ------------------------------------------------------------------ queues

    async def _turn(self, chat: ChatKey, priority: Priority, seq: int) -> None:
        """Wait in ``chat``'s queue until the dispatcher grants this call its slot."""
        if self._wake is None:  # not initialized (used without an Application): no waiting
            return
        granted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._queues.setdefault(chat, []), _Waiting(priority, seq, granted))
        if chat not in self._ring:
            self._ring.append(chat)
        self._wake.set()
        await granted

    async def _unpaused(self, chat: ChatKey | None) -> None:
        while (left := self._paused.get(chat, 0.0) - self._clock()) > 0:
            await asyncio.sleep(left)

    async def _dispatch(self) -> None:
        assert self._wake is not None
        while True:
            self._wake.clear()
            sleep = self._grant_ready()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), sleep)

    def _grant_ready(self) -> float | None:
        """Grant every call that may go now, fairly; the seconds until the next could, or None."""
        while True:
            now = self._clock()
            best, soonest = None, None
            for chat in list(self._ring):
                queue = self._queues.get(chat, [])
                while queue and queue[0].granted.done():  # its caller was cancelled
                    heapq.heappop(queue)
                if not queue:
                    self._ring.remove(chat)
                    self._queues.pop(chat, None)
                    continue
                head = queue[0]
                wait = self._wait(chat, now, self._reserve(chat, GROUP_RESERVE[head.priority]))
                if wait > 0:
                    soonest = wait if soonest is None else min(soonest, wait)
                elif best is None or head.priority < best[1].priority:
                    best = (chat, head)
            if best is None:
                return soonest
            chat, head = best
            heapq.heappop(self._queues[chat])
            self._ring.remove(chat)
            self._ring.append(chat)  # round-robin: the next grant looks at the others first
            self._spend(chat, now)
            head.granted.set_result(None)

    # ------------------------------------------------------------------ limits

    def _window(self, chat: ChatKey) -> Window:
        if chat not in self._windows:
            group = _is_group(chat)
            limit, period = (self._group_limit, self._group_period) if group else (PRIVATE_LIMIT, PRIVATE_PERIOD)
            self._windows[chat] = Window(limit, period + MARGIN)
        return self._windows[chat]

    def _reserve(self, chat: ChatKey, slots: int) -> int:
        """The slots of a group's window to leave free (never all of them); none in a private chat."""
        return min(slots, self._group_limit - 1) if _is_group(chat) else 0

    def _wait(self, chat: ChatKey, now: float, reserve: int) -> float:
        paused = max(self._paused.get(chat, 0.0), self._paused.get(None, 0.0)) - now
        return max(paused, self._window(chat).wait(now, keep_free=reserve), self._overall.wait(now))

    def _spend(self, chat: ChatKey, now: float) -> None:
        self._overall.add(now)
        self._window(chat).add(now)
        if self._journal is not None:
            self._journal.record(chat)

    def _pause(self, chat: ChatKey | None, seconds: float) -> None:
        self._paused[chat] = max(self._paused.get(chat, 0.0), self._clock() + seconds)
        if self._wake is not None:
            self._wake.set()
