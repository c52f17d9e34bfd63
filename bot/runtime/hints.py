"""Hints a member gets unasked ("reply to the round's message") come at most once a minute.

A member replying to the wrong message three times in a row hears where to reply once, not
three times, and a busy group is not flooded with hints. In memory, like the refusals: after
a restart a hint may come once more, which is harmless. Times come from the injected clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

HINT_EVERY = dt.timedelta(minutes=1)
KEPT = 10_000  # hints remembered at most; the oldest are forgotten first

Key = tuple[int, int | None, str]


@dataclass
class Hints:
    """When each (chat, member, kind of hint) was last given, oldest first."""

    _given: dict[Key, dt.datetime] = field(default_factory=dict)

    def due(self, chat_id: int, member_id: int | None, kind: str, now: dt.datetime) -> bool:
        """Whether to give the hint now (and note it as given)."""
        key = (chat_id, member_id, kind)
        last = self._given.get(key)
        if last is not None and now - last < HINT_EVERY:
            return False
        self._given.pop(key, None)
        self._given[key] = now
        while len(self._given) > KEPT or (self._given and now - next(iter(self._given.values())) >= HINT_EVERY):
            del self._given[next(iter(self._given))]
        return True
