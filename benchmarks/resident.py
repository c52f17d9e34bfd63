"""``python -m benchmarks.resident (bot DATABASE | bare)``: resident memory of one application.

Starts either the real bot on ``DATABASE`` (its start-up schedules a job for every pending
deadline) or a bare python-telegram-bot ``Application``, both with the in-process fake
Bot API, waits until the job queue stops growing, and prints one JSON line: resident set
size in bytes (``VmRSS``) and the number of scheduled jobs.
"""

from __future__ import annotations

import asyncio
import gc
import json
import sys
import time
from pathlib import Path

from telegram.ext import Application, ApplicationBuilder

from benchmarks.processes import TOKEN
from bot.app import build_application
from bot.demo.emulator.request import EmulatorRequest
from bot.demo.emulator.telegram import FakeTelegram
from bot.runtime.clock import SystemClock
from bot.runtime.config import Config

SETTLE = 0.5  # seconds the job count must stay the same
GIVE_UP = 60.0


def resident_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def _application(kind: str, database: str | None) -> Application:
    request = EmulatorRequest(FakeTelegram())
    if kind == "bare":
        return ApplicationBuilder().token(TOKEN).request(request).get_updates_request(request).build()
    config = Config(token=TOKEN, api_url="http://127.0.0.1:1/bot", database=Path(database or ""))
    return build_application(config, request=request, clock=SystemClock())


async def _settled_jobs(app: Application) -> int:
    """Jobs scheduled once start-up's own jobs (reminders scheduled by a job) have run."""
    count, since, give_up = -1, time.monotonic(), time.monotonic() + GIVE_UP
    while time.monotonic() - since < SETTLE and time.monotonic() < give_up:
        await asyncio.sleep(0.1)
        now = len(app.job_queue.jobs()) if app.job_queue else 0
        if now != count:
            count, since = now, time.monotonic()
    return count


async def measure(kind: str, database: str | None) -> dict[str, int]:
    app = _application(kind, database)
    async with app:
        await app.start()
        jobs = await _settled_jobs(app)
        gc.collect()
        rss = resident_bytes()
        await app.stop()
    return {"rss": rss, "jobs": jobs}


def main(argv: list[str] | None = None) -> int:
    arguments = argv if argv is not None else sys.argv[1:]
    kind, database = arguments[0], (arguments[1] if len(arguments) > 1 else None)
    print(json.dumps(asyncio.run(measure(kind, database))), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
