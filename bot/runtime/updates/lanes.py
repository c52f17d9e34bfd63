"""One lane per chat: a chat's updates are applied in order, different chats side by side.

A handler awaits its own sends, and a send may wait most of a minute for its group's flood
budget. Applied one at a time, that wait would hold up every other chat's updates behind
it. Within a chat the order still matters (the ``/round`` before the ideas that answer its
prompt), so each chat gets a first-in-first-out lane and only lanes run concurrently.

At most :data:`WIDTH` lanes are applied at once, so a flood of chats cannot open thousands
of tasks all waiting on the database; lanes take turns, one update each, so a chat with a
long backlog gives way to a quiet chat after every update.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Awaitable, Callable, Hashable

from telegram import Update

WIDTH = 8  # lanes applied at once

# Apply one update; None when it is done, else seconds until it is tried again, still first in its lane.
Apply = Callable[[int, Update], Awaitable[float | None]]


def lane_of(update: Update) -> Hashable:
    """The chat an update belongs to. Poll updates name no chat: votes on one poll share a
    lane; anything else without a chat (an inline query) goes by the person."""
    if update.poll is not None:
        return ("poll", update.poll.id)
    if update.poll_answer is not None:
        return ("poll", update.poll_answer.poll_id)
    if update.effective_chat is not None:  # a button's message's chat, a membership's chat
        return ("chat", update.effective_chat.id)
    if update.effective_user is not None:
        return ("user", update.effective_user.id)
    return ("other",)


def lane_name(update: Update) -> str:
    """:func:`lane_of` as text, as the inbox stores it (``chat:-100123``)."""
    return ":".join(str(part) for part in lane_of(update))


class Lanes:
    """Updates held until applied: per-lane queues and the workers that take turns on them."""

    def __init__(self, apply: Apply, width: int = WIDTH) -> None:
        self._apply = apply
        self._width = width
        self._queues: dict[Hashable, deque[tuple[int, Update]]] = {}
        self._turns: asyncio.Queue[Hashable] = asyncio.Queue()  # lanes with an update and no worker
        self._held: set[int] = set()
        self._workers: set[asyncio.Task[None]] = set()
        self._applying: set[asyncio.Task[None]] = set()
        self._resting: dict[Hashable, asyncio.TimerHandle] = {}  # lanes waiting out a fault
        self._closing = False
        self.idle = asyncio.Event()  # set while no update is held
        self.idle.set()

    def __contains__(self, update_id: int) -> bool:
        return update_id in self._held

    def __len__(self) -> int:
        return len(self._held)

    def add(self, update_id: int, update: Update) -> None:
        """Queue an update at the end of its chat's lane (once, however often it is added)."""
        if update_id in self._held:
            return
        self._held.add(update_id)
        self.idle.clear()
        key = lane_of(update)
        if key not in self._queues:
            self._queues[key] = deque()
            self._turns.put_nowait(key)
        self._queues[key].append((update_id, update))

    def start(self) -> set[asyncio.Task[None]]:
        """Start the workers; a worker ends only by an error (or :meth:`close`)."""
        self._closing = False
        self._workers = {asyncio.create_task(self._work(), name=f"inbox-lane-{n}") for n in range(self._width)}
        return set(self._workers)

    async def close(self, grace: float) -> None:
        """Hand out no more turns; give the updates being applied ``grace`` seconds, then cancel
        them. An update cancelled halfway stays held by the durable inbox, to be applied again."""
        self._closing = True
        for worker in self._workers - self._applying:
            worker.cancel()  # waiting for a turn
        if self._workers:
            _done, late = await asyncio.wait(self._workers, timeout=grace)
            for worker in late:
                worker.cancel()
            await asyncio.gather(*self._workers, return_exceptions=True)
        self._workers = set()
        for timer in self._resting.values():
            timer.cancel()
        self._resting.clear()
        self._turns = asyncio.Queue()  # every lane with updates gets a turn when workers start again
        for key in self._queues:
            self._turns.put_nowait(key)

    async def _work(self) -> None:
        worker = asyncio.current_task()
        assert worker is not None
        while not self._closing:
            key = await self._turns.get()
            self._applying.add(worker)
            try:
                await self._take_turn(key)
            finally:
                self._applying.discard(worker)

    async def _take_turn(self, key: Hashable) -> None:
        queue = self._queues[key]
        update_id, update = queue[0]
        retry_in = await self._apply(update_id, update)
        if retry_in is not None:  # still first in line: only this chat waits
            self._resting[key] = asyncio.get_running_loop().call_later(retry_in, self._wake, key)
            return
        queue.popleft()
        self._held.discard(update_id)
        if queue:
            self._turns.put_nowait(key)  # to the back: other chats take their turn first
            return
        del self._queues[key]
        if not self._queues:
            self.idle.set()


    def _wake(self, key: Hashable) -> None:
        del self._resting[key]
        self._turns.put_nowait(key)


async def until_idle(lanes: Lanes) -> None:
    """Apply every held update and return once none is left; a worker's error is raised."""
    workers = lanes.start()
    idle = asyncio.create_task(lanes.idle.wait())
    try:
        done, _ = await asyncio.wait({idle, *workers}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        idle.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await idle
        await lanes.close(grace=0)
    for task in done - {idle}:
        task.result()
