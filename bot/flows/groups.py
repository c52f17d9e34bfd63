"""What the bot says when it joins a group: the welcome and the language buttons."""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
)

from bot.domain import callbacks, i18n
from bot.domain.i18n import Translator


def welcome_text(t: Translator) -> str:
    return "\n".join(
        (
            t._("Hello, neighbours! I help this group plan and decide things together."),
            t._(
                "Anyone can suggest ideas, everyone votes, and every result and outcome is "
                "published here. Time you volunteer counts as credits, confirmed by a neighbour: "
                "everyone's hour is worth the same."
            ),
            "",
            t._("Three ways to start:"),
            t._("/round – put a question to the group (facilitators)"),
            t._("/propose – suggest a question yourself; it opens when neighbours support it"),
            t._("/log – record time you volunteered"),
        )
    )


def language_keyboard() -> InlineKeyboardMarkup:
    """One button per language, each in its own name; handled in :mod:`handlers.language`."""
    buttons = [
        InlineKeyboardButton(i18n.language_name(code), callback_data=callbacks.encode(callbacks.Action.LANGUAGE, code))
        for code in i18n.available_languages()
    ]
    return InlineKeyboardMarkup([buttons[index : index + 2] for index in range(0, len(buttons), 2)])
