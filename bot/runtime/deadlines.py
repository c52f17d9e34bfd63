"""Deadlines: rows in the database, each served by a named job in PTB's JobQueue.

A flow sets a deadline with ONE call inside its transaction, :func:`plan`: it writes the row
(and a stage's reminder row) and schedules their jobs once the transaction commits, so a job
never exists for a row that was rolled back. When the job fires, :func:`fire` claims the row
and runs the action the application was given for its kind (the table in :mod:`bot.flows`).
Actions are idempotent: a round already moved on by a facilitator is left as it is.

Delays are computed from the injected clock, so the accelerated demo and the real bot
agree on what "due" means. Tests and restarts do not wait for the JobQueue:
:func:`run_due` carries out, in order, every deadline due by the clock's "now".
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from telegram.error import TelegramError

from bot.domain.deadline_kinds import REMINDER_OF, DeadlineKind
from bot.domain.records import Deadline
from bot.runtime import outbound
from bot.runtime.application import CoprodApplication
from storage import Connection
from storage import deadlines as stored

__all__ = ["DeadlineKind", "fire", "plan", "run_due", "schedule"]

log = logging.getLogger(__name__)

# A job may wake a moment before its row is due by the clock; that is still on time.
EARLY_SLACK = dt.timedelta(seconds=1)
# A deadline whose action failed on a Telegram error is tried again this much later.
RETRY_FAILED = dt.timedelta(minutes=5)
# Actions may set new deadlines that are already due (a stage opened late after a restart);
# run_due follows them, but never forever.
MAX_PASSES = 10

async def plan(
    app: CoprodApplication, conn: Connection, *, group_id: int, kind: str, ref_id: int,
    due_at: dt.datetime, remind_at: dt.datetime | None = None,
) -> Deadline:  # fmt: skip
    """Create or move the deadline ``(kind, ref_id)`` in the caller's transaction; a stage
    deadline brings its reminder (``remind_at``, see :func:`bot.domain.deadline_kinds.reminder_due`).
    Their jobs are (re)scheduled once the transaction commits."""
    deadline = await stored.set_due(conn, group_id=group_id, kind=kind, ref_id=ref_id, due_at=due_at, remind_at=remind_at)
    planned = [deadline]
    reminder_kind = REMINDER_OF.get(kind)
    if reminder_kind is not None:
        reminder = await stored.get(conn, reminder_kind, ref_id)
        if reminder.done_at is None:  # a reminder already sent stays sent
            planned.append(reminder)
    conn.after_commit(lambda: [schedule(app, each) for each in planned])
    return deadline


def schedule(app: CoprodApplication, deadline: Deadline) -> None:
    """(Re)schedule the job for a stored ``deadline``; an earlier job of the same name is replaced."""
    queue = app.job_queue
    if queue is None:
        return
    delay = max((deadline.due_at - app.services.clock.now()).total_seconds(), 0.0)
    _plan(queue, deadline.id, deadline.job_name, delay)


def _plan(queue: Any, deadline_id: int, name: str, when: float | dt.timedelta) -> None:
    """The one job of a deadline, replacing any earlier one (a retry included).

    The name is also the scheduler's job id, so the replacement is found by id: looking
    jobs up by name scans them all, which made start-up with 20,000 deadlines take minutes.
    """
    queue.run_once(_job_callback, when=when, data=deadline_id, name=name,
                   job_kwargs={"id": name, "replace_existing": True})  # fmt: skip


async def _job_callback(context: Any) -> None:
    """A job's attempt; if Telegram fails it even after the rate limiter's retries, try again later.

    The row stays pending either way, so a restart would also carry it out. At most
    :data:`~bot.runtime.services.DEADLINES_AT_ONCE` jobs run their action at a time: a
    thousand summaries falling due in one minute would otherwise all queue for the database
    at once, and a member's command in a quiet group would wait behind every one of them
    (what they post waits for Telegram's overall budget anyway, so running them all
    together gains nothing).
    """
    try:
        async with context.application.services.deadline_slots:
            await fire(context.application, context.job.data)
    except TelegramError:
        log.exception("event=deadline_failed job=%s retry_in=%ss", context.job.name, RETRY_FAILED.seconds)
        _plan(context.job_queue, context.job.data, context.job.name, RETRY_FAILED)


async def fire(app: CoprodApplication, deadline_id: int) -> bool:
    """Carry out one deadline if it is still pending and due; True if it ran.

    The deadline is claimed while it runs (``Database.claim``), so replicas sharing a database,
    each with a job for it, carry it out once: the one that did not get the claim leaves it,
    and finds it done the next time it looks."""
    async with app.services.db.claim(f"deadline {deadline_id}") as mine:
        return mine and await _fire_claimed(app, deadline_id)


async def _fire_claimed(app: CoprodApplication, deadline_id: int) -> bool:
    services = app.services
    async with services.db.read() as conn:
        deadline = await stored.pending_by_id(conn, deadline_id)
    if deadline is None:
        return False
    if deadline.due_at > services.clock.now() + EARLY_SLACK:
        schedule(app, deadline)  # it was moved later since this job was planned
        return False
    action = app.deadline_actions.get(deadline.kind)
    if action is None:
        log.warning("event=deadline_without_action kind=%s", deadline.kind)
        return False
    with outbound.sending_as(outbound.Priority.SCHEDULED):
        await action(app, deadline)
    async with services.db.transaction() as conn:
        await stored.mark_done(conn, deadline.id, services.clock.now(), due_at=deadline.due_at)
    return True


async def run_due(
    app: CoprodApplication, *, tolerate: type[Exception] | tuple[type[Exception], ...] = ()
) -> int:
    """Carry out every pending deadline due by now, soonest first; returns how many ran.

    Deadlines that the actions themselves set and that are already due run too, in a
    further pass, so a round overdue for both its stages opens voting and then closes.
    An error of a ``tolerate`` type is logged and the next deadline still runs.
    """
    services = app.services
    ran = 0
    for _ in range(MAX_PASSES):
        async with services.db.read() as conn:
            due = await stored.pending(conn, due_by=services.clock.now())
        ran_now = 0
        for deadline in due:
            try:
                ran_now += await fire(app, deadline.id)
            except tolerate:
                log.exception("event=deadline_failed kind=%s ref=%s", deadline.kind, deadline.ref_id)
        ran += ran_now
        if not ran_now:
            break
    return ran
