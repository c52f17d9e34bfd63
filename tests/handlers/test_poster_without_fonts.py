"""On a machine without the poster's fonts, /poster says so instead of failing."""

from __future__ import annotations

from bot.render import print_text
from tests.support.ideas_helpers import open_round


async def test_without_the_fonts_poster_is_refused_and_nothing_is_sent(harness, tmp_path, monkeypatch):
    monkeypatch.setattr(print_text, "FONTS_DIR", tmp_path / "no-fonts")
    await open_round(harness)
    await harness.send(harness.facilitator, "/poster")
    assert "the poster's fonts are not installed" in harness.last_text()
    assert harness.telegram.sent("sendDocument") == [] and harness.telegram.sent("sendPhoto") == []
