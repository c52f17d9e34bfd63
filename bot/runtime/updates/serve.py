"""The bot's life (``python -m bot``): start, feed the inbox from an update source, stop, shut down.

:func:`serve` replaces python-telegram-bot's ``run_polling``, whose ``Updater`` confirms
updates before they are handled; here any :class:`~bot.runtime.updates.source.UpdateSource`
feeds the durable :class:`~bot.runtime.updates.inbox.Inbox`. It stops on SIGINT or SIGTERM
within a few seconds (:data:`~bot.runtime.updates.inbox.GRACE`): what was not applied by
then stays in the inbox for the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from telegram.error import Forbidden, InvalidToken, NetworkError, RetryAfter

import storage
from bot.domain.errors import ConfigError
from bot.runtime import instance, scheduling
from bot.runtime.application import CoprodApplication
from bot.runtime.retries import Backoff
from bot.runtime.updates.inbox import GRACE, Inbox
from bot.runtime.updates.source import UpdateSource, token_refused
from storage import UnusableDatabase

log = logging.getLogger(__name__)


async def serve(application: CoprodApplication, source: UpdateSource, stop: asyncio.Event | None = None) -> None:
    """The bot's life: start, apply what ``source`` feeds the :class:`Inbox` until stopped, shut down.

    Without a ``stop`` event of the caller's, SIGINT and SIGTERM stop it. The database's lock
    file is held throughout, so a second bot on the same database stops at once.
    """
    with instance.only_instance(application.services.config.database):
        await _serve(application, source, stop)


async def _serve(application: CoprodApplication, source: UpdateSource, stop: asyncio.Event | None) -> None:
    signals = (signal.SIGINT, signal.SIGTERM) if stop is None else ()
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in signals:
        loop.add_signal_handler(signum, stop.set)
    try:
        if not await _initialize(application, source, stop):
            return
        if application.post_init:
            await application.post_init(application)
        await application.start()
        inbox = Inbox(application, shared=source.replicated)
        sweeping = (
            asyncio.create_task(scheduling.keep_catching_up(application), name="deadline-sweep")
            if inbox.shared
            else None
        )
        try:
            await receive_and_apply(inbox, source, stop)
        finally:
            if sweeping is not None:
                sweeping.cancel()
                await asyncio.gather(sweeping, return_exceptions=True)
            await _stop_within(application, (inbox.stopped_at or loop.time()) + GRACE)
            if application.post_stop:
                await application.post_stop(application)
    finally:
        await application.shutdown()  # closes the database even if Telegram never answered
        if application.post_shutdown:
            await application.post_shutdown(application)
        for signum in signals:
            loop.remove_signal_handler(signum)


async def receive_and_apply(inbox: Inbox, source: UpdateSource, stop: asyncio.Event) -> None:
    """Feed ``inbox`` from ``source`` and apply what it stores until ``stop`` is set; either
    side ending (by an error) stops the other, and its error is raised."""
    ended = asyncio.Event()  # the caller's stop, or one side ending
    applying = asyncio.create_task(inbox.run(ended), name="inbox")
    feeding = asyncio.create_task(source.run(inbox, ended), name="inbox-source")
    stopper = asyncio.create_task(stop.wait(), name="serve-stop")
    done, _running = await asyncio.wait({applying, feeding, stopper}, return_when=asyncio.FIRST_COMPLETED)
    ended.set()
    # A source cut off mid-call (a long poll held open) confirmed nothing: Telegram sends it again.
    feeding.cancel()
    stopper.cancel()
    await asyncio.gather(applying, feeding, stopper, return_exceptions=True)
    for task in (applying, *(done & {feeding})):
        task.result()


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


async def _initialize(application: CoprodApplication, source: UpdateSource, stop: asyncio.Event) -> bool:
    """Initialize and prepare ``source``, waiting out an unreachable Telegram with backoff;
    False if stopped first.

    A refused token or a database that cannot be used is fatal: one line on stderr, exit
    status 2 (see ``bot.cli``), rather than a restart loop that cannot heal it.
    """
    backoff = Backoff()
    while not stop.is_set():
        try:
            await application.initialize()
            await source.prepare(application)
            return True
        except (InvalidToken, Forbidden) as error:
            raise token_refused(error) from None
        except UnusableDatabase as error:  # corrupt, locked, or its folder not writable
            database = storage.shown(application.services.config.database)
            raise ConfigError(f"COPROD_DB {database!r}: cannot use the database ({error})") from None
        except (NetworkError, RetryAfter) as error:
            delay = backoff.delay()
            log.warning("event=start_failed error=%s retry_in=%.1fs", type(error).__name__, delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
    return False
