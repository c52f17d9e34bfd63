"""Shared fixtures: a harness around the real Application, checked against the Bot API reference."""

from __future__ import annotations

import pytest

from bot.app import build_application
from bot.demo.emulator.request import EmulatorRequest
from bot.demo.emulator.telegram import FakeTelegram
from bot.runtime.clock import FakeClock
from tests.support.databases import drop_database, fresh_database
from tests.support.harness import Harness, make_config, reference_spec


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def database(tmp_path):
    """The test's database: a SQLite file, or a fresh PostgreSQL database when
    COPROD_TEST_DATABASE names a server (tests/support/databases.py)."""
    address = fresh_database(tmp_path)
    yield address
    drop_database(address)


@pytest.fixture
def telegram(clock: FakeClock) -> FakeTelegram:
    return FakeTelegram(reference_spec(), clock=clock)


@pytest.fixture
async def harness(database, telegram: FakeTelegram, clock: FakeClock):
    app = build_application(
        make_config(database),
        request=EmulatorRequest(telegram),
        clock=clock,
        rate_limiter=False,
    )
    async with app:
        yield Harness(app, telegram, clock)
    assert telegram.violations == [], "the bot made calls real Telegram would refuse"
