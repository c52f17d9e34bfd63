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


async def test_at_most_a_few_deadline_jobs_run_their_action_at_once(harness, monkeypatch):
    """A thousand summaries due in one minute must not all queue for the database at once,
    ahead of a member's command (the /help probe of benchmarks/pressure.py waited 3.46 s)."""
    import asyncio
    from types import SimpleNamespace

    from bot.runtime.services import DEADLINES_AT_ONCE

    await harness.add_bot()
    running, most, release = 0, 0, asyncio.Event()

    async def slow_action(_app, _deadline) -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await release.wait()
        running -= 1

    monkeypatch.setitem(harness.app.deadline_actions, DeadlineKind.PROPOSAL_LAPSE, slow_action)
    async with harness.db.transaction() as conn:
        planned = [
            await deadlines.plan(harness.app, conn, group_id=1, kind=DeadlineKind.PROPOSAL_LAPSE, ref_id=ref,
                                 due_at=harness.clock.now())  # fmt: skip
            for ref in range(1, 31)
        ]
    jobs = [
        asyncio.create_task(deadlines._job_callback(SimpleNamespace(
            application=harness.app, job=SimpleNamespace(data=deadline.id, name=deadline.job_name),
            job_queue=harness.app.job_queue)))  # fmt: skip
        for deadline in planned
    ]
    # Before its action a job claims its deadline and reads it: on PostgreSQL, round trips to
    # the server, so the jobs get there in real time, not in a number of the loop's turns.
    slots = harness.app.services.deadline_slots
    async with asyncio.timeout(10):  # until the first jobs run their action and every other waits for a slot
        while running < DEADLINES_AT_ONCE or len(slots._waiters or ()) < len(planned) - DEADLINES_AT_ONCE:
            await asyncio.sleep(0.01)
    assert most == running == DEADLINES_AT_ONCE
    release.set()
    await asyncio.gather(*jobs)
    async with harness.db.read() as conn:
        done = [(await stored_deadlines.get(conn, DeadlineKind.PROPOSAL_LAPSE, ref)).done_at for ref in range(1, 31)]
    assert all(done)
