"""The benchmarks run end to end at tiny sizes (``python -m benchmarks --quick`` in miniature).

Only that they run and check what they measured: no timing is asserted here, since the
figures depend on the machine; ``benchmarks/README.md`` has the real numbers.
"""

from __future__ import annotations

import datetime as dt

import pytest

from benchmarks import (
    budgets,
    charts,
    due_summaries,
    ingest,
    notices,
    opinion_groups,
    pressure,
    site_build,
    startup,
    summary_build,
)
from benchmarks.report import table

pytestmark = pytest.mark.slow


def test_every_benchmark_runs_at_tiny_sizes_and_prints_its_row():
    figures = [
        summary_build.measure(rounds=3, ideas=30, ledger=60),
        ingest.measure_over_http(20),
        *startup.measure(groups=5, deadlines=10),
        due_summaries.measure(3, lead=dt.timedelta(seconds=3)),
        *pressure.measure(quiet=2, probes=2, flood=5, summaries=3, lead=dt.timedelta(seconds=3)),
        charts.measure(ideas=25, runs=1),
        *notices.measure(5),
        *site_build.measure(rounds=3, ideas=9, ledger=20),
        *opinion_groups.measure(participants=40, statements=12, probes=3),
        *budgets.measure_winners(projects=8, ballots=40),
        *budgets.measure_vote(4),
    ]
    printed = table(figures)
    assert len(figures) == 18  # every figure of `python -m benchmarks` is here
    assert len(printed.splitlines()) == 2 + len(figures)
    assert all(figure.name in printed for figure in figures)
    assert "3 delivered, 0 x 429" in printed
    assert "public page full build, 9 ideas / 3 rounds" in printed
    assert "same winners: yes" in printed and "12 taps answered" in printed
