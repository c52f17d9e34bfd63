"""Processes a benchmark runs: the fake Bot API, the real bot, a bare baseline.

Every wait here is bounded (:data:`DEADLINE`), and every process is stopped on the way
out, so a benchmark that goes wrong still ends by itself.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from bot.demo.emulator.server import EmulatorClient

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "123456:benchmark-token-for-the-emulator-only"
DEADLINE = 180.0  # seconds any one wait may take


def spawn(arguments: list[str], **options: Any) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, *arguments], cwd=ROOT, **options)


def stop(process: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL if it does not end within a few seconds."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def read_line(stream: IO[bytes], timeout: float = DEADLINE) -> str:
    """The next line a child prints (unbuffered pipe), or an error after ``timeout`` seconds."""
    ready, _, _ = select.select([stream], [], [], timeout)
    if not ready:
        raise TimeoutError("a benchmark process printed nothing in time")
    return stream.readline().decode().strip()


@contextlib.contextmanager
def fake_api(*, flood_limits: bool = False) -> Iterator[tuple[str, EmulatorClient]]:
    """The fake Bot API (``python -m bot.demo.emulator.server``) in its own process, on 127.0.0.1:
    its Bot API base URL and a client of its control API."""
    process = spawn(["-m", "bot.demo.emulator.server", *(["--flood-limits"] if flood_limits else [])],
                    stdout=subprocess.PIPE, bufsize=0)  # fmt: skip
    try:
        url = read_line(process.stdout, 30)
        if not url.startswith("http://127.0.0.1:"):
            raise RuntimeError("the fake Bot API did not start")
        with EmulatorClient(url.removesuffix("/bot") + "/emulator", timeout=DEADLINE) as telegram:
            yield url, telegram
    finally:
        stop(process)


WEBHOOK_SECRET = "benchmark-webhook-secret-0123456789"


def start_bot(url: str, database: Path | str, log: Path, *, webhook: tuple[str, int] | None = None) -> subprocess.Popen:
    """The real bot, ``python -m bot``, against the fake at ``url``: long polling, or with
    ``webhook`` = (the URL Telegram is given, the loopback port this replica listens on)."""
    environment = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "COPROD_API_URL": url,
                   "COPROD_DB": str(database), "COPROD_LOG_LEVEL": "WARNING",
                   "COPROD_SITE_DIR": str(log.parent / "site")}  # fmt: skip
    if webhook is not None:
        environment |= {"COPROD_WEBHOOK_URL": webhook[0], "COPROD_WEBHOOK_SECRET": WEBHOOK_SECRET,
                        "COPROD_WEBHOOK_LISTEN": f"127.0.0.1:{webhook[1]}"}  # fmt: skip
    with log.open("a") as output:
        return spawn(["-m", "bot"], env=environment, stdout=output, stderr=subprocess.STDOUT)


@contextlib.contextmanager
def running(process: subprocess.Popen) -> Iterator[subprocess.Popen]:
    try:
        yield process
    finally:
        stop(process)


def eventually(condition: Callable[[], bool], what: str, *, every: float = 0.01) -> float:
    """Poll until ``condition`` holds (at most :data:`DEADLINE`); returns ``time.time()`` then."""
    give_up = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > give_up:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(every)
    return time.time()
