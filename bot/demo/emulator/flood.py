"""Telegram's flood limits, for the emulator: about 30 calls a second overall, 20 a minute per group.

Telegram documents the limits only as rates, so each is modelled as a leaky bucket of that
size: a burst up to the limit is accepted, then calls are accepted as fast as the bucket
drains. A call that would overflow either bucket is refused (the emulator answers 429 with
``retry_after``) and uses no capacity. Real monotonic time, since flood limits are about the
wall clock, not the bot's (possibly fake) clock.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from telegram.constants import FloodLimit

# Rounding of a float clock may make a call arriving exactly on time look a hair early.
_TOLERANCE = 1e-6


@dataclass
class Bucket:
    capacity: float
    period: float  # seconds to drain a full bucket
    level: float = 0.0
    checked_at: float = 0.0

    def wait(self, now: float) -> float:
        """Seconds until one more call fits (0 if it fits now); drains the bucket first."""
        self.level = max(0.0, self.level - (now - self.checked_at) * self.capacity / self.period)
        self.checked_at = now
        overflow = self.level + 1 - self.capacity
        return 0.0 if overflow <= _TOLERANCE else overflow * self.period / self.capacity


class FloodLimits:
    """Counts every call that names a chat, as Telegram (and PTB's rate limiter) do."""

    def __init__(
        self,
        *,
        per_second: float = FloodLimit.MESSAGES_PER_SECOND,
        per_group_minute: float = FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._clock = clock
        self._overall = Bucket(per_second, 1.0)
        self._groups: defaultdict[int, Bucket] = defaultdict(lambda: Bucket(per_group_minute, 60.0))
        self.refused = 0

    def admit(self, chat_id: object) -> int | None:
        """None if the call may go ahead, else the whole seconds to wait (``retry_after``)."""
        if chat_id is None:
            return None
        now = self._clock()
        buckets = [self._overall]
        if str(chat_id).lstrip("-").isdigit() and int(str(chat_id)) < 0:
            buckets.append(self._groups[int(str(chat_id))])
        wait = max(bucket.wait(now) for bucket in buckets)
        if wait > 0:
            self.refused += 1
            return max(1, math.ceil(wait))
        for bucket in buckets:
            bucket.level += 1
        return None
