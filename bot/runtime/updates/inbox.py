"""The durable inbox: no update Telegram delivered is lost or applied twice, even after ``kill -9``.

python-telegram-bot's ``Updater`` confirms a ``getUpdates`` offset before the fetched
updates are handled, so a crash in between silently drops them. Here every update source
(:mod:`bot.runtime.updates.source`) hands what it gets to :meth:`Inbox.receive`, which
stores the batch in ONE transaction before the source confirms it to Telegram. The inbox
feeds the stored updates to ``Application.process_update`` (each chat's in order, chats side
by side: :mod:`bot.runtime.updates.lanes`), and records each as applied only after its
handlers finished. On start the unfinished ones are applied first. Sources go on receiving
while one chat is backed up, up to :data:`MAX_BACKLOG` stored updates
(:meth:`Inbox.wait_for_room`).
A crash mid-update replays that update; handlers' writes are idempotent on Telegram ids,
and an update id already applied is skipped (by :meth:`Inbox.receive`, and by a guard at
the front of the handler groups for updates that arrive any other way:
:mod:`bot.runtime.updates.guard`).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
from collections.abc import Sequence

from telegram import Bot, Update

from bot.runtime.application import CoprodApplication
from bot.runtime.retries import Backoff
from bot.runtime.services import Services
from bot.runtime.updates import faults, lanes
from bot.runtime.updates.shared_lanes import SharedLanes
from storage import Connection, Database, TransientError
from storage import inbox as stored

log = logging.getLogger(__name__)

KEEP_PROCESSED = dt.timedelta(days=2)  # Telegram redelivers for at most 24 hours
PRUNE_EVERY = 1000  # applied updates between two prunings of processed_updates
PRUNE_INTERVAL = dt.timedelta(hours=1)  # or this long, whichever comes first
MAX_BACKLOG = 10_000  # stored updates not yet applied before sources wait
GRACE = 3.0  # seconds the updates being applied get to finish once a stop is asked


class Inbox:
    """Store what sources receive while the backlog is bounded; apply it in per-chat lanes
    (:mod:`bot.runtime.updates.lanes`)."""

    def __init__(
        self, application: CoprodApplication, *, width: int = lanes.WIDTH, grace: float = GRACE,
        shared: bool | None = None,
    ) -> None:  # fmt: skip
        """``shared``: other processes apply updates from the same database (replicas behind a
        webhook), so lanes are taken from the inbox table; by default, whenever the database
        may be shared. Long polling is one process (the poller), so it passes False."""
        self._app = application
        self._grace = grace
        database = application.services.db
        self.shared = database.shared if shared is None else shared and database.shared
        application.services.applied.shared = self.shared
        self._lanes: lanes.Lanes | SharedLanes = (
            SharedLanes(self._apply_one, database, application.bot, width)
            if self.shared
            else lanes.Lanes(self._apply_one, width)
        )
        self._progress = asyncio.Condition()  # notified when an update is applied or a fault passes
        self._stopping = False
        self._applied = 0
        self._backoff = Backoff()  # between attempts to store while the database is busy or the disk full
        self._retries: dict[int, Backoff] = {}  # each deferred update's own pauses
        self._faulty = False  # in a run of database faults, logged once
        self._disk_full = False  # sources wait while set: nothing received could be stored
        self._taken_in = False  # sources wait until what a crash left is queued, ahead of anything new
        self._since_prune, self._pruned_at = 0, application.services.clock.now()
        self.stopped_at: float | None = None  # loop time a stop began: jobs share the grace period

    @property
    def _services(self) -> Services:
        return self._app.services

    @property
    def database(self) -> Database:
        return self._services.db

    @property
    def bot(self) -> Bot:
        """The bot a source calls Telegram through and decodes updates with (``Update.de_json``)."""
        return self._app.bot

    async def receive(self, updates: Sequence[Update], payloads: Sequence[str] | None = None) -> None:
        """The entry point of every update source: store ``updates`` in one transaction, then
        queue them in their chats' lanes; ids stored or applied before are ignored.
        ``payloads`` are the updates' JSON as Telegram sent it, when the source has it
        (serialising a parsed update again costs about as much as handling it).

        It returns only once the batch is durable, so the source may then confirm it to
        Telegram (the next ``getUpdates`` offset, a webhook's answer); a database fault
        raises, with nothing stored. :meth:`receive_until_stored` waits such faults out.
        """
        if payloads is None:
            payloads = [json.dumps(update.to_dict()) for update in updates]
        rows = [
            (update.update_id, payload, lanes.lane_name(update))
            for update, payload in zip(updates, payloads, strict=True)
        ]
        database = self._services.db
        # a webhook's single update is one statement: no BEGIN, no COMMIT, and no read when it is new
        async with database.one_statement() if len(rows) == 1 else database.transaction() as conn:
            new = await stored.store(conn, rows, self._services.clock.now())
            # only the batch can be new to the lanes: whatever a crash left was taken in at start
            ids = [update.update_id for update in updates]
            held = ids if new == len(ids) else sorted(await stored.payloads(conn, ids))
        fetched = {update.update_id: update for update in updates}
        for update_id in held:
            if update_id not in self._lanes:
                self._lanes.add(update_id, fetched[update_id])
                self._services.applied.queued(update_id)

    async def wait_for_room(self, count: int) -> None:
        """Wait until ``count`` more updates may be received; a source calls this before it takes
        a batch that Telegram would otherwise keep for it.

        The inbox is durable, so receiving goes on while one chat is backed up; only a backlog
        past :data:`MAX_BACKLOG` (or a full disk) holds it back, and, at start, the updates a
        crash left, which must be queued first in their lanes.
        """
        async with self._progress:
            await self._progress.wait_for(lambda: self._room_for(count))

    def _room_for(self, count: int) -> bool:
        return self._taken_in and len(self._lanes) + count <= MAX_BACKLOG and not self._disk_full

    async def receive_until_stored(self, updates: Sequence[Update], payloads: Sequence[str] | None = None) -> None:
        """:meth:`receive`, retrying while the database is busy or the disk full: for a source
        whose updates Telegram keeps until confirmed, so it can wait (a stop cancels the wait)."""
        while True:
            try:
                await self.receive(updates, payloads)
            except TransientError as error:
                await self._wait_out(error)  # a stop cancels this task meanwhile
                continue
            await self._recovered()
            return

    async def _take_in(self) -> None:
        """Queue every stored update the lanes do not hold yet, oldest first (at start: whatever
        a crash left; in tests, what was stored behind the inbox's back). Shared lanes read the
        table as they go, so they only need to know which lanes have work."""
        if isinstance(self._lanes, SharedLanes):
            await self._lanes.sweep()
            return
        async with self._services.db.read() as conn:
            new = [update_id for update_id in await stored.waiting(conn) if update_id not in self._lanes]
            payloads = await stored.payloads(conn, new)
        for update_id in new:
            self._lanes.add(update_id, Update.de_json(json.loads(payloads[update_id]), self._app.bot))
            self._services.applied.queued(update_id)

    async def apply_pending(self) -> int:
        """Apply every stored update, each chat's in order, until none is left; how many.

        An update that meets a transient database fault stays first in its chat's lane and
        is tried again after a pause; other chats go on meanwhile.
        """
        before = self._applied
        await self._take_in()
        await lanes.until_idle(self._lanes)
        return self._applied - before

    async def _apply_one(self, update_id: int, update: Update) -> float | None:
        """Apply and record one update; None once done, else the pause before trying it again."""
        self._services.applied.queued(update_id)  # it is in the inbox: not applied yet
        fault = await self._apply(update_id, update)
        if fault is not None:
            return self._deferred(fault, update_id)
        self._retries.pop(update_id, None)
        await self._recovered()
        self._applied += 1
        await self._prune_now_and_then()
        async with self._progress:
            self._progress.notify_all()  # the backlog shrank: sources may go on
        return None

    async def _prune_now_and_then(self) -> None:
        """Forget old records every so many updates or so long, so a bot that runs for months
        keeps ``processed_updates`` (and the replay guard's lookups) small."""
        self._since_prune += 1
        if self._since_prune >= PRUNE_EVERY or self._services.clock.now() - self._pruned_at >= PRUNE_INTERVAL:
            await self._prune()

    async def _prune(self) -> None:
        now = self._services.clock.now()
        self._since_prune, self._pruned_at = 0, now  # before the write: lanes applying meanwhile skip it
        async with self._services.db.one_statement() as conn:
            await stored.forget_processed(conn, now - KEEP_PROCESSED)

    async def _apply(self, update_id: int, update: Update) -> BaseException | None:
        """Apply and record one update; the transient fault that kept it in the inbox, if any."""
        try:
            await self._app.process_update(update)
        except Exception as error:  # noqa: BLE001 - one bad update must not block the inbox forever
            if faults.is_transient(error):
                return error
            log.exception("event=update_failed update_id=%s", update_id)
        fault = self._services.deferred.take(update_id)
        if fault is not None:
            return fault
        try:
            async with self._services.db.one_statement() as conn:
                await stored.mark_processed(conn, update_id, self._services.clock.now())
            if update_id in self._services.scrub_when_applied:
                await self._services.db.scrub()  # the update's raw copy is gone from the log too
        except TransientError as error:
            return error
        self._services.scrub_when_applied.discard(update_id)
        self._services.applied.recorded(update_id)
        return None

    def _deferred(self, fault: BaseException, update_id: int) -> float:
        """Note a fault that kept an update in the inbox; the pause before its next attempt."""
        self._noted(fault, update_id)
        return self._retries.setdefault(update_id, Backoff()).delay()

    def _noted(self, fault: BaseException, update_id: int | None) -> None:
        """Log the first fault of a run of them; hold the sources back while the disk is full."""
        if not self._faulty:
            log.warning("event=database_fault update_id=%s error=%r action=kept_and_retried", update_id, str(fault))
        self._faulty = True
        self._disk_full = self._disk_full or faults.is_disk_full(fault)

    async def _wait_out(self, fault: BaseException) -> None:
        """Pause the source after a batch could not be stored."""
        self._noted(fault, None)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self._backoff.delay()), self._progress:
                await self._progress.wait_for(lambda: self._stopping)

    async def _recovered(self) -> None:
        """A write went through and no update waits out a fault: sources may go on."""
        if not self._faulty or self._retries:
            return
        self._faulty = False
        self._backoff.reset()
        log.info("event=database_recovered")
        async with self._progress:
            self._disk_full = False
            self._progress.notify_all()

    async def run(self, stop: asyncio.Event) -> None:
        """Apply what sources receive until ``stop`` is set; updates being applied get a short
        grace period, then are cancelled and stay in the inbox for the next start. A lane's
        error ends it early and is raised."""
        await self._prune()
        await self._take_in()
        async with self._progress:
            self._taken_in = True
            self._progress.notify_all()
        workers = self._lanes.start()
        stopper = asyncio.create_task(stop.wait(), name="inbox-stop")
        done, _running = await asyncio.wait({stopper, *workers}, return_when=asyncio.FIRST_COMPLETED)
        self.stopped_at = asyncio.get_running_loop().time()
        stopper.cancel()
        async with self._progress:
            self._stopping = True
            self._progress.notify_all()
        await self._lanes.close(self._grace)
        await asyncio.gather(stopper, return_exceptions=True)
        for task in done - {stopper}:
            task.result()


NAME_FIELDS = ("first_name", "last_name", "username")


async def unname_stored(conn: Connection, user_id: int) -> int:
    """Take a forgotten member's name out of every stored update still waiting to be applied
    (the ``/forgetme`` press itself among them), so it stays in no database file; the
    updates still apply, under an empty name. How many were rewritten."""
    rewritten = {}
    for update_id, payload in (await stored.everything_waiting(conn)).items():
        unnamed = json.dumps(_unnamed(json.loads(payload), user_id))
        if unnamed != payload:
            rewritten[update_id] = unnamed
    await stored.rewrite(conn, rewritten)
    return len(rewritten)


def _unnamed(value: object, user_id: int) -> object:
    """``value`` (an update's JSON) with the names of ``user_id``'s user and private chat
    objects emptied, wherever they are (the sender, a pressed message's chat, a reply)."""
    if isinstance(value, list):
        return [_unnamed(item, user_id) for item in value]
    if not isinstance(value, dict):
        return value
    if value.get("id") == user_id and any(name in value for name in NAME_FIELDS):
        value = {key: item for key, item in value.items() if key not in NAME_FIELDS[1:]}
        if "first_name" in value:
            value["first_name"] = ""
    return {key: _unnamed(item, user_id) for key, item in value.items()}
