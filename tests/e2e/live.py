"""The real bot over real loopback HTTP: the emulator server in a thread, the bot in the test's loop.

:class:`LiveBot` runs :func:`bot.runtime.updates.serve.serve` with long polling, or a webhook
the emulator delivers to (what ``python -m bot`` runs) against an :class:`~bot.demo.emulator.server.EmulatorServer`; tests
act through the server and wait, on a condition, never a sleep, until the bot has answered
(only :meth:`LiveBot.until_applied` polls, briefly and bounded: the database signals nothing
when the inbox empties).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.app import CoprodApplication, build_application
from bot.demo.emulator.server import EmulatorServer
from bot.demo.emulator.telegram import Chat, FakeTelegram, Person
from bot.runtime.config import Webhook
from bot.runtime.limiter import FairRateLimiter
from bot.runtime.updates.polling import PollingSource
from bot.runtime.updates.serve import serve
from bot.runtime.updates.webhook import WebhookSource
from tests.support.harness import make_config

WAIT = 20.0  # seconds before a wait gives up and the test fails


def free_port() -> int:
    with contextlib.closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def local_webhook(secret: str = "a-test-secret-of-thirty-two-chars") -> Webhook:
    """A webhook served on a free loopback port (the emulator may call http:// there)."""
    port = free_port()
    return Webhook(url=f"http://127.0.0.1:{port}/telegram", secret=secret, port=port)


class LiveBot:
    def __init__(self, server: EmulatorServer, database: Path | str, webhook: Webhook | None = None) -> None:
        self.server = server
        self.database = database
        self.webhook = webhook
        self.telegram: FakeTelegram = server.telegram
        self.facilitator = self.telegram.person(101, "Fatima", username="fatima", language_code="en")
        self.residents = [
            self.telegram.person(201 + index, name, username=name.lower(), language_code="en")
            for index, name in enumerate(["Ben", "Chloe", "Dawid", "Ewa"])
        ]
        self.group = self.telegram.group(-1001234, "Chapel Street neighbours", owner=self.facilitator)
        self.app: CoprodApplication | None = None
        self._stop = asyncio.Event()
        self._task: asyncio.Task | None = None

    async def start(self, **limits: Any) -> CoprodApplication:
        config = dataclasses.replace(make_config(self.database), api_url=self.server.url, webhook=self.webhook)
        limiter = FairRateLimiter(first_backoff=0.01, **limits)
        self.app = build_application(config, rate_limiter=limiter)
        self._stop = asyncio.Event()
        source = PollingSource() if self.webhook is None else WebhookSource(self.webhook)
        self._task = asyncio.create_task(serve(self.app, source, self._stop))
        first = "getUpdates" if self.webhook is None else "setWebhook"
        await self.until(lambda telegram: any(name == first for name, _ in telegram.calls))
        return self.app

    async def stop(self) -> None:
        if self._task is not None:
            self._stop.set()
            await asyncio.wait_for(self._task, WAIT)
            self._task = None

    async def until(self, predicate: Callable[[FakeTelegram], bool]) -> None:
        """Wait until ``predicate(telegram)`` holds; fail after :data:`WAIT` seconds."""
        reached = await asyncio.to_thread(self.server.wait_for, lambda: predicate(self.telegram), WAIT)
        assert reached, "the bot did not get there in time"

    async def until_sent(self, count: int, method: str = "sendMessage") -> None:
        await self.until(lambda telegram: len(telegram.sent(method)) >= count)

    async def until_applied(self) -> None:
        """Every queued update fetched and applied (none left in Telegram or the inbox)."""
        await self.until(lambda telegram: not telegram.pending_updates)
        assert self.app is not None
        for _attempt in range(int(WAIT * 20)):
            async with self.app.services.db.read() as conn:
                if (await conn.fetch_one("SELECT count(*) FROM inbox"))[0] == 0:
                    return
            await asyncio.sleep(0.05)
        raise AssertionError("stored updates were not applied in time")

    def send(self, person: Person, text: str | None = None, *, chat: Chat | None = None, **content: Any) -> int:
        update = self.server.act(lambda telegram: telegram.message_update(chat or self.group, person, text, **content))
        return update["message"]["message_id"]

    def add_bot(self) -> None:
        self.server.act(lambda telegram: telegram.membership_update(self.group, self.facilitator, joined=True))

    def texts(self, chat: Chat | None = None) -> list[str]:
        return self.server.act(lambda telegram: telegram.texts((chat or self.group).id))
