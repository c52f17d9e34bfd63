"""Figure 7: a thousand personal notices due at one minute while 20 groups are busy.

Against the flood-limited fake (30 calls a second overall, 20 a minute per group, 3 in any
3 seconds per private chat), each group sends a command every 4 seconds (15 a minute,
within its budget) from before the notices fall due until the last one is delivered.
Notices go out at the lowest priority, so the groups' replies must stay prompt while the
notices use what the limits leave: ``(notices + groups) / (30 - commands a second)``
seconds, since each group is also told, once, how many of its neighbours heard.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path

from telegram.constants import FloodLimit

from benchmarks import processes, seed
from benchmarks.report import Figure

SLACK = 1.2  # notices within this factor of the time the limits allow
REPLY_P95 = 1.0  # seconds
GROUPS = 20
EVERY = 4.0  # seconds between two commands in one group
LEAD = dt.timedelta(seconds=12)  # start-up and the first commands happen before the notices fall due


class Traffic:
    """Commands into the groups, staggered, and the time each one's reply was seen."""

    def __init__(self, telegram, groups: int) -> None:
        self.telegram, self.groups = telegram, groups
        self.waiting: dict[int, list[float]] = {seed.chat_id(index): [] for index in range(groups)}
        self.latencies: list[float] = []
        self.private = 0
        self.last_private = 0.0
        self._seen = 0
        self._next = [time.time() + EVERY * index / groups for index in range(groups)]

    def step(self) -> None:
        now = time.time()
        for index, due in enumerate(self._next):
            if due <= now:
                chat = seed.chat_id(index)
                self.telegram.message(chat_id=chat, sender=seed.FACILITATOR, text="/rounds")
                self.waiting[chat].append(time.time())
                self._next[index] = due + EVERY
        self._observe()

    def _observe(self) -> None:
        calls = self.telegram.calls(since=self._seen)
        self._seen += len(calls)
        now = time.time()
        for method, params in calls:
            chat = int(params.get("chat_id") or 0)
            if method != "sendMessage":
                continue
            if chat > 0:
                self.private += 1
                self.last_private = now
            elif self.waiting.get(chat) and "Recently closed" in params.get("text", ""):
                self.latencies.append(now - self.waiting[chat].pop(0))


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] if ordered else float("inf")


def _run(folder: Path, notices: int) -> tuple[float, int, float, int, int]:
    database = folder / "notices.sqlite3"
    with processes.fake_api(flood_limits=True) as (url, telegram):
        telegram.person(user_id=seed.FACILITATOR, first_name="Fatima")
        for index in range(GROUPS):
            telegram.group(chat_id=seed.chat_id(index), title=f"Street {index}", owner=seed.FACILITATOR)
        for user_id in range(seed.FACILITATOR + 1, seed.FACILITATOR + 1 + notices):
            telegram.person(user_id=user_id, first_name=f"Neighbour {user_id}")
            telegram.private_chat(user_id=user_id)
        now = dt.datetime.now(dt.UTC)
        due_at = now.replace(microsecond=0) + LEAD
        seed.due_notices(database, now, groups=GROUPS, people=notices, due_at=due_at)
        with processes.running(processes.start_bot(url, database, folder / "bot.log")):
            telegram.wait(method="getUpdates", count=1, timeout=processes.DEADLINE)
            traffic = Traffic(telegram, GROUPS)
            give_up = time.monotonic() + processes.DEADLINE
            while traffic.private < notices and time.monotonic() < give_up:
                traffic.step()
                time.sleep(0.02)
            if traffic.last_private and due_at.timestamp() > time.time():
                raise RuntimeError("the notices went out before they fell due")
        refused = telegram.flood_refused()
    elapsed = traffic.last_private - due_at.timestamp()
    return elapsed, traffic.private, _p95(traffic.latencies), len(traffic.latencies), refused


def measure(notices: int = 1000) -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="bench-notices-") as folder:
        elapsed, delivered, p95, replies, refused = _run(Path(folder), notices)
    commands_per_second = GROUPS / EVERY
    # Each group is also told how many neighbours heard: one message per group, in the same budget.
    floor = (notices + GROUPS) / (FloodLimit.MESSAGES_PER_SECOND - commands_per_second)
    return [
        Figure(
            name=f"{notices:,} notices due at one minute, {GROUPS} busy groups, flood-limited fake",
            value=f"{elapsed:.1f} s, {delivered:,} delivered, {refused} x 429",
            baseline=f"{floor:.1f} s at 30/s less the groups' {commands_per_second:.0f}/s (+{GROUPS} counts)",
            ratio=f"{elapsed / floor:.2f}x",
            target=f"all, 0 x 429, <= {SLACK}x",
            passed=delivered == notices and refused == 0 and elapsed <= SLACK * floor,
        ),
        Figure(
            name=f"group replies meanwhile ({replies:,} commands), p95",
            value=f"{p95:.2f} s",
            baseline="one command per group every 4 s",
            ratio="",
            target=f"<= {REPLY_P95:.0f} s",
            passed=p95 <= REPLY_P95 and replies > 0,
        ),
    ]
