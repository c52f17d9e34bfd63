"""Telegram's flood limits for the emulator, read strictly: sliding windows, never buckets.

Telegram documents its limits only as rates: about 30 calls a second overall, no more than
20 messages a minute into one group, about one a second into a private chat. A leaky
bucket of those sizes would let 20 into a group at once and then one every three seconds,
up to 39 in one minute; read strictly, no 60-second window may hold more than 20. So each
limit here is a sliding window: a call is refused (the emulator answers 429 with
``retry_after``) when the window it would join is full, and a refused call uses nothing.
A private chat takes bursts of at most 3 and 1 a second on average: at most 3 in any 3
seconds. Every call that names a chat counts. Real monotonic time, since flood limits are
about the wall clock, not the bot's (possibly fake) clock.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict, deque
from collections.abc import Callable

from telegram.constants import FloodLimit

# Rounding of a float clock may make a call arriving exactly on time look a hair early.
_TOLERANCE = 1e-6

GROUP_LIMIT, GROUP_PERIOD = FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP, 60.0
PRIVATE_LIMIT, PRIVATE_PERIOD = 3, 3.0
OVERALL_LIMIT, OVERALL_PERIOD = FloodLimit.MESSAGES_PER_SECOND, 1.0


class Window:
    """At most ``limit`` calls in any ``period`` seconds."""

    def __init__(self, limit: int, period: float) -> None:
        self.limit, self.period = limit, period
        self._times: deque[float] = deque()

    def wait(self, now: float) -> float:
        """Seconds until one more call fits (0 if it fits now)."""
        while self._times and self._times[0] <= now - self.period + _TOLERANCE:
            self._times.popleft()
        if len(self._times) < self.limit:
            return 0.0
        return self._times[0] + self.period - now

    def add(self, now: float) -> None:
        self._times.append(now)


def _chat_id(chat_id: object) -> int | None:
    text = str(chat_id)
    return int(text) if text.lstrip("-").isdigit() else None


class FloodLimits:
    """Counts every call that names a chat, as Telegram does."""

    def __init__(
        self,
        *,
        per_second: int = OVERALL_LIMIT,
        per_group_minute: int = GROUP_LIMIT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._clock = clock
        self._overall = Window(per_second, OVERALL_PERIOD)
        self._groups: defaultdict[int, Window] = defaultdict(lambda: Window(per_group_minute, GROUP_PERIOD))
        self._private: defaultdict[int, Window] = defaultdict(lambda: Window(PRIVATE_LIMIT, PRIVATE_PERIOD))
        self.refused = 0
        self.accepted: defaultdict[int, list[float]] = defaultdict(list)  # chat id -> arrival times

    def admit(self, chat_id: object) -> int | None:
        """None if the call may go ahead, else the whole seconds to wait (``retry_after``)."""
        if chat_id is None:
            return None
        now = self._clock()
        windows = [self._overall]
        chat = _chat_id(chat_id)
        if chat is not None:
            windows.append(self._groups[chat] if chat < 0 else self._private[chat])
        wait = max(window.wait(now) for window in windows)
        if wait > 0:
            self.refused += 1
            return max(1, math.ceil(wait))
        for window in windows:
            window.add(now)
        if chat is not None:
            self.accepted[chat].append(now)
        return None

    def worst_minute(self, chat_id: int) -> int:
        """The most calls accepted into ``chat_id`` in any 60-second window."""
        times = self.accepted.get(chat_id, [])
        start, worst = 0, 0
        for end, moment in enumerate(times):
            while times[start] <= moment - GROUP_PERIOD:
                start += 1
            worst = max(worst, end - start + 1)
        return worst
