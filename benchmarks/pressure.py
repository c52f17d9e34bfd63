"""One noisy group never silences the others: ``/help`` latency in quiet groups under a flood.

The real bot (``python -m bot``) against the fake Bot API in its own process, enforcing
Telegram's limits strictly (sliding windows). Probes: ``/help`` in quiet groups, one every
two seconds across them, each timed from the moment the fake queued it to the moment the
bot's answer arrived. Measured twice in the same run: once with nothing else going on (the
baseline), and once while one group floods the bot with bad commands and a thousand
summaries fall due. A second figure counts the messages the noisy group got in its worst
60 seconds.
"""

from __future__ import annotations

import datetime as dt
import math
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks import processes, seed
from benchmarks.report import Figure

NOISY = -1_009_000_000
QUIET_BASE = -1_008_000_000
FLOODERS = (301, 302, 303)
PROBE_EVERY = 2.0  # seconds between probes, across all the quiet groups
LEAD = dt.timedelta(seconds=10)  # start-up happens before the summaries fall due
GROUP_LIMIT = 20


@dataclass(frozen=True)
class Run:
    latencies: list[float]
    refused: int  # calls the fake answered with 429
    noisy_worst_minute: int


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _probe(telegram, chat_id: int) -> float:
    """Send ``/help`` into ``chat_id``; seconds until the bot's answer was there."""
    before = len(telegram.sent(chat_id=chat_id))
    sent_at = time.time()
    telegram.message(chat_id=chat_id, sender=seed.FACILITATOR, text="/help")
    answered = processes.eventually(lambda: len(telegram.sent(chat_id=chat_id)) > before, "an answer to /help")
    return answered - sent_at


def _run(folder: Path, *, quiet: int, probes: int, flood: int, summaries: int, lead: dt.timedelta) -> Run:
    database = folder / "pressure.sqlite3"
    with processes.fake_api(flood_limits=True) as (url, telegram):
        telegram.person(user_id=seed.FACILITATOR, first_name="Fatima")
        for flooder in FLOODERS:
            telegram.person(user_id=flooder, first_name=f"Neighbour {flooder}")
        telegram.group(chat_id=NOISY, title="Noisy Street", owner=seed.FACILITATOR)
        quiet_chats = [QUIET_BASE - index for index in range(quiet)]
        for chat_id in quiet_chats:
            telegram.group(chat_id=chat_id, title=f"Quiet Street {chat_id}", owner=seed.FACILITATOR)
        for index in range(summaries):
            telegram.group(chat_id=seed.chat_id(index), title=f"Street {index}", owner=seed.FACILITATOR)
        now = dt.datetime.now(dt.UTC)
        due_at = now.replace(microsecond=0) + lead
        if summaries:
            seed.due_summaries(database, now, groups=summaries, due_at=due_at)
        with processes.running(processes.start_bot(url, database, folder / "bot.log")):
            telegram.wait(method="getUpdates", count=1, timeout=processes.DEADLINE)
            if summaries:
                time.sleep(max(0.0, due_at.timestamp() - time.time()))
            if flood:
                telegram.messages(burst=[
                    {"chat_id": NOISY, "sender": FLOODERS[n % len(FLOODERS)], "text": "/withdraw banana"}
                    for n in range(flood)
                ])  # fmt: skip
            latencies = []
            for number in range(probes):
                started = time.monotonic()
                latencies.append(_probe(telegram, quiet_chats[number % quiet]))
                time.sleep(max(0.0, PROBE_EVERY - (time.monotonic() - started)))
            refused = telegram.flood_refused()
            worst = telegram.worst_minute(chat_id=NOISY)
    return Run(latencies, refused, worst)


def measure(
    *, quiet: int = 50, probes: int = 50, flood: int = 300, summaries: int = 1000, lead: dt.timedelta = LEAD
) -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="bench-pressure-") as folder:
        (Path(folder) / "calm").mkdir()
        (Path(folder) / "busy").mkdir()
        calm = _run(Path(folder) / "calm", quiet=quiet, probes=probes, flood=0, summaries=0, lead=lead)
        busy = _run(Path(folder) / "busy", quiet=quiet, probes=probes, flood=flood, summaries=summaries, lead=lead)
    limit = 1.5 * _p95(calm.latencies) + 1.0
    latency = Figure(
        name=f"/help in {quiet} quiet groups while one floods ({flood} bad commands) and {summaries:,} summaries fall due",
        value=f"p95 {_p95(busy.latencies):.2f} s, max {max(busy.latencies):.2f} s, {busy.refused} x 429",
        baseline=f"p95 {_p95(calm.latencies):.2f} s with no flood and no summaries",
        ratio=f"{_p95(busy.latencies) / max(_p95(calm.latencies), 1e-3):.1f}x",
        target=f"p95 <= {limit:.2f} s, max <= 3 s, 0 x 429",
        passed=_p95(busy.latencies) <= limit and max(busy.latencies) <= 3.0 and busy.refused == 0,
    )
    noisy = Figure(
        name="messages into the noisy group in its worst 60 seconds",
        value=f"{busy.noisy_worst_minute}",
        baseline=f"{GROUP_LIMIT} (Telegram's limit)",
        ratio=f"{busy.noisy_worst_minute - GROUP_LIMIT:+d}",
        target=f"<= {GROUP_LIMIT}",
        passed=busy.noisy_worst_minute <= GROUP_LIMIT,
    )
    return [latency, noisy]
