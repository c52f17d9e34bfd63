"""Lanes shared by several processes: each chat's waiting updates are taken from the inbox
table, in update order, by whichever process claims the chat.

With one process (SQLite) a lane is a queue in memory (:mod:`bot.runtime.updates.lanes`).
Replicas behind a webhook proxy each store what they are sent, so one chat's updates land in
both; applying them in order, and each once, needs the queue to be the database's. A process
claims a chat's lane (``Database.claim``: an advisory lock on PostgreSQL, released by the
server when the process dies, even by ``kill -9``), applies the lane's oldest waiting update,
and goes on until the lane is empty or another lane is waiting for a worker; it keeps the
claim while it gives way, and lets go once the lane is empty.
An update stays in the inbox until it is recorded as applied, so a replica killed halfway
leaves it for the other, which replays it (handlers' writes are idempotent).

A replica is told about its own updates at once (:meth:`SharedLanes.add`); those another
stored, or a dead one left, it finds by looking at the inbox every :data:`SWEEP` seconds, and
whenever it lets go of a lane that is not empty.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque

from telegram import Bot, Update

from bot.runtime.updates.lanes import WIDTH, Apply, lane_name
from storage import Database, TransientError
from storage import inbox as stored

log = logging.getLogger(__name__)

SWEEP = 0.5  # seconds between two looks at the inbox for lanes nobody is applying
READ_AHEAD = 20  # a held lane's updates read at a time
FAULT_PAUSE = 1.0  # seconds a lane waits after the database failed it mid-turn


class SharedLanes:
    """The :class:`~bot.runtime.updates.lanes.Lanes` interface over the inbox table."""

    def __init__(self, apply: Apply, database: Database, bot: Bot, width: int = WIDTH, sweep: float = SWEEP) -> None:
        self._apply = apply
        self._db, self._bot = database, bot
        self._width, self._sweep = width, sweep
        self._known: dict[str, dict[int, Update]] = {}  # received here and not applied yet, by lane
        self._wanted: set[str] = set()  # lanes queued for a worker, being applied, or resting
        self._turns: asyncio.Queue[str] = asyncio.Queue()
        self._workers: set[asyncio.Task[None]] = set()
        self._applying: set[asyncio.Task[None]] = set()
        self._resting: dict[str, asyncio.TimerHandle] = {}
        self._held: dict[str, contextlib.AsyncExitStack] = {}  # lanes this process has claimed
        self._fetched: dict[str, deque[tuple[int, str]]] = {}  # read from a held lane, not applied yet
        self._sweeper: asyncio.Task[None] | None = None
        self._closing = False
        self.idle = asyncio.Event()  # set while this process wants no lane
        self.idle.set()

    def __contains__(self, update_id: int) -> bool:
        return any(update_id in held for held in self._known.values())

    def __len__(self) -> int:
        return sum(len(held) for held in self._known.values())

    def add(self, update_id: int, update: Update) -> None:
        """An update this process stored: its lane gets a worker's turn."""
        lane = lane_name(update)
        self._known.setdefault(lane, {})[update_id] = update
        self.want(lane)

    def want(self, lane: str) -> None:
        if lane in self._wanted:
            return
        self._wanted.add(lane)
        self.idle.clear()
        self._turns.put_nowait(lane)

    async def sweep(self) -> None:
        """Want every lane with updates waiting (whoever stored them); forget what was applied elsewhere."""
        async with self._db.read() as conn:
            lanes = await stored.waiting_lanes(conn)
        if None in lanes:
            await self._name_lanes()
            async with self._db.read() as conn:
                lanes = await stored.waiting_lanes(conn)
        for lane in set(self._known) - set(lanes):
            del self._known[lane]
        for lane in lanes:
            if lane is not None:
                self.want(lane)
        self._check_idle()

    async def _name_lanes(self) -> None:
        """Updates stored before lanes were named (a database carried over) get theirs."""
        async with self._db.read() as conn:
            rows = await conn.fetch_all("SELECT update_id, payload FROM inbox WHERE lane IS NULL")
        named = [(row[0], lane_name(Update.de_json(json.loads(row[1]), self._bot))) for row in rows]
        async with self._db.transaction() as conn:
            await stored.name_lanes(conn, named)

    def start(self) -> set[asyncio.Task[None]]:
        self._closing = False
        self._workers = {asyncio.create_task(self._work(), name=f"inbox-lane-{n}") for n in range(self._width)}
        self._sweeper = asyncio.create_task(self._keep_sweeping(), name="inbox-sweep")
        return set(self._workers)

    async def close(self, grace: float) -> None:
        """As :meth:`Lanes.close <bot.runtime.updates.lanes.Lanes.close>`; what was not applied
        stays in the inbox, for this process's next start or for another replica."""
        self._closing = True
        if self._sweeper is not None:
            self._sweeper.cancel()
            await asyncio.gather(self._sweeper, return_exceptions=True)
        for worker in self._workers - self._applying:
            worker.cancel()
        if self._workers:
            _done, late = await asyncio.wait(self._workers, timeout=grace)
            for worker in late:
                worker.cancel()
            await asyncio.gather(*self._workers, return_exceptions=True)
        self._workers = set()
        for lane in list(self._held):
            with contextlib.suppress(TransientError):
                await self._let_go(lane)
        for timer in self._resting.values():
            timer.cancel()
        self._resting.clear()
        self._wanted.clear()
        self._turns = asyncio.Queue()
        self.idle.set()

    async def _keep_sweeping(self) -> None:
        while True:
            await asyncio.sleep(self._sweep)
            with contextlib.suppress(TransientError):  # the database is away: look again later
                await self.sweep()

    async def _work(self) -> None:
        worker = asyncio.current_task()
        assert worker is not None
        while not self._closing:
            lane = await self._turns.get()
            self._applying.add(worker)
            try:
                await self._take_turn(lane)
            finally:
                self._applying.discard(worker)
                self._check_idle()

    async def _take_turn(self, lane: str) -> None:
        """Apply some of the lane's updates under its claim. A lane that gives way to others
        keeps its claim for its next turn; one that is empty, or waits out a fault, lets go,
        and is looked at once more (an update another replica stored while this one held the
        lane would otherwise wait for a sweep)."""
        try:
            if lane not in self._held and not await self._hold(lane):
                self._wanted.discard(lane)  # another process applies it: its sweep or ours comes back to it
                return
            outcome = await self._drain(lane)
        except TransientError as error:  # the database went away mid-turn: the lane waits a moment
            log.warning("event=lane_fault lane=%s error=%r", lane, str(error))
            outcome = FAULT_PAUSE
        if outcome == "yield":
            self._turns.put_nowait(lane)  # to the back: other chats take their turn first
            return
        with contextlib.suppress(TransientError):
            await self._let_go(lane)
        if isinstance(outcome, float):  # a transient fault: only this chat waits
            self._resting[lane] = asyncio.get_running_loop().call_later(outcome, self._wake, lane)
        elif await self._next(lane, 1):
            self._turns.put_nowait(lane)
        else:
            self._wanted.discard(lane)
            self._known.pop(lane, None)

    async def _hold(self, lane: str) -> bool:
        """Claim the lane for this process until :meth:`_let_go`; False if another holds it."""
        claim = contextlib.AsyncExitStack()
        if await claim.enter_async_context(self._db.claim(f"lane {lane}")):
            self._held[lane] = claim
            return True
        await claim.aclose()
        return False

    async def _let_go(self, lane: str) -> None:
        self._fetched.pop(lane, None)
        claim = self._held.pop(lane, None)
        if claim is not None:
            await claim.aclose()

    async def _drain(self, lane: str) -> float | str | None:
        """Apply the lane's updates oldest first: None once it is empty, ``"yield"`` when other
        lanes wait for a worker, or the pause before trying its first update again. Updates are
        read a few at a time: while the lane is held, nobody else applies them."""
        applied = False
        while not self._closing:
            fetched = self._fetched.get(lane)
            if not fetched:
                fetched = self._fetched[lane] = deque(await self._next(lane, READ_AHEAD))
                if not fetched:
                    return None
            if applied and not self._turns.empty():
                return "yield"
            update_id, payload = fetched[0]
            update = self._known.get(lane, {}).get(update_id) or Update.de_json(json.loads(payload), self._bot)
            retry_in = await self._apply(update_id, update)
            if retry_in is not None:
                return float(retry_in)
            fetched.popleft()
            self._known.get(lane, {}).pop(update_id, None)
            applied = True
        return "yield"

    async def _next(self, lane: str, count: int) -> list[tuple[int, str]]:
        async with self._db.read() as conn:
            return await stored.in_lane(conn, lane, count)

    def _wake(self, lane: str) -> None:
        self._resting.pop(lane, None)
        self._turns.put_nowait(lane)

    def _check_idle(self) -> None:
        if not self._wanted:
            self.idle.set()

