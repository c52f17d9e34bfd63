"""The public page's charts: small hand-written SVG with real, escaped text in every language,
what members wrote in runs of its own direction, lines wrapped to the chart, text large
enough for a phone."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from bot.domain import i18n
from bot.domain.text_limits import shorten
from bot.render import charts, svg_bars, svg_text
from bot.render.chart_words import results_chart
from tests.render.test_charts import IDEAS, _results, _round

SVG = "{http://www.w3.org/2000/svg}"
MARKS = str.maketrans("", "", "\u200e\u200f\u2068\u2069")


def _texts(root: ET.Element) -> list[ET.Element]:
    return list(root.iter(f"{SVG}text"))


def _words(root: ET.Element) -> str:
    """Every text of the chart, one after another, without direction marks or line breaks."""
    return " ".join(" ".join("".join(element.itertext()).translate(MARKS).split()) for element in _texts(root))


def _plain(text: str) -> str:
    return " ".join(text.translate(MARKS).split())


@pytest.mark.parametrize("language", sorted(IDEAS))
def test_the_chart_has_the_title_and_every_ideas_words_as_text(language):
    question, texts = IDEAS[language]
    t = i18n.translator(language)
    chart = results_chart(t, _round(question), _results(texts))
    root = ET.fromstring(svg_bars.svg(chart))  # well-formed XML
    words = _words(root)
    assert _plain(question) in words and _plain(chart.axis) in words
    for text in texts:
        assert _plain(charts.visual(shorten(text, charts.LABEL_LENGTH))) in words
    for bar in chart.bars:
        assert _plain(bar.note) in words  # votes and share
    directions = {element.get("direction") for element in _texts(root)}
    assert directions == ({"rtl"} if language in ("ar", "ur") else {None})
    assert root.find(f"{SVG}title").text == _plain(chart.title)
    assert _plain(root.get("aria-label")) == _plain(chart.caption)  # what the chart shows, in words


def test_a_latin_idea_in_an_arabic_chart_is_a_left_to_right_run_ending_in_its_ellipsis():
    """The browser would otherwise move the "…" to the far end of the Arabic line."""
    idea = "Plant fruit trees along the canal path by the school"
    chart = results_chart(i18n.translator("ar"), _round("ماذا نفعل بالأرض الفارغة؟"), _results([idea, "نزرع حديقة"]))
    root = ET.fromstring(svg_bars.svg(chart))
    runs = [(span.get("direction"), span.get("unicode-bidi"), span.text) for span in root.iter(f"{SVG}tspan")]
    latin = [text for direction, isolate, text in runs if direction == "ltr" and isolate == "isolate"]
    assert "".join(latin).replace(" ", "") == shorten(idea, charts.LABEL_LENGTH).replace(" ", "")
    assert latin[-1].endswith("…")
    assert ("rtl", "isolate", "نزرع حديقة") in runs  # an Arabic idea is its own run too
    # Each line starts with the chart's direction mark: Chromium anchors a line by its first character.
    assert all(("".join(element.itertext()) or "\u200f")[0] == "\u200f" for element in _texts(root))


def test_an_arabic_idea_in_an_english_chart_is_a_right_to_left_run():
    chart = results_chart(i18n.translator("en"), _round("What first?"), _results(["نزرع حديقة للحي", "Bins"]))
    root = ET.fromstring(svg_bars.svg(chart))
    assert ("rtl", "نزرع حديقة للحي") in [(span.get("direction"), span.text) for span in root.iter(f"{SVG}tspan")]
    assert all("".join(element.itertext())[0] == "\u200e" for element in _texts(root))


def test_every_text_is_at_least_fifteen_units_in_a_chart_no_wider_than_a_phone_page():
    """360 units drawn at most 358 pixels wide (a 390-pixel phone): 15 units are over 14 pixels."""
    t = i18n.translator("en")
    chart = results_chart(t, _round("What should we do with the empty lot?"), _results(["Bench", "Bins", "Trees"]))
    root = ET.fromstring(svg_bars.svg(chart))
    assert root.get("width") == str(svg_bars.WIDTH) == "360"
    assert min(float(element.get("font-size")) for element in _texts(root)) >= 15
    assert 15 * 358 / 360 >= 14


@pytest.mark.parametrize("language", sorted(IDEAS))
def test_long_labels_are_wrapped_within_the_chart(language):
    question, _ = IDEAS[language]
    long_idea = "Plant fruit trees along the whole canal path, from the school to the old mill and back"
    chart = results_chart(i18n.translator(language), _round(question * 3), _results([long_idea, long_idea[::-1]]))
    root = ET.fromstring(svg_bars.svg(chart))
    room = svg_bars.WIDTH - 2 * svg_bars.MARGIN
    for element in _texts(root):
        line = "".join(element.itertext())
        assert svg_text.width(line, float(element.get("font-size")), bold=element.get("font-weight") == "bold") <= room
    assert len([element for element in _texts(root) if element.get("font-weight") == "bold"]) > 1  # the title wrapped


def test_wrapping_closes_an_isolate_at_the_end_of_a_line_and_opens_it_again():
    lines = svg_text.wrap("idea 4 · \u2068Plant fruit trees along the canal path\u2069 (4)", 150, 15)
    assert len(lines) > 1
    for line in lines:
        assert line.count("\u2068") == line.count("\u2069")
    assert "".join(lines).translate(MARKS).replace(" ", "") == "idea4·Plantfruittreesalongthecanalpath(4)"


def test_the_leading_idea_is_patterned_and_the_chart_fetches_nothing():
    chart = results_chart(i18n.translator("en"), _round("Which first?"), _results(["Bench", "Bins", "Trees"]))
    drawn = svg_bars.svg(chart)
    assert 'fill="url(#lead)"' in drawn and '<pattern id="lead"' in drawn
    assert "http://" not in drawn.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in drawn and "<image" not in drawn and "<script" not in drawn


def test_member_text_is_escaped():
    bait = "<script>alert(1)</script> & \"quotes\" \x00\x08 \u202e"
    chart = results_chart(i18n.translator("en"), _round(bait), _results([bait, "Bins"]))
    drawn = svg_bars.svg(chart)
    root = ET.fromstring(drawn)
    assert "<script" not in drawn and "\u202e" not in drawn
    assert "<script>alert(1)</script>" in root.find(f"{SVG}title").text
    assert any("<script>" in "".join(element.itertext()) for element in _texts(root))


def test_hours_and_paper_votes_are_drawn():
    bars = (charts.Bar("1. Bench", 7, "7 votes", highlighted=True, paper=2), charts.Bar("2. Bins", 2.5, "2:30"))
    chart = charts.BarChart("Title", "Hours and minutes (h:mm)", bars, "caption", hours=True, parts=("online", "on paper"))
    drawn = svg_bars.svg(chart)
    ET.fromstring(drawn)
    assert 'fill="url(#paper)"' in drawn and ">\u200eon paper<" in drawn and ">\u200e2:00<" in drawn


def test_the_axis_reaches_the_longest_bar_in_round_steps():
    assert svg_bars._ticks(7, whole=False) == [0, 2, 4, 6, 8]
    assert svg_bars._ticks(2, whole=True) == [0, 1, 2]
    assert svg_bars._ticks(1, whole=True) == [0, 1]
