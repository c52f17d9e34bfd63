"""Figure 3: building a summary for a group with a long history (the queries + the pure builder)."""

from __future__ import annotations

import asyncio
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks import seed
from benchmarks.report import Figure
from bot.domain.summary import build, period_start
from storage import groups, open_database
from storage import summary as stored

RUNS = 5
TARGET_MS = 50.0


async def build_times(path: Path, now: dt.datetime, runs: int = RUNS) -> list[float]:
    """Seconds each of ``runs`` builds took, on the bot's own database connection."""
    database = await open_database(path)
    try:
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            async with database.read() as conn:
                group = await groups.get(conn, 1)
                activity = await stored.activity(conn, group, since=period_start(group), until=now)
            build(activity)
            times.append(time.perf_counter() - started)
        return times
    finally:
        await database.close()


def measure(*, rounds: int = 100, ideas: int = 5000, ledger: int = 50_000) -> Figure:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    with tempfile.TemporaryDirectory(prefix="bench-summary-") as folder:
        path = Path(folder) / "history.sqlite3"
        seed.history(path, now, rounds=rounds, ideas=ideas, ledger=ledger)
        median = statistics.median(asyncio.run(build_times(path, now))) * 1000
    return Figure(
        name=f"summary build, {ideas:,} ideas / {rounds} rounds / {ledger:,} ledger entries",
        value=f"{median:.1f} ms (median of {RUNS})",
        baseline="(absolute)",
        ratio="-",
        target=f"<= {TARGET_MS:.0f} ms",
        passed=median <= TARGET_MS,
    )
