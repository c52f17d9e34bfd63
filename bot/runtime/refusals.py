"""A member who repeats a refused command hears the refusal once a minute, not every time.

Ten ``/ideas ²`` in a row would otherwise cost a group ten of its twenty messages a
minute. So the first refusal is answered; the same input refused the same way (same
member, same chat, the same command with the same arguments, the same words of refusal)
within :data:`ANSWER_EVERY` after that gets a reaction on the command instead, best effort
like an idea's (:mod:`bot.runtime.acknowledge`). Anything else is answered at once: another
command, or the same command corrected (``/log 0h x`` then ``/log 13h x``), even when its
refusal reads the same. The bookkeeping is in memory, and keeps a digest of what was said
rather than the words: after a restart a repeat is answered once more, which is harmless.
Times come from the injected clock, so tests move it instead of sleeping.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

ANSWER_EVERY = dt.timedelta(minutes=1)
REACTION = "👀"  # seen it: the answer is just above
KEPT = 10_000  # refusals remembered at most; the oldest are forgotten first

Key = tuple[int, int | None, bytes]


def _digest(said: str, text: str) -> bytes:
    return hashlib.blake2b(f"{said}\0{text}".encode(), digest_size=16).digest()


@dataclass
class Refusals:
    """When each (chat, member, input and refusal) was last answered, oldest first."""

    _answered: dict[Key, dt.datetime] = field(default_factory=dict)

    def answer_now(self, chat_id: int, member_id: int | None, said: str, text: str, now: dt.datetime) -> bool:
        """Whether to send the refusal ``text`` of what the member ``said`` (the command and its
        arguments), noting it as sent, or only react."""
        key = (chat_id, member_id, _digest(said, text))
        last = self._answered.get(key)
        if last is not None and now - last < ANSWER_EVERY:
            return False
        self._answered.pop(key, None)
        self._answered[key] = now  # to the end: the dict stays ordered by time answered
        self._forget_old(now)
        return True

    def _forget_old(self, now: dt.datetime) -> None:
        for key, answered in list(self._answered.items()):
            if now - answered < ANSWER_EVERY and len(self._answered) <= KEPT:
                break
            del self._answered[key]
