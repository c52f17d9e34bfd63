"""Figure: a results chart for a round of 200 ideas, words and all, rendered to PNG.

The bot draws the top 20 and says "and 180 more", so the cost must not grow with the
round; the first drawing (fonts loaded, matplotlib imported) is timed apart from the rest.
"""

from __future__ import annotations

import statistics
import time
from types import SimpleNamespace

from benchmarks.report import Figure
from bot.domain import i18n
from bot.domain.decisions import Tally
from bot.domain.decisions.approval import rank
from bot.render import charts
from bot.render.chart_words import results_chart

RUNS = 5
TARGET_MS = 1000.0


def _chart(ideas: int, language: str) -> charts.BarChart:
    tallies = [Tally(n, n, f"Idea {n}: plant trees along the street 🌳 Żółta ławka", (n * 37) % 50) for n in range(1, ideas + 1)]
    round_ = SimpleNamespace(number=7, question="What should the neighbourhood do first this spring?")
    return results_chart(i18n.translator(language), round_, rank(tallies, 60))  # type: ignore[arg-type]


def render_times(ideas: int, runs: int = RUNS, language: str = "en") -> tuple[float, list[float]]:
    """Seconds for the first rendering and for each of ``runs`` more, words composed each time."""
    started = time.perf_counter()
    charts.png_now(_chart(ideas, language))
    first = time.perf_counter() - started
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        charts.png_now(_chart(ideas, language))
        times.append(time.perf_counter() - started)
    return first, times


def measure(ideas: int = 200, runs: int = RUNS) -> Figure:
    first, times = render_times(ideas, runs, "ar")
    median = statistics.median(times) * 1000
    return Figure(
        name=f"results chart PNG, {ideas:,} ideas (top 20 drawn, Arabic, words composed)",
        value=f"{median:.0f} ms (median of {runs})",
        baseline=f"{first * 1000:.0f} ms first (fonts loaded)",
        ratio="-",
        target=f"<= {TARGET_MS:.0f} ms",
        passed=median <= TARGET_MS,
    )
