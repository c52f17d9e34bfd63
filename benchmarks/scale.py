"""Scaling out: PostgreSQL against SQLite, two webhook replicas against one, start-up on PostgreSQL.

A PostgreSQL server is needed: the one ``COPROD_TEST_DATABASE`` names, or else a throwaway
cluster started for the run (``scripts/throwaway-postgres.sh``, Debian's ``postgresql``).
Every figure's baseline is measured in the same run, alternating, on the same machine.

1. Ideas over loopback HTTP with long polling, one process: PostgreSQL against SQLite
   (the burst of :mod:`benchmarks.ingest`).
2. Ideas by webhook, two replicas behind the round-robin proxy against one replica alone,
   both on PostgreSQL; the ideas go to many groups, since one chat's updates are applied one
   at a time whoever applies them.
3. Start-up until polling with 10,000 groups and 20,000 deadlines on PostgreSQL, against an
   empty PostgreSQL database.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import itertools
import os
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any

from benchmarks import ingest, processes, seed
from benchmarks.proxy import RoundRobinProxy
from benchmarks.report import Figure, extra, throughput
from storage import open_database, transfer

POSTGRES_TARGET = 0.8  # PostgreSQL's ingest rate against SQLite's
REPLICAS_TARGET = 1.5  # two replicas' rate against one's
GROUPS = [-1_000_000_100 - n for n in range(20)]
_numbers = itertools.count()


class Databases:
    """Fresh PostgreSQL databases on one server, and counts read from them, from a thread
    with its own event loop (the benchmark itself is synchronous)."""

    def __init__(self, server: str) -> None:
        self.server = server
        self._loop = asyncio.new_event_loop()
        threading.Thread(target=self._loop.run_forever, daemon=True).start()
        self._open: dict[str, Any] = {}

    def run(self, work: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(work, self._loop).result(timeout=processes.DEADLINE)

    def fresh(self) -> str:
        name = f"coprod_bench_{os.getpid()}_{next(_numbers)}"
        self.run(self._admin(f"CREATE DATABASE {name}"))
        base, _, rest = self.server.partition("://")
        location, _, query = rest.partition("?")
        return f"{base}://{location.split('/', 1)[0]}/{name}" + (f"?{query}" if query else "")

    async def _admin(self, sql: str) -> None:
        import asyncpg

        connection = await asyncpg.connect(self.server)
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    def count(self, address: str, sql: str) -> int:
        async def read() -> int:
            if address not in self._open:
                self._open[address] = await open_database(address)
            async with self._open[address].read() as conn:
                return (await conn.fetch_one(sql))[0]

        return self.run(read())

    def close(self) -> None:
        for database in self._open.values():
            self.run(database.close())
        self._open.clear()


@contextlib.contextmanager
def postgres() -> Iterator[Databases]:
    """The server ``COPROD_TEST_DATABASE`` names, or a throwaway cluster for this run."""
    named = os.environ.get("COPROD_TEST_DATABASE", "")
    if named.startswith(("postgresql://", "postgres://")):
        databases = Databases(named)
        yield databases
        databases.close()
        return
    script = processes.ROOT / "scripts" / "throwaway-postgres.sh"
    with tempfile.TemporaryDirectory(prefix="bench-pg-") as folder:
        os.chmod(folder, 0o755)
        cluster = Path(folder) / "cluster"
        url = subprocess.run(["bash", str(script), "start", str(cluster)], capture_output=True, text=True,
                             check=True).stdout.strip()  # fmt: skip
        try:
            databases = Databases(url)
            yield databases
            databases.close()
        finally:
            subprocess.run(["bash", str(script), "stop", str(cluster)], check=False)


def _free_port() -> int:
    with contextlib.closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# ------------------------------------------------------------------ 1: PostgreSQL against SQLite


def _ingest(folder: Path, database: Path | str, databases: Databases, count: int) -> float:
    """Ideas per second over loopback HTTP, long polling, one bot process (as benchmarks.ingest)."""
    with processes.fake_api() as (url, telegram):
        ingest._people_over_http(telegram)
        with processes.running(processes.start_bot(url, database, folder / "bot.log")):
            telegram.membership(chat_id=ingest.GROUP, actor=ingest.FACILITATOR, joined=True)
            telegram.message(chat_id=ingest.GROUP, sender=ingest.FACILITATOR, text=f"/round {ingest.QUESTION}")
            if telegram.wait(method="sendMessage", count=2, timeout=processes.DEADLINE) < 2:
                raise RuntimeError("the bot did not open the round: " + (folder / "bot.log").read_text())
            prompt = ingest.prompt_of(telegram.bot_messages(chat_id=ingest.GROUP))
            telegram.messages(burst=ingest.burst(count, prompt))
            started = time.time()
            done = processes.eventually(lambda: _applied(databases, database, count) and telegram.pending() == 0,
                                        "every idea to be stored", every=0.05)  # fmt: skip
    return count / (done - started)


def _applied(databases: Databases, database: Path | str, count: int) -> bool:
    ideas = databases.count(str(database), "SELECT count(*) FROM ideas")
    return ideas >= count and databases.count(str(database), "SELECT count(*) FROM inbox") == 0


def postgres_against_sqlite(databases: Databases, count: int, repeats: int = 2) -> Figure:
    rates: dict[str, list[float]] = {"postgresql": [], "sqlite": []}
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as name:
        for repeat in range(repeats):
            for engine in ("sqlite", "postgresql"):
                run = Path(name) / f"{engine}-{repeat}"
                run.mkdir()
                database = databases.fresh() if engine == "postgresql" else run / "bot.sqlite3"
                rates[engine].append(_ingest(run, database, databases, count))
    return throughput(f"ideas ingested over loopback HTTP on PostgreSQL ({count:,}, polling)",
                      max(rates["postgresql"]), max(rates["sqlite"]), "SQLite, same burst", POSTGRES_TARGET)  # fmt: skip


# ------------------------------------------------------------------ 2: two replicas against one


def _replicated(folder: Path, databases: Databases, replicas: int, count: int) -> float:
    """Ideas per second by webhook to ``replicas`` processes on one PostgreSQL database."""
    database = databases.fresh()
    ports = [_free_port() for _ in range(replicas)]
    with processes.fake_api() as (url, telegram), \
            RoundRobinProxy([f"http://127.0.0.1:{port}" for port in ports]) as proxy:  # fmt: skip
        telegram.person(user_id=ingest.FACILITATOR, first_name="Fatima", username="fatima")
        for user_id in ingest.RESIDENTS:
            telegram.person(user_id=user_id, first_name=f"Neighbour {user_id}")
        bots = [processes.start_bot(url, database, folder / f"bot-{n}.log", webhook=(proxy.url + "/telegram", port))
                for n, port in enumerate(ports)]  # fmt: skip
        try:
            prompts = {}
            for chat_id in GROUPS:
                telegram.group(chat_id=chat_id, title=f"Street {chat_id}", owner=ingest.FACILITATOR)
                telegram.membership(chat_id=chat_id, actor=ingest.FACILITATOR, joined=True)
                telegram.message(chat_id=chat_id, sender=ingest.FACILITATOR, text=f"/round {ingest.QUESTION}")
            processes.eventually(lambda: all(
                any(ingest.QUESTION in m.get("text", "") for m in telegram.bot_messages(chat_id=chat_id))
                for chat_id in GROUPS), "every round's prompt", every=0.2)  # fmt: skip
            for chat_id in GROUPS:
                prompts[chat_id] = ingest.prompt_of(telegram.bot_messages(chat_id=chat_id))
            burst = [{"chat_id": GROUPS[n % len(GROUPS)], "sender": ingest.RESIDENTS[n % len(ingest.RESIDENTS)],
                      "text": ingest.idea_text(n), "reply_to": prompts[GROUPS[n % len(GROUPS)]]}
                     for n in range(count)]  # fmt: skip
            telegram.messages(burst=burst)
            started = time.time()
            done = processes.eventually(lambda: _applied(databases, database, count) and telegram.pending() == 0,
                                        "every idea to be stored", every=0.05)  # fmt: skip
        finally:
            for bot in bots:
                processes.stop(bot)
    return count / (done - started)


def two_replicas_against_one(databases: Databases, count: int, repeats: int = 2) -> Figure:
    rates: dict[int, list[float]] = {1: [], 2: []}
    with tempfile.TemporaryDirectory(prefix="bench-replicas-") as name:
        for repeat in range(repeats):
            for replicas in (1, 2):
                run = Path(name) / f"{replicas}-{repeat}"
                run.mkdir()
                rates[replicas].append(_replicated(run, databases, replicas, count))
    return throughput(f"ideas by webhook into {len(GROUPS)} groups, two replicas on PostgreSQL ({count:,})",
                      max(rates[2]), max(rates[1]), "one replica", REPLICAS_TARGET)  # fmt: skip


# ------------------------------------------------------------------ 3: start-up on PostgreSQL


def _until_polling(folder: Path, database: str) -> float:
    with processes.fake_api() as (url, telegram):
        started = time.time()
        with processes.running(processes.start_bot(url, database, folder / "bot.log")):
            if telegram.wait(method="getUpdates", count=1, timeout=processes.DEADLINE) < 1:
                raise RuntimeError("the bot never polled: " + (folder / "bot.log").read_text())
            return time.time() - started


def startup_on_postgres(databases: Databases, *, groups: int, deadlines: int) -> Figure:
    now = dt.datetime.now(dt.UTC)
    with tempfile.TemporaryDirectory(prefix="bench-pg-start-") as name:
        folder = Path(name)
        seeded = folder / "many.sqlite3"
        seed.many_groups(seeded, now, groups=groups, deadlines=deadlines)
        empty, full = databases.fresh(), databases.fresh()
        databases.run(_copy(seeded, full))
        databases.run(_copy(None, empty))
        baseline = min(_until_polling(folder, empty) for _ in range(2))
        start = min(_until_polling(folder, full) for _ in range(2))
    return extra(f"start-up until polling on PostgreSQL, {groups:,} groups / {deadlines:,} deadlines",
                 start, baseline, "empty PostgreSQL database", 3.0, "s")  # fmt: skip


async def _copy(source: Path | None, target: str) -> None:
    """Migrate ``target`` (and fill it from the SQLite file ``source``)."""
    into = await open_database(target)
    try:
        if source is not None:
            origin = await open_database(source)
            try:
                await transfer.copy_all(origin, into)
            finally:
                await origin.close()
    finally:
        await into.close()


def measure(*, ideas_http: int, replicated: int, groups: int, deadlines: int) -> list[Figure]:
    with postgres() as databases:
        return [
            postgres_against_sqlite(databases, ideas_http),
            two_replicas_against_one(databases, replicated),
            startup_on_postgres(databases, groups=groups, deadlines=deadlines),
        ]
