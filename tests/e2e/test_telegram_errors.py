"""Telegram errors never crash the bot; each is waited out, retried, or logged once."""

from __future__ import annotations

import asyncio
import dataclasses
import logging

import pytest
from telegram.error import BadRequest, Forbidden, TimedOut

from bot.app import build_application
from bot.demo.emulator.server import Fault
from bot.domain.errors import ConfigError
from bot.runtime.limiter import FairRateLimiter
from bot.runtime.updates.polling import PollingSource
from bot.runtime.updates.serve import serve
from handlers.errors import SOMETHING_WENT_WRONG
from tests.e2e.live import LiveBot
from tests.support.harness import make_config

HELLO = "Three ways to start"


def answers(live) -> int:
    return sum(HELLO in text for text in live.texts())


@pytest.fixture
def errors_reported(live):
    """Every error that reached the application's error handlers."""
    reported: list[BaseException] = []

    async def spy(_update: object, context) -> None:
        reported.append(context.error)

    live.app.add_error_handler(spy)
    return reported


async def test_flood_wait_is_waited_out_and_the_answer_sent_once(live, errors_reported):
    live.server.inject("sendMessage", Fault(429, "Too Many Requests: retry after 1", retry_after=1))
    live.send(live.residents[0], "/help")
    await live.until(lambda telegram: answers(live) == 1)
    assert [method for method, _params in live.server.refused] == ["sendMessage"]
    assert errors_reported == []


@pytest.mark.parametrize(
    "fault",
    [Fault(drop=True), Fault(500, "Internal Server Error"), Fault(502, "Bad Gateway", times=2)],
    ids=["connection dropped", "server error", "bad gateway twice"],
)
async def test_network_failures_are_retried_with_backoff(live, errors_reported, fault):
    failures = fault.times
    live.server.inject("sendMessage", fault)
    live.send(live.residents[0], "/help")
    await live.until(lambda telegram: answers(live) == 1)
    assert [method for method, _params in live.server.refused] == ["sendMessage"] * failures
    assert errors_reported == []


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault(403, "Forbidden: bot was blocked by the user"), Forbidden),
        (Fault(400, "Bad Request: message to be replied not found"), BadRequest),
    ],
    ids=["forbidden", "bad request"],
)
async def test_refusals_are_logged_once_and_the_bot_carries_on(live, errors_reported, caplog, fault, error):
    live.server.inject("sendMessage", fault)
    with caplog.at_level(logging.WARNING):
        live.send(live.residents[0], "/help")
        live.send(live.residents[1], "/help")
        await live.until(lambda telegram: answers(live) == 1)
    assert [type(reported) for reported in errors_reported] == [error]
    refusals = [record for record in caplog.records if "event=telegram_refused" in record.getMessage()]
    assert len(refusals) == 1 and refusals[0].exc_info is None
    assert not any(SOMETHING_WENT_WRONG.split(".")[0] in text for text in live.texts())


@pytest.mark.parametrize(
    "fault",
    [Fault(drop=True), Fault(500, "Internal Server Error", times=2), Fault(429, "Too Many Requests", retry_after=1)],
    ids=["connection dropped", "server error", "flood wait"],
)
async def test_polling_survives_get_updates_failures(live, fault):
    live.server.inject("getUpdates", fault)
    live.send(live.residents[0], "/help")  # fetched by the long poll already waiting
    await live.until(lambda telegram: answers(live) == 1)
    live.send(live.residents[1], "/help")  # the next polls fail first
    await live.until(lambda telegram: answers(live) == 2)
    assert {method for method, _params in live.server.refused} == {"getUpdates"}


class Flaky:
    """An outbound call that fails ``failures`` times with ``error`` before it succeeds."""

    def __init__(self, failures: int, error: Exception) -> None:
        self.failures, self.error, self.calls = failures, error, 0

    async def __call__(self, *args: object, **kwargs: object) -> bool:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return True


async def limited(call: Flaky, retries: int = 3) -> object:
    limiter = FairRateLimiter(network_retries=retries, first_backoff=0.001)
    await limiter.initialize()
    try:
        return await limiter.process_request(call, (), {}, "sendMessage", {"chat_id": 1}, None)
    finally:
        await limiter.shutdown()


async def test_timed_out_call_is_retried_until_it_succeeds():
    call = Flaky(2, TimedOut())
    assert await limited(call) is True
    assert call.calls == 3


async def test_retries_give_up_after_the_limit_and_raise():
    call = Flaky(10, TimedOut())
    with pytest.raises(TimedOut):
        await limited(call, retries=2)
    assert call.calls == 3


@pytest.mark.parametrize("error", [BadRequest("message is not modified"), Forbidden("bot was kicked")])
async def test_refusals_are_never_retried(error):
    call = Flaky(1, error)
    with pytest.raises(type(error)):
        await limited(call)
    assert call.calls == 1


async def test_unreachable_telegram_at_start_is_waited_out(server, database, monkeypatch):
    monkeypatch.setattr("bot.runtime.retries.FIRST_BACKOFF", 0.01)
    server.inject("getMe", Fault(drop=True, times=2))
    bot = LiveBot(server, database)
    await bot.start()
    try:
        bot.send(bot.residents[0], "/help")
        await bot.until(lambda telegram: answers(bot) == 1)
    finally:
        await bot.stop()
    assert [method for method, _params in server.refused] == ["getMe", "getMe"]


async def test_a_refused_token_stops_the_bot_with_one_clear_error(server, database):
    server.inject("getMe", Fault(401, "Unauthorized"))
    config = dataclasses.replace(make_config(database), api_url=server.url)
    with pytest.raises(ConfigError, match="Telegram refused the bot token") as refused:
        await serve(build_application(config), PollingSource(), asyncio.Event())
    assert config.token not in str(refused.value)  # it is printed as it is, where no log scrubbing reaches
