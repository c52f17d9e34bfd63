"""Figure 6: a thousand summaries due at the same minute, against a fake that enforces
Telegram's flood limits (30 calls a second overall, 20 a minute per group)."""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path

from telegram.constants import FloodLimit

from benchmarks import processes, seed
from benchmarks.report import Figure

SLACK = 1.2  # the target: within this factor of the floor
LEAD = dt.timedelta(seconds=10)  # start-up happens before the summaries fall due


def _delivery(folder: Path, groups: int, lead: dt.timedelta) -> tuple[float, int, int]:
    """Seconds from the due time until the last summary was accepted, how many groups got
    exactly one, and how many calls the flood limits refused."""
    database = folder / "due.sqlite3"
    with processes.fake_api(flood_limits=True) as (url, telegram):
        telegram.person(user_id=seed.FACILITATOR, first_name="Fatima")
        for index in range(groups):
            telegram.group(chat_id=seed.chat_id(index), title=f"Street {index}", owner=seed.FACILITATOR)
        now = dt.datetime.now(dt.UTC)
        due_at = now.replace(microsecond=0) + lead
        seed.due_summaries(database, now, groups=groups, due_at=due_at)
        with processes.running(processes.start_bot(url, database, folder / "bot.log")):
            telegram.wait(method="getUpdates", count=1, timeout=processes.DEADLINE)
            if time.time() >= due_at.timestamp():
                raise RuntimeError("the bot started after the summaries fell due; raise LEAD")
            telegram.wait(method="sendMessage", count=groups, timeout=processes.DEADLINE)
            done = time.time()
            sent = telegram.sent(method="sendMessage")
        refused = telegram.flood_refused()
    per_group: dict[int, int] = {}
    for message in sent:
        if message["text"].startswith("<b>What happened since"):
            per_group[int(message["chat_id"])] = per_group.get(int(message["chat_id"]), 0) + 1
    exactly_once = sum(1 for count in per_group.values() if count == 1)
    return done - due_at.timestamp(), exactly_once, refused


def measure(groups: int = 1000, lead: dt.timedelta = LEAD) -> Figure:
    with tempfile.TemporaryDirectory(prefix="bench-due-") as folder:
        elapsed, delivered, refused = _delivery(Path(folder), groups, lead)
    floor = groups / FloodLimit.MESSAGES_PER_SECOND
    passed = delivered == groups and refused == 0 and elapsed <= SLACK * floor
    return Figure(
        name=f"{groups:,} summaries due at one minute, flood-limited fake",
        value=f"{elapsed:.1f} s, {delivered:,} delivered, {refused} x 429",
        baseline=f"{floor:.1f} s at 30/s",
        ratio=f"{elapsed / floor:.2f}x",
        target=f"all, 0 x 429, <= {SLACK}x",
        passed=passed,
    )
