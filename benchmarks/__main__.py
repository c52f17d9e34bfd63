"""``python -m benchmarks [--quick] [--only NAME ...]``: every figure, one table.

Exit status 0 when every figure meets its target, 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from benchmarks import (
    budgets,
    charts,
    due_summaries,
    ingest,
    notices,
    opinion_groups,
    pressure,
    scale,
    site_build,
    startup,
    summary_build,
)
from benchmarks.report import Figure, table


@dataclass(frozen=True)
class Sizes:
    ideas_http: int
    rounds: int
    ideas: int
    chart_ideas: int
    ledger: int
    groups: int
    deadlines: int
    due_summaries: int
    quiet_groups: int
    probes: int
    flood: int
    notices: int
    participants: int  # a statements round's voters
    statements: int
    budget_ballots: int
    budget_members: int


FULL = Sizes(ideas_http=3000, rounds=100, ideas=5000, chart_ideas=200, ledger=50_000, groups=10_000, deadlines=20_000,
             due_summaries=1000, quiet_groups=50, probes=50, flood=300, notices=1000, participants=3000,
             statements=500, budget_ballots=5000, budget_members=5000)  # fmt: skip
QUICK = Sizes(ideas_http=500, rounds=20, ideas=1000, chart_ideas=200, ledger=5000, groups=1000, deadlines=2000,
              due_summaries=100, quiet_groups=10, probes=10, flood=100, notices=200, participants=1000,
              statements=200, budget_ballots=5000, budget_members=500)  # fmt: skip


def benchmarks(sizes: Sizes) -> dict[str, Callable[[], list[Figure]]]:
    """Each benchmark by name, measuring its figures (with their baselines) when called."""
    return {
        "http": lambda: [ingest.measure_over_http(sizes.ideas_http)],
        "summary": lambda: [summary_build.measure(rounds=sizes.rounds, ideas=sizes.ideas, ledger=sizes.ledger)],
        "chart": lambda: [charts.measure(sizes.chart_ideas)],
        "start-up": lambda: startup.measure(groups=sizes.groups, deadlines=sizes.deadlines),
        "due-summaries": lambda: [due_summaries.measure(sizes.due_summaries)],
        "pressure": lambda: pressure.measure(quiet=sizes.quiet_groups, probes=sizes.probes, flood=sizes.flood,
                                             summaries=sizes.due_summaries),
        "notices": lambda: notices.measure(sizes.notices),
        "site": lambda: site_build.measure(rounds=sizes.rounds, ideas=sizes.ideas, ledger=sizes.ledger),
        "scale": lambda: scale.measure(ideas_http=sizes.ideas_http, replicated=sizes.ideas_http, groups=sizes.groups,
                                       deadlines=sizes.deadlines),
        "opinion-groups": lambda: opinion_groups.measure(sizes.participants, sizes.statements),
        "budget-winners": lambda: budgets.measure_winners(projects=100, ballots=sizes.budget_ballots),
        "budget-vote": lambda: budgets.measure_vote(sizes.budget_members),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Every figure with its baseline from the same run, in one table; "
        "exit status 0 when every target is met.",
    )
    parser.add_argument("--quick", action="store_true", help="smaller sizes, a faster run (targets still apply)")
    parser.add_argument("--only", nargs="+", metavar="NAME", choices=list(benchmarks(FULL)),
                        help="run only these: %(choices)s")  # fmt: skip
    options = parser.parse_args(argv)
    chosen = benchmarks(QUICK if options.quick else FULL)
    figures: list[Figure] = []
    for name, run in chosen.items():
        if options.only and name not in options.only:
            continue
        started = time.monotonic()
        print(f"running {name} ...", file=sys.stderr, flush=True)
        figures += run()
        print(f"  {name} took {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    print(table(figures))
    return 0 if all(figure.passed for figure in figures) else 1


if __name__ == "__main__":
    raise SystemExit(main())
