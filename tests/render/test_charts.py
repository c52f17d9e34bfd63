"""Charts speak: titles, the ideas' words, counts and shares, in every language the bot speaks."""

from __future__ import annotations

import datetime as dt
import re
import struct
from types import SimpleNamespace

import pytest

from bot.domain import i18n
from bot.domain.decisions import Tally
from bot.domain.decisions.approval import rank
from bot.domain.text_limits import shorten
from bot.render import charts
from bot.render.chart_words import hours_chart, results_chart

IDEAS = {
    "en": ("What should we fix first?", ["Fix the bench by the bus stop 🚌", "More bins near the playground"]),
    "pl": ("Co najpierw naprawić na Źródlanej?", ["Żółta ławka przy przystanku", "Więcej koszy na śmieci 🌳"]),
    "ur": ("گلی میں سب سے پہلے کیا ٹھیک کریں؟", ["بس اسٹاپ کے پاس بینچ ٹھیک کریں", "مزید کوڑے دان 🌳"]),
    "ar": ("ما الذي يجب أن نصلحه أولاً؟", ["إصلاح المقعد بجانب الموقف 🚌", "المزيد من صناديق القمامة"]),
}


def _round(question: str) -> SimpleNamespace:
    return SimpleNamespace(number=3, question=question)


def _results(texts: list[str], voters: int = 5):
    return rank([Tally(index, index, text, (index * 7) % 5 + 1) for index, text in enumerate(texts, 1)], voters)


def _svg_text(image: bytes) -> str:
    """matplotlib writes each text as a comment beside its glyph paths."""
    return " ".join(re.findall(r"<!-- (.*?) -->", image.decode()))


def _png_size(image: bytes) -> tuple[int, int]:
    return struct.unpack(">II", image[16:24])


@pytest.mark.parametrize("language", sorted(IDEAS))
async def test_results_chart_shows_the_title_and_the_ideas_words_in_the_groups_language(language):
    question, texts = IDEAS[language]
    t = i18n.translator(language)
    chart = results_chart(t, _round(question), _results(texts))
    drawn = _svg_text(await charts.svg(chart))
    assert question in drawn
    for text in texts:
        assert shorten(text, charts.LABEL_LENGTH) in drawn
    assert t.percent(0.6) in drawn
    assert not charts.missing_glyphs(chart.title + "".join(bar.label + bar.note for bar in chart.bars))


@pytest.mark.parametrize("language", sorted(IDEAS))
def test_every_character_of_the_fixtures_has_a_glyph(language):
    question, texts = IDEAS[language]
    assert charts.missing_glyphs(question + "".join(texts) + "❤️👍🏽🎨") == set()


def test_control_characters_a_member_pasted_are_left_out_of_the_drawing():
    # drawn, "\x8c" made matplotlib warn of a missing glyph (an error under the test settings)
    chart = results_chart(i18n.translator("en"), _round("Which\x07 one?"), _results(["Idea \x8c\x1b here", "Other\x7f"]))
    assert charts.png_now(chart)[:4] == b"\x89PNG"
    assert charts.missing_glyphs("Idea \x8c\x1b here\x7f") == set()


def test_a_character_no_font_has_is_reported_as_missing():
    assert charts.missing_glyphs("\U000e0100\u4e00") != set()


def test_a_character_no_font_has_is_drawn_as_a_replacement_not_a_warning():
    # a proposal in Chinese put to a group whose chart fonts have none: drawn, each made
    # matplotlib warn of a missing glyph (an error under the test settings)
    chart = results_chart(i18n.translator("en"), _round("\U000272c3 选哪个?"), _results(["一个想法", "Idea 2"]))
    assert charts.png_now(chart)[:4] == b"\x89PNG"
    assert charts.visual("选 a\U000272c3") == "\ufffd a\ufffd"


def test_right_to_left_groups_get_a_mirrored_chart():
    question, texts = IDEAS["ar"]
    assert results_chart(i18n.translator("ar"), _round(question), _results(texts)).rtl
    assert not results_chart(i18n.translator("pl"), _round(question), _results(texts)).rtl


async def test_two_hundred_ideas_show_the_top_twenty_and_and_n_more_within_telegrams_limits():
    t = i18n.translator("en")
    chart = results_chart(t, _round("Which?"), _results([f"Idea {n}" for n in range(1, 201)], voters=9))
    assert len(chart.bars) == 20
    assert chart.more == "and 180 more ideas"
    width, height = _png_size(await charts.png(chart))
    assert charts.within_photo_limits(width, height)
    assert len(chart.caption) <= 1024
    assert "and 180 more ideas" in chart.caption


def test_photo_limits_follow_telegrams_rules():
    assert charts.within_photo_limits(960, 2400)
    assert not charts.within_photo_limits(100, 2001)  # ratio above 20
    assert not charts.within_photo_limits(5000, 5001)  # sides above 10,000


def test_the_caption_says_in_words_what_the_chart_shows():
    t = i18n.translator("en")
    chart = results_chart(t, _round("What first?"), _results(["Fix the bench", "More bins"]))
    assert chart.caption.startswith("Bar chart of the votes for each idea in round #3, “What first?”")
    assert "2nd · idea 1 · Fix the bench: 3 votes (60%)." in chart.caption


def test_leading_ideas_are_marked_by_a_pattern_not_only_by_colour():
    chart = results_chart(i18n.translator("en"), _round("Q"), _results(["A", "B"]))
    assert [bar.highlighted for bar in chart.bars] == [True, False]


async def test_hours_are_shown_in_hours_and_minutes_and_weeks_by_their_date():
    t = i18n.translator("pl")
    chart = hours_chart(t, [(dt.date(2026, 11, 2), 216)])
    assert chart.bars[0].note == "3 godziny 36 minut"
    assert "2 lis" in chart.bars[0].label
    assert chart.hours
    drawn = _svg_text(await charts.svg(chart))
    assert "3:00" in drawn and "3 godziny 36 minut" in drawn


async def test_paper_votes_have_their_own_hatched_part_and_legend():
    chart = charts.BarChart(title="T", axis="Votes", caption="c", parts=("online", "on paper"),
                            bars=(charts.Bar("1. A", 5, "5 votes", paper=2),))  # fmt: skip
    assert "on paper" in _svg_text(await charts.svg(chart))
