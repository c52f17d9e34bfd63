"""The emulated Telegram: chats, people, messages and polls in memory, behind the Bot API.

:class:`FakeTelegram` answers Bot API calls the way Telegram does (``{"ok": true, ...}``
envelopes, the full object shapes python-telegram-bot requires) and refuses calls real
Telegram would refuse: unknown methods or parameters (checked against the reference),
malformed HTML, over-long texts and poll options. Every refusal is also kept in
:attr:`FakeTelegram.violations` so a test can fail on it even if the bot swallowed the
error. Simulated people act through the ``*_update`` methods, which queue updates for
``getUpdates`` (or, once ``setWebhook`` was called, for the server's webhook delivery) and
return them for in-process delivery.
"""

from __future__ import annotations

import datetime as dt
import html.parser
import itertools
import json
from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telegram.constants import MessageLimit, PollLimit

from bot.demo.emulator.flood import FloodLimits
from bot.demo.emulator.spec import ApiViolation, BotApiSpec, load

_ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
    "tg-spoiler", "span", "blockquote", "tg-emoji",
}  # fmt: skip


class _HtmlChecker(html.parser.HTMLParser):
    """Telegram's HTML parse mode: only a few tags, balanced, entities well formed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.text_length = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in _ALLOWED_TAGS:
            raise ApiViolation(f"can't parse entities: unsupported start tag {tag!r}")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            raise ApiViolation(f"can't parse entities: unmatched end tag {tag!r}")

    def handle_data(self, data: str) -> None:
        if "<" in data or ">" in data:
            raise ApiViolation("can't parse entities: unescaped '<' or '>'")
        self.text_length += len(data)

    def handle_entityref(self, name: str) -> None:
        if name not in {"lt", "gt", "amp", "quot"}:
            raise ApiViolation(f"can't parse entities: unknown entity &{name};")
        self.text_length += 1

    def handle_charref(self, name: str) -> None:
        self.text_length += 1

    def unknown_decl(self, data: str) -> None:
        raise ApiViolation("can't parse entities")


def visible_length(text: str, parse_mode: str | None) -> int:
    """Length Telegram counts against its limits (after HTML is parsed)."""
    if parse_mode != "HTML":
        return len(text)
    checker = _HtmlChecker()
    checker.feed(text)
    checker.close()
    if checker.rawdata or checker.stack:
        raise ApiViolation("can't parse entities: unclosed tag or bare '&'")
    return checker.text_length


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def plain_text(text: str) -> str:
    """HTML message text as a person would read it."""
    parts: list[str] = []

    class _Text(html.parser.HTMLParser):
        def handle_data(self, data: str) -> None:
            parts.append(data)

    parser = _Text(convert_charrefs=True)
    parser.feed(text)
    parser.close()
    return "".join(parts)


class TelegramError(Exception):
    """An error answer (``ok: false``) with Telegram's code and description."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after


@dataclass
class Person:
    id: int
    first_name: str
    username: str | None = None
    language_code: str | None = None
    last_name: str | None = None
    is_bot: bool = False

    def as_user(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key):
                user[key] = getattr(self, key)
        return user


@dataclass
class Chat:
    id: int
    type: str
    title: str | None = None
    admins: set[int] = field(default_factory=set)
    owner: int | None = None
    members: set[int] = field(default_factory=set)  # everyone else in the chat (not admins)
    person: Person | None = None  # a private chat's other side: Telegram names the chat after them

    def as_chat(self) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.title:
            chat["title"] = self.title
        if self.person is not None:
            chat |= {key: value for key, value in self.person.as_user().items()
                     if key in ("first_name", "last_name", "username")}  # fmt: skip
        return chat


@dataclass
class SentFile:
    method: str
    chat_id: int
    filename: str
    path: Path | None
    size: int


class FakeTelegram:
    """In-memory Telegram for one bot; see the module docstring."""

    def __init__(
        self,
        spec: BotApiSpec | None = None,
        *,
        clock: Any = None,
        bot_username: str = "coprod_test_bot",
        files_dir: Path | None = None,
        flood_limits: FloodLimits | None = None,
    ) -> None:
        self.spec = spec or load()
        # Off unless given: when on, calls beyond Telegram's rates are answered 429.
        self.flood_limits = flood_limits
        self.clock = clock
        self.bot = Person(id=7_000_000, first_name="Co-production", username=bot_username, is_bot=True)
        self.people: dict[int, Person] = {}
        self.chats: dict[int, Chat] = {}
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.polls: dict[str, dict[str, Any]] = {}
        self.poll_messages: dict[str, tuple[int, int]] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.migrated: dict[int | None, int] = {}  # groups upgraded to supergroups: old id -> new id
        self.violations: list[str] = []
        self.files: list[SentFile] = []
        self.files_dir = files_dir
        self.pending_updates: deque[dict[str, Any]] = deque()
        self.blocked: set[int] = set()  # people who blocked the bot
        self.webhook: dict[str, Any] | None = None  # setWebhook's parameters while one is set
        self._failing: dict[int, list[Any]] = {}  # chat id -> [code, description, times left or None]
        self._message_ids: dict[int, itertools.count] = defaultdict(lambda: itertools.count(1))
        self._update_ids = itertools.count(1)
        self._ids = itertools.count(1)

    # ------------------------------------------------------------------ the Bot API side

    def handle(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """Answer one Bot API call as Telegram's JSON envelope."""
        self.calls.append((method, params))
        try:
            self.spec.check_call(method, params)
            moved_to = self.migrated.get(_as_int(params.get("chat_id")))
            if moved_to is not None:  # what Telegram answers any call into an upgraded group
                return {"ok": False, "error_code": 400, "parameters": {"migrate_to_chat_id": moved_to},
                        "description": "Bad Request: group chat was upgraded to a supergroup chat"}  # fmt: skip
            self._fail_if_asked(_as_int(params.get("chat_id")))
            if self.flood_limits is not None:
                wait = self.flood_limits.admit(params.get("chat_id"))
                if wait is not None:
                    raise TelegramError(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
            handler = getattr(self, f"_api_{method}", None)
            result = handler(params) if handler else True
        except ApiViolation as error:
            self.violations.append(f"{method}: {error}")
            return {"ok": False, "error_code": 400, "description": f"Bad Request: {error}"}
        except TelegramError as error:
            answer: dict[str, Any] = {
                "ok": False,
                "error_code": error.code,
                "description": error.description,
            }
            if error.retry_after is not None:
                answer["parameters"] = {"retry_after": error.retry_after}
            return answer
        return {"ok": True, "result": result}

    def fail_chat(self, chat_id: int, code: int, description: str, *, times: int | None = None) -> None:
        """Answer every call into ``chat_id`` with ``code`` (``times`` calls, or until
        :meth:`heal_chat`), as Telegram does when it fails for one chat: a 400 it keeps
        refusing, a 500 of its own."""
        if not (code == 400 and description.startswith("Bad Request: ")) and code not in (500, 502):
            raise ValueError(f"not an error Telegram answers for one chat: {code} {description!r}")
        self._failing[chat_id] = [code, description, times]

    def heal_chat(self, chat_id: int) -> None:
        self._failing.pop(chat_id, None)

    def _fail_if_asked(self, chat_id: int | None) -> None:
        failing = self._failing.get(chat_id) if chat_id is not None else None
        if failing is None:
            return
        code, description, times = failing
        if times is not None:
            failing[2] = times - 1
            if failing[2] <= 0:
                del self._failing[chat_id]
        raise TelegramError(code, description)

    def _now(self) -> int:
        moment = self.clock.now() if self.clock else dt.datetime.now(dt.UTC)
        return int(moment.timestamp())

    def _chat(self, chat_id: Any) -> Chat:
        try:
            return self.chats[int(chat_id)]
        except (KeyError, ValueError):
            if _as_int(chat_id) in self.people:  # a person who never opened a chat with the bot
                raise TelegramError(403, "Forbidden: bot can't initiate conversation with a user") from None
            raise TelegramError(400, "Bad Request: chat not found") from None

    def _store(self, chat: Chat, message: dict[str, Any]) -> dict[str, Any]:
        self.spec.check_object("Message", message)
        self._check_attachments(message)
        self.messages[(chat.id, message["message_id"])] = message
        return message

    def _new_message(self, chat: Chat, sender: Person, **content: Any) -> dict[str, Any]:
        message = {
            "message_id": next(self._message_ids[chat.id]),
            "date": self._now(),
            "chat": chat.as_chat(),
            "from": sender.as_user(),
            **content,
        }
        return self._store(chat, message)

    def _check_attachments(self, message: dict[str, Any]) -> None:
        """A voice message, video note, audio or sticker must be whole, as Telegram sends it."""
        types = self.spec.types["Message"].types
        for name, value in message.items():
            kind = types.get(name, ())
            if isinstance(value, dict) and len(kind) == 1 and kind[0] in self.spec.types and name != "reply_to_message":
                self.spec.check_object(kind[0], value)

    def _bot_message(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat = self._chat(params["chat_id"])
        if chat.type == "private" and chat.id in self.blocked:
            raise TelegramError(403, "Forbidden: bot was blocked by the user")
        reply = params.get("reply_parameters")
        if reply:
            target = self.messages.get((chat.id, int(reply["message_id"])))
            if target is None and not reply.get("allow_sending_without_reply"):
                raise TelegramError(400, "Bad Request: message to be replied not found")
            if target is not None:
                content["reply_to_message"] = target
        if params.get("reply_markup"):
            content["reply_markup"] = params["reply_markup"]
        return self._new_message(chat, self.bot, **content)

    def _checked_text(self, text: str, parse_mode: str | None, limit: int) -> None:
        length = visible_length(text, parse_mode)
        if not 1 <= length <= limit:
            raise ApiViolation(f"text length {length} outside 1..{limit}")

    def _api_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return {**self.bot.as_user(), "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False}  # fmt: skip

    def _api_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise TelegramError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                     "use deleteWebhook to delete the webhook first")  # fmt: skip
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        while self.pending_updates and self.pending_updates[0]["update_id"] < offset:
            self.pending_updates.popleft()
        return list(itertools.islice(self.pending_updates, limit))

    def _api_deleteWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = None
        return True

    def _api_setWebhook(self, params: dict[str, Any]) -> bool:
        """Deliver by webhook from now on (:class:`~bot.demo.emulator.server.EmulatorServer` does)."""
        url = str(params["url"])
        if not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise TelegramError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not (1 <= len(secret) <= 256 and all(c.isalnum() or c in "_-" for c in secret)):
            raise TelegramError(400, "Bad Request: secret token contains unallowed characters")
        self.webhook = {"url": url, "secret_token": secret, "max_connections": int(params.get("max_connections") or 40),
                        "allowed_updates": params.get("allowed_updates")}  # fmt: skip
        return True

    def _api_getWebhookInfo(self, params: dict[str, Any]) -> dict[str, Any]:
        hook = self.webhook or {}
        return {"url": hook.get("url", ""), "has_custom_certificate": False,
                "pending_update_count": len(self.pending_updates),
                **({"max_connections": hook["max_connections"]} if hook else {})}  # fmt: skip

    def _api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        text = params["text"]
        self._checked_text(text, params.get("parse_mode"), MessageLimit.MAX_TEXT_LENGTH)
        return self._bot_message(params, text=text)

    def _api_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params["chat_id"])
        message = self.messages.get((chat.id, int(params["message_id"])))
        if message is None:
            raise TelegramError(400, "Bad Request: message to edit not found")
        self._checked_text(params["text"], params.get("parse_mode"), MessageLimit.MAX_TEXT_LENGTH)
        if message.get("text") == params["text"] and message.get("reply_markup") == params.get(
            "reply_markup"
        ):
            raise TelegramError(400, "Bad Request: message is not modified")
        message["text"] = params["text"]
        message["edit_date"] = self._now()
        self._set_keyboard(message, params)  # as Telegram does: an edit without one removes it
        return message

    @staticmethod
    def _set_keyboard(message: dict[str, Any], params: dict[str, Any]) -> None:
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        else:
            message.pop("reply_markup", None)

    def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params["chat_id"])
        message = self.messages.get((chat.id, int(params["message_id"])))
        if message is None:
            raise TelegramError(400, "Bad Request: message to edit not found")
        self._set_keyboard(message, params)
        return message

    def _api_setMessageReaction(self, params: dict[str, Any]) -> bool:
        chat = self._chat(params["chat_id"])
        message = self.messages.get((chat.id, int(params["message_id"])))
        if message is None:
            raise TelegramError(400, "Bad Request: message to react not found")
        message["bot_reaction"] = params.get("reaction", [])
        return True

    def _api_sendPoll(self, params: dict[str, Any]) -> dict[str, Any]:
        question = params["question"]
        if not PollLimit.MIN_QUESTION_LENGTH <= len(question) <= PollLimit.MAX_QUESTION_LENGTH:
            raise ApiViolation("poll question length out of range")
        options = params["options"]
        if not PollLimit.MIN_OPTION_NUMBER <= len(options) <= PollLimit.MAX_OPTION_NUMBER:
            raise ApiViolation(f"poll has {len(options)} options")
        for option in options:
            if not PollLimit.MIN_OPTION_LENGTH <= len(option["text"]) <= PollLimit.MAX_OPTION_LENGTH:
                raise ApiViolation(f"poll option of {len(option['text'])} characters")
        poll_id = str(5_000_000_000 + next(self._ids))
        poll = {
            "id": poll_id,
            "question": question,
            "options": [
                {"persistent_id": f"{poll_id}-{index}", "text": option["text"], "voter_count": 0}
                for index, option in enumerate(options)
            ],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": params.get("is_anonymous", True),
            "type": params.get("type", "regular"),
            "allows_multiple_answers": bool(params.get("allows_multiple_answers", False)),
            "allows_revoting": True,
            "members_only": bool(params.get("members_only", False)),
        }
        self.spec.check_object("Poll", poll)
        for option in poll["options"]:
            self.spec.check_object("PollOption", option)
        self.polls[poll_id] = poll
        poll["_voters"] = {}
        message = self._bot_message(params, poll=self._public_poll(poll))
        self.poll_messages[poll_id] = (message["chat"]["id"], message["message_id"])
        return message

    @staticmethod
    def _public_poll(poll: dict[str, Any]) -> dict[str, Any]:
        return {key: value for key, value in poll.items() if not key.startswith("_")}

    def _api_stopPoll(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params["chat_id"])
        message = self.messages.get((chat.id, int(params["message_id"])))
        if message is None or "poll" not in message:
            raise TelegramError(400, "Bad Request: message with poll to stop not found")
        poll = self.polls[message["poll"]["id"]]
        if poll["is_closed"]:
            raise TelegramError(400, "Bad Request: poll has already been closed")
        poll["is_closed"] = True
        message["poll"] = self._public_poll(poll)
        return message["poll"]

    def _api_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        return True

    def _api_getChatAdministrators(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        chat = self._chat(params["chat_id"])
        admins = []
        for user_id in sorted(chat.admins):
            person = self.people.get(user_id) or self.bot
            if user_id == chat.owner:
                entry = {"status": "creator", "user": person.as_user(), "is_anonymous": False}
                self.spec.check_object("ChatMemberOwner", entry)
            else:
                required = self.spec.types["ChatMemberAdministrator"].required
                entry = {name: False for name in required}
                entry.update(status="administrator", user=person.as_user(), can_manage_chat=True)
                self.spec.check_object("ChatMemberAdministrator", entry)
            admins.append(entry)
        return admins

    def _api_getChatMember(self, params: dict[str, Any]) -> dict[str, Any]:
        """Admins and the owner as in ``getChatAdministrators``; anyone seen in the chat or
        added with :meth:`join` is a member; everyone else has left (``ChatMemberLeft``); a
        user Telegram does not know (a deleted account) is a 400."""
        chat = self._chat(params["chat_id"])
        user_id = int(params["user_id"])
        if user_id not in self.people and user_id != self.bot.id:
            raise TelegramError(400, "Bad Request: user not found")
        person = self.people.get(user_id) or self.bot
        if user_id in chat.admins:
            return next(
                entry
                for entry in self._api_getChatAdministrators(params)
                if entry["user"]["id"] == user_id
            )
        present = user_id in chat.members or user_id == self.bot.id
        entry = {"status": "member" if present else "left", "user": person.as_user()}
        self.spec.check_object("ChatMemberMember" if present else "ChatMemberLeft", entry)
        return entry

    def _api_getChat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params["chat_id"])
        return {**chat.as_chat(), "accent_color_id": 0, "max_reaction_count": 11,
                "accepted_gift_types": {"unlimited_gifts": False, "limited_gifts": False,
                                        "unique_gifts": False, "premium_subscription": False,
                                        "gifts_from_channels": False}}  # fmt: skip

    def _api_setMyCommands(self, params: dict[str, Any]) -> bool:
        for command in params["commands"]:
            self.spec.check_object("BotCommand", command)
        return True

    def _sent_file(self, method: str, field_name: str, params: dict[str, Any], content: dict) -> dict:
        chat = self._chat(params["chat_id"])
        upload = params[field_name]
        filename, data = upload if isinstance(upload, tuple) else (f"{field_name}.bin", b"")
        path = None
        if self.files_dir is not None:
            self.files_dir.mkdir(parents=True, exist_ok=True)
            path = self.files_dir / f"{chat.id}-{len(self.files) + 1}-{Path(filename).name}"
            path.write_bytes(data)
        self.files.append(SentFile(method, chat.id, filename, path, len(data)))
        if params.get("caption"):
            self._checked_text(params["caption"], params.get("parse_mode"), MessageLimit.CAPTION_LENGTH)
            content["caption"] = params["caption"]
        return self._bot_message(params, **content)

    def _api_sendDocument(self, params: dict[str, Any]) -> dict[str, Any]:
        upload = params["document"]
        name = upload[0] if isinstance(upload, tuple) else "document"
        document = {"file_id": f"doc{next(self._ids)}", "file_unique_id": f"u{next(self._ids)}",
                    "file_name": name}  # fmt: skip
        return self._sent_file("sendDocument", "document", params, {"document": document})

    def _api_sendPhoto(self, params: dict[str, Any]) -> dict[str, Any]:
        size = {"file_id": f"ph{next(self._ids)}", "file_unique_id": f"u{next(self._ids)}",
                "width": 800, "height": 600}  # fmt: skip
        return self._sent_file("sendPhoto", "photo", params, {"photo": [size]})

    # ------------------------------------------------------------ the people's side

    def person(self, user_id: int, first_name: str, **details: Any) -> Person:
        self.people[user_id] = Person(id=user_id, first_name=first_name, **details)
        return self.people[user_id]

    def group(
        self, chat_id: int, title: str, *, owner: Person, admins: tuple[Person, ...] = (), kind: str = "supergroup"
    ) -> Chat:
        """A group chat; ``kind="group"`` for a basic group (its id has no -100 prefix)."""
        chat = Chat(id=chat_id, type=kind, title=title, owner=owner.id)
        chat.admins = {owner.id, *(admin.id for admin in admins)}
        self.chats[chat_id] = chat
        return chat

    def join(self, chat: Chat, *people: Person) -> None:
        """People who are in the group without having done anything there yet (readers)."""
        chat.members.update(person.id for person in people)

    def leave(self, chat: Chat, person: Person) -> None:
        chat.members.discard(person.id)

    @staticmethod
    def _seen_in(chat: Chat, person: Person) -> None:
        """Whoever posts or presses in a group is in it."""
        if chat.type != "private" and not person.is_bot and person.id not in chat.admins:
            chat.members.add(person.id)

    def block(self, person: Person) -> None:
        """The person blocks the bot: every message to them is refused until they write to it again."""
        self.blocked.add(person.id)

    def private_chat(self, person: Person) -> Chat:
        chat = self.chats.get(person.id) or Chat(id=person.id, type="private", person=person)
        self.chats[person.id] = chat
        return chat

    def _update(self, **content: Any) -> dict[str, Any]:
        update = {"update_id": next(self._update_ids), **content}
        self.pending_updates.append(update)
        return update

    def raw_update(self, content: dict[str, Any]) -> dict[str, Any]:
        """Queue an update of any shape (fuzzing, update types the emulator does not model)."""
        return self._update(**content)

    def message_update(
        self,
        chat: Chat,
        sender: Person,
        text: str | None = None,
        *,
        reply_to: int | None = None,
        sender_chat: Chat | None = None,
        **content: Any,
    ) -> dict[str, Any]:
        """A person sends a message (text, or other ``content`` such as a sticker)."""
        if text is not None:
            content["text"] = text
            if text.startswith("/"):
                command = text.split()[0]
                content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if reply_to is not None:
            content["reply_to_message"] = self.messages[(chat.id, reply_to)]
        if sender_chat is not None:
            content["sender_chat"] = sender_chat.as_chat()
        message = self._new_message(chat, sender, **content)
        self._seen_in(chat, sender)
        if chat.type == "private":
            self.blocked.discard(sender.id)  # writing to the bot unblocks it
        return self._update(message=message)

    def edit_update(self, chat: Chat, message_id: int, text: str) -> dict[str, Any]:
        message = self.messages[(chat.id, message_id)]
        message.update(text=text, edit_date=self._now())
        return self._update(edited_message=message)

    def callback_update(self, chat: Chat, presser: Person, message_id: int, data: str) -> dict[str, Any]:
        """A person presses an inline button under one of the bot's messages."""
        query = {
            "id": str(next(self._ids)),
            "from": presser.as_user(),
            "chat_instance": str(chat.id),
            "data": data,
            "message": self.messages[(chat.id, message_id)],
        }
        self.spec.check_object("CallbackQuery", query)
        self._seen_in(chat, presser)
        return self._update(callback_query=query)

    def vote_updates(self, voter: Person, poll_id: str, option_ids: list[int]) -> list[dict[str, Any]]:
        """A person ticks options of a poll: the poll's new counts, and their answer if public."""
        poll = self.polls[poll_id]
        if poll["is_closed"]:
            return []
        previous = poll["_voters"].get(voter.id, [])
        for index in previous:
            poll["options"][index]["voter_count"] -= 1
        for index in option_ids:
            poll["options"][index]["voter_count"] += 1
        poll["_voters"][voter.id] = option_ids
        poll["total_voter_count"] = sum(1 for chosen in poll["_voters"].values() if chosen)
        chat_id, message_id = self.poll_messages[poll_id]
        self._seen_in(self.chats[chat_id], voter)
        self.messages[(chat_id, message_id)]["poll"] = self._public_poll(poll)
        updates = [self._update(poll=json.loads(json.dumps(self._public_poll(poll))))]
        if not poll["is_anonymous"]:
            answer = {
                "poll_id": poll_id,
                "user": voter.as_user(),
                "option_ids": option_ids,
                "option_persistent_ids": [poll["options"][index]["persistent_id"] for index in option_ids],
            }
            updates.append(self._update(poll_answer=answer))
        return updates

    def membership_update(self, chat: Chat, actor: Person, *, joined: bool, admin: bool = False) -> dict[str, Any]:
        """The bot is added to (or removed from) a group by ``actor``."""
        old = {"status": "left", "user": self.bot.as_user()}
        new = {"status": "member", "user": self.bot.as_user()}
        if not joined:
            old, new = new, {"status": "left", "user": self.bot.as_user()}
        if admin and joined:
            required = self.spec.types["ChatMemberAdministrator"].required
            new = {name: False for name in required} | {"status": "administrator", "user": self.bot.as_user()}
            chat.admins.add(self.bot.id)
        change = {"chat": chat.as_chat(), "from": actor.as_user(), "date": self._now(),
                  "old_chat_member": old, "new_chat_member": new}  # fmt: skip
        return self._update(my_chat_member=change)

    def departure_updates(
        self, chat: Chat, person: Person, *, removed_by: Person | None = None, update: str = "chat_member"
    ) -> list[dict[str, Any]]:
        """``person`` leaves the group (or an admin ``removed_by`` removes them), as Telegram tells
        the bot: a ``chat_member`` update (sent only to a bot that is an administrator), a
        ``left_chat_member`` service message, or both (``update="both"``)."""
        chat.members.discard(person.id)
        updates = []
        if update in ("chat_member", "both"):
            old = {"status": "member", "user": person.as_user()}
            new: dict[str, Any] = {"status": "left", "user": person.as_user()}
            if removed_by is not None:
                new = {"status": "kicked", "user": person.as_user(), "until_date": 0}
            self.spec.check_object("ChatMemberBanned" if removed_by else "ChatMemberLeft", new)
            change = {"chat": chat.as_chat(), "from": (removed_by or person).as_user(), "date": self._now(),
                      "old_chat_member": old, "new_chat_member": new}  # fmt: skip
            self.spec.check_object("ChatMemberUpdated", change)
            updates.append(self._update(chat_member=change))
        if update in ("left_chat_member", "both"):
            message = self._new_message(chat, removed_by or person, left_chat_member=person.as_user())
            updates.append(self._update(message=message))
        return updates

    def arrival_update(self, chat: Chat, person: Person) -> dict[str, Any]:
        """``person`` joins (or is added back to) the group: a ``new_chat_members`` service message."""
        chat.members.add(person.id)
        message = self._new_message(chat, person, new_chat_members=[person.as_user()])
        return self._update(message=message)

    def delete_account(self, person: Person) -> None:
        """The person deletes their Telegram account: Telegram no longer finds them anywhere."""
        self.people.pop(person.id, None)
        for chat in self.chats.values():
            chat.members.discard(person.id)
            chat.admins.discard(person.id)

    def admin_change_update(self, chat: Chat, actor: Person, subject: Person, *, promoted: bool) -> dict[str, Any]:
        """An administrator promotes or demotes a member (a ``chat_member`` update)."""
        required = self.spec.types["ChatMemberAdministrator"].required
        admin = {name: False for name in required} | {"status": "administrator", "user": subject.as_user()}
        member = {"status": "member", "user": subject.as_user()}
        if promoted:
            chat.admins.add(subject.id)
            chat.members.discard(subject.id)
        else:
            chat.admins.discard(subject.id)
            chat.members.add(subject.id)
        old, new = (member, admin) if promoted else (admin, member)
        change = {"chat": chat.as_chat(), "from": actor.as_user(), "date": self._now(),
                  "old_chat_member": old, "new_chat_member": new}  # fmt: skip
        return self._update(chat_member=change)

    # ------------------------------------------------------------------ reading back

    def sent(self, method: str = "sendMessage", chat_id: int | None = None) -> list[dict[str, Any]]:
        """Parameters of every call of ``method`` the bot made (optionally into one chat)."""
        return [
            params
            for name, params in self.calls
            if name == method and (chat_id is None or int(params.get("chat_id", 0)) == chat_id)
        ]

    def bot_messages(self, chat_id: int) -> list[dict[str, Any]]:
        """The bot's messages in one chat as Telegram keeps them, oldest first."""
        return [
            message
            for (chat, _message_id), message in sorted(self.messages.items())
            if chat == chat_id and message["from"]["id"] == self.bot.id
        ]

    def texts(self, chat_id: int | None = None) -> list[str]:
        """What people read in the chat: the plain text of every message the bot sent."""
        return [plain_text(params["text"]) for params in self.sent("sendMessage", chat_id)]

    def last_text(self, chat_id: int | None = None) -> str:
        texts = self.texts(chat_id)
        return texts[-1] if texts else ""
