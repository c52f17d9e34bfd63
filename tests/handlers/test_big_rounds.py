"""A round of hundreds of long ideas: every message of the ballot and of the results is
within Telegram's 4,096 units, and the results chart is a photo Telegram accepts."""

from __future__ import annotations

import struct

import pytest
from telegram.constants import MessageLimit

from bot.app import build_application
from bot.demo.emulator.request import EmulatorRequest
from bot.demo.emulator.telegram import FakeTelegram
from bot.domain.text_limits import visible_length
from bot.render.charts import MAX_BARS
from tests.support.harness import Harness, make_config, reference_spec
from tests.support.round_helpers import poll_ids, round_with_ideas


@pytest.fixture
def telegram(clock, tmp_path) -> FakeTelegram:
    """The emulator keeping the files the bot sends, to read the chart back."""
    return FakeTelegram(reference_spec(), clock=clock, files_dir=tmp_path / "sent")


@pytest.fixture
async def harness(database, telegram, clock):
    app = build_application(make_config(database), request=EmulatorRequest(telegram),
                            clock=clock, rate_limiter=False)  # fmt: skip
    async with app:
        yield Harness(app, telegram, clock)
    assert telegram.violations == []


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk, as Telegram reads them."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def within_photo_rules(width: int, height: int) -> bool:
    return width + height <= 10_000 and max(width, height) / min(width, height) <= 20


async def voted_and_closed(harness, count: int) -> None:
    """A round of ``count`` ideas of 1,000 characters; one neighbour ticks every idea in
    every poll, another the first idea of each poll, then the round closes."""
    round_ = await round_with_ideas(harness, [f"{index:04d} " + "w" * 995 for index in range(count)])
    await harness.send(harness.facilitator, "/vote")
    for poll_id in await poll_ids(harness, round_):
        options = len(harness.telegram.polls[poll_id]["options"])
        await harness.vote(harness.residents[0], poll_id, list(range(options)))
        await harness.vote(harness.residents[1], poll_id, [0])
    await harness.send(harness.facilitator, "/close now")


@pytest.mark.parametrize(("ideas", "caption_more"), [(MAX_BARS - 1, None), (MAX_BARS, None), (MAX_BARS + 1, "and 1 more idea"), (250, "and 230 more ideas")])
async def test_results_chart_shows_the_top_ideas_and_obeys_the_photo_rules(harness, ideas, caption_more):
    await voted_and_closed(harness, ideas)
    assert all(visible_length(params["text"]) <= MessageLimit.MAX_TEXT_LENGTH for params in harness.telegram.sent())
    [photo] = harness.telegram.sent("sendPhoto")
    [sent] = harness.telegram.files
    width, height = png_size(sent.path.read_bytes())
    assert within_photo_rules(width, height)
    assert "more idea" not in photo["caption"] if caption_more is None else caption_more in photo["caption"]
