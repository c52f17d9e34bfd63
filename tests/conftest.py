"""Shared fixtures: a harness around the real Application, checked against the Bot API reference."""

from __future__ import annotations

import os

import pytest

from bot.app import build_application
from bot.demo.emulator.request import EmulatorRequest
from bot.demo.emulator.telegram import FakeTelegram
from bot.runtime.clock import FakeClock
from tests.support.databases import drop_database, fresh_database
from tests.support.harness import Harness, make_config, reference_spec


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``COPROD_TEST_SHARD=K/N`` keeps every Nth test from the Kth (1-based), so N processes
    run the suite between them (.ci/run: the PostgreSQL run mostly waits on round trips,
    so two at once use the cores it leaves idle)."""
    shard = os.environ.get("COPROD_TEST_SHARD", "")
    if not shard:
        return
    number, _, count = shard.partition("/")
    if not (number.isdigit() and count.isdigit() and 1 <= int(number) <= int(count)):
        raise pytest.UsageError(f"COPROD_TEST_SHARD={shard!r}: write K/N, 1 <= K <= N")
    kept, left = [], []
    for place, item in enumerate(items):
        (kept if place % int(count) == int(number) - 1 else left).append(item)
    config.hook.pytest_deselected(items=left)
    items[:] = kept


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
