"""The one place the application is wired: :func:`build_application`.

Nothing happens at import time; the factory builds python-telegram-bot's ``Application``
with our context type and services, and each feature module adds its own handlers through
its ``register(app)``.
"""

from __future__ import annotations

from typing import Any

from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseRateLimiter,
    CallbackContext,
    ContextTypes,
    Defaults,
    ExtBot,
)
from telegram.request import BaseRequest

from bot.runtime import inbox, logs, scheduling
from bot.runtime import menu as commands
from bot.runtime.clock import Clock, SystemClock
from bot.runtime.config import Settings
from bot.runtime.retries import RetryingRateLimiter
from bot.runtime.roles import AdminCache
from bot.runtime.services import Services
from handlers import FEATURES
from handlers.errors import on_error
from storage.database import Database


class CoprodApplication(Application):
    """``Application`` that opens the database on ``initialize`` and closes it on ``shutdown``.

    Initializing also catches up on time: overdue deadlines run and every pending one is
    scheduled again (:func:`bot.runtime.scheduling.catch_up`).
    """

    services: Services

    async def initialize(self) -> None:
        if self.services.database is None:
            self.services.database = await Database.open(self.services.settings.database)
        await super().initialize()
        await scheduling.catch_up(self)
        await commands.publish(self)

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
    def services(self) -> Services:
        return self.application.services  # type: ignore[attr-defined]


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    clock: Clock | None = None,
    rate_limiter: BaseRateLimiter | None | bool = True,
) -> CoprodApplication:
    """Build the bot. Tests pass an emulator ``request``, a fake ``clock`` and no rate limiter."""
    builder: Any = (
        ApplicationBuilder()
        .application_class(CoprodApplication)
        .token(settings.token)
        .base_url(settings.api_url)
        .context_types(ContextTypes(context=CoprodContext))
        .defaults(Defaults(parse_mode=ParseMode.HTML))
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    if rate_limiter is True:
        rate_limiter = RetryingRateLimiter(max_retries=3)
    if rate_limiter:
        builder = builder.rate_limiter(rate_limiter)
    application: CoprodApplication = builder.build()
    clock = clock or SystemClock()
    application.services = Services(settings=settings, clock=clock, admins=AdminCache(clock))
    inbox.install(application)
    for feature in FEATURES:
        feature.register(application)
    application.add_error_handler(on_error)
    return application
