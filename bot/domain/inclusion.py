"""Taking part without Telegram or without typing: assisted ideas, voice ideas, paper ballots.

A facilitator enters an idea for a neighbour who is not in the chat (``/assist NAME: idea``);
the idea is the facilitator's to manage and is credited "NAME (via FACILITATOR)" in the
group and its export. Such a neighbour has no ``/privacy`` or ``/forgetme`` of their own, so
in public (the page, summaries) the idea reads "a neighbour (via FACILITATOR)" unless the
facilitator marked that they agreed (``/assist NAME (agreed): idea``, the word in any of
the bot's languages), and ``/forget NAME`` removes the name on their request. A voice
message, video note or audio sent as a reply to a round's message is a voice idea: its
words come later (``/label text``, at most a poll option's length), and until then it is
listed as needing words and voted on as "Voice idea N by NAME". Paper ballots are entered
as ``/paper N IDEA=COUNT ... voters=V``: no idea can have more paper votes than there were
paper voters. Pure rules only: parsing what facilitators write, and naming ideas and their
authors everywhere they are shown.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from bot.domain import i18n
from bot.domain.errors import DomainError, Quoted, within_limit
from bot.domain.i18n import N_, Translator
from bot.domain.ledger import neighbour_name
from bot.domain.member_text import without_direction_controls
from bot.domain.numbers import parse_number
from bot.domain.records import Member
from bot.domain.rounds import MAX_IDEA_LENGTH, Idea

MAX_ASSISTED_NAME_LENGTH = 64
MAX_LABEL_LENGTH = 100  # a poll option's length: the label is what the poll shows
MAX_PAPER_VOTERS = 100_000  # more than any neighbourhood's ballot box; catches a typo's extra zeros

ASSIST_USAGE = N_(
    "Write the neighbour's name, a colon and their idea, as a reply to the round's message "
    "(or after the round number), e.g. /assist Maria: A bench by the bus stop"
)


# The mark after a neighbour's name that says they agreed to be named in public:
# "/assist Maria (agreed): idea", the word in English or in any language the bot speaks.
# Translators: one short word a facilitator writes in brackets after a neighbour's name
# ("/assist Maria (agreed): A bench") to say the neighbour agreed to be named in public.
AGREED = N_("agreed")


@dataclass(frozen=True, slots=True)
class Assisted:
    """What ``/assist [N] NAME [(agreed)]: idea`` asks for; ``round_number`` None means the round replied to."""

    round_number: int | None
    name: str
    text: str
    agreed: bool = False  # the neighbour agreed to be named on the public page and in summaries


def parse_assist(text: str) -> Assisted:
    """``[N] NAME [(agreed)]: idea``: a name and an idea, both non-empty and within their limits."""
    rest = without_direction_controls(text).strip()
    number = None
    first, _, after = rest.partition(" ")
    if after and ":" not in first and parse_number(first) is not None:
        number, rest = parse_number(first), after.strip()
    name, colon, idea = rest.partition(":")
    if not colon:
        raise DomainError(ASSIST_USAGE)
    name, agreed = assisted_name(name)
    name = within_limit(
        name,
        MAX_ASSISTED_NAME_LENGTH,
        empty=N_("Write the neighbour's name before the colon, e.g. /assist Maria: A bench by the bus stop"),
        too_long=N_("That name is {length} characters long; please keep it within {limit}."),
    )
    idea = within_limit(
        idea.strip(),
        MAX_IDEA_LENGTH,
        empty=N_("Write the neighbour's idea after the colon, e.g. /assist Maria: A bench by the bus stop"),
        too_long=N_("That idea is {length} characters long; please keep it within {limit} characters."),
    )
    return Assisted(number, name, idea, agreed)


_MARKED = re.compile(r"^(?P<name>.*?)\s*\(\s*(?P<mark>[^()]+?)\s*\)$")


def assisted_name(written: str) -> tuple[str, bool]:
    """A neighbour's name as a facilitator wrote it, spaces evened out, and whether it ends
    with the mark that they agreed to be named (other brackets stay part of the name)."""
    name = " ".join(without_direction_controls(written).split())
    marked = _MARKED.match(name)
    if marked and marked["mark"].casefold() in _agreed_marks():
        return marked["name"], True
    return name, False


@functools.cache
def _agreed_marks() -> frozenset[str]:
    return frozenset(i18n.translator(language)._(AGREED).casefold() for language in i18n.available_languages()) | {
        AGREED
    }


def same_neighbour(entered: str, asked: str) -> bool:
    """Whether an assisted idea's name is the one a facilitator asks about (case and spaces aside)."""
    return bool(entered) and entered.casefold() == asked.casefold()


def _plain(text: str) -> str:
    return text


def credit(
    t: Translator, idea: Idea, authors: Mapping[int, Member], show: Callable[[str], str] = _plain, *,
    public: bool = False,
) -> str:  # fmt: skip
    """Who an idea is from, as every listing names it: "anonymous", a member's public name,
    "a neighbour", or "NAME (via FACILITATOR)" for an assisted idea. ``show`` marks what
    members wrote (``t.user_text`` for an HTML message). In ``public`` (the page, summaries)
    an assisted neighbour is named only where they agreed, else "a neighbour (via
    FACILITATOR)", as everywhere once their name was forgotten."""
    if idea.assisted:
        via = t._("a facilitator") if idea.author_id is None else _member_name(t, authors, idea.author_id, show)
        named = idea.assisted_name and (idea.assisted_agreed or not public)
        name = show(idea.assisted_name) if named else t._("a neighbour")
        return t._("{name} (via {facilitator})", name=name, facilitator=via)
    if idea.anonymous or idea.author_id is None:
        return t._("anonymous")
    return _member_name(t, authors, idea.author_id, show)


def _member_name(t: Translator, authors: Mapping[int, Member], user_id: int, show: Callable[[str], str]) -> str:
    member = authors.get(user_id)
    return show(member.public_name) if member is not None and member.public_name else neighbour_name(t, member)


LABEL_USAGE = N_("Reply to a voice idea with /label and the words to vote on, e.g. /label A bench by the bus stop")


def check_label(text: str) -> str:
    return within_limit(
        " ".join(without_direction_controls(text).split()),
        MAX_LABEL_LENGTH,
        empty=LABEL_USAGE,
        too_long=N_("That label is {length} characters long; please keep it within {limit}."),
    )


def idea_words(
    t: Translator, idea: Idea, authors: Mapping[int, Member], show: Callable[[str], str] = _plain, *,
    public: bool = False,
) -> str:  # fmt: skip
    """What an idea says: its text, or "Voice idea N by NAME" for a voice idea without words."""
    if idea.needs_words:
        return t._("Voice idea {number} by {name}", number=idea.number, name=credit(t, idea, authors, show, public=public))
    return show(idea.text)


def message_link(chat_id: int, message_id: int) -> str | None:
    """A link that opens a message of a supergroup for its members (``t.me/c/...``); basic
    groups have no such link, so None (the bot replies to the message instead)."""
    digits = str(chat_id)
    if not digits.startswith("-100"):
        return None
    return f"https://t.me/c/{digits.removeprefix('-100')}/{message_id}"


PAPER_USAGE = N_(
    "Write the round number, each idea's paper votes and the number of paper voters, "
    "e.g. /paper 3 1=12 2=7 voters=15"
)


@dataclass(frozen=True, slots=True)
class PaperEntry:
    """``/paper N IDEA=COUNT ... voters=V``: paper votes per idea number, and paper voters."""

    round_number: int
    votes: dict[int, int]
    voters: int


def _count(token: str, value: str) -> int:
    if value.startswith("-") and value[1:].isdigit():
        raise DomainError(N_("“{value}”: a count cannot be negative."), value=Quoted(token))
    if not value.isascii() or not value.isdigit() or len(value) > 9:
        raise DomainError(N_("“{value}” is not IDEA=COUNT, e.g. 2=7."), value=Quoted(token))
    return int(value)


def parse_paper(args: Sequence[str]) -> PaperEntry:
    """The round number, then ``IDEA=COUNT`` pairs and ``voters=V`` in any order.

    Every idea at most once, ``voters`` exactly once and at most :data:`MAX_PAPER_VOTERS`,
    and no idea with more votes than there were voters (each paper voter ticks an idea once).
    """
    if len(args) < 2:
        raise DomainError(PAPER_USAGE)
    round_number = parse_number(args[0])
    if round_number is None:
        raise DomainError(N_("“{value}” is not a round number. Write it like 3."), value=Quoted(args[0]))
    votes: dict[int, int] = {}
    voters = None
    for token in args[1:]:
        key, equals, value = token.partition("=")
        if not equals:
            raise DomainError(N_("“{value}” is not IDEA=COUNT, e.g. 2=7."), value=Quoted(token))
        if key.casefold() == "voters":
            if voters is not None:
                raise DomainError(N_("Write voters=V once."))
            voters = _count(token, value)
            continue
        number = parse_number(key)
        if number is None:
            raise DomainError(N_("“{value}” is not IDEA=COUNT, e.g. 2=7."), value=Quoted(token))
        if number in votes:
            raise DomainError(N_("Idea {number} is written twice."), number=number)
        votes[number] = _count(token, value)
    if voters is None:
        raise DomainError(N_("Write how many people voted on paper, e.g. voters=15."))
    if voters > MAX_PAPER_VOTERS:
        raise DomainError(N_("{voters} paper voters is more than the {limit} the bot takes."), voters=voters,
                          limit=MAX_PAPER_VOTERS)  # fmt: skip
    for number, count in votes.items():
        if count > voters:
            raise DomainError(
                N_("Idea {number} has {count} paper votes, more than the {voters} paper voters. Nothing was changed."),
                number=number, count=count, voters=voters,
            )  # fmt: skip
    return PaperEntry(round_number, votes, voters)


class TallyReason(enum.StrEnum):
    """Why a paper tally was added: entered by a facilitator, or the ideas it counts changed."""

    ENTERED = "entered"
    MERGED = "merged"  # an idea folded into another: its votes moved
    WITHDRAWN = "withdrawn"  # an idea taken back: its votes no longer count
    WORDS_CHANGED = "words_changed"  # an idea edited: its votes were for the old words


@dataclass(frozen=True, slots=True)
class PaperTally:
    """A paper tally as entered: the latest one of a round counts, earlier ones are history."""

    id: int
    round_id: int
    voters: int
    votes: dict[int, int]  # idea id -> paper votes
    entered_by: int | None
    entered_at: dt.datetime
    reason: TallyReason = TallyReason.ENTERED


PAPER_MERGE_UNKNOWN = N_(
    "Ideas {kept} and {folded} both have paper votes ({kept_votes} and {folded_votes} of {voters} paper voters), "
    "and the tally cannot say how many ballots ticked both. Count those ballots again with the two as one idea, "
    "enter the tally again with /paper {round} giving idea {folded} none, then merge. Nothing was changed."
)


def merged_paper(tally: PaperTally, kept: Idea, folded: Idea, round_number: int) -> dict[int, int] | None:
    """The paper votes once ``folded`` is merged into ``kept``; None when ``folded`` has none
    (nothing moves).

    A ballot ticks an idea once, so a ballot that ticked both counts once for the merged idea.
    The count says how many did only when one of the two had no paper votes, or one had every
    paper voter's: then the merged idea has the larger count. Otherwise the merge is refused,
    and the facilitator counts those ballots again.
    """
    kept_votes, folded_votes = tally.votes.get(kept.id, 0), tally.votes.get(folded.id, 0)
    if folded_votes == 0:
        return None
    if kept_votes and max(kept_votes, folded_votes) < tally.voters:
        raise DomainError(PAPER_MERGE_UNKNOWN, kept=kept.number, folded=folded.number, kept_votes=kept_votes,
                          folded_votes=folded_votes, voters=tally.voters, round=round_number)  # fmt: skip
    votes = {idea_id: count for idea_id, count in tally.votes.items() if idea_id != folded.id}
    votes[kept.id] = max(kept_votes, folded_votes)
    return votes


def without_idea(tally: PaperTally, idea: Idea) -> dict[int, int] | None:
    """The paper votes with ``idea``'s taken out (it was withdrawn, or its words changed so
    its votes were for other words); None when it had none."""
    if not tally.votes.get(idea.id):
        return None
    return {idea_id: count for idea_id, count in tally.votes.items() if idea_id != idea.id}
