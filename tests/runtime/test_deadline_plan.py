"""A deadline is one call inside its transaction, and its job exists only once that commits."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain.deadline_kinds import DeadlineKind
from bot.runtime import deadlines
from storage import deadlines as stored_deadlines


class Refused(Exception):
    pass


def _job_names(harness) -> list[str]:
    return [job.name for job in harness.app.job_queue.jobs()]


async def _plan(harness, conn, ref_id: int):
    due = harness.clock.now() + dt.timedelta(days=1)
    return await deadlines.plan(harness.app, conn, group_id=1, kind=DeadlineKind.PROPOSAL_LAPSE, ref_id=ref_id, due_at=due)


async def test_a_planned_deadline_gets_its_job_when_the_transaction_commits(harness):
    await harness.add_bot()
    queue = harness.app.job_queue
    queue.scheduler.start(paused=True)  # jobs are kept as the running bot keeps them, and never run
    try:
        async with harness.db.transaction() as conn:
            deadline = await _plan(harness, conn, 7)
            assert deadline.job_name not in _job_names(harness)  # not before the row is committed
        assert _job_names(harness).count(deadline.job_name) == 1
    finally:
        queue.scheduler.shutdown(wait=False)


async def test_a_rolled_back_deadline_leaves_neither_a_row_nor_a_job(harness):
    await harness.add_bot()
    queue = harness.app.job_queue
    queue.scheduler.start(paused=True)
    try:
        with pytest.raises(Refused):
            async with harness.db.transaction() as conn:
                deadline = await _plan(harness, conn, 8)
                raise Refused
        async with harness.db.read() as conn:
            assert await stored_deadlines.get(conn, DeadlineKind.PROPOSAL_LAPSE, 8) is None
        assert deadline.job_name not in _job_names(harness)
    finally:
        queue.scheduler.shutdown(wait=False)


async def test_a_stage_deadline_brings_its_reminder_job(harness):
    await harness.send(harness.facilitator, "/round 3d 2d Where should the new bench go?")
    async with harness.db.read() as conn:
        pending = {deadline.kind: deadline for deadline in await stored_deadlines.pending(conn)}
    assert {DeadlineKind.IDEAS_END, DeadlineKind.REMINDER_IDEAS} <= pending.keys()
    names = _job_names(harness)
    assert pending[DeadlineKind.IDEAS_END].job_name in names
    assert pending[DeadlineKind.REMINDER_IDEAS].job_name in names
