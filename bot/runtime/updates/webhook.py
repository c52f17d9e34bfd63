"""Webhook delivery: Telegram POSTs each update to the bot, which answers once it is stored.

python-telegram-bot's own webhook (``Updater.start_webhook``) answers Telegram as soon as an
update is queued in memory, so a crash right after loses it. This follows PTB's
"custom webhook" pattern instead (the application is built with ``.updater(None)``): a small
aiohttp server of our own hands each update to :meth:`Inbox.receive
<bot.runtime.updates.inbox.Inbox.receive>` and answers ``200`` only once that returned, that
is once the update is in the durable inbox. Any other answer (the database is busy, the
process is stopping, it was killed mid-request) makes Telegram deliver it again; the inbox
ignores what it already has.

A request must carry the secret given to ``setWebhook`` in ``X-Telegram-Bot-Api-Secret-Token``,
or it gets ``403`` and nothing is stored. ``GET /healthz`` answers ``200`` while the process
can reach its database, for the proxy in front of the replicas.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging

from aiohttp import web
from telegram import Update

from bot.domain.errors import ConfigError
from bot.runtime.application import CoprodApplication
from bot.runtime.config import Webhook
from bot.runtime.services import Services
from bot.runtime.updates.inbox import Inbox
from storage import StorageError, TransientError

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_CONNECTIONS = 40  # simultaneous deliveries Telegram may make (its default, said explicitly)
ROOM_WAIT = 10.0  # seconds a delivery may wait for room in the inbox before Telegram is told to retry
MAX_BODY = 1024 * 1024  # bytes: an update is a few kilobytes


class WebhookSource:
    """An :class:`~bot.runtime.updates.source.UpdateSource` serving Telegram's webhook calls."""

    replicated = True  # behind a proxy, any number of processes share the work

    def __init__(self, webhook: Webhook, *, max_connections: int = MAX_CONNECTIONS) -> None:
        self._webhook = webhook
        self._max_connections = max_connections
        self._inbox: Inbox | None = None  # set while running: until then deliveries are asked to come back
        self._runner: web.AppRunner | None = None
        self._services: Services | None = None  # the application's, once serving

    async def prepare(self, application: CoprodApplication) -> None:
        """Start serving (requests get ``503`` until :meth:`run` takes them), then tell Telegram
        where to deliver, with the secret and every update type the bot handles named."""
        await self._serve(application)
        await application.bot.set_webhook(
            url=self._webhook.url,
            secret_token=self._webhook.secret,
            allowed_updates=Update.ALL_TYPES,
            max_connections=self._max_connections,
        )

    async def run(self, inbox: Inbox, stop: asyncio.Event) -> None:
        self._inbox = inbox
        try:
            await stop.wait()
        finally:
            self._inbox = None
            await self._close()

    async def _serve(self, application: CoprodApplication) -> None:
        if self._runner is not None:  # prepare() is tried again after a network error
            return
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_post(self._webhook.path, self._deliver)
        app.router.add_get("/healthz", self._health)
        self._services = application.services
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        try:
            await web.TCPSite(runner, self._webhook.host, self._webhook.port).start()
        except OSError as error:
            await runner.cleanup()
            raise ConfigError(
                f"COPROD_WEBHOOK_LISTEN {self._webhook.host}:{self._webhook.port}: cannot listen there ({error.strerror})"
            ) from None
        self._runner = runner
        log.info("event=webhook_listening host=%s port=%s", self._webhook.host, self._webhook.port)

    async def _close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _deliver(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self._webhook.secret.encode()):
            log.warning("event=webhook_refused reason=secret remote=%s", request.remote)
            return web.Response(status=403, text="forbidden")
        inbox = self._inbox
        if inbox is None:
            return web.Response(status=503, text="starting or stopping", headers={"Retry-After": "1"})
        try:
            body = (await request.read()).decode()
            update = Update.de_json(json.loads(body), inbox.bot)
        except (ValueError, TypeError, KeyError, AttributeError):  # UnicodeDecodeError is a ValueError
            return web.Response(status=400, text="not an update")
        try:
            async with asyncio.timeout(ROOM_WAIT):
                await inbox.wait_for_room(1)
            await inbox.receive([update], [body])  # as Telegram sent it, not serialised again
        except (TimeoutError, TransientError) as error:
            log.warning("event=webhook_deferred update_id=%s error=%r", update.update_id, str(error))
            return web.Response(status=503, text="try again", headers={"Retry-After": "1"})
        return web.Response(text="ok")

    async def _health(self, request: web.Request) -> web.Response:
        assert self._services is not None
        try:
            async with self._services.db.read() as conn:
                await conn.fetch_one("SELECT 1")
        except (StorageError, RuntimeError) as error:  # RuntimeError: not open yet, or closed
            return web.Response(status=503, text=f"unhealthy: {error}")
        if self._inbox is None:
            return web.Response(status=503, text="starting or stopping")
        return web.Response(text="ok")
