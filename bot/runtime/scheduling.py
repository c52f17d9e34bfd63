"""Keeping time across restarts: every stored deadline and every group's next summary.

Deadlines, reminders and summary times live in the database (``deadlines`` rows; a
group's next summary is a ``summary`` row whose reference is the group). On start,
:func:`catch_up` carries out what fell due while the bot was down, in due order (a
missed summary is posted once, however many periods were missed), then gives every
pending row its named job again.
"""

from __future__ import annotations

import datetime as dt
import logging

from telegram.error import TelegramError

from bot.domain.deadline_kinds import DeadlineKind
from bot.domain.records import Deadline, Group
from bot.domain.settings import SummarySchedule
from bot.runtime import deadlines
from bot.runtime.application import CoprodApplication
from storage import Connection, groups
from storage import deadlines as stored

log = logging.getLogger(__name__)


async def plan_summary(conn: Connection, group: Group, *, after: dt.datetime) -> Deadline | None:
    """Write the group's next summary time (the first scheduled one after ``after``); None if off."""
    due = SummarySchedule.parse(group.summary_schedule).next_after(after, group.timezone)
    if due is None:
        await stored.finish(conn, DeadlineKind.SUMMARY, group.id, after)
        return None
    return await stored.set_due(conn, group_id=group.id, kind=DeadlineKind.SUMMARY, ref_id=group.id, due_at=due)


async def _plan_missing_summary(conn: Connection, group: Group, *, after: dt.datetime) -> None:
    """A group without a pending summary row gets one (a schedule of "off" gets none)."""
    existing = await stored.get(conn, DeadlineKind.SUMMARY, group.id)
    if existing is None or existing.done_at is not None:
        await plan_summary(conn, group, after=after)


async def schedule_pending(app: CoprodApplication, group_id: int | None = None) -> int:
    """Give every pending deadline (of one group, or all) its named job; returns how many."""
    async with app.services.db.read() as conn:
        rows = await stored.pending(conn, group_id=group_id)
    for deadline in rows:
        deadlines.schedule(app, deadline, with_reminder=False)  # the reminders are among the rows
    return len(rows)


async def catch_up(app: CoprodApplication) -> int:
    """On start: plan missing summaries, run what is overdue in order, schedule the rest.

    A Telegram error in one overdue action is logged and does not stop the others; its
    row stays pending, so its job tries again.
    """
    services = app.services
    async with services.db.transaction() as conn:
        for group in await groups.without_pending_summary(conn):
            # counted from the last summary, so one missed while down falls due at once
            await plan_summary(conn, group, after=group.last_summary_at or group.created_at)
    ran = await deadlines.run_due(app, tolerate=TelegramError)
    scheduled = await schedule_pending(app)
    log.info("event=catch_up ran=%s scheduled=%s", ran, scheduled)
    return ran


async def group_joined(app: CoprodApplication, group_id: int) -> None:
    """A group is new, or the bot is back in it: plan its summary and serve its deadlines."""
    services = app.services
    async with services.db.transaction() as conn:
        group = await groups.get(conn, group_id)
        await _plan_missing_summary(conn, group, after=services.clock.now())
    await schedule_pending(app, group_id)
