"""Bar chart images for results and summaries, drawn with matplotlib off the event loop.

The image carries no words, only numbers and short Latin-digit labels ("#3", "2026-11-02"):
matplotlib neither shapes Arabic nor joins Urdu, and a font with every script may not be
installed. The words (title, idea texts) go in the message caption and the results text,
where Telegram renders every language properly. matplotlib is slow and blocking, so the
drawing runs in a worker thread on the Agg backend (no display, no pyplot global state).
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Sequence

MAX_BARS = 20  # callers show the leading ones and say how many more there are
# Telegram refuses a photo whose width + height exceeds 10,000 px or whose sides differ
# more than 20 times; a chart of MAX_BARS bars is 600 x 900 px, far inside both.
MAX_SIDES = 10_000
MAX_RATIO = 20
DPI = 100
WIDTH_INCHES = 6.0


def _draw(labels: Sequence[str], values: Sequence[float]) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    height = max(2.0, 0.4 * len(labels) + 1.0)
    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI)
    axes = figure.subplots()
    positions = list(range(len(labels)))
    axes.barh(positions, list(values), color="#3a7d44")
    axes.set_yticks(positions, list(labels))
    axes.invert_yaxis()
    axes.spines[["top", "right"]].set_visible(False)
    # Votes are whole numbers; hours may not be.
    axes.xaxis.set_major_locator(MaxNLocator(integer=all(float(v).is_integer() for v in values)))
    for position, value in zip(positions, values, strict=True):
        axes.annotate(f"{value:g}", (value, position), xytext=(3, 0), textcoords="offset points", va="center")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


async def bar_chart(labels: Sequence[str], values: Sequence[float]) -> bytes:
    """A horizontal bar chart as PNG bytes; labels must be digits and ASCII (see module doc),
    at most :data:`MAX_BARS` of them, so the image stays within Telegram's photo limits."""
    if not all(label.isascii() for label in labels):
        raise ValueError("chart labels carry no words; put text in the caption")
    if len(labels) > MAX_BARS:
        raise ValueError(f"{len(labels)} bars: show the leading {MAX_BARS} and count the rest in the caption")
    return await asyncio.to_thread(_draw, labels, values)
