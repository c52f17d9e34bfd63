"""The command menu Telegram shows: one per language and per scope (SPEC §7).

Each command is described once here, with where it works and whether it is for
facilitators. At start-up :func:`publish` sends ``setMyCommands`` for every language with
a catalog and for each scope, so residents see what they may use in groups, admins see the
facilitator commands as well, and private chats show the private commands, each in the
member's own language. Only commands the application registered are listed, so a feature
that is not wired in is never offered; a test checks every registered command is here.
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
from bot.domain.i18n import N_

log = logging.getLogger(__name__)


class Place(enum.Enum):
    GROUP = "group"
    PRIVATE = "private"


GROUP = frozenset({Place.GROUP})
PRIVATE = frozenset({Place.PRIVATE})
ANYWHERE = GROUP | PRIVATE


@dataclass(frozen=True)
class MenuEntry:
    command: str
    description: str  # an untranslated message id
    places: frozenset[Place]
    facilitator: bool = False


MENU = (
    MenuEntry("round", N_("Put a question to the group"), GROUP, facilitator=True),
    MenuEntry("poll", N_("Quick vote on a few options"), GROUP, facilitator=True),
    MenuEntry("propose", N_("Suggest a question for the group"), GROUP),
    MenuEntry("idea", N_("Add your idea to an open round"), ANYWHERE),
    MenuEntry("ideas", N_("See the ideas of a round"), GROUP),
    MenuEntry("withdraw", N_("Take back one of your ideas"), GROUP),
    MenuEntry("merge", N_("Join two ideas that say the same"), GROUP, facilitator=True),
    MenuEntry("vote", N_("Close ideas and start the vote"), GROUP, facilitator=True),
    MenuEntry("close", N_("End the vote and share the results"), GROUP, facilitator=True),
    MenuEntry("outcome", N_("Record what happened after a round"), GROUP, facilitator=True),
    MenuEntry("rounds", N_("Open rounds and recent results"), GROUP),
    MenuEntry("log", N_("Record time you volunteered"), GROUP),
    MenuEntry("thank", N_("Thank a neighbour with credits"), GROUP),
    MenuEntry("credits", N_("Your credits and history"), ANYWHERE),
    MenuEntry("ledger", N_("The group's hours and balances"), GROUP),
    MenuEntry("reverse", N_("Correct a ledger entry"), GROUP, facilitator=True),
    MenuEntry("summary", N_("Post the summary so far"), GROUP, facilitator=True),
    MenuEntry("settings", N_("See or change the group's settings"), GROUP, facilitator=True),
    MenuEntry("export", N_("Download all the group's data"), GROUP, facilitator=True),
    MenuEntry("privacy", N_("Show or hide your name in summaries"), ANYWHERE),
    MenuEntry("mydata", N_("Get everything stored about you"), PRIVATE),
    MenuEntry("forgetme", N_("Remove your name and details"), PRIVATE),
    MenuEntry("language", N_("Choose your language"), PRIVATE),
    MenuEntry("help", N_("What I do and how to start"), ANYWHERE),
)

# Commands that work but are not worth a place in the menu: /start is Telegram's own
# button (and carries deep links), so it never needs listing.
UNLISTED = frozenset({"start"})


def registered_commands(app: Application) -> set[str]:
    """Every command some handler of ``app`` answers."""
    return {
        command
        for handlers in app.handlers.values()
        for handler in handlers
        if isinstance(handler, CommandHandler)
        for command in handler.commands
    }


def _entries(registered: set[str], *, place: Place, facilitator: bool) -> list[MenuEntry]:
    return [
        entry
        for entry in MENU
        if entry.command in registered and place in entry.places and (facilitator or not entry.facilitator)
    ]


def menus(registered: set[str]) -> list[tuple[BotCommandScope, list[MenuEntry]]]:
    """Which commands each scope shows. Telegram shows admins their scope instead of the
    group one, so the administrators' menu repeats the members' commands."""
    return [
        (BotCommandScopeAllGroupChats(), _entries(registered, place=Place.GROUP, facilitator=False)),
        (BotCommandScopeAllChatAdministrators(), _entries(registered, place=Place.GROUP, facilitator=True)),
        (BotCommandScopeAllPrivateChats(), _entries(registered, place=Place.PRIVATE, facilitator=False)),
    ]


def bot_commands(entries: Iterable[MenuEntry], t: i18n.Translator) -> list[BotCommand]:
    return [BotCommand(entry.command, t._(entry.description)) for entry in entries]


async def publish(app: Application) -> None:
    """Send every menu in every language; English is the default for everyone else.

    The menu is a convenience, so a refusal from Telegram is logged and start-up goes on.
    """
    registered = registered_commands(app)
    for language in i18n.available_languages():
        t = i18n.translator(language)
        code = None if language == i18n.SOURCE_LANGUAGE else language
        for scope, entries in menus(registered):
            try:
                await app.bot.set_my_commands(bot_commands(entries, t), scope=scope, language_code=code)
            except TelegramError as error:
                log.warning(
                    "event=set_commands_failed language=%s scope=%s error=%s", language, scope.type, error
                )
