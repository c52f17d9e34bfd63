"""Fixtures for end-to-end tests over loopback HTTP."""

from __future__ import annotations

import pytest

from bot.demo.emulator.server import EmulatorServer
from bot.demo.emulator.telegram import FakeTelegram
from tests.e2e.live import LiveBot
from tests.support.harness import reference_spec


@pytest.fixture
def server():
    telegram = FakeTelegram(reference_spec())
    with EmulatorServer(telegram) as running:
        yield running
    assert telegram.violations == [], "the bot made calls real Telegram would refuse"


@pytest.fixture
async def live(server, database, monkeypatch):
    monkeypatch.setattr("bot.runtime.retries.FIRST_BACKOFF", 0.01)
    bot = LiveBot(server, database)
    await bot.start()
    yield bot
    await bot.stop()
