"""Laying the standing ideas of a round out as native Telegram polls, and long texts as messages.

Every standing idea must be votable however many there are, but one poll holds at most
``PollLimit.MAX_OPTION_NUMBER`` options of at most ``PollLimit.MAX_OPTION_LENGTH``
characters. So ideas are spread evenly over as few polls as will hold them (25 ideas make
polls of 9, 8 and 8, not 12, 12 and 1), and each option reads "N. text", shortened with
"…" but always keeping the number N that points to the full text in the voting message.

A quick poll (``/poll [VOTE] question; option; option``) brings its own options, which
become the round's ideas; :func:`parse_quick_poll` reads and checks them.

The limits are Telegram's, read from python-telegram-bot's constants so they follow the
Bot API; nothing here talks to Telegram. Telegram counts lengths in UTF-16 code units,
so an emoji can take two of the hundred.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from telegram.constants import PollLimit

from bot.domain.durations import looks_like_duration, parse_stage_duration
from bot.domain.errors import DomainError, within_limit
from bot.domain.i18n import N_
from bot.domain.member_text import without_direction_controls
from bot.domain.rounds import MAX_IDEA_LENGTH, Idea, check_question

ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class PollOption:
    """One tick-box of a poll: the idea it stands for and the (shortened) label shown."""

    idea_id: int
    number: int
    label: str


@dataclass(frozen=True, slots=True)
class PollLayout:
    """The options of one native poll; ``position`` counts polls of a round from 1."""

    position: int
    options: tuple[PollOption, ...]


@dataclass(frozen=True, slots=True)
class PostedPoll:
    """A poll the bot sent for a round, with the last counts Telegram reported for it."""

    poll_id: str
    round_id: int
    position: int
    chat_id: int
    message_id: int
    total_voter_count: int
    stopped: bool


def telegram_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def shorten(text: str, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` (Telegram units) with "…" if it was longer."""
    line = " ".join(text.split())
    if telegram_length(line) <= limit:
        return line
    room = limit - telegram_length(ELLIPSIS)
    while telegram_length(line) > room:
        line = line[:-1]
    return line.rstrip() + ELLIPSIS


def option_label(number: int, text: str, limit: int = PollLimit.MAX_OPTION_LENGTH) -> str:
    """"N. text", shortened to ``limit`` but never losing the number."""
    prefix = f"{number}. "
    return prefix + shorten(text, limit - telegram_length(prefix))


def lay_out(
    ideas: Sequence[Idea],
    *,
    per_poll: int = PollLimit.MAX_OPTION_NUMBER,
    option_length: int = PollLimit.MAX_OPTION_LENGTH,
) -> list[PollLayout]:
    """Every idea exactly once, in order, over as few polls as hold them, evenly filled."""
    if not ideas:
        return []
    polls = math.ceil(len(ideas) / per_poll)
    base, extra = divmod(len(ideas), polls)
    layouts, start = [], 0
    for position in range(1, polls + 1):
        size = base + (1 if position <= extra else 0)
        options = tuple(
            PollOption(idea.id, idea.number, option_label(idea.number, idea.text, option_length))
            for idea in ideas[start : start + size]
        )
        layouts.append(PollLayout(position, options))
        start += size
    return layouts


_TAG = re.compile(r"<[^>]+>")


def visible_length(text: str) -> int:
    """What Telegram counts of an HTML message: the text without tags, entities decoded."""
    return telegram_length(html.unescape(_TAG.sub("", text)))


def pack_messages(
    blocks: Sequence[str], limit: int, measure: Callable[[str], int] = telegram_length
) -> list[str]:
    """Join ``blocks`` (lines) into as few messages as keep each within ``limit``.

    ``measure`` gives the length Telegram will count for a block (for HTML, the visible
    text). A block is never split, so callers keep blocks below the limit.
    """
    messages: list[str] = []
    current: list[str] = []
    size = 0
    for block in blocks:
        length = measure(block)
        if current and size + 1 + length > limit:
            messages.append("\n".join(current))
            current, size = [], 0
        size += length + (1 if current else 0)
        current.append(block)
    if current:
        messages.append("\n".join(current))
    return messages


# ------------------------------------------------------------------------ quick polls

POLL_USAGE = N_(
    "Write the question and at least two options, separated by semicolons, e.g. "
    "/poll 2d When shall we meet?; Saturday 10:00; Sunday 14:00"
)


@dataclass(frozen=True, slots=True)
class QuickPoll:
    voting: dt.timedelta | None  # None: the group's default voting time
    question: str
    options: tuple[str, ...]


def parse_quick_poll(text: str) -> QuickPoll:
    """``[VOTE] question; option; option...``: two or more options, none of them empty."""
    rest = without_direction_controls(text).strip()
    voting = None
    words = rest.split(maxsplit=1)
    if words and looks_like_duration(words[0]):
        voting, rest = parse_stage_duration(words[0]), words[1] if len(words) > 1 else ""
    question, *options = (part.strip() for part in rest.split(";"))
    if not question:
        raise DomainError(POLL_USAGE)
    question = check_question(question)
    for position, option in enumerate(options, start=1):
        within_limit(
            option,
            MAX_IDEA_LENGTH,
            empty=N_("Option {position} is empty. Separate the options with single semicolons, e.g. Saturday; Sunday"),
            too_long=N_("Option {position} is {length} characters long; please keep it within {limit}."),
            position=position,
        )
    if len(options) < 2:
        raise DomainError(POLL_USAGE)
    return QuickPoll(voting, question, tuple(options))
