"""One benchmark figure and the table they are printed in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    """A measured value, its baseline from the same run, and whether it meets its target.

    ``ratio`` is ``value / baseline`` for throughputs, ``value - baseline`` (the extra) for
    costs measured against an empty or bare baseline; ``target`` says which.
    """

    name: str
    value: str
    baseline: str
    ratio: str
    target: str
    passed: bool


COLUMNS = ("figure", "value", "baseline (same run)", "ratio / extra", "target", "result")


def table(figures: Sequence[Figure]) -> str:
    """A plain-text table, one row per figure, columns padded to line up."""
    rows = [COLUMNS] + [
        (f.name, f.value, f.baseline, f.ratio, f.target, "pass" if f.passed else "FAIL") for f in figures
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(len(COLUMNS))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def throughput(name: str, rate: float, baseline: float, baseline_label: str, minimum: float) -> Figure:
    """A rate against its baseline's rate; passes when ``rate / baseline >= minimum``."""
    ratio = rate / baseline
    return Figure(name, f"{rate:,.0f}/s", f"{baseline:,.0f}/s {baseline_label}", f"{ratio:.2f}",
                  f">= {minimum:.2f}", ratio >= minimum)  # fmt: skip


def extra(name: str, value: float, baseline: float, baseline_label: str, maximum: float, unit: str) -> Figure:
    """A cost against an empty or bare baseline; passes when ``value - baseline <= maximum``."""
    return Figure(name, f"{value:.2f} {unit}", f"{baseline:.2f} {unit} {baseline_label}",
                  f"+{value - baseline:.2f} {unit}", f"<= +{maximum:.0f} {unit}", value - baseline <= maximum)  # fmt: skip
