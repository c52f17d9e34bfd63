"""Laying the standing ideas of a round out as native Telegram polls, and long texts as messages.

Every standing idea must be votable however many there are, but one poll holds at most
:data:`~bot.domain.text_limits.POLL_OPTIONS` options of at most
:data:`~bot.domain.text_limits.POLL_OPTION_LENGTH` characters. So ideas are spread evenly over as few polls as will hold them (25 ideas make
polls of 9, 8 and 8, not 12, 12 and 1), and each option reads "N. text", shortened with
"…" but always keeping the number N that points to the full text in the voting message.

A quick poll (``/poll [VOTE] question; option; option``) brings its own options, which
become the round's ideas; :func:`parse_quick_poll` reads and checks them.

The limits are Telegram's (:mod:`bot.domain.text_limits`); nothing here talks to Telegram.
Telegram counts lengths in UTF-16 code units, so an emoji can take two of the hundred.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.errors import DomainError, within_limit
from bot.domain.i18n import N_
from bot.domain.member_text import without_direction_controls
from bot.domain.rounds import MAX_IDEA_LENGTH, Idea, check_question, read_stages, stage_end
from bot.domain.text_limits import POLL_OPTION_LENGTH, POLL_OPTIONS, shorten, telegram_length
from bot.domain.when import Reader


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


def option_label(number: int, text: str, limit: int = POLL_OPTION_LENGTH) -> str:
    """"N. text", shortened to ``limit`` but never losing the number."""
    prefix = f"{number}. "
    return prefix + shorten(text, limit - telegram_length(prefix))


def lay_out(
    ideas: Sequence[Idea],
    *,
    per_poll: int = POLL_OPTIONS,
    option_length: int = POLL_OPTION_LENGTH,
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


# ------------------------------------------------------------------------ quick polls

POLL_USAGE = N_(
    "Write the question and at least two options, separated by semicolons, e.g. "
    "/poll 2d When shall we meet?; Saturday 10:00; Sunday 14:00"
)


@dataclass(frozen=True, slots=True)
class QuickPoll:
    voting_ends_at: dt.datetime | None  # None: after the group's default voting time
    question: str
    options: tuple[str, ...]


def parse_quick_poll(reader: Reader, text: str) -> QuickPoll:
    """``[VOTE] question; option; option...``: two or more options, none of them empty. VOTE is
    a length or a moment, as a round's stages are written."""
    stages, rest = read_stages(reader, text, limit=1)
    voting_ends_at = stage_end(stages[0], text, start=reader.now) if stages else None
    question, *options = (part.strip() for part in without_direction_controls(rest).split(";"))
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
    return QuickPoll(voting_ends_at, question, tuple(options))
