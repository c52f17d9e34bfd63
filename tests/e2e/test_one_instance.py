"""One bot per database, one poller per token: a second one stops at once with one clear line."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from bot.app import build_application
from bot.demo.emulator.server import Fault
from bot.domain.errors import ConfigError
from bot.runtime.updates.polling import PollingSource
from bot.runtime.updates.serve import serve
from tests.e2e.live import WAIT
from tests.support.harness import make_config

CONFLICT = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"


async def test_second_bot_on_the_same_database_stops_at_once(live, server):
    config = dataclasses.replace(make_config(live.database), api_url=server.url)
    second = build_application(config, rate_limiter=False)
    with pytest.raises(ConfigError, match="already running"):
        await asyncio.wait_for(serve(second, PollingSource(), asyncio.Event()), WAIT)


async def test_a_bot_restarted_after_the_first_stopped_may_run(live):
    await live.stop()
    await live.start()


async def test_conflict_with_another_poller_stops_the_bot_instead_of_retrying(server, database):
    server.inject("getUpdates", Fault(status=409, description=CONFLICT, times=1000))
    config = dataclasses.replace(make_config(database), api_url=server.url)
    application = build_application(config, rate_limiter=False)
    with pytest.raises(ConfigError, match="another process is polling"):
        await asyncio.wait_for(serve(application, PollingSource(), asyncio.Event()), WAIT)
    assert len(server.refused) == 1
