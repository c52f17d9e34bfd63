"""Figures 4 and 5: many groups and their deadlines, at start-up and in memory."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import processes, seed
from benchmarks.report import Figure, extra

START_TARGET = 3.0  # seconds more than with an empty database
MEMORY_TARGET = 150.0  # MB more than a bare Application


def _until_polling(folder: Path, database: Path) -> float:
    """Seconds from starting ``python -m bot`` until its first ``getUpdates`` reaches the fake."""
    with processes.fake_api() as (url, telegram):
        started = time.time()
        with processes.running(processes.start_bot(url, database, folder / "bot.log")):
            if telegram.wait(method="getUpdates", count=1, timeout=processes.DEADLINE) < 1:
                raise RuntimeError("the bot never polled: " + (folder / "bot.log").read_text())
            return time.time() - started


def _resident(*arguments: str) -> dict[str, int]:
    output = subprocess.run(
        [sys.executable, "-m", "benchmarks.resident", *arguments], cwd=processes.ROOT,
        capture_output=True, text=True, timeout=processes.DEADLINE, check=True,
    ).stdout  # fmt: skip
    return json.loads(output.strip().splitlines()[-1])


def measure(*, groups: int = 10_000, deadlines: int = 20_000) -> list[Figure]:
    now = dt.datetime.now(dt.UTC)
    with tempfile.TemporaryDirectory(prefix="bench-start-") as name:
        folder = Path(name)
        empty, full = folder / "empty.sqlite3", folder / "many.sqlite3"
        with seed.migrated(empty):
            pass
        seed.many_groups(full, now, groups=groups, deadlines=deadlines)
        baseline = _until_polling(folder, empty)
        start = _until_polling(folder, full)
        bare, bot = _resident("bare"), _resident("bot", str(full))
    mb = 1024 * 1024
    return [
        extra(f"start-up until polling, {groups:,} groups / {deadlines:,} deadlines",
              start, baseline, "empty database", START_TARGET, "s"),
        extra(f"resident memory, {groups:,} groups, {bot['jobs']:,} jobs scheduled",
              bot["rss"] / mb, bare["rss"] / mb, "bare Application", MEMORY_TARGET, "MB"),
    ]  # fmt: skip
