"""What feeds the inbox: the :class:`UpdateSource` interface, and the error for a refused token.

Long polling (:mod:`bot.runtime.updates.polling`) is one source; a webhook would be another,
a small HTTP server answering Telegram only once the update is stored. Whatever the source,
it hands what it gets to :meth:`Inbox.receive <bot.runtime.updates.inbox.Inbox.receive>`
and confirms it to Telegram only after that returned: that order, not the source, is what
makes the inbox durable.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

from telegram.error import TelegramError

from bot.domain.errors import ConfigError
from bot.runtime.application import CoprodApplication
from bot.runtime.updates.inbox import Inbox


class UpdateSource(Protocol):
    """A way for Telegram's updates to reach the inbox; :func:`bot.runtime.updates.serve.serve` runs one."""

    replicated: bool
    """Whether several processes may be fed this way at once (a webhook behind a proxy), so
    they share the inbox's lanes and the deadlines; long polling is one process."""

    async def prepare(self, application: CoprodApplication) -> None:
        """Tell Telegram to deliver this way (delete a webhook, or set one), once it answers at
        start. A network error makes the start try again, so doing it twice must be harmless."""

    async def run(self, inbox: Inbox, stop: asyncio.Event) -> None:
        """Hand updates to ``inbox`` until ``stop`` is set, waiting first for
        :meth:`Inbox.wait_for_room <bot.runtime.updates.inbox.Inbox.wait_for_room>`. Once
        ``stop`` is set it may be cancelled mid-call: what it had not stored, it had not
        confirmed, so Telegram delivers it again."""


def token_refused(error: TelegramError) -> ConfigError:
    """Fatal wherever Telegram says it (at start, or to a source): no retry can heal a bad token.

    Telegram's own words are left out: PTB's say the token itself ("The token `...` was
    rejected"), and this error is printed as it is, where no log scrubbing reaches."""
    return ConfigError(f"Telegram refused the bot token ({type(error).__name__}): check TELEGRAM_BOT_TOKEN")
