"""Who is a facilitator: the chat's administrators, cached briefly.

Asking Telegram on every message would be slow and flood-prone; caching forever would
miss a new admin. So each group's list lives a few minutes and is dropped at once when a
``chat_member`` update says an admin changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

from telegram import Bot

from bot.runtime.clock import Clock

CACHE_FOR = dt.timedelta(minutes=5)

FetchAdmins = Callable[[int], Awaitable[set[int]]]


class AdminCache:
    def __init__(self, clock: Clock, ttl: dt.timedelta = CACHE_FOR) -> None:
        self._clock = clock
        self._ttl = ttl
        self._entries: dict[int, tuple[dt.datetime, frozenset[int]]] = {}

    async def admins(self, chat_id: int, fetch: FetchAdmins) -> frozenset[int]:
        cached = self._entries.get(chat_id)
        now = self._clock.now()
        if cached is None or cached[0] <= now:
            cached = (now + self._ttl, frozenset(await fetch(chat_id)))
            self._entries[chat_id] = cached
        return cached[1]

    def forget(self, chat_id: int) -> None:
        self._entries.pop(chat_id, None)


async def admins_of(bot: Bot, cache: AdminCache, chat_id: int) -> frozenset[int]:
    """The group's administrators (its facilitators), from the cache or Telegram."""

    async def fetch(chat: int) -> set[int]:
        return {member.user.id for member in await bot.get_chat_administrators(chat)}

    return await cache.admins(chat_id, fetch)
