"""Drive the real Application against the emulator: people act, the bot answers, tests read both.

``Harness`` wraps one ``Application`` built by :func:`bot.app.build_application` with the
in-process emulator transport and a fake clock. Each action creates the update the real
Telegram would send and hands it to ``Application.process_update``.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from telegram import Update

from bot.app import CoprodApplication
from bot.demo.emulator.spec import load
from bot.demo.emulator.telegram import Chat, FakeTelegram, Person
from bot.runtime.clock import FakeClock
from bot.runtime.config import Config
from storage import is_server

TOKEN = "123456:TEST-token-for-the-emulator-only"


def reference_spec():
    """The Bot API reference the emulator checks every call against: the copy the package ships
    (tests need nothing outside the repository; ``tests/e2e/test_emulator_server.py`` checks
    the copy against the official reference when one is at hand)."""
    return load()


def make_config(database: Path | str, **overrides: Any) -> Config:
    """A test's configuration; the public pages go next to a SQLite file, or into a new
    temporary folder beside a PostgreSQL database."""
    if "site_dir" not in overrides:
        folder = Path(tempfile.mkdtemp(prefix="coprod-site-")) if is_server(database) else Path(database).parent
        overrides["site_dir"] = folder / "site"
    return Config(token=TOKEN, api_url="http://127.0.0.1:1/bot", database=database, **overrides)


class Harness:
    def __init__(self, app: CoprodApplication, telegram: FakeTelegram, clock: FakeClock) -> None:
        self.app = app
        self.telegram = telegram
        self.clock = clock
        owner = telegram.person(101, "Fatima", username="fatima", language_code="en")
        self.facilitator = owner
        self.residents = [
            telegram.person(201 + index, name, username=name.lower(), language_code="en")
            for index, name in enumerate(["Ben", "Chloe", "Dawid", "Ewa", "Farah", "Gosia"])
        ]
        self.group = telegram.group(-1001234, "Chapel Street neighbours", owner=owner)
        telegram.join(self.group, *self.residents)

    @property
    def db(self):
        return self.app.services.db

    async def deliver(self, update: dict[str, Any]) -> None:
        await self.app.process_update(Update.de_json(update, self.app.bot))

    async def send(
        self, person: Person, text: str | None = None, *, chat: Chat | None = None,
        reply_to: int | None = None, **content: Any,
    ) -> int:
        """``person`` sends a message; returns its message id."""
        update = self.telegram.message_update(chat or self.group, person, text, reply_to=reply_to, **content)
        await self.deliver(update)
        return update["message"]["message_id"]

    async def send_private(self, person: Person, text: str) -> int:
        return await self.send(person, text, chat=self.telegram.private_chat(person))

    async def press(self, person: Person, message_id: int, data: str, *, chat: Chat | None = None) -> None:
        await self.deliver(self.telegram.callback_update(chat or self.group, person, message_id, data))

    def buttons(self, chat: Chat | None = None) -> list[tuple[int, str, str]]:
        """(message id, text, callback data) of every button on the bot's messages in the
        chat as they stand now (edited ones without theirs), newest message first."""
        found = []
        for message in reversed(self.telegram.bot_messages((chat or self.group).id)):
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                found += [(message["message_id"], button["text"], button.get("callback_data", "")) for button in row]
        return found

    def asked(self, chat: Chat | None = None) -> list[str]:
        """The buttons of the bot's newest message that has any (a question it asked)."""
        found = self.buttons(chat)
        return [text for message_id, text, _ in found if message_id == found[0][0]] if found else []

    async def press_button(self, person: Person, label: str, *, chat: Chat | None = None) -> None:
        """``person`` presses the newest button whose text contains ``label``."""
        for message_id, text, data in self.buttons(chat):
            if label in text:
                await self.press(person, message_id, data, chat=chat)
                return
        raise LookupError(f"no button reading {label!r}")

    async def vote(self, person: Person, poll_id: str, option_ids: list[int]) -> None:
        for update in self.telegram.vote_updates(person, poll_id, option_ids):
            await self.deliver(update)

    async def add_bot(self) -> None:
        await self.deliver(self.telegram.membership_update(self.group, self.facilitator, joined=True))

    def texts(self, chat: Chat | None = None) -> list[str]:
        return self.telegram.texts((chat or self.group).id)

    def last_text(self, chat: Chat | None = None) -> str:
        return self.telegram.last_text((chat or self.group).id)

    def advance(self, **delta: float) -> None:
        self.clock.advance(dt.timedelta(**delta))
