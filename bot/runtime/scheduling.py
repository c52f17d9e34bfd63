"""Keeping time across restarts: every stored deadline gets its job again at start.

Deadlines, reminders and summary times live in the database (``deadlines`` rows). On start,
:func:`catch_up` carries out what fell due while the bot was down, in due order, then gives
every pending row its named job again. What a deadline *is* (a stage end, a summary) is the
flows' business; this module only runs the table it is given.
"""

from __future__ import annotations

import asyncio
import logging

from telegram.error import TelegramError

from bot.runtime import deadlines
from bot.runtime.application import CoprodApplication
from storage import TransientError
from storage import deadlines as stored

log = logging.getLogger(__name__)

SHARED_SWEEP = 2.0  # seconds between two looks for due deadlines on a database replicas share


async def schedule_pending(app: CoprodApplication, group_id: int | None = None) -> int:
    """Give every pending deadline (of one group, or all) its named job; returns how many."""
    async with app.services.db.read() as conn:
        rows = await stored.pending(conn, group_id=group_id)
    for deadline in rows:
        deadlines.schedule(app, deadline)
    return len(rows)


async def catch_up(app: CoprodApplication) -> int:
    """On start: run what is overdue in order, then schedule the rest.

    A Telegram error in one overdue action is logged and does not stop the others; its
    row stays pending, so its job tries again.
    """
    ran = await deadlines.run_due(app, tolerate=TelegramError)
    scheduled = await schedule_pending(app)
    log.info("event=catch_up ran=%s scheduled=%s", ran, scheduled)
    return ran


async def keep_catching_up(app: CoprodApplication, every: float = SHARED_SWEEP) -> None:
    """While the bot runs on a database other replicas share: carry out what is due every few
    seconds. A replica schedules jobs only for the deadlines it planned or found at start, so
    one planned by a replica that was then killed is carried out by another this way (each
    deadline is claimed as it fires: once, whoever finds it first)."""
    while True:
        await asyncio.sleep(every)
        try:
            await deadlines.run_due(app, tolerate=TelegramError)
        except TransientError as error:  # the database is away for a moment: look again later
            log.warning("event=deadline_sweep_failed error=%r", str(error))
