"""The bot's life around its update source: the source is prepared once, and a stop asked while
jobs and handlers wait (on a group's flood budget, say) ends within the grace period."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.runtime.application import CoprodApplication
from bot.runtime.updates.inbox import Inbox
from bot.runtime.updates.polling import PollingSource
from bot.runtime.updates.serve import serve
from tests.runtime.test_lanes import WAIT, Feed, until


class QuietSource:
    """An update source that notes what it is asked and feeds nothing until stopped."""

    replicated = False

    def __init__(self) -> None:
        self.prepared: list[CoprodApplication] = []
        self.running = asyncio.Event()

    async def prepare(self, application: CoprodApplication) -> None:
        self.prepared.append(application)

    async def run(self, _inbox: Inbox, stop: asyncio.Event) -> None:
        self.running.set()
        await stop.wait()


def webhooks_deleted(harness) -> int:
    return len(harness.telegram.sent("deleteWebhook"))


async def test_serve_prepares_its_source_once_and_leaves_the_webhook_to_it(harness):
    source, stop = QuietSource(), asyncio.Event()
    serving = asyncio.create_task(serve(harness.app, source, stop))
    async with asyncio.timeout(WAIT):
        await source.running.wait()
    stop.set()
    async with asyncio.timeout(WAIT):
        await serving
    assert source.prepared == [harness.app]
    assert webhooks_deleted(harness) == 0


async def test_polling_deletes_the_webhook_once_before_it_polls(harness, monkeypatch):
    deleted_at_each_poll: list[int] = []

    async def get_updates(_bot: object, **_params: object) -> list[Update]:
        deleted_at_each_poll.append(webhooks_deleted(harness))
        await asyncio.Event().wait()  # a long poll held open until the stop cancels it
        return []

    monkeypatch.setattr(type(harness.app.bot), "get_updates", get_updates)
    stop = asyncio.Event()
    serving = asyncio.create_task(serve(harness.app, PollingSource(), stop))
    await until(lambda: bool(deleted_at_each_poll))
    stop.set()
    async with asyncio.timeout(WAIT):
        await serving
    assert deleted_at_each_poll == [1]
    assert webhooks_deleted(harness) == 1


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
