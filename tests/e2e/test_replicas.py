"""Two replicas on one PostgreSQL database behind a proxy, one killed with ``kill -9`` halfway.

The fake Bot API runs in its own process with Telegram's flood limits on and delivers by
webhook to a round-robin proxy (:mod:`tests.support.proxy`) in front of two ``python -m bot``
processes. 1,000 ideas arrive as replies to the prompts of ten rounds, and every tenth
update is delivered a second time, as Telegram does when it misses an answer; when half the
ideas are stored, one replica is killed. At the end every idea is stored once, in the order
its chat sent it, nothing is left in the inbox, Telegram never answered 429, and the
deadlines that fell due, while both ran and after the kill, each opened their vote once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import signal
from collections import Counter

import pytest

from benchmarks.processes import DEADLINE, eventually, fake_api, start_bot
from benchmarks.proxy import RoundRobinProxy
from storage import open_database, to_db
from tests.e2e.live import free_port
from tests.support.databases import postgres_only

pytestmark = [pytest.mark.slow, postgres_only]

FACILITATOR = 101
GROUPS = [-1_000_000_100 - n for n in range(10)]  # where the ideas go
VOTING_GROUPS = [-1_000_000_200 - n for n in range(4)]  # rounds whose ideas stage ends during the test
RESIDENTS = list(range(201, 221))  # 5 ideas each per round: within the cap of 10
IDEAS = 1000
QUESTION = "What should we do with the empty lot?"


def query(database: str, sql: str) -> list:
    async def run() -> list:
        db = await open_database(database)
        try:
            async with db.read() as conn:
                return [tuple(row) for row in await conn.fetch_all(sql)]
        finally:
            await db.close()

    return asyncio.run(run())


def execute(database: str, sql: str, params: tuple) -> None:
    async def run() -> None:
        db = await open_database(database)
        try:
            async with db.transaction() as conn:
                await conn.execute(sql, params)
        finally:
            await db.close()

    asyncio.run(run())


def due_now(database: str, groups: list[int]) -> None:
    """Bring the ideas stage of these groups' rounds to an end now: only the sweeps know of it."""
    now = to_db(dt.datetime.now(dt.UTC))
    marks = ", ".join("?" * len(groups))
    execute(database, f"UPDATE deadlines SET due_at = ? WHERE kind = 'ideas_end' AND group_id IN "  # noqa: S608
            f"(SELECT id FROM groups WHERE chat_id IN ({marks}))", (now, *groups))  # fmt: skip


def progress(database: str, telegram) -> tuple[int, int, int, int]:
    """(ideas stored, updates Telegram still holds, updates in the inbox, ideas stages still to end)."""
    [(ideas, inbox, stages)] = query(
        database, "SELECT (SELECT count(*) FROM ideas), (SELECT count(*) FROM inbox), "
        "(SELECT count(*) FROM deadlines WHERE kind = 'ideas_end' AND done_at IS NULL)",
    )  # fmt: skip
    return ideas, telegram.pending(), inbox, stages


def open_rounds(telegram, groups: list[int]) -> dict[int, int]:
    """Each group gets the bot and a round; the prompt's message id per group."""
    for chat_id in groups:
        telegram.group(chat_id=chat_id, title=f"Street {chat_id}", owner=FACILITATOR)
        telegram.membership(chat_id=chat_id, actor=FACILITATOR, joined=True)
        telegram.message(chat_id=chat_id, sender=FACILITATOR, text=f"/round 7d 1d {QUESTION}")
    prompts: dict[int, int] = {}

    def all_prompted() -> bool:
        for chat_id in groups:
            found = [m["message_id"] for m in telegram.bot_messages(chat_id=chat_id) if QUESTION in m.get("text", "")]
            if found:
                prompts[chat_id] = found[0]
        return len(prompts) == len(groups)

    eventually(all_prompted, "every round's prompt", every=0.2)
    return prompts


def test_two_replicas_one_killed_lose_no_update_apply_none_twice_and_keep_telegrams_limits(database, tmp_path):
    assert isinstance(database, str)
    ports = [free_port(), free_port()]
    with fake_api(flood_limits=True) as (url, telegram), \
            RoundRobinProxy([f"http://127.0.0.1:{port}" for port in ports]) as proxy:  # fmt: skip
        telegram.person(user_id=FACILITATOR, first_name="Fatima", username="fatima")
        for user_id in RESIDENTS:
            telegram.person(user_id=user_id, first_name=f"Neighbour {user_id}")
        hook = proxy.url + "/telegram"
        replicas = [start_bot(url, database, tmp_path / f"replica-{n}.log", webhook=(hook, port))
                    for n, port in enumerate(ports)]  # fmt: skip
        try:
            prompts = open_rounds(telegram, GROUPS + VOTING_GROUPS)
            for chat_id in VOTING_GROUPS:  # two ideas each, so the vote has something to offer
                for n in range(2):
                    telegram.message(chat_id=chat_id, sender=RESIDENTS[n], text=f"Idea {n}", reply_to=prompts[chat_id])
            eventually(lambda: progress(database, telegram)[0] == 2 * len(VOTING_GROUPS), "the ideas to vote on",
                       every=0.2)  # fmt: skip
            telegram.duplicate_every(every=10)
            burst = [{"chat_id": GROUPS[n % len(GROUPS)], "sender": RESIDENTS[(n // len(GROUPS)) % len(RESIDENTS)],
                      "text": f"Idea {n} for the lot", "reply_to": prompts[GROUPS[n % len(GROUPS)]]}
                     for n in range(IDEAS)]  # fmt: skip
            telegram.messages(burst=burst[: IDEAS // 2])
            due_now(database, VOTING_GROUPS[:2])  # both replicas are running: one of them opens each vote
            eventually(lambda: query(database, "SELECT count(*) FROM ideas")[0][0] >= IDEAS // 4, "a quarter stored")
            replicas[0].send_signal(signal.SIGKILL)
            assert replicas[0].wait(timeout=DEADLINE) == -signal.SIGKILL
            due_now(database, VOTING_GROUPS[2:])  # due while one replica is dead
            telegram.messages(burst=burst[IDEAS // 2 :])
            expected = (IDEAS + 2 * len(VOTING_GROUPS), 0, 0, len(GROUPS))
            try:
                eventually(lambda: progress(database, telegram) == expected, "every idea stored and vote opened",
                           every=0.2)  # fmt: skip
            except TimeoutError:
                logs = "".join((tmp_path / f"replica-{n}.log").read_text()[-3000:] for n in range(2))
                raise AssertionError(f"{progress(database, telegram)} instead of {expected}\n{logs}") from None
        finally:
            for replica in replicas:
                if replica.poll() is None:
                    replica.send_signal(signal.SIGTERM)
            for replica in replicas:
                replica.wait(timeout=DEADLINE)
        deliveries = telegram.deliveries()
        assert telegram.violations() == []
        assert telegram.flood_refused() == 0, "Telegram answered 429"
        polls = {chat_id: len(telegram.sent(method="sendPoll", chat_id=chat_id)) for chat_id in VOTING_GROUPS}

    stored = query(database, "SELECT groups.chat_id, ideas.number, ideas.source_message_id, ideas.text FROM ideas "
                             "JOIN rounds ON rounds.id = ideas.round_id JOIN groups ON groups.id = rounds.group_id")
    ideas = [row for row in stored if row[0] in GROUPS]
    assert len(ideas) == IDEAS, "an idea was lost or stored twice"
    assert sorted(text for *_rest, text in ideas) == sorted(message["text"] for message in burst)
    for chat_id in GROUPS:  # numbered in the order the chat sent them: each chat's order held
        in_chat = sorted((number, message_id) for chat, number, message_id, _text in ideas if chat == chat_id)
        assert [message_id for _number, message_id in in_chat] == sorted(m for _n, m in in_chat)
    delivered = Counter(update_id for update_id, status in deliveries if status == 200)
    assert sum(count > 1 for count in delivered.values()) >= IDEAS // 10, "the duplicates were not delivered"
    assert polls == dict.fromkeys(VOTING_GROUPS, 1), "a vote was opened twice, or not at all"
    assert min(proxy.served.values()) > 0 and len(proxy.served) == 2, "one replica did all the work"
