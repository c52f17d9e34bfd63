"""The public page's charts: small hand-written SVG with real, escaped text in every language."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from bot.domain import i18n
from bot.domain.text_limits import shorten
from bot.render import charts, svg_bars
from bot.render.chart_words import results_chart
from tests.render.test_charts import IDEAS, _results, _round

SVG = "{http://www.w3.org/2000/svg}"


def _texts(root: ET.Element) -> list[ET.Element]:
    return list(root.iter(f"{SVG}text"))


@pytest.mark.parametrize("language", sorted(IDEAS))
def test_the_chart_has_the_title_and_every_ideas_words_as_text(language):
    question, texts = IDEAS[language]
    t = i18n.translator(language)
    chart = results_chart(t, _round(question), _results(texts))
    root = ET.fromstring(svg_bars.svg(chart))  # well-formed XML
    words = " ".join("".join(element.itertext()) for element in _texts(root))
    assert question in words and chart.axis in words
    for text in texts:
        assert charts.visual(shorten(text, charts.LABEL_LENGTH)) in words
    for bar in chart.bars:
        assert bar.note in words  # votes and share
    directions = {element.get("direction") for element in _texts(root)}
    assert directions == ({"rtl"} if language in ("ar", "ur") else {None})
    assert root.find(f"{SVG}title").text == chart.title


def test_the_leading_idea_is_patterned_and_the_chart_fetches_nothing():
    chart = results_chart(i18n.translator("en"), _round("Which first?"), _results(["Bench", "Bins", "Trees"]))
    drawn = svg_bars.svg(chart).decode()
    assert 'fill="url(#lead)"' in drawn and '<pattern id="lead"' in drawn
    assert "http://" not in drawn.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in drawn and "<image" not in drawn and "<script" not in drawn


def test_member_text_is_escaped():
    bait = "<script>alert(1)</script> & \"quotes\" \x00\x08"
    chart = results_chart(i18n.translator("en"), _round(bait), _results([bait, "Bins"]))
    drawn = svg_bars.svg(chart)
    root = ET.fromstring(drawn)
    assert b"<script" not in drawn
    assert "<script>alert(1)</script>" in root.find(f"{SVG}title").text
    assert any("<script>" in "".join(element.itertext()) for element in _texts(root))


def test_hours_and_paper_votes_are_drawn():
    bars = (charts.Bar("1. Bench", 7, "7 votes", highlighted=True, paper=2), charts.Bar("2. Bins", 2.5, "2:30"))
    chart = charts.BarChart("Title", "Hours and minutes (h:mm)", bars, "caption", hours=True, parts=("online", "on paper"))
    drawn = svg_bars.svg(chart).decode()
    ET.fromstring(drawn)
    assert 'fill="url(#paper)"' in drawn and ">on paper<" in drawn and ">2:00<" in drawn


def test_the_axis_reaches_the_longest_bar_in_round_steps():
    assert svg_bars._ticks(7, whole=False) == [0, 2, 4, 6, 8]
    assert svg_bars._ticks(2, whole=True) == [0, 1, 2]
    assert svg_bars._ticks(1, whole=True) == [0, 1]
