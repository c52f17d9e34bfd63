"""The stage the demo plays on: a :class:`Scene` of neighbours talking to the bot through the emulator, and the transcript it writes."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import os
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import CommandHandler

from bot.app import CoprodApplication
from bot.demo.emulator.server import EmulatorServer
from bot.demo.emulator.telegram import Chat, Person, plain_text
from bot.domain.i18n import Translator
from bot.runtime import deadlines
from bot.runtime.clock import FakeClock
from storage import deadlines as stored_deadlines

BASE_PAUSE = 0.4


_INDENT = "      "


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


_SILENT = {"getMe", "getUpdates", "deleteWebhook", "getChatAdministrators", "getChatMember",
           "getChat", "setMyCommands", "answerCallbackQuery", "editMessageReplyMarkup"}  # fmt: skip


@dataclasses.dataclass
class Transcript:
    """The chat as people would read it, written line by line as the demo plays."""

    t: Translator
    stream: TextIO
    pause: float = 0.0
    _chat: int | None = None

    async def write(self, text: str = "") -> None:
        self.stream.write(text + "\n")
        self.stream.flush()
        if self.pause and text:
            await asyncio.sleep(self.pause)

    def new_place(self) -> None:
        """The next line names its chat again (after a heading or a jump in time)."""
        self._chat = None

    async def heading(self, text: str) -> None:
        self.new_place()
        await self.write()
        await self.write(f"== {text} ==")

    async def in_chat(self, chat: Chat, label: str) -> None:
        """A line saying where the next lines happen, whenever the place changes."""
        if chat.id != self._chat:
            self._chat = chat.id
            await self.write(f"-- {label} --")


def _markup(params: dict[str, Any]) -> dict[str, Any]:
    """The inline keyboard of a call or a message (the emulator decodes it from JSON)."""
    return params.get("reply_markup") or {}


def _buttons(params: dict[str, Any]) -> list[str]:
    return [button["text"] for row in _markup(params).get("inline_keyboard", []) for button in row]


def _recognisable(path: Path, number: int) -> Path:
    """The saved file, renamed ``image-N.png`` if it is a PNG that was sent without a name.

    Photos are uploaded as bare bytes (Telegram does not care what they are called), so the
    emulator saves them under a chat-id prefix and a MIME-type name; people opening the
    output folder need a plain name and an extension their viewer knows.
    """
    if path.suffix.lower() == ".png" or not path.read_bytes().startswith(_PNG_SIGNATURE):
        return path
    return path.rename(path.with_name(f"image-{number}.png"))


def _indented(text: str) -> str:
    return text.replace("\n", "\n" + _INDENT)


class Scene:
    """The neighbourhood: one group, its people, the bot, a clock and the transcript."""

    def __init__(
        self,
        app: CoprodApplication,
        server: EmulatorServer,
        clock: FakeClock,
        transcript: Transcript,
        group_title: str,
    ) -> None:
        self.app = app
        self.telegram = server.telegram
        # People act on the emulator under the server's lock, as the bot's calls do.
        self.act = server.act
        self.clock = clock
        self.transcript = transcript
        self.t = transcript.t
        self._next_person_id = 101
        self._seen_calls = 0
        self._seen_files = 0
        self._voices = 0
        # What each bot message said when last shown, so an edit shows only what changed.
        self._shown: dict[tuple[int, int], str] = {}
        self.group: Chat | None = None
        self.group_title = group_title
        self.played: list[str] = []
        self.skipped: list[str] = []

    # ------------------------------------------------------------------ the cast

    def person(self, name: str, language: str) -> Person:
        person = self.telegram.person(
            self._next_person_id, name, username=name.lower(), language_code=language
        )
        self._next_person_id += 1
        return person

    def found_group(self, owner: Person) -> Chat:
        self.group = self.telegram.group(-100_555_0101, self.group_title, owner=owner)
        return self.group

    def commands(self) -> set[str]:
        """Every command the bot answers: which scenario steps this build can play."""
        return {
            command
            for handlers in self.app.handlers.values()
            for handler in handlers
            if isinstance(handler, CommandHandler)
            for command in handler.commands
        }

    # ------------------------------------------------------------------ acting

    def _where(self, chat: Chat) -> str:
        if chat.type == "private":
            person = self.telegram.people[chat.id]
            return self.t._("private chat between {name} and the bot", name=person.first_name)
        return self.t._("group chat “{title}”", title=chat.title)

    def _private(self, person: Person) -> Chat:
        return self.telegram.private_chat(person)

    async def _deliver(self, update: dict[str, Any]) -> None:
        await self.app.process_update(Update.de_json(update, self.app.bot))
        await self.show_bot()
        await self._run_deadlines()

    async def show_bot(self) -> None:
        """What the bot did in answer, then its debounced edits (due a few seconds later)."""
        await self._show_calls()
        await self.app.services.acknowledgements.flush()
        await self._show_calls()

    async def say(
        self, person: Person, text: str, *, private: bool = False, reply_to: int | None = None
    ) -> int:
        """``person`` sends ``text`` in the group (or privately to the bot); returns its message id."""
        chat = self._private(person) if private else self.group
        await self.transcript.in_chat(chat, self._where(chat))
        if reply_to is None:
            line = self.t._("{name}: {text}", name=person.first_name, text=text)
        else:
            replied = self.telegram.messages[(chat.id, reply_to)]
            line = self.t._(
                "{name}, replying to {other}: {text}",
                name=person.first_name,
                other=self._sender(replied),
                text=text,
            )
        await self.transcript.write(_indented(line))
        update = self.act(lambda telegram: telegram.message_update(chat, person, text, reply_to=reply_to))
        await self._deliver(update)
        return update["message"]["message_id"]

    async def speak(self, person: Person, seconds: int, *, reply_to: int) -> int:
        """``person`` records a voice message in the group, replying to ``reply_to``; returns its id."""
        await self.transcript.in_chat(self.group, self._where(self.group))
        replied = self.telegram.messages[(self.group.id, reply_to)]
        line = self.t._(
            "{name}, replying to {other}: 🎤 a voice message ({seconds} s)",
            name=person.first_name, other=self._sender(replied), seconds=seconds,
        )  # fmt: skip
        await self.transcript.write(_indented(line))
        self._voices += 1
        voice = {"file_id": f"voice{self._voices}", "file_unique_id": f"uvoice{self._voices}", "duration": seconds}
        update = self.act(lambda telegram: telegram.message_update(self.group, person, None, reply_to=reply_to, voice=voice))
        await self._deliver(update)
        return update["message"]["message_id"]

    async def add_bot(self, person: Person) -> None:
        await self.transcript.in_chat(self.group, self._where(self.group))
        await self.transcript.write(self.t._("{name} adds the bot to the group", name=person.first_name))
        await self._deliver(self.act(lambda telegram: telegram.membership_update(self.group, person, joined=True)))

    async def press(self, person: Person, message_id: int, data: str, *, private: bool = False) -> None:
        chat = self._private(person) if private else self.group
        message = self.telegram.messages[(chat.id, message_id)]
        label = next(
            button["text"]
            for row in _markup(message).get("inline_keyboard", [])
            for button in row
            if button.get("callback_data") == data
        )
        await self.transcript.in_chat(chat, self._where(chat))
        await self.transcript.write(
            self.t._("{name} presses [{button}]", name=person.first_name, button=label)
        )
        await self._deliver(self.act(lambda telegram: telegram.callback_update(chat, person, message_id, data)))

    async def vote(self, person: Person, poll_id: str, option_ids: list[int]) -> None:
        poll = self.telegram.polls[poll_id]
        chosen = ", ".join(poll["options"][index]["text"] for index in option_ids)
        await self.transcript.in_chat(self.group, self._where(self.group))
        await self.transcript.write(
            _indented(self.t._("{name} ticks in the poll: {options}", name=person.first_name, options=chosen))
        )
        for update in self.act(lambda telegram: telegram.vote_updates(person, poll_id, option_ids)):
            await self._deliver(update)

    async def later(self, **delta: float) -> None:
        """Time passes: the clock stops at each deadline on the way, which is carried out then."""
        until = self.clock.now() + dt.timedelta(**delta)
        while (due := await self._next_deadline(until)) is not None:
            self.clock.set(max(due, self.clock.now()))
            await self._time_passes()
            await self._run_deadlines()
        if self.clock.now() < until:
            self.clock.set(until)
            await self._time_passes()

    async def until(self, weekday: int, hour: int) -> None:
        """Time passes until the next ``weekday`` (0 = Monday) at ``hour`` in the group's zone."""
        local = self.clock.now().astimezone(ZoneInfo(self.app.services.config.timezone))
        target = local.replace(hour=hour, minute=0, second=0, microsecond=0)
        target += dt.timedelta(days=(weekday - local.weekday()) % 7)
        if target <= local:
            target += dt.timedelta(days=7)
        await self.later(seconds=(target - local).total_seconds())

    async def _time_passes(self) -> None:
        when = self.t.when(self.clock.now(), self.app.services.config.timezone)
        await self.transcript.write()
        await self.transcript.write(self.t._("⏩ Time passes… it is now {when}", when=when))
        self.transcript.new_place()

    async def _next_deadline(self, until: dt.datetime) -> dt.datetime | None:
        async with self.app.services.db.read() as conn:
            due = await stored_deadlines.pending(conn, due_by=until)
        return due[0].due_at if due else None

    async def _run_deadlines(self) -> None:
        """What the job queue does in production: carry out every deadline due by now."""
        await deadlines.run_due(self.app)
        await self.show_bot()

    # ------------------------------------------------------------------ finding the bot's messages

    def bot_messages(self, *, private_with: Person | None = None) -> list[dict[str, Any]]:
        chat = self._private(private_with) if private_with else self.group
        return self.telegram.bot_messages(chat.id)

    def button(
        self, prefix: str, *, private_with: Person | None = None, last_arg: str | None = None
    ) -> tuple[int, str]:
        """The newest bot message with a button whose data starts with ``prefix``: (message id, data)."""
        for message in reversed(self.bot_messages(private_with=private_with)):
            for row in _markup(message).get("inline_keyboard", []):
                for button in row:
                    data = button.get("callback_data", "")
                    if data.startswith(prefix) and (last_arg is None or data.endswith(":" + last_arg)):
                        return message["message_id"], data
        raise LookupError(f"no bot message with a {prefix!r} button")

    def labelled(self, label: str, *, private_with: Person | None = None) -> tuple[int, str]:
        """The newest bot message with a button whose text starts with ``label``: (message id, data)."""
        for message in reversed(self.bot_messages(private_with=private_with)):
            for row in _markup(message).get("inline_keyboard", []):
                for button in row:
                    if button["text"].startswith(label) and "callback_data" in button:
                        return message["message_id"], button["callback_data"]
        raise LookupError(f"no bot message with a button labelled {label!r}")

    def polls(self) -> list[str]:
        """Ids of the polls the bot has open in the group, oldest first."""
        return [
            poll_id
            for poll_id, (chat_id, _message) in self.telegram.poll_messages.items()
            if chat_id == self.group.id and not self.telegram.polls[poll_id]["is_closed"]
        ]

    # ------------------------------------------------------------------ what the bot did

    def _sender(self, message: dict[str, Any]) -> str:
        if message["from"]["id"] == self.telegram.bot.id:
            return self.t._("the bot")
        return message["from"]["first_name"]

    def _chat_of(self, params: dict[str, Any]) -> Chat | None:
        chat_id = params.get("chat_id")
        return None if chat_id is None else self.telegram.chats.get(int(chat_id))

    async def _show_calls(self) -> None:
        """Render every Bot API call made since the last look, as the members would see it."""
        calls = self.telegram.calls[self._seen_calls :]
        self._seen_calls = len(self.telegram.calls)
        for method, params in calls:
            if method in _SILENT:
                continue
            chat = self._chat_of(params)
            if chat is None:
                continue
            line = self._render(method, params)
            if line:
                await self.transcript.in_chat(chat, self._where(chat))
                await self.transcript.write(_INDENT[:3] + _indented(line))
        for key, message in list(self.telegram.messages.items()):
            if key not in self._shown and "text" in message and message["from"]["id"] == self.telegram.bot.id:
                self._shown[key] = plain_text(message["text"])

    def _edited(self, params: dict[str, Any]) -> str:
        """The lines an edit changed (the whole text if the message was not shown before)."""
        key = (int(params["chat_id"]), int(params["message_id"]))
        text = plain_text(params["text"])
        before = self._shown.get(key)
        self._shown[key] = text
        if before is None:
            return text
        changed = [line for line in text.split("\n") if line.strip() and line not in before.split("\n")]
        return "\n".join(changed) or text

    def _render(self, method: str, params: dict[str, Any]) -> str | None:
        t = self.t
        if method == "sendMessage":
            line = t._("Bot: {text}", text=plain_text(params["text"]))
            buttons = _buttons(params)
            if buttons:
                line += "\n" + " ".join(f"[{label}]" for label in buttons)
            return line
        if method == "editMessageText":
            return t._("Bot updates its message: {text}", text=self._edited(params))
        if method == "setMessageReaction":
            chat = self._chat_of(params)
            message = self.telegram.messages.get((chat.id, int(params["message_id"])))
            emoji = " ".join(r.get("emoji", "") for r in params.get("reaction") or [])
            if message is None or not emoji:
                return None
            return t._("Bot reacts {emoji} to {name}'s message", emoji=emoji, name=self._sender(message))
        if method == "sendPoll":
            options = "\n".join(
                f"  ☐ {option['text']}" for option in params["options"]
            )
            return t._("Bot posts a poll: {question}", question=params["question"]) + "\n" + options
        if method == "stopPoll":
            return t._("Bot closes the poll")
        if method in ("sendPhoto", "sendDocument"):
            sent = self.telegram.files[self._seen_files]
            self._seen_files += 1
            caption = plain_text(params["caption"]) if params.get("caption") else ""
            where = os.path.relpath(_recognisable(sent.path, self._seen_files)) if sent.path else sent.filename
            if method == "sendPhoto":
                line = t._("Bot sends an image (saved to {path})", path=where)
            else:
                line = t._("Bot sends a file (saved to {path})", path=where)
            return f"{line}\n{caption}" if caption else line
        if method == "pinChatMessage":
            return t._("Bot pins a message")
        if method == "deleteMessage":
            return t._("Bot deletes a message")
        return t._("Bot: ({method})", method=method)
