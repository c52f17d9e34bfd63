"""Deadlines: rows in the database, each served by a named job in PTB's JobQueue.

A feature that sets a deadline writes the row in its own transaction (``storage.deadlines``)
and then calls :func:`schedule`. When the job fires, :func:`fire` claims the row and runs the
action the feature registered for its kind with :func:`on_deadline`. Actions are
idempotent: a round already moved on by a facilitator is left as it is.

Tests and restarts do not wait for the JobQueue: :func:`run_due` carries out, in order,
every deadline due by the injected clock's "now".
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from bot.model import Deadline
from storage import deadlines as stored

if TYPE_CHECKING:
    from bot.app import CoprodApplication

log = logging.getLogger(__name__)


class DeadlineKind(enum.StrEnum):
    IDEAS_END = "ideas_end"  # ref: round id
    VOTING_END = "voting_end"  # ref: round id
    PROPOSAL_LAPSE = "proposal_lapse"  # ref: proposal id
    CREDIT_LAPSE = "credit_lapse"  # ref: ledger entry id


Action = Callable[["CoprodApplication", Deadline], Awaitable[None]]


def on_deadline(app: CoprodApplication, kind: str, action: Action) -> None:
    """Register what happens when a deadline of ``kind`` is reached (once per kind)."""
    app.services.deadline_actions[kind] = action


def schedule(app: CoprodApplication, deadline: Deadline) -> None:
    """(Re)schedule the job for ``deadline``; an earlier job of the same name is replaced."""
    queue = app.job_queue
    if queue is None:
        return
    for job in queue.get_jobs_by_name(deadline.job_name):
        job.schedule_removal()
    queue.run_once(_job_callback, when=deadline.due_at, data=deadline.id, name=deadline.job_name)


async def _job_callback(context: Any) -> None:
    await fire(context.application, context.job.data)


async def fire(app: CoprodApplication, deadline_id: int) -> bool:
    """Carry out one deadline if it is still pending; True if it ran."""
    services = app.services
    async with services.db.read() as conn:
        deadline = await stored.by_id(conn, deadline_id)
    if deadline is None or deadline.done_at is not None:
        return False
    action = services.deadline_actions.get(deadline.kind)
    if action is None:
        log.warning("event=deadline_without_action kind=%s", deadline.kind)
        return False
    await action(app, deadline)
    async with services.db.transaction() as conn:
        await stored.mark_done(conn, deadline.id, services.clock.now())
    return True


async def run_due(app: CoprodApplication) -> int:
    """Carry out every pending deadline due by now, soonest first; returns how many ran."""
    services = app.services
    async with services.db.read() as conn:
        due = await stored.pending(conn, due_by=services.clock.now())
    ran = 0
    for deadline in due:
        ran += await fire(app, deadline.id)
    return ran
