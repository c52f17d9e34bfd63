"""Bar chart images for results and summaries, drawn with matplotlib off the event loop.

matplotlib is slow and blocking, so :func:`bar_chart` runs in a worker thread; the
Agg backend draws to memory with no display. Labels arrive already shortened and
translated; the chart itself holds no text of its own beyond what it is given.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Sequence

LABEL_LIMIT = 40


def _draw(title: str, labels: Sequence[str], values: Sequence[float], value_label: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure  # Figure, not pyplot: no global state between threads

    height = max(2.5, 0.45 * len(labels) + 1.2)
    figure = Figure(figsize=(7, height), dpi=100)
    axes = figure.subplots()
    shown = [label if len(label) <= LABEL_LIMIT else label[: LABEL_LIMIT - 1] + "…" for label in labels]
    positions = range(len(shown))
    axes.barh(list(positions), list(values), color="#3a7d44")
    axes.set_yticks(list(positions), shown)
    axes.invert_yaxis()
    axes.set_title(title)
    axes.set_xlabel(value_label)
    for position, value in zip(positions, values, strict=True):
        axes.annotate(f"{value:g}", (value, position), xytext=(3, 0), textcoords="offset points", va="center")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


async def bar_chart(title: str, labels: Sequence[str], values: Sequence[float], value_label: str) -> bytes:
    """A horizontal bar chart as PNG bytes; an empty series is the caller's to skip."""
    return await asyncio.to_thread(_draw, title, labels, values, value_label)
