"""The fair rate limiter against an emulator that enforces Telegram's limits strictly.

Real time, since flood limits are about the wall clock; every wait here is a few seconds
at most, and what should not happen is checked with a short timeout.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.app import build_application
from bot.demo.emulator.flood import FloodLimits
from bot.demo.emulator.request import EmulatorRequest
from bot.demo.emulator.telegram import FakeTelegram, TelegramError
from bot.runtime.limiter import FairRateLimiter, SendJournal
from bot.runtime.outbound import Priority, sending_as
from tests.support.harness import Harness, make_config, reference_spec

GROUP_A, GROUP_B = -1001, -1002


@pytest.fixture
def limits():
    return FloodLimits()


@pytest.fixture
def telegram(clock, limits):
    return FakeTelegram(reference_spec(), clock=clock, flood_limits=limits)


async def limited_app(database, telegram, clock, limiter):
    app = build_application(
        make_config(database), request=EmulatorRequest(telegram), clock=clock, rate_limiter=limiter
    )
    owner = telegram.person(101, "Fatima")
    for chat_id in (GROUP_A, GROUP_B):
        telegram.group(chat_id, f"Street {chat_id}", owner=owner)
    return app


async def sent_within(seconds: float, call) -> bool:
    try:
        await asyncio.wait_for(call, seconds)
    except TimeoutError:
        return False
    return True


async def test_a_flood_wait_in_one_group_pauses_only_that_group(database, telegram, clock, monkeypatch):
    app = await limited_app(database, telegram, clock, FairRateLimiter(first_backoff=0.01))
    async with app:
        refuse = True
        original = telegram._api_sendMessage

        def send(params):
            if refuse and int(params["chat_id"]) == GROUP_A:
                raise TelegramError(429, "Too Many Requests: retry after 30", retry_after=30)
            return original(params)

        monkeypatch.setattr(telegram, "_api_sendMessage", send)
        waiting = asyncio.create_task(app.bot.send_message(GROUP_A, "into the busy group"))
        await asyncio.sleep(0.1)
        started = time.monotonic()
        assert await sent_within(2, app.bot.send_message(GROUP_B, "into a quiet group"))
        assert time.monotonic() - started < 1
        assert not waiting.done()  # group A waits out its 30 seconds
        waiting.cancel()


async def test_a_group_gets_twenty_messages_in_a_minute_and_not_one_more(database, telegram, clock, limits):
    app = await limited_app(database, telegram, clock, FairRateLimiter())
    async with app:
        for number in range(20):
            await app.bot.send_message(GROUP_A, f"message {number}")
        # a leaky bucket would let the 21st through after three seconds; a sliding window does not
        assert not await sent_within(3.5, app.bot.send_message(GROUP_A, "the twenty-first"))
        assert await sent_within(1, app.bot.send_message(GROUP_B, "another group is not held up"))
    assert limits.refused == 0
    assert limits.worst_minute(GROUP_A) == 20


async def test_a_backlog_in_one_chat_does_not_delay_another_chats_reply(database, telegram, clock, limits):
    app = await limited_app(database, telegram, clock, FairRateLimiter())
    for person_id in (555, 556):
        telegram.private_chat(telegram.person(person_id, f"Neighbour {person_id}"))
    async with app:
        with sending_as(Priority.SCHEDULED):
            backlog = [asyncio.create_task(app.bot.send_message(GROUP_A, f"post {n}")) for n in range(200)]
            private = [asyncio.create_task(app.bot.send_message(555, f"notice {n}")) for n in range(50)]
        await asyncio.sleep(0.2)
        started = time.monotonic()
        assert await sent_within(2, app.bot.send_message(GROUP_B, "a reply"))
        assert await sent_within(2, app.bot.send_message(556, "a private reply"))
        assert time.monotonic() - started < 1.5
        for task in backlog + private:
            task.cancel()
    assert limits.refused == 0


async def test_answers_to_members_go_before_scheduled_posts(database, telegram, clock):
    limiter = FairRateLimiter(group_limit=2, group_period=1.0)
    app = await limited_app(database, telegram, clock, limiter)
    async with app:
        await app.bot.send_message(GROUP_A, "one")
        await app.bot.send_message(GROUP_A, "two")  # the window is full now
        with sending_as(Priority.SCHEDULED):
            scheduled = asyncio.create_task(app.bot.send_message(GROUP_A, "a summary"))
        await asyncio.sleep(0.05)
        reply = asyncio.create_task(app.bot.send_message(GROUP_A, "an answer"))
        await asyncio.gather(scheduled, reply)
    texts = telegram.texts(GROUP_A)
    assert texts.index("an answer") < texts.index("a summary")


async def test_refusals_leave_a_group_its_last_slots(database, telegram, clock):
    app = await limited_app(database, telegram, clock, FairRateLimiter())
    async with app:
        for number in range(15):
            await app.bot.send_message(GROUP_A, f"message {number}")
        with sending_as(Priority.HINT):
            assert not await sent_within(1, app.bot.send_message(GROUP_A, "that is not a number"))
        for number in range(5):  # real messages still have their five
            assert await sent_within(1, app.bot.send_message(GROUP_A, f"real {number}"))


async def test_after_a_restart_the_limiter_remembers_what_it_just_sent(database, tmp_path, telegram, clock, limits):
    journal_path = tmp_path / "coprod.sqlite3.sends"
    first = await limited_app(database, telegram, clock, FairRateLimiter(journal=SendJournal(journal_path)))
    async with first:
        for number in range(20):
            await first.bot.send_message(GROUP_A, f"before {number}")
    # as after kill -9: a new process, a new limiter, only the journal on disk
    second = build_application(
        make_config(database), request=EmulatorRequest(telegram), clock=clock,
        rate_limiter=FairRateLimiter(journal=SendJournal(journal_path)),
    )  # fmt: skip
    async with second:
        assert not await sent_within(1, second.bot.send_message(GROUP_A, "straight after the restart"))
        assert await sent_within(1, second.bot.send_message(GROUP_B, "a group it did not write to"))
    assert limits.refused == 0


async def test_a_flood_in_one_group_never_keeps_help_in_another_waiting(database, telegram, clock, limits):
    """Three members send bad commands in a burst into one group; /help in another group
    is answered at once, and the busy group never gets more than Telegram allows."""
    app = await limited_app(database, telegram, clock, FairRateLimiter())
    async with app:
        harness = Harness(app, telegram, clock)
        harness.group = telegram.chats[GROUP_A]
        people = [telegram.person(200 + n, f"Neighbour {n}") for n in range(3)]
        flood = [
            asyncio.create_task(harness.send(people[n % 3], "/withdraw banana")) for n in range(40)
        ]
        await asyncio.sleep(3.5)  # past the moment a leaky bucket would send the busy group a 21st
        started = time.monotonic()
        assert await sent_within(3, harness.send(people[0], "/help", chat=telegram.chats[GROUP_B]))
        assert time.monotonic() - started < 2
        assert telegram.texts(GROUP_B)  # the help went out
        for task in flood:
            task.cancel()
        await asyncio.gather(*flood, return_exceptions=True)
    assert limits.refused == 0
    assert limits.worst_minute(GROUP_A) <= 20
