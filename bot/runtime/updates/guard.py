"""The replay guard: an update id already applied is skipped before any handler sees it.

The inbox ignores such ids itself (:meth:`~bot.runtime.updates.inbox.Inbox.receive`); this
guard, in front of every handler group, stops the updates that reach ``process_update`` any
other way (a benchmark's replay, a test's delivery). What was applied is remembered by
:class:`~bot.runtime.updates.applied.AppliedUpdates`, a module of its own because the
services hold it and the services are below the application types this one names.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.runtime.application import CoprodApplication, CoprodContext

log = logging.getLogger(__name__)

GUARD_GROUP = -100  # before every other handler group, guards included


def install(application: CoprodApplication) -> None:
    """Skip, before any handler sees it, an update id already applied."""
    application.add_handler(TypeHandler(Update, _skip_applied), group=GUARD_GROUP)


async def _skip_applied(update: Update, context: CoprodContext) -> None:
    services = context.services
    if await services.applied.includes(services.db, update.update_id):
        log.info("event=update_replay_skipped update_id=%s", update.update_id)
        raise ApplicationHandlerStop
