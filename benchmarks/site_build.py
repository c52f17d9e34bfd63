"""Figures: a group's public page with a long history, built from nothing and then followed.

The group of :func:`benchmarks.seed.history` (100 rounds, 5,000 ideas, the ledger) turns
its page on. "Full" is ``python -m bot site`` on an empty folder: every page written and
every round's chart drawn as SVG. "Incremental" is what the bot does after one outcome is
recorded: that round's page and the index rebuilt, on the bot's own database connection,
where only the changed files are written (round 1, closed, with its chart)."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks import seed
from benchmarks.report import Figure
from bot.flows import site
from storage import open_database, to_db

RUNS = 5
FULL_TARGET_MS = 2000.0
INCREMENTAL_TARGET_MS = 200.0
TOKEN = "0123456789abcdef0123456789abcdef"


def _public(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE groups SET public_page = 1, site_token = ? WHERE id = 1", (TOKEN,))


async def build_times(path: Path, site_dir: Path, now: dt.datetime, runs: int = RUNS) -> tuple[float, list[float], int]:
    """Seconds for the full build, for each of ``runs`` rebuilds after one more outcome, and
    the files the full build wrote."""
    database = await open_database(path)
    try:
        started = time.perf_counter()
        _, written = await site.rebuild(database, site_dir, 1, now)  # type: ignore[misc] - the page is on
        full = time.perf_counter() - started
        times = []
        for run in range(runs):
            async with database.transaction() as conn:
                await conn.execute(
                    "INSERT INTO outcomes (round_id, text, recorded_by, recorded_at) VALUES (?, ?, ?, ?)",
                    (1, f"Update {run + 1}: the council started the work", seed.FACILITATOR, to_db(now)),
                )
            started = time.perf_counter()
            await site.rebuild(database, site_dir, 1, now + dt.timedelta(minutes=run + 1), round_number=1)
            times.append(time.perf_counter() - started)
        return full, times, written
    finally:
        await database.close()


def measure(*, rounds: int = 100, ideas: int = 5000, ledger: int = 50_000) -> list[Figure]:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    with tempfile.TemporaryDirectory(prefix="bench-site-") as folder:
        path = Path(folder) / "history.sqlite3"
        seed.history(path, now, rounds=rounds, ideas=ideas, ledger=ledger)
        _public(path)
        full, times, written = asyncio.run(build_times(path, Path(folder) / "site", now))
    full_ms, incremental_ms = full * 1000, statistics.median(times) * 1000
    size = f"{ideas:,} ideas / {rounds} rounds"
    return [
        Figure(name=f"public page full build, {size} ({written} files)", value=f"{full_ms:.0f} ms",
               baseline="(absolute)", ratio="-", target=f"<= {FULL_TARGET_MS:.0f} ms",
               passed=full_ms <= FULL_TARGET_MS),
        Figure(name=f"public page rebuild after one outcome, {size}", value=f"{incremental_ms:.0f} ms (median of {RUNS})",
               baseline="(absolute)", ratio="-", target=f"<= {INCREMENTAL_TARGET_MS:.0f} ms",
               passed=incremental_ms <= INCREMENTAL_TARGET_MS),
    ]  # fmt: skip
