"""Charts carry numbers only; words go in captions, where Telegram renders every script."""

from __future__ import annotations

import pytest

from bot.runtime.charts import bar_chart


async def test_chart_is_a_png_of_the_given_bars():
    image = await bar_chart(["#1", "#2", "#3"], [5, 3, 0])
    assert image.startswith(b"\x89PNG\r\n\x1a\n")


async def test_chart_refuses_words_that_it_could_not_draw_in_every_script():
    with pytest.raises(ValueError):
        await bar_chart(["مرحبا"], [1])
