"""The command menu Telegram shows: one per language and per scope.

Each command handler declares, where it is written, where it works and how the menu
describes it (:class:`Listing`, set by ``handlers.common.Feature.command``); the menu is read back
from the registered handlers. At start-up :func:`publish` sends ``setMyCommands`` for every language with
a catalog and for each scope, so residents see what they may use in groups, admins see the
facilitator commands as well, and private chats show the private commands, each in the
member's own language. Only commands the application registered are listed, so a feature
that is not wired in is never offered; a test checks every registered command is listed.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from telegram import (
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
)
from telegram.error import TelegramError
from telegram.ext import Application, CommandHandler

from bot.domain import i18n

log = logging.getLogger(__name__)


class Where(enum.Enum):
    """Where a command works: the one word handlers, the scope check and the menu share."""

    GROUP = "group"
    PRIVATE = "private"
    ANYWHERE = "anywhere"

    @property
    def chats(self) -> frozenset[Where]:
        """The kinds of chat this covers (ANYWHERE is both a group and a private chat)."""
        return frozenset({Where.GROUP, Where.PRIVATE}) if self is Where.ANYWHERE else frozenset({self})


@dataclass(frozen=True)
class Listing:
    """How a command handler presents itself in the menu, declared where the handler is
    (``handlers.common.Feature.command``) and read back from the registered handlers by :func:`entries`."""

    description: str  # an untranslated message id
    where: Where
    facilitator: bool = False


@dataclass(frozen=True)
class MenuEntry:
    command: str
    description: str  # an untranslated message id
    places: frozenset[Where]
    facilitator: bool = False


LISTING = "menu_listing"  # the attribute a handler's callback carries its Listing in

# Commands that work but are not worth a place in the menu: /start is Telegram's own
# button (and carries deep links), so it never needs listing.
UNLISTED = frozenset({"start"})


def entries(app: Application) -> list[MenuEntry]:
    """Every listed command, in the order its handlers were registered; a command answered by
    several handlers (``/idea`` in groups and in private) is listed wherever any of them works."""
    found: dict[str, MenuEntry] = {}
    for handler in _command_handlers(app):
        listing: Listing | None = getattr(handler.callback, LISTING, None)
        if listing is None:
            continue
        for command in sorted(handler.commands):
            earlier = found.get(command)
            places = listing.where.chats | (earlier.places if earlier else frozenset())
            found[command] = MenuEntry(command, listing.description, places, listing.facilitator)
    return list(found.values())


def _command_handlers(app: Application) -> list[CommandHandler]:
    return [
        handler
        for group in sorted(app.handlers)
        for handler in app.handlers[group]
        if isinstance(handler, CommandHandler)
    ]


def registered_commands(app: Application) -> set[str]:
    """Every command some handler of ``app`` answers."""
    return {command for handler in _command_handlers(app) for command in handler.commands}


def _shown(listed: list[MenuEntry], *, place: Where, facilitator: bool) -> list[MenuEntry]:
    return [entry for entry in listed if place in entry.places and (facilitator or not entry.facilitator)]


def menus(listed: list[MenuEntry]) -> list[tuple[BotCommandScope, list[MenuEntry]]]:
    """Which commands each scope shows. Telegram shows admins their scope instead of the
    group one, so the administrators' menu repeats the members' commands."""
    return [
        (BotCommandScopeAllGroupChats(), _shown(listed, place=Where.GROUP, facilitator=False)),
        (BotCommandScopeAllChatAdministrators(), _shown(listed, place=Where.GROUP, facilitator=True)),
        (BotCommandScopeAllPrivateChats(), _shown(listed, place=Where.PRIVATE, facilitator=False)),
    ]


def bot_commands(entries: Iterable[MenuEntry], t: i18n.Translator) -> list[BotCommand]:
    return [BotCommand(entry.command, t._(entry.description)) for entry in entries]


async def publish(app: Application) -> None:
    """Send every menu in every language; English is the default for everyone else.

    The menu is a convenience, so a refusal from Telegram is logged and start-up goes on.
    """
    listed = entries(app)
    for language in i18n.available_languages():
        t = i18n.translator(language)
        code = None if language == i18n.SOURCE_LANGUAGE else language
        for scope, shown in menus(listed):
            try:
                await app.bot.set_my_commands(bot_commands(shown, t), scope=scope, language_code=code)
            except TelegramError as error:
                log.warning(
                    "event=set_commands_failed language=%s scope=%s error=%s", language, scope.type, error
                )
