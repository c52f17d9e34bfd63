"""How fast ideas come in over HTTP, against a bare python-telegram-bot ``Application``.

The workload: one group, one round collecting ideas, and a burst of members' replies to
the round's prompt, each of which the bot stores as an idea. (An in-process figure, through
``process_update`` alone, was retired: the durable inbox is the promise, and the HTTP path
is the one Telegram drives.)
"""

from __future__ import annotations

import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks import processes
from benchmarks.processes import TOKEN
from benchmarks.report import Figure, throughput
from bot.demo.emulator.telegram import Chat, FakeTelegram, Person
from bot.runtime.config import Config

GROUP = -1_001_234
FACILITATOR = 101
RESIDENTS = range(201, 601)  # a burst of 3,000 ideas stays within 10 ideas per member per round
QUESTION = "What should we do with the empty lot?"
WARM_UP = 20


def idea_text(n: int) -> str:
    return f"Idea {n}: {'a bench, ' * (n % 5)}somewhere to sit"


def burst(count: int, prompt_id: int) -> list[dict[str, Any]]:
    """Replies to the prompt, as arguments of the emulator's ``message`` action."""
    return [
        {"chat_id": GROUP, "sender": RESIDENTS[n % len(RESIDENTS)], "text": idea_text(n), "reply_to": prompt_id}
        for n in range(count)
    ]


def config(database: Path) -> Config:
    return Config(token=TOKEN, api_url="http://127.0.0.1:1/bot", database=database)


def people(telegram: FakeTelegram) -> tuple[Chat, Person]:
    owner = telegram.person(FACILITATOR, "Fatima", username="fatima")
    for user_id in RESIDENTS:
        telegram.person(user_id, f"Neighbour {user_id}")
    return telegram.group(GROUP, "Chapel Street neighbours", owner=owner), owner


def prompt_of(messages: Sequence[dict[str, Any]]) -> int:
    """The message id of the round's prompt among the bot's messages in the group."""
    return next(message["message_id"] for message in messages if QUESTION in message.get("text", ""))


# ------------------------------------------------------------------ figure 1: over loopback HTTP


def _bot_over_http(folder: Path, count: int) -> float:
    """The real bot (``python -m bot``, its inbox) against the fake in another process:
    ideas per second from the burst's arrival until every idea is stored, every update
    applied and Telegram told so (nothing left for ``getUpdates``)."""
    database = folder / "bot.sqlite3"
    with processes.fake_api() as (url, telegram):
        _people_over_http(telegram)
        with processes.running(processes.start_bot(url, database, folder / "bot.log")):
            telegram.membership(chat_id=GROUP, actor=FACILITATOR, joined=True)
            telegram.message(chat_id=GROUP, sender=FACILITATOR, text=f"/round {QUESTION}")
            if telegram.wait(method="sendMessage", count=2, timeout=processes.DEADLINE) < 2:
                raise RuntimeError("the bot did not open the round: " + (folder / "bot.log").read_text())
            prompt = prompt_of(telegram.bot_messages(chat_id=GROUP))
            telegram.messages(burst=burst(count, prompt))
            started = time.time()
            with sqlite3.connect(database, timeout=5) as conn:
                done = processes.eventually(lambda: _all_applied(conn, count) and telegram.pending() == 0,
                                            "every idea to be stored")  # fmt: skip
        if telegram.violations():
            raise RuntimeError(f"the bot made calls Telegram would refuse: {telegram.violations()[:3]}")
    return count / (done - started)


def _people_over_http(telegram: Any) -> None:
    telegram.person(user_id=FACILITATOR, first_name="Fatima", username="fatima")
    for user_id in RESIDENTS:
        telegram.person(user_id=user_id, first_name=f"Neighbour {user_id}")
    telegram.group(chat_id=GROUP, title="Chapel Street neighbours", owner=FACILITATOR)


def _all_applied(conn: sqlite3.Connection, count: int) -> bool:
    ideas, waiting = conn.execute("SELECT (SELECT count(*) FROM ideas), (SELECT count(*) FROM inbox)").fetchone()
    return ideas >= count and waiting == 0


def _bare_over_http(count: int) -> float:
    """The bare ``Application`` (:mod:`benchmarks.bare_bot`) against the same kind of fake:
    updates per second from the burst's arrival until its last answer was accepted."""
    with processes.fake_api() as (url, telegram):
        _people_over_http(telegram)
        bare = processes.spawn(["-m", "benchmarks.bare_bot", url, str(count)], stdout=subprocess.PIPE, bufsize=0)
        with processes.running(bare):
            telegram.message(chat_id=GROUP, sender=FACILITATOR, text="warming up")
            processes.read_line(bare.stdout)
            telegram.messages(burst=burst(count, prompt_id=1))
            started = time.time()
            done = float(processes.read_line(bare.stdout))
    return count / (done - started)


def measure_over_http(count: int = 3000, repeats: int = 2) -> Figure:
    """Best of ``repeats`` alternating runs of each, so a busy machine penalises both alike."""
    rates, baselines = [], []
    with tempfile.TemporaryDirectory(prefix="bench-http-") as folder:
        for repeat in range(repeats):
            baselines.append(_bare_over_http(count))
            run = Path(folder) / str(repeat)
            run.mkdir()
            rates.append(_bot_over_http(run, count))
    return throughput(f"ideas ingested over loopback HTTP ({count:,}, getUpdates of 100, stored and confirmed)",
                      max(rates), max(baselines), "bare Application, one sendMessage each", 1.0)  # fmt: skip
