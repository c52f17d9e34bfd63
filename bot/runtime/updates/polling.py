"""Long polling: ``getUpdates`` in a loop, each batch stored before the next call confirms it.

Telegram forgets the updates below the offset a ``getUpdates`` names, so the offset moves
past a batch only once :meth:`Inbox.receive <bot.runtime.updates.inbox.Inbox.receive>`
stored it: a crash at any moment leaves the batch either in the inbox or still with
Telegram. Telegram answers ``getUpdates`` only while no webhook is set, so
:meth:`PollingSource.prepare` deletes any.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from telegram import Bot, Update
from telegram.error import Conflict, Forbidden, InvalidToken, RetryAfter, TelegramError

from bot.domain.errors import ConfigError
from bot.runtime.application import CoprodApplication
from bot.runtime.retries import Backoff, retry_after_seconds
from bot.runtime.updates.inbox import Inbox
from bot.runtime.updates.source import token_refused

log = logging.getLogger(__name__)

POLL_TIMEOUT = 30  # seconds Telegram may hold a getUpdates open
BATCH_SIZE = 100  # Telegram's maximum per getUpdates


class PollingSource:
    """An :class:`~bot.runtime.updates.source.UpdateSource` fetching with ``getUpdates``
    while the inbox has room for a whole batch."""

    replicated = False  # Telegram answers one poller per token

    def __init__(self, *, poll_timeout: float = POLL_TIMEOUT, batch_size: int = BATCH_SIZE) -> None:
        self._poll_timeout = poll_timeout
        self._batch_size = batch_size
        self._answers: RawAnswers | None = None

    async def prepare(self, application: CoprodApplication) -> None:
        await application.bot.delete_webhook()
        self._answers = RawAnswers.kept_by(application.bot)

    async def run(self, inbox: Inbox, stop: asyncio.Event) -> None:
        """Poll while holding the database's ``polling`` claim: processes sharing a PostgreSQL
        database may be several, but Telegram answers only one ``getUpdates`` at a time."""
        async with inbox.database.claim("polling") as mine:
            if not mine:
                raise ConfigError(
                    "another coprod-bot is already running with long polling on this database "
                    "(to run several, give them a webhook: COPROD_WEBHOOK_URL)"
                )
            await self._poll(inbox, stop)

    async def _poll(self, inbox: Inbox, stop: asyncio.Event) -> None:
        offset: int | None = None  # none at first: Telegram resends all it holds; receive() dedupes
        backoff = Backoff()
        while not stop.is_set():
            await inbox.wait_for_room(self._batch_size)
            try:
                updates = await inbox.bot.get_updates(
                    offset=offset,
                    timeout=self._poll_timeout,
                    limit=self._batch_size,
                    allowed_updates=Update.ALL_TYPES,
                )
            except RetryAfter as error:
                await asyncio.sleep(retry_after_seconds(error))
                continue
            except (InvalidToken, Forbidden) as error:
                raise token_refused(error) from None
            except Conflict as error:  # retrying would only take turns with the other poller
                raise ConfigError(f"another process is polling Telegram with this bot token ({error.message})") from None
            except TelegramError as error:  # network errors, 5xx
                delay = backoff.delay()
                log.warning("event=get_updates_failed error=%s retry_in=%.1fs", type(error).__name__, delay)
                await asyncio.sleep(delay)
                continue
            backoff.reset()
            if updates:
                payloads = self._answers.payloads_of(updates) if self._answers is not None else None
                await inbox.receive_until_stored(updates, payloads)
                offset = updates[-1].update_id + 1


class RawAnswers:
    """The last ``getUpdates`` answer as Telegram sent it, so the inbox stores each update's
    JSON without serialising the parsed update again (``to_dict`` cost about as much as
    handling the update).

    It wraps the bot's ``_do_post``, the step where every Bot API call passes with its raw
    answer, as :mod:`bot.runtime.chat_migration` does; once per bot.
    """

    def __init__(self, bot: Bot) -> None:
        self._last: list[dict[str, Any]] = []
        post: Callable[..., Awaitable[Any]] = bot._do_post

        async def do_post(endpoint: str, data: dict[str, Any], **kwargs: Any) -> Any:
            result = await post(endpoint, data, **kwargs)
            if endpoint == "getUpdates" and isinstance(result, list):
                self._last = result
            return result

        bot._do_post = do_post  # type: ignore[method-assign]

    @classmethod
    def kept_by(cls, bot: Bot) -> RawAnswers:
        answers = getattr(bot, "_raw_answers", None)
        if answers is None:
            answers = cls(bot)
            bot._raw_answers = answers  # type: ignore[attr-defined]
        return answers

    def payloads_of(self, updates: Sequence[Update]) -> list[str] | None:
        """Each update's JSON from the answer they were parsed from; None if that answer is
        not the last one seen (then the inbox serialises them itself)."""
        last, self._last = self._last, []
        if [item.get("update_id") for item in last] != [update.update_id for update in updates]:
            return None
        return [json.dumps(item) for item in last]
