"""One busy chat never holds up another: each chat's updates in order, chats side by side."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable

import pytest
from telegram import Update
from telegram.ext import TypeHandler

from bot.app import build_application
from bot.demo.emulator.request import EmulatorRequest
from bot.runtime.updates import lanes
from bot.runtime.updates.inbox import Inbox
from bot.runtime.updates.polling import PollingSource
from bot.runtime.updates.serve import receive_and_apply
from storage import TransientError
from tests.support.harness import make_config

WAIT = 10  # seconds before a wait gives up and the test fails


def updates(app, *raw: dict) -> list[Update]:
    return [Update.de_json(update, app.bot) for update in raw]


def answered(harness, chat) -> list[int]:
    """Message ids the bot's replies in ``chat`` answer, in the order sent."""
    return [params["reply_parameters"]["message_id"] for params in harness.telegram.sent("sendMessage", chat.id)
            if "reply_parameters" in params]  # fmt: skip


async def until(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(WAIT):
        while not condition():
            await asyncio.sleep(0.001)


class Stuck:
    """A handler in front of the others whose updates from ``chat`` wait for :attr:`release`
    (a send waiting for the group's flood budget, say)."""

    def __init__(self, app, chat, *, faults: int = 0) -> None:
        self.chat_id = chat.id
        self.release = asyncio.Event()
        self.entered: list[int] = []
        self.faults = faults
        app.add_handler(TypeHandler(Update, self), group=-50)

    async def __call__(self, update: Update, _context: object) -> None:
        if update.effective_chat is None or update.effective_chat.id != self.chat_id:
            return
        self.entered.append(update.update_id)
        if self.faults:
            self.faults -= 1
            raise TransientError("database is locked")
        await self.release.wait()


@pytest.fixture
def quiet(harness):
    return harness.telegram.group(-1005678, "Mill Lane neighbours", owner=harness.facilitator)


def help_from(harness, chat, count: int) -> list[dict]:
    people = harness.residents
    return [harness.telegram.message_update(chat, people[n % len(people)], "/help") for n in range(count)]


async def test_a_chat_waiting_on_its_handler_does_not_hold_up_another_chat(harness, quiet):
    stuck = Stuck(harness.app, harness.group)
    busy, probe = help_from(harness, harness.group, 2), help_from(harness, quiet, 1)
    inbox = Inbox(harness.app)
    await inbox.receive(updates(harness.app, *busy, *probe))
    applying = asyncio.create_task(inbox.apply_pending())
    try:
        await until(lambda: answered(harness, quiet) == [probe[0]["message"]["message_id"]])
        assert stuck.entered == [busy[0]["update_id"]]  # the chat's second update waits its turn
    finally:
        stuck.release.set()
    assert await applying == 3
    assert answered(harness, harness.group) == [update["message"]["message_id"] for update in busy]


async def test_an_update_the_database_refused_holds_up_only_its_own_chat(harness, quiet, monkeypatch, caplog):
    monkeypatch.setattr("bot.runtime.retries.FIRST_BACKOFF", 0.001)
    stuck = Stuck(harness.app, harness.group, faults=1_000)
    stuck.release.set()
    busy, probe = help_from(harness, harness.group, 2), help_from(harness, quiet, 1)
    inbox = Inbox(harness.app)
    await inbox.receive(updates(harness.app, *busy, *probe))
    applying = asyncio.create_task(inbox.apply_pending())
    await until(lambda: len(answered(harness, quiet)) == 1 and len(stuck.entered) >= 2)
    assert set(stuck.entered) == {busy[0]["update_id"]}  # retried, and still first in its lane
    stuck.faults = 0
    assert await applying == 3
    # the help handler behind the failing one answered each attempt; the last answers keep the order
    assert answered(harness, harness.group)[-2:] == [update["message"]["message_id"] for update in busy]
    assert sum("event=database_fault" in record.getMessage() for record in caplog.records) == 1


async def test_updates_without_a_chat_have_a_lane_of_their_own(harness):
    telegram, group = harness.telegram, harness.group
    prompt = telegram.message_update(group, harness.facilitator, "/help")["message"]["message_id"]
    by_chat = {
        "message": telegram.message_update(group, harness.residents[0], "hello"),
        "button": telegram.callback_update(group, harness.residents[0], prompt, "v1:x:1"),
        "bot added": telegram.membership_update(group, harness.facilitator, joined=True),
        "admin change": telegram.admin_change_update(group, harness.facilitator, harness.residents[1], promoted=True),
    }
    for name, raw in by_chat.items():
        assert lanes.lane_of(Update.de_json(raw, harness.app.bot)) == ("chat", group.id), name
    sent = telegram.handle("sendPoll", {"chat_id": group.id, "question": "Where?", "is_anonymous": False,
                                         "options": [{"text": "Here"}, {"text": "There"}]})  # fmt: skip
    poll_id = sent["result"]["poll"]["id"]
    for raw in telegram.vote_updates(harness.residents[0], poll_id, [0]):  # the poll, then the answer
        assert lanes.lane_of(Update.de_json(raw, harness.app.bot)) == ("poll", poll_id)


class Feed:
    """``getUpdates`` handing out prepared batches, then holding the long poll open."""

    def __init__(self, app, batches: list[list[dict]]) -> None:
        self.app, self.batches = app, batches
        self.hold = asyncio.Event()

    async def __call__(self, **_params: object) -> list[Update]:
        if self.batches:
            return updates(self.app, *self.batches.pop(0))
        await self.hold.wait()  # never set: the poll is cancelled when the bot stops
        return []


async def test_a_quiet_chat_fetched_after_300_backed_up_updates_is_answered(harness, quiet, monkeypatch):
    Stuck(harness.app, harness.group)
    noisy = help_from(harness, harness.group, 300)
    probe = help_from(harness, quiet, 1)
    feed = Feed(harness.app, [noisy[:100], noisy[100:200], noisy[200:], probe])
    monkeypatch.setattr(type(harness.app.bot), "get_updates", feed)
    stop = asyncio.Event()
    running = asyncio.create_task(receive_and_apply(Inbox(harness.app, grace=0), PollingSource(poll_timeout=0), stop))
    try:
        await until(lambda: answered(harness, quiet) == [probe[0]["message"]["message_id"]] or running.done())
    finally:
        stop.set()
        await running
    assert answered(harness, quiet) == [probe[0]["message"]["message_id"]]


async def test_a_stop_with_a_backlog_leaves_it_for_the_restart_which_applies_each_once(
    harness, quiet, monkeypatch, tmp_path, telegram, clock
):
    stuck = Stuck(harness.app, harness.group)
    busy, calm = help_from(harness, harness.group, 5), help_from(harness, quiet, 3)
    feed = Feed(harness.app, [[*busy, *calm]])
    monkeypatch.setattr(type(harness.app.bot), "get_updates", feed)
    stop = asyncio.Event()
    running = asyncio.create_task(receive_and_apply(Inbox(harness.app, grace=0), PollingSource(poll_timeout=0), stop))
    await until(lambda: len(answered(harness, quiet)) == 3 and stuck.entered)
    stop.set()
    async with asyncio.timeout(WAIT):  # the stuck handler is cancelled, not awaited
        await running
    assert answered(harness, harness.group) == []
    await harness.app.shutdown()

    restarted = build_application(
        make_config(harness.app.services.config.database, site_dir=tmp_path / "site"), request=EmulatorRequest(telegram), clock=clock, rate_limiter=False
    )
    async with restarted:
        assert await Inbox(restarted).apply_pending() == 5
    assert answered(harness, harness.group) == [update["message"]["message_id"] for update in busy]
    for chat in (quiet, harness.group):
        assert set(Counter(answered(harness, chat)).values()) == {1}
    await harness.app.initialize()
