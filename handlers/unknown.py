"""A command the bot does not have, addressed to it: answered with the closest one it has.

``/setings`` in a private chat, or ``/setings@bot`` in a group, is a slip, not silence:
"I don't know /setings — did you mean /settings?". A bare ``/setings`` in a group may be meant
for another bot, so it is left alone. This feature is installed last, so every command the
bot has is answered by its own handler first.
"""

from __future__ import annotations

import difflib
import html

from telegram import Message
from telegram.constants import ChatType
from telegram.ext import filters

from bot.runtime.menu import Where, registered_commands
from handlers.common import Feature, Turn

feature = Feature()

COMMAND_SHOWN = 32  # characters of an unknown command quoted back (Telegram's own limit for a command)


class _AddressedCommand(filters.MessageFilter):
    """A command in a private chat, or one written ``/word@this_bot`` in a group."""

    def filter(self, message: Message) -> bool:
        text = message.text or ""
        if not text.startswith("/"):
            return False
        if message.chat.type == ChatType.PRIVATE:
            return True
        _, _, addressee = text.split(maxsplit=1)[0].partition("@")
        username = message.get_bot().username or ""
        return bool(addressee) and addressee.casefold() == username.casefold()


@feature.message(Where.ANYWHERE, filters.UpdateType.MESSAGE & filters.COMMAND & _AddressedCommand())
async def unknown_command(turn: Turn) -> None:
    word = turn.text.split(maxsplit=1)[0][1:].split("@", 1)[0][:COMMAND_SHOWN]
    known = registered_commands(turn.context.application)
    if word.casefold() in known:
        return  # a command the bot has, used where or how its handler does not take it
    closest = difflib.get_close_matches(word.casefold(), sorted(known), n=1, cutoff=0.6)
    if closest:
        await turn.reply(turn.t._("I don't know /{command} — did you mean /{suggestion}?",
                                  command=html.escape(word), suggestion=closest[0]))  # fmt: skip
        return
    await turn.reply(turn.t._("I don't know /{command}. Send /help to see what I can do.", command=html.escape(word)))
