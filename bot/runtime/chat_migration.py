"""A group upgraded to a supergroup, whenever Telegram says so.

The service message that announces the upgrade may come late, after a deadline already
wrote to the old id; Telegram then refuses every call with ``ChatMigrated``. So both paths
move the group (:func:`move_chat`), and every outbound call that meets ``ChatMigrated``
is sent again to the new chat (:func:`follow_migrations`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Bot
from telegram.error import ChatMigrated

from bot.runtime.services import Services
from storage import groups

log = logging.getLogger(__name__)


async def move_chat(services: Services, old: int, new: int) -> None:
    """Every stored chat id of the group follows, in one transaction (idempotent)."""
    async with services.db.transaction() as conn:
        moved = await groups.migrate_chat(conn, old, new)
    services.admins.forget(old)
    log.info("event=chat_migrated old=%s new=%s moved=%s", old, new, moved)


def follow_migrations(bot: Bot, services: Services) -> None:
    """Wrap ``bot._do_post``, where every Bot API call passes with its parameters.

    An instance attribute rather than an ``ExtBot`` subclass: giving ``ApplicationBuilder``
    a bot of our own would mean building its requests, defaults and rate limiter by hand.
    """
    post: Callable[..., Awaitable[Any]] = bot._do_post

    async def do_post(endpoint: str, data: dict[str, Any], **kwargs: Any) -> Any:
        try:
            return await post(endpoint, data, **kwargs)
        except ChatMigrated as error:
            old = data.get("chat_id")
            if not isinstance(old, int):
                raise
            await move_chat(services, old, error.new_chat_id)
            return await post(endpoint, {**data, "chat_id": error.new_chat_id}, **kwargs)

    bot._do_post = do_post  # type: ignore[method-assign]
