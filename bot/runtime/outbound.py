"""Which outbound calls go first when Telegram's limits leave room for only some.

A member waiting for an answer notices a delay of seconds; nobody notices a summary or a
reminder posted a few seconds late. So every call carries a priority, taken from the code
path that makes it (a context variable, so flows and handlers need not pass it along):
answers to members by default, refusals of bad input below them (they never take a
group's last slots), then what deadlines post, then private notices. The rate limiter
(:mod:`bot.runtime.limiter`) serves the chats' queues by it.
"""

from __future__ import annotations

import contextlib
import enum
from collections.abc import Iterator
from contextvars import ContextVar


class Priority(enum.IntEnum):
    REPLY = 0  # answers to a member's command or button, and what the command posts
    HINT = 1  # a refusal of bad input: kept out of a group's last few slots
    SCHEDULED = 2  # what a deadline posts: stage changes, results, reminders, summaries
    NOTICE = 3  # private notices and nudges to members


_current: ContextVar[Priority] = ContextVar("outbound_priority", default=Priority.REPLY)


def current() -> Priority:
    return _current.get()


@contextlib.contextmanager
def sending_as(priority: Priority) -> Iterator[None]:
    """Calls made inside (in this task and tasks it starts) carry ``priority``."""
    token = _current.set(priority)
    try:
        yield
    finally:
        _current.reset(token)
