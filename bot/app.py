"""The one place the application is wired: :func:`build_application`.

Nothing happens at import time. The factory builds python-telegram-bot's ``Application``
as our :class:`~bot.runtime.application.CoprodApplication`, handing it the services, the
table of deadline actions (:mod:`bot.flows`) and the steps to run at start; then it installs
the handlers every feature in ``handlers.FEATURES`` declared, in that order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from telegram.constants import ParseMode
from telegram.ext import ApplicationBuilder, BaseRateLimiter, ContextTypes, Defaults
from telegram.request import BaseRequest

from bot.flows import DEADLINE_ACTIONS, summaries
from bot.runtime import menu, scheduling
from bot.runtime.application import CoprodApplication, CoprodContext
from bot.runtime.clock import Clock, SystemClock
from bot.runtime.config import Config
from bot.runtime.limiter import FairRateLimiter, SendJournal
from bot.runtime.roles import AdminCache
from bot.runtime.services import Services
from bot.runtime.updates import guard
from handlers import FEATURES
from handlers.errors import on_error
from storage import is_server


def sends_journal(config: Config) -> SendJournal | None:
    """Recent sends are remembered next to a SQLite file (none for an in-memory one; a
    PostgreSQL database counts them in its own tables, for every replica)."""
    database = str(config.database)
    return None if database == ":memory:" or is_server(database) else SendJournal(Path(database + ".sends"))


def build_application(
    config: Config,
    *,
    request: BaseRequest | None = None,
    clock: Clock | None = None,
    rate_limiter: BaseRateLimiter | None | bool = True,
) -> CoprodApplication:
    """Build the bot. Tests pass an emulator ``request``, a fake ``clock`` and no rate limiter."""
    clock = clock or SystemClock()
    services = Services(config=config, clock=clock, admins=AdminCache(clock))
    builder: Any = (
        ApplicationBuilder()
        .application_class(
            CoprodApplication,
            kwargs={
                "services": services,
                "deadline_actions": DEADLINE_ACTIONS,
                # plan summaries missing, catch up on deadlines missed while down, offer the command menus
                "start_steps": (summaries.plan_missing, scheduling.catch_up, menu.publish),
            },
        )
        .token(config.token)
        .base_url(config.api_url)
        .context_types(ContextTypes(context=CoprodContext))
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        # No Updater: update sources (bot/runtime/updates/) feed the durable inbox instead,
        # PTB's "custom webhook" pattern, for long polling too.
        .updater(None)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    if rate_limiter is True:
        rate_limiter = FairRateLimiter(journal=sends_journal(config))
    if rate_limiter:
        builder = builder.rate_limiter(rate_limiter)
    application: CoprodApplication = builder.build()
    guard.install(application)
    for feature in FEATURES:
        feature.install(application)
    application.add_error_handler(on_error)
    return application
