"""The application and context types every layer above uses, with nothing above imported.

:class:`CoprodApplication` is python-telegram-bot's ``Application`` carrying our
:class:`~bot.runtime.services.Services`, the table of what each deadline kind does, and
the steps that run at start. ``bot.app.build_application`` hands all three in through
``ApplicationBuilder().application_class(...)``, so the types live here, below the wiring,
and no module needs ``TYPE_CHECKING`` to name them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.domain.records import Deadline
from bot.runtime import chat_migration, logs
from bot.runtime.limiter import FairRateLimiter
from bot.runtime.services import Services
from storage import open_database

DeadlineAction = Callable[["CoprodApplication", Deadline], Awaitable[None]]
StartStep = Callable[["CoprodApplication"], Awaitable[object]]


class CoprodApplication(Application):
    """``Application`` that opens the database on ``initialize`` and closes it on ``shutdown``.

    Initializing then runs the start steps in order (catching up on deadlines that fell
    due while the bot was down, publishing the command menus).
    """

    def __init__(
        self,
        *,
        services: Services,
        deadline_actions: Mapping[str, DeadlineAction],
        start_steps: Sequence[StartStep] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.services = services
        self.deadline_actions = dict(deadline_actions)
        self._start_steps = tuple(start_steps)
        chat_migration.follow_migrations(self.bot, services)

    async def initialize(self) -> None:
        if self.services.database is None:
            self.services.database = await open_database(self.services.config.database)
        limiter = getattr(self.bot, "rate_limiter", None)
        windows = self.services.database.send_windows
        if windows is not None and isinstance(limiter, FairRateLimiter):
            limiter.share(windows)  # replicas on one database keep Telegram's limits together
        await super().initialize()
        for step in self._start_steps:
            await step(self)

    async def shutdown(self) -> None:
        await super().shutdown()
        if self.services.database is not None:
            await self.services.database.close()
            self.services.database = None

    async def process_update(self, update: object) -> None:
        with logs.update_context(update):
            await super().process_update(update)


class CoprodContext(CallbackContext[ExtBot, dict, dict, dict]):
    @property
    def application(self) -> CoprodApplication:
        return super().application  # type: ignore[return-value]

    @property
    def services(self) -> Services:
        return self.application.services
