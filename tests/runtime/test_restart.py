"""Deadlines live in the database; a restart carries out what fell due, once."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from telegram.error import NetworkError

from bot.app import build_application
from bot.demo.emulator.request import EmulatorRequest
from bot.domain.deadline_kinds import DeadlineKind
from bot.runtime import deadlines, scheduling
from storage import deadlines as stored_deadlines


def _count(texts: list[str], start: str) -> int:
    return sum(text.startswith(start) for text in texts)


async def test_round_overdue_for_both_stages_opens_voting_then_closes_once_after_restart(harness, telegram, clock):
    await harness.send(harness.facilitator, "/round 2h 1h Where should the new bench go?")
    for resident, idea in zip(harness.residents[:2], ("By the bus stop", "In the park"), strict=True):
        await harness.send(resident, f"/idea {idea}")
    config = harness.app.services.config
    await harness.app.shutdown()

    clock.advance(dt.timedelta(hours=5))  # past the end of ideas and of the voting that would have followed
    restarted = build_application(config, request=EmulatorRequest(telegram), clock=clock, rate_limiter=False)
    async with restarted:  # initialize catches up
        texts = telegram.texts(harness.group.id)
        assert _count(texts, "Voting is open for round #1") == 1
        assert len(telegram.sent("sendPoll")) == 1
        assert not any("ideas close" in text for text in texts)  # no reminder of a stage already over
        # voting opened late, so neighbours get the full voting time from the restart
        clock.advance(dt.timedelta(hours=1))
        await scheduling.catch_up(restarted)
        await deadlines.run_due(restarted)
        texts = telegram.texts(harness.group.id)
        assert _count(texts, "Voting is open for round #1") == 1
        assert _count(texts, "Results of round #1") == 1
        assert len(telegram.sent("stopPoll")) == 1


async def test_a_deadline_that_fires_twice_changes_nothing_the_second_time(harness):
    await harness.send(harness.facilitator, "/round 2h 1h Where should the new bench go?")
    await harness.send(harness.residents[0], "/idea By the bus stop")
    harness.advance(hours=2)
    async with harness.db.read() as conn:
        [ideas_end] = [d for d in await stored_deadlines.pending(conn) if d.kind == DeadlineKind.IDEAS_END]
    assert await deadlines.fire(harness.app, ideas_end.id) is True
    assert await deadlines.fire(harness.app, ideas_end.id) is False
    assert len(harness.telegram.sent("sendPoll")) == 1


async def test_a_deadline_retried_after_a_telegram_error_keeps_one_job(harness):
    await harness.send(harness.facilitator, "/round 2h 1h Where should the new bench go?")
    async with harness.db.read() as conn:
        [ideas_end] = [d for d in await stored_deadlines.pending(conn) if d.kind == DeadlineKind.IDEAS_END]

    async def refused(app, deadline):
        raise NetworkError("Telegram is down")

    harness.app.deadline_actions[DeadlineKind.IDEAS_END] = refused
    harness.advance(hours=2)
    queue = harness.app.job_queue
    queue.scheduler.start(paused=True)  # jobs are kept as the running bot keeps them, and never run
    try:
        job = SimpleNamespace(data=ideas_end.id, name=ideas_end.job_name)
        await deadlines._job_callback(SimpleNamespace(application=harness.app, job=job, job_queue=queue))
        deadlines.schedule(harness.app, ideas_end)  # moved, say: planned again
        assert [j.name for j in queue.jobs()].count(ideas_end.job_name) == 1
    finally:
        queue.scheduler.shutdown(wait=False)


async def test_a_need_lapses_once_after_a_restart_that_missed_its_deadline(harness, telegram, clock):
    from storage import needs as stored_needs

    await harness.send(harness.residents[0], "/need 1h a ladder")
    config = harness.app.services.config
    await harness.app.shutdown()
    clock.advance(dt.timedelta(days=31))
    restarted = build_application(config, request=EmulatorRequest(telegram), clock=clock, rate_limiter=False)
    async with restarted:  # initialize catches up
        await deadlines.run_due(restarted)
        async with restarted.services.db.read() as conn:
            [need] = await stored_needs.group_postings(conn, 1)
        assert need.status.value == "lapsed"
        assert sum("Lapsed after" in text for text in telegram.texts(harness.group.id)) == 0  # edited, not posted
        edited = [p for p in telegram.sent("editMessageText") if "Lapsed after 30 days" in p["text"]]
        assert len(edited) == 1
