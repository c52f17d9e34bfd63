"""At process level: ``python -m bot`` stops within seconds of SIGTERM while flooded, and the
restart applies what was left in the inbox, every idea once.

One group floods the bot with ``/help`` (its answers wait for the group's budget of 20 a
minute) while another sends a burst of ideas. Docker waits 10 s after SIGTERM before it
kills, so the bot must be gone well before: the grace period for updates being applied is
3 s. Every wait is bounded, so the test stops by itself.
"""

from __future__ import annotations

import contextlib
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from benchmarks.processes import DEADLINE, eventually, fake_api, start_bot

NOISY, IDEAS = -1001234, -1005678
FACILITATOR = 101
RESIDENTS = list(range(201, 241))  # 40 neighbours: 300 ideas stay within the cap of 10 each
FLOOD, BURST = 60, 300
GROUP_BUDGET = 20  # messages into one group a minute
PROMPT_EXIT = 5.0  # seconds from SIGTERM to exit

pytestmark = pytest.mark.slow


def count(database: Path, query: str) -> int:
    with contextlib.closing(sqlite3.connect(database, timeout=5)) as conn:
        with contextlib.suppress(sqlite3.OperationalError):  # not migrated yet
            return conn.execute(query).fetchone()[0]
    return 0


def ideas_stored(database: Path) -> int:
    return count(database, "SELECT count(*) FROM ideas")


def terminate(bot: subprocess.Popen, log: Path) -> float:
    """SIGTERM; the seconds until the process exited (status 0)."""
    sent = time.monotonic()
    bot.send_signal(signal.SIGTERM)
    assert bot.wait(timeout=DEADLINE) == 0, log.read_text()
    return time.monotonic() - sent


def test_sigterm_while_flooded_stops_within_seconds_and_the_restart_applies_the_rest(tmp_path):
    database, log = tmp_path / "coprod.sqlite3", tmp_path / "bot.log"
    with fake_api(flood_limits=True) as (url, telegram):
        telegram.person(user_id=FACILITATOR, first_name="Fatima", username="fatima")
        for user_id in RESIDENTS:
            telegram.person(user_id=user_id, first_name=f"Neighbour {user_id}")
        for chat_id, title in ((NOISY, "Chapel Street"), (IDEAS, "Mill Lane")):
            telegram.group(chat_id=chat_id, title=title, owner=FACILITATOR)
        bot = start_bot(url, database, log)
        try:
            for chat_id in (NOISY, IDEAS):
                telegram.membership(chat_id=chat_id, actor=FACILITATOR, joined=True)
            assert telegram.wait(method="sendMessage", count=2, timeout=DEADLINE) >= 2, log.read_text()
            telegram.message(chat_id=IDEAS, sender=FACILITATOR, text="/round What should we do with the empty lot?")
            assert telegram.wait(method="sendMessage", count=3, timeout=DEADLINE) >= 3, log.read_text()
            [prompt] = [message["message_id"] for message in telegram.bot_messages(chat_id=IDEAS)
                        if "empty lot" in message.get("text", "")]  # fmt: skip

            telegram.messages(burst=[{"chat_id": NOISY, "sender": RESIDENTS[n % len(RESIDENTS)], "text": "/help"}
                                     for n in range(FLOOD)])  # fmt: skip
            # the group's budget is spent: the next answer waits in the rate limiter
            assert telegram.wait(method="sendMessage", count=3 + GROUP_BUDGET, timeout=DEADLINE) >= 3 + GROUP_BUDGET
            ideas = [f"Idea {n}: somewhere to sit" for n in range(BURST)]
            telegram.messages(burst=[{"chat_id": IDEAS, "sender": RESIDENTS[n % len(RESIDENTS)], "text": text,
                                      "reply_to": prompt} for n, text in enumerate(ideas)])  # fmt: skip
            eventually(lambda: ideas_stored(database) >= 20, "the first ideas to be stored")
            took = terminate(bot, log)
            print(f"first stop: {took:.2f}s, {count(database, 'SELECT count(*) FROM inbox')} left, {ideas_stored(database)} ideas")
            assert took <= PROMPT_EXIT
            assert count(database, "SELECT count(*) FROM inbox") > 0  # the flood's answers were left for later

            bot = start_bot(url, database, log)
            eventually(lambda: ideas_stored(database) >= BURST, "every idea after the restart")
            took = terminate(bot, log)
            print(f"second stop: {took:.2f}s")
            assert took <= PROMPT_EXIT
        finally:
            if bot.poll() is None:
                bot.kill()
                bot.wait()
        assert telegram.violations() == []

    with contextlib.closing(sqlite3.connect(database)) as conn:
        stored = conn.execute("SELECT text FROM ideas").fetchall()
    assert sorted(text for (text,) in stored) == sorted(ideas), "an idea was lost or stored twice"
