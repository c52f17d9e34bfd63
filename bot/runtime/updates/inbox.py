"""Durable long polling: no update Telegram delivered is lost or applied twice, even after ``kill -9``.

python-telegram-bot's ``Updater`` confirms a ``getUpdates`` offset before the fetched
updates are handled, so a crash in between silently drops them. Here the :class:`Inbox`
stores each fetched batch in ONE transaction before the next ``getUpdates`` confirms it,
feeds the stored updates to ``Application.process_update`` (each chat's in order, chats side
by side: :mod:`bot.runtime.lanes`), and records each as applied only after its handlers
finished. On start the unfinished ones are applied first. Fetching goes on while one chat
is backed up, up to :data:`MAX_BACKLOG` stored updates.
A crash mid-update replays that update; handlers' writes are idempotent on Telegram ids,
and an update id already applied is skipped (by :meth:`Inbox.receive`, and by a guard at
the front of the handler groups for updates that arrive any other way).

:func:`serve` is the bot's main loop (``python -m bot``): it replaces ``run_polling`` and
stops on SIGINT or SIGTERM within a few seconds (:data:`GRACE`): what was not applied by
then stays in the inbox for the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import signal
import sqlite3
from collections.abc import Sequence

from telegram import Update
from telegram.error import (
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.domain.errors import ConfigError
from bot.runtime import instance
from bot.runtime.application import CoprodApplication, CoprodContext
from bot.runtime.retries import Backoff, retry_after_seconds
from bot.runtime.services import Services
from bot.runtime.updates import faults, lanes
from storage import inbox as stored

log = logging.getLogger(__name__)

POLL_TIMEOUT = 30  # seconds Telegram may hold a getUpdates open
BATCH_SIZE = 100  # Telegram's maximum per getUpdates
KEEP_PROCESSED = dt.timedelta(days=2)  # Telegram redelivers for at most 24 hours
PRUNE_EVERY = 1000  # applied updates between two prunings of processed_updates
PRUNE_INTERVAL = dt.timedelta(hours=1)  # or this long, whichever comes first
MAX_BACKLOG = 10_000  # stored updates not yet applied before fetching waits
GRACE = 3.0  # seconds the updates being applied get to finish once a stop is asked
GUARD_GROUP = -100  # before every other handler group, guards included


def install(application: CoprodApplication) -> None:
    """Skip, before any handler sees it, an update id already applied."""
    application.add_handler(TypeHandler(Update, _skip_applied), group=GUARD_GROUP)


async def _skip_applied(update: Update, context: CoprodContext) -> None:
    services = context.services
    if await services.applied.includes(services.db, update.update_id):
        log.info("event=update_replay_skipped update_id=%s", update.update_id)
        raise ApplicationHandlerStop


class Inbox:
    """Fetch and store while the backlog is bounded; apply in per-chat lanes (:mod:`bot.runtime.updates.lanes`)."""

    def __init__(
        self,
        application: CoprodApplication,
        *,
        poll_timeout: float = POLL_TIMEOUT,
        batch_size: int = BATCH_SIZE,
        width: int = lanes.WIDTH,
        grace: float = GRACE,
    ) -> None:
        self._app = application
        self._poll_timeout = poll_timeout
        self._batch_size = batch_size
        self._grace = grace
        self._lanes = lanes.Lanes(self._apply_one, width)
        self._progress = asyncio.Condition()  # notified when an update is applied or a fault passes
        self._stopping = False
        self._applied = 0
        self._backoff = Backoff()  # between attempts to store while the database is busy or the disk full
        self._retries: dict[int, Backoff] = {}  # each deferred update's own pauses
        self._faulty = False  # in a run of database faults, logged once
        self._disk_full = False  # fetching waits while set: nothing fetched could be stored
        self._since_prune, self._pruned_at = 0, application.services.clock.now()
        self.stopped_at: float | None = None  # loop time a stop began: jobs share the grace period

    @property
    def _services(self) -> Services:
        return self._app.services

    async def receive(self, updates: Sequence[Update]) -> None:
        """Store a fetched batch in one transaction, then queue it in its chats' lanes; ids
        stored or applied before are ignored."""
        rows = [(update.update_id, json.dumps(update.to_dict())) for update in updates]
        async with self._services.db.transaction() as conn:
            await stored.store(conn, rows, self._services.clock.now())
            # only the batch can be new to the lanes: whatever a crash left was taken in at start
            held = sorted(await stored.payloads(conn, [update.update_id for update in updates]))
        fetched = {update.update_id: update for update in updates}
        for update_id in held:
            if update_id not in self._lanes:
                self._lanes.add(update_id, fetched[update_id])
                self._services.applied.queued(update_id)

    async def _take_in(self) -> None:
        """Queue every stored update the lanes do not hold yet, oldest first (at start: whatever
        a crash left; in tests, what was stored behind the inbox's back)."""
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
        fault = await self._apply(update_id, update)
        if fault is not None:
            return self._deferred(fault, update_id)
        self._retries.pop(update_id, None)
        await self._recovered()
        self._applied += 1
        await self._prune_now_and_then()
        async with self._progress:
            self._progress.notify_all()  # the backlog shrank: fetching may go on
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
        except sqlite3.OperationalError as error:
            if not faults.is_transient(error):
                raise
            return error
        self._services.applied.recorded(update_id)
        return None

    def _deferred(self, fault: BaseException, update_id: int) -> float:
        """Note a fault that kept an update in the inbox; the pause before its next attempt."""
        self._noted(fault, update_id)
        return self._retries.setdefault(update_id, Backoff()).delay()

    def _noted(self, fault: BaseException, update_id: int | None) -> None:
        """Log the first fault of a run of them; stop fetching while the disk is full."""
        if not self._faulty:
            log.warning("event=database_fault update_id=%s error=%r action=kept_and_retried", update_id, str(fault))
        self._faulty = True
        self._disk_full = self._disk_full or faults.is_disk_full(fault)

    async def _wait_out(self, fault: BaseException) -> None:
        """Pause fetching after a batch could not be stored."""
        self._noted(fault, None)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self._backoff.delay()), self._progress:
                await self._progress.wait_for(lambda: self._stopping)

    async def _recovered(self) -> None:
        """A write went through and no update waits out a fault: fetching may go on."""
        if not self._faulty or self._retries:
            return
        self._faulty = False
        self._backoff.reset()
        log.info("event=database_recovered")
        async with self._progress:
            self._disk_full = False
            self._progress.notify_all()

    async def run(self, stop: asyncio.Event) -> None:
        """Poll and apply until ``stop`` is set; updates being applied get a short grace period,
        then are cancelled and stay in the inbox for the next start."""
        await self._prune()
        await self._take_in()
        workers = self._lanes.start()
        fetcher = asyncio.create_task(self._fetch_forever(), name="inbox-fetch")
        stopper = asyncio.create_task(stop.wait(), name="inbox-stop")
        done, _running = await asyncio.wait({fetcher, stopper, *workers}, return_when=asyncio.FIRST_COMPLETED)
        self.stopped_at = asyncio.get_running_loop().time()
        # An abandoned long poll confirmed nothing: Telegram sends those updates again.
        fetcher.cancel()
        stopper.cancel()
        async with self._progress:
            self._stopping = True
            self._progress.notify_all()
        await self._lanes.close(self._grace)
        await asyncio.gather(fetcher, stopper, return_exceptions=True)
        for task in done - {stopper}:
            task.result()

    async def _fetch_forever(self) -> None:
        offset: int | None = None  # none at first: Telegram resends all it holds; receive() dedupes
        backoff = Backoff()
        while True:
            async with self._progress:
                await self._progress.wait_for(self._room_to_fetch)
            try:
                updates = await self._app.bot.get_updates(
                    offset=offset,
                    timeout=self._poll_timeout,
                    limit=self._batch_size,
                    allowed_updates=Update.ALL_TYPES,
                )
            except RetryAfter as error:
                await asyncio.sleep(retry_after_seconds(error))
                continue
            except (InvalidToken, Forbidden) as error:
                raise _token_refused(error) from None
            except Conflict as error:  # retrying would only take turns with the other poller
                raise ConfigError(f"another process is polling Telegram with this bot token ({error.message})") from None
            except TelegramError as error:  # network errors, 5xx
                delay = backoff.delay()
                log.warning("event=get_updates_failed error=%s retry_in=%.1fs", type(error).__name__, delay)
                await asyncio.sleep(delay)
                continue
            backoff.reset()
            if updates:
                await self._store(updates)
                offset = updates[-1].update_id + 1

    def _room_to_fetch(self) -> bool:
        """The inbox is durable, so fetching goes on while one chat is backed up; only a
        backlog past :data:`MAX_BACKLOG` (or a full disk) stops it."""
        return len(self._lanes) + self._batch_size <= MAX_BACKLOG and not self._disk_full

    async def _store(self, updates: Sequence[Update]) -> None:
        """Store a fetched batch, retrying while the database is busy or the disk full; nothing
        more is fetched meanwhile, and Telegram keeps what was not confirmed."""
        while True:
            try:
                await self.receive(updates)
            except sqlite3.OperationalError as error:
                if not faults.is_transient(error):
                    raise
                await self._wait_out(error)  # a stop cancels this task meanwhile
                continue
            await self._recovered()
            return


async def serve(application: CoprodApplication, stop: asyncio.Event | None = None) -> None:
    """The bot's life: start, poll through the :class:`Inbox` until stopped, shut down.

    Without a ``stop`` event of the caller's, SIGINT and SIGTERM stop it. The database's lock
    file is held throughout, so a second bot on the same database stops at once.
    """
    with instance.only_instance(application.services.settings.database):
        await _serve(application, stop)


async def _serve(application: CoprodApplication, stop: asyncio.Event | None) -> None:
    signals = (signal.SIGINT, signal.SIGTERM) if stop is None else ()
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in signals:
        loop.add_signal_handler(signum, stop.set)
    try:
        if not await _initialize(application, stop):
            return
        if application.post_init:
            await application.post_init(application)
        await application.start()
        inbox = Inbox(application)
        try:
            await inbox.run(stop)
        finally:
            await _stop_within(application, (inbox.stopped_at or loop.time()) + GRACE)
            if application.post_stop:
                await application.post_stop(application)
    finally:
        await application.shutdown()  # closes the database even if Telegram never answered
        if application.post_shutdown:
            await application.post_shutdown(application)
        for signum in signals:
            loop.remove_signal_handler(signum)


async def _stop_within(application: CoprodApplication, deadline: float) -> None:
    """``Application.stop`` waits for running jobs, and a job posting summaries may wait a
    minute for a group's flood budget: past ``deadline`` (loop time) the jobs are cancelled.
    Their deadline rows are still pending, so the next start carries them out."""
    stopping = asyncio.ensure_future(application.stop())
    loop = asyncio.get_running_loop()
    await asyncio.wait({stopping}, timeout=max(0.0, deadline - loop.time()))
    if not stopping.done() and application.job_queue is not None:
        log.warning("event=jobs_cancelled_at_stop")
        application.job_queue.scheduler.shutdown(wait=False)  # cancels the running jobs
    await stopping


async def _initialize(application: CoprodApplication, stop: asyncio.Event) -> bool:
    """Initialize, waiting out an unreachable Telegram with backoff; False if stopped first.

    A refused token or a database that cannot be used is fatal: one line on stderr, exit
    status 2 (see ``bot.cli``), rather than a restart loop that cannot heal it.
    """
    backoff = Backoff()
    while not stop.is_set():
        try:
            await application.initialize()
            await application.bot.delete_webhook()
            return True
        except (InvalidToken, Forbidden) as error:
            raise _token_refused(error) from None
        except sqlite3.Error as error:  # corrupt, locked, or its folder not writable
            database = application.services.settings.database
            raise ConfigError(f"COPROD_DB {str(database)!r}: cannot use the database ({error})") from None
        except (NetworkError, RetryAfter) as error:
            delay = backoff.delay()
            log.warning("event=start_failed error=%s retry_in=%.1fs", type(error).__name__, delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
    return False


def _token_refused(error: TelegramError) -> ConfigError:
    return ConfigError(f"Telegram refused the bot token ({error.message})")
