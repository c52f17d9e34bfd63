"""A round's poster in the group's language: its words, and the two files the group gets.

The renderer (:mod:`bot.render.poster`) only lays out words it is given; this module
chooses them, through the group's :class:`~bot.domain.i18n.Translator`, so a Polish group
prints a Polish poster and an Urdu one an Urdu poster, with the same deep link as the
round's prompt in its QR code.
"""

from __future__ import annotations

from bot.domain.i18n import Translator
from bot.domain.records import Group
from bot.domain.rounds import Round
from bot.flows.rounds import deep_link
from bot.render.poster import Poster


def poster_for(t: Translator, group: Group, round_: Round, *, bot_username: str) -> Poster:
    """Everything the poster of ``round_`` (in the ideas stage) says, in ``t``'s language."""
    steps = (
        t._("Reply with your idea to this round's message in the Telegram group “{group}”.", group=group.title),
        t._("Or scan the code below: it opens a private chat with the bot, where you can send your idea."),
        t._("No Telegram? Give your idea to one of the group's facilitators, who will enter it for you."),
    )
    return Poster(
        language=t.language,
        heading=t._("Round #{number}", number=round_.number),
        question=round_.question,
        steps=steps,
        deadline=t._("Ideas close {when}.", when=t.when(round_.ideas_ends_at, group.timezone)),
        scan_hint=t._("Scan to send your idea privately"),
        link=deep_link(bot_username, round_),
    )


def file_name(round_: Round) -> str:
    return f"poster-round-{round_.number}.pdf"
