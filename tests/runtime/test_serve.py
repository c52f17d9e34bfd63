"""A stop asked while jobs and handlers wait (on a group's flood budget, say) ends within the grace period."""

from __future__ import annotations

import asyncio

from bot.runtime.updates.polling import PollingSource
from bot.runtime.updates.serve import serve
from tests.runtime.test_lanes import WAIT, Feed, until


async def test_a_stop_cancels_a_job_still_waiting_after_the_grace_period(harness, monkeypatch):
    monkeypatch.setattr("bot.runtime.updates.serve.GRACE", 0.05)
    feed = Feed(harness.app, [])
    monkeypatch.setattr(type(harness.app.bot), "get_updates", feed)
    started, never = asyncio.Event(), asyncio.Event()

    async def summaries_waiting_for_budget(_context: object) -> None:
        started.set()
        await never.wait()

    stop = asyncio.Event()
    serving = asyncio.create_task(serve(harness.app, PollingSource(), stop))
    await until(lambda: harness.app.running)
    harness.app.job_queue.run_once(summaries_waiting_for_budget, 0)
    async with asyncio.timeout(WAIT):
        await started.wait()
    stop.set()
    async with asyncio.timeout(WAIT):
        await serving
    assert not harness.app.running
