"""At process level: ``python -m bot`` killed with SIGKILL mid-burst loses no idea and doubles none.

The fake Bot API runs in its own process (``python -m bot.demo.emulator.server``) and the real bot
in another; a burst of ideas (replies to a round's prompt) arrives, the bot is killed while
applying it, more ideas arrive while it is down, and a restart on the same database must
end with every idea stored exactly once. Every wait is bounded, so the test stops by itself.
"""

from __future__ import annotations

import contextlib
import signal
import sqlite3
from pathlib import Path

import pytest

from benchmarks.processes import DEADLINE, eventually, fake_api, start_bot

GROUP = -1001234
FACILITATOR = 101
RESIDENTS = list(range(201, 241))  # 10 ideas each: the cap on ideas per member per round
BURST = 400
BEFORE_KILL = 250

pytestmark = pytest.mark.slow


def stored_ideas(database: Path) -> list[tuple[int, str]]:
    if not database.exists():
        return []
    with contextlib.closing(sqlite3.connect(database, timeout=5)) as conn:
        try:
            return conn.execute("SELECT source_message_id, text FROM ideas").fetchall()
        except sqlite3.OperationalError:  # not migrated yet
            return []


def test_kill_9_mid_burst_loses_no_idea_and_doubles_none(tmp_path):
    database, log = tmp_path / "coprod.sqlite3", tmp_path / "bot.log"
    with fake_api() as (url, telegram):
        telegram.person(user_id=FACILITATOR, first_name="Fatima", username="fatima")
        for user_id in RESIDENTS:
            telegram.person(user_id=user_id, first_name=f"Neighbour {user_id}")
        telegram.group(chat_id=GROUP, title="Chapel Street neighbours", owner=FACILITATOR)
        bot = start_bot(url, database, log)
        try:
            telegram.membership(chat_id=GROUP, actor=FACILITATOR, joined=True)
            assert telegram.wait(method="sendMessage", count=1, timeout=DEADLINE) >= 1, log.read_text()
            telegram.message(chat_id=GROUP, sender=FACILITATOR, text="/round What should we do with the empty lot?")
            assert telegram.wait(method="sendMessage", count=2, timeout=DEADLINE) >= 2, log.read_text()
            [prompt] = [message["message_id"] for message in telegram.bot_messages(chat_id=GROUP)
                        if "empty lot" in message.get("text", "")]  # fmt: skip

            ideas = [f"Idea {n}: {'a bench, ' * (n % 5)}somewhere to sit" for n in range(BURST)]
            burst = [{"chat_id": GROUP, "sender": RESIDENTS[n % len(RESIDENTS)], "text": text, "reply_to": prompt}
                     for n, text in enumerate(ideas)]  # fmt: skip
            telegram.messages(burst=burst[:BEFORE_KILL])
            eventually(lambda: len(stored_ideas(database)) >= 20, "the first ideas to be stored")
            bot.send_signal(signal.SIGKILL)
            assert bot.wait(timeout=DEADLINE) == -signal.SIGKILL
            assert 20 <= len(stored_ideas(database)) <= BEFORE_KILL

            telegram.messages(burst=burst[BEFORE_KILL:])
            bot = start_bot(url, database, log)
            eventually(lambda: len(stored_ideas(database)) >= BURST, "every idea after the restart")
            bot.send_signal(signal.SIGTERM)
            assert bot.wait(timeout=DEADLINE) == 0, log.read_text()
        finally:
            if bot.poll() is None:
                bot.kill()
                bot.wait()
        assert telegram.violations() == []

    stored = stored_ideas(database)
    assert len(stored) == BURST, "an idea was stored twice"
    assert sorted(text for _message_id, text in stored) == sorted(ideas)
    assert len({message_id for message_id, _text in stored}) == BURST
