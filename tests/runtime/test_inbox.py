"""No update lost or applied twice: the inbox stores a batch before it is confirmed."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from telegram import Update
from telegram.ext import TypeHandler

from bot.app import build_application
from bot.demo.emulator.request import EmulatorRequest
from bot.runtime.updates.inbox import KEEP_PROCESSED, Inbox
from bot.runtime.updates.polling import PollingSource
from bot.runtime.updates.serve import receive_and_apply
from storage import TransientError
from storage import inbox as stored
from tests.support.harness import make_config


def updates(harness, *raw: dict) -> list[Update]:
    return [Update.de_json(update, harness.app.bot) for update in raw]


async def help_replies(harness) -> int:
    return sum("Three ways to start" in text for text in harness.texts())


async def stored_ids(harness) -> tuple[list[int], list[int]]:
    async with harness.db.read() as conn:
        waiting = await stored.waiting(conn)
        applied = [row[0] for row in await conn.fetch_all("SELECT update_id FROM processed_updates ORDER BY update_id")]
    return waiting, applied


async def test_received_batch_is_stored_before_anything_is_applied(harness):
    inbox = Inbox(harness.app)
    batch = [harness.telegram.message_update(harness.group, person, "/help") for person in harness.residents[:3]]
    await inbox.receive(updates(harness, *batch))
    assert await stored_ids(harness) == ([update["update_id"] for update in batch], [])
    assert await help_replies(harness) == 0


async def test_stored_updates_are_applied_in_order_and_marked_done(harness):
    inbox = Inbox(harness.app)
    batch = [harness.telegram.message_update(harness.group, person, "/help") for person in harness.residents[:3]]
    await inbox.receive(updates(harness, *batch))
    assert await inbox.apply_pending() == 3
    assert await help_replies(harness) == 3
    replied_to = [params["reply_parameters"]["message_id"] for params in harness.telegram.sent()]
    assert replied_to == [update["message"]["message_id"] for update in batch]
    assert await stored_ids(harness) == ([], [update["update_id"] for update in batch])


async def test_updates_stored_before_a_crash_are_applied_after_restart(harness, tmp_path, telegram, clock):
    batch = [harness.telegram.message_update(harness.group, person, "/help") for person in harness.residents[:2]]
    await Inbox(harness.app).receive(updates(harness, *batch))
    await harness.app.shutdown()  # the process dies before applying anything

    restarted = build_application(
        make_config(harness.app.services.config.database, site_dir=tmp_path / "site"), request=EmulatorRequest(telegram), clock=clock, rate_limiter=False
    )
    async with restarted:
        assert await Inbox(restarted).apply_pending() == 2
    assert await help_replies(harness) == 2
    await harness.app.initialize()


async def test_update_delivered_twice_is_applied_once(harness):
    inbox = Inbox(harness.app)
    update = harness.telegram.message_update(harness.group, harness.residents[0], "/help")
    await inbox.receive(updates(harness, update, update))
    await inbox.apply_pending()
    await inbox.receive(updates(harness, update))
    assert await inbox.apply_pending() == 0
    assert await help_replies(harness) == 1


async def test_update_already_applied_is_skipped_before_any_handler(harness):
    inbox = Inbox(harness.app)
    update = harness.telegram.message_update(harness.group, harness.residents[0], "/help")
    await inbox.receive(updates(harness, update))
    await inbox.apply_pending()
    await harness.deliver(update)  # arriving some other way, e.g. a replay in a benchmark
    assert await help_replies(harness) == 1


async def test_an_update_whose_handler_fails_is_still_marked_done(harness, monkeypatch):
    inbox = Inbox(harness.app)
    update = harness.telegram.message_update(harness.group, harness.residents[0], "/help")

    async def broken(_update: object) -> None:
        raise RuntimeError("a bug outside every handler")

    monkeypatch.setattr(harness.app, "process_update", broken)
    await inbox.receive(updates(harness, update))
    assert await inbox.apply_pending() == 1
    assert await stored_ids(harness) == ([], [update["update_id"]])


async def _two_updates_two_days_apart(harness) -> dict:
    """Apply one update, let two days pass, apply another; returns the second."""
    inbox = Inbox(harness.app)
    first = harness.telegram.message_update(harness.group, harness.residents[0], "/help")
    await inbox.receive(updates(harness, first))
    await inbox.apply_pending()
    harness.advance(days=2, seconds=1)
    second = harness.telegram.message_update(harness.group, harness.residents[1], "/help")
    await inbox.receive(updates(harness, second))
    await inbox.apply_pending()
    return second


async def test_records_of_applied_updates_are_forgotten_after_two_days(harness):
    second = await _two_updates_two_days_apart(harness)
    async with harness.db.transaction() as conn:
        await stored.forget_processed(conn, harness.clock.now() - KEEP_PROCESSED)
    assert await stored_ids(harness) == ([], [second["update_id"]])


class FlakyDatabase:
    """A handler in front of the others that meets ``fault`` on its first ``times`` calls."""

    def __init__(self, harness, fault: str, times: int) -> None:
        self.fault, self.left, self.attempts = fault, times, 0
        self.fetches_seen: list[int] = []
        self.harness = harness
        harness.app.add_handler(TypeHandler(Update, self), group=-50)

    async def __call__(self, _update: Update, _context: object) -> None:
        self.attempts += 1
        self.fetches_seen.append(self.harness.fetches)
        if self.left > 0:
            self.left -= 1
            raise TransientError(self.fault, disk_full="full" in self.fault)


@pytest.fixture
def quick_backoff(monkeypatch):
    monkeypatch.setattr("bot.runtime.retries.FIRST_BACKOFF", 0.001)


async def test_a_busy_database_keeps_the_update_in_the_inbox_and_retries_it(harness, quick_backoff, caplog):
    harness.fetches = 0
    flaky = FlakyDatabase(harness, "database is locked", times=2)
    update = harness.telegram.message_update(harness.group, harness.residents[0], "/help")
    inbox = Inbox(harness.app)
    await inbox.receive(updates(harness, update))
    assert await inbox.apply_pending() == 1
    assert flaky.attempts == 3
    assert await stored_ids(harness) == ([], [update["update_id"]])
    assert not any("something went wrong" in text for text in harness.texts())
    assert sum("event=database_fault" in record.getMessage() for record in caplog.records) == 1


async def test_later_updates_wait_behind_one_the_database_refused(harness, quick_backoff):
    harness.fetches = 0
    FlakyDatabase(harness, "database is locked", times=1)
    batch = [harness.telegram.message_update(harness.group, person, "/help") for person in harness.residents[:2]]
    inbox = Inbox(harness.app)
    await inbox.receive(updates(harness, *batch))
    assert await inbox.apply_pending() == 2
    replied_to = [params["reply_parameters"]["message_id"] for params in harness.telegram.sent("sendMessage")]
    assert replied_to[-2:] == [update["message"]["message_id"] for update in batch]


async def test_fetching_pauses_while_the_disk_is_full(harness, quick_backoff, monkeypatch):
    harness.fetches = 0

    async def get_updates(_bot: object, **_params: object) -> list[Update]:
        harness.fetches += 1
        await asyncio.sleep(0.001)  # a long poll that finds nothing new
        return []

    monkeypatch.setattr(type(harness.app.bot), "get_updates", get_updates)
    flaky = FlakyDatabase(harness, "database or disk is full", times=3)
    update = harness.telegram.message_update(harness.group, harness.residents[0], "/help")
    inbox = Inbox(harness.app)
    await inbox.receive(updates(harness, update))
    stop = asyncio.Event()
    running = asyncio.create_task(receive_and_apply(inbox, PollingSource(poll_timeout=0), stop))
    async with asyncio.timeout(10):
        while flaky.attempts < 4:
            await asyncio.sleep(0.001)
    stop.set()
    await running
    paused = flaky.fetches_seen[1:4]
    assert paused[-1] - paused[0] <= 1  # at most the poll already under way when the disk filled up
    assert await stored_ids(harness) == ([], [update["update_id"]])


async def test_records_of_applied_updates_are_forgotten_while_the_bot_runs(harness):
    second = await _two_updates_two_days_apart(harness)
    assert await stored_ids(harness) == ([], [second["update_id"]])


async def test_a_burst_of_updates_prunes_without_waiting_for_the_hour(harness, monkeypatch):
    monkeypatch.setattr("bot.runtime.updates.inbox.PRUNE_EVERY", 2)
    monkeypatch.setattr("bot.runtime.updates.inbox.KEEP_PROCESSED", dt.timedelta(0))
    inbox = Inbox(harness.app)
    first, second = (harness.telegram.message_update(harness.group, person, "/help") for person in harness.residents[:2])
    await inbox.receive(updates(harness, first))
    await inbox.apply_pending()
    harness.advance(seconds=1)
    await inbox.receive(updates(harness, second))
    await inbox.apply_pending()
    assert await stored_ids(harness) == ([], [second["update_id"]])
