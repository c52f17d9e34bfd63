"""Needs and offers: the time bank working forwards, before the help happens.

A member posts what they need or can give; another member presses the button and the two
are connected. A need is taken by one helper; an offer can be asked for by several
neighbours, each a connection of its own. After the help either of the two proposes the
hours, and the helped member's confirmation becomes one ``exchange`` ledger entry from the
helped to the helper. Pure rules: no Telegram, no SQL.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from bot.domain.errors import DomainError, within_limit
from bot.domain.i18n import N_
from bot.domain.member_text import without_direction_controls

MAX_TEXT_LENGTH = 1000
NEED_LAPSES_AFTER = dt.timedelta(days=30)
OFFER_LAPSES_AFTER = dt.timedelta(days=90)
BOARD_MESSAGES = 3  # a group's /board never takes more than this many messages at once


class PostingKind(enum.StrEnum):
    NEED = "need"
    OFFER = "offer"


class PostingStatus(enum.StrEnum):
    OPEN = "open"  # on the board: a need nobody took yet, an offer anyone may ask for
    TAKEN = "taken"  # a need a helper answered
    MET = "met"  # a need whose hours were confirmed
    CANCELLED = "cancelled"
    LAPSED = "lapsed"


class MatchStatus(enum.StrEnum):
    CONNECTED = "connected"  # the two know of each other; no hours proposed yet
    PROPOSED = "proposed"  # hours proposed with /done, waiting for the helped member
    SETTLED = "settled"  # confirmed: the exchange is in the ledger


@dataclass(frozen=True, slots=True)
class Posting:
    id: int
    group_id: int
    kind: PostingKind
    author: int
    minutes: int | None  # how long a need should take, when its author said
    text: str
    status: PostingStatus
    created_at: dt.datetime
    lapses_at: dt.datetime
    closed_at: dt.datetime | None
    closed_by: int | None
    message_id: int | None


@dataclass(frozen=True, slots=True)
class Match:
    """One helper and one helped member brought together by a posting."""

    id: int
    posting_id: int
    helper: int
    helped: int
    status: MatchStatus
    created_at: dt.datetime
    minutes: int | None  # the hours proposed with /done
    proposed_by: int | None
    entry_id: int | None  # the exchange, once confirmed
    message_id: int | None  # the proposal with its Confirm button

    def involves(self, user_id: int) -> bool:
        return user_id in (self.helper, self.helped)


def lapse_after(kind: PostingKind) -> dt.timedelta:
    return NEED_LAPSES_AFTER if kind is PostingKind.NEED else OFFER_LAPSES_AFTER


def check_text(text: str, kind: PostingKind) -> str:
    usage = (
        N_("Please say what you need, for example: /need 1h a bike wheel fixed")
        if kind is PostingKind.NEED
        else N_("Please say what you can offer, for example: /offer help with forms in Polish")
    )
    return within_limit(
        " ".join(without_direction_controls(text).split()),
        MAX_TEXT_LENGTH,
        empty=usage,
        too_long=N_("That description is {length} characters long; please keep it within {limit}."),
    )


def _gone(posting: Posting) -> DomainError | None:
    if posting.status is PostingStatus.CANCELLED:
        return DomainError(N_("#{number} was taken down."), number=posting.id)
    if posting.status is PostingStatus.LAPSED:
        return DomainError(N_("#{number} lapsed and is no longer on the board."), number=posting.id)
    if posting.status in (PostingStatus.TAKEN, PostingStatus.MET):
        return DomainError(N_("Need #{number} is already taken by another neighbour. Thank you all the same!"), number=posting.id)
    return None


def is_lapsed(posting: Posting, now: dt.datetime) -> bool:
    return posting.status is PostingStatus.LAPSED or (
        posting.status is PostingStatus.OPEN and now >= posting.lapses_at
    )


def require_can_answer(posting: Posting, presser: int, earlier: Match | None, now: dt.datetime) -> None:
    """Who may press **I can help** or **Ask**: anyone but the author, while it is open."""
    if posting.author == presser:
        raise DomainError(N_("This is your own post: another neighbour has to answer it."))
    problem = _gone(posting) or (
        DomainError(N_("#{number} lapsed and is no longer on the board."), number=posting.id)
        if is_lapsed(posting, now)
        else None
    )
    if problem is not None:
        raise problem
    if earlier is not None:
        raise DomainError(N_("You already asked for offer #{number}; check your private chat with me."), number=posting.id)


def roles(posting: Posting, presser: int) -> tuple[int, int]:
    """``(helper, helped)`` once ``presser`` answers ``posting``."""
    if posting.kind is PostingKind.NEED:
        return presser, posting.author
    return posting.author, presser


def require_can_cancel(posting: Posting, user_id: int, *, facilitator: bool) -> None:
    if posting.author != user_id and not facilitator:
        raise DomainError(N_("Only the person who posted #{number} or a facilitator can take it down."), number=posting.id)
    if posting.status is not PostingStatus.OPEN:
        raise DomainError(N_("#{number} is no longer on the board."), number=posting.id)


def pick_match(posting: Posting, connections: list[Match], user_id: int) -> Match:
    """The connection a ``/done N`` from ``user_id`` is about."""
    mine = [c for c in connections if c.involves(user_id) and c.status is not MatchStatus.SETTLED]
    if not any(c.involves(user_id) for c in connections):
        if not connections:
            raise DomainError(N_("Nobody has answered #{number} yet, so there is nothing to settle."), number=posting.id)
        raise DomainError(N_("Only the two neighbours connected by #{number} can settle it."), number=posting.id)
    if not mine:
        raise DomainError(N_("The hours for #{number} are already confirmed."), number=posting.id)
    if len(mine) > 1:
        raise DomainError(
            N_("Several neighbours asked for #{number}: the neighbour you helped can send /done {number}."),
            number=posting.id,
        )
    found = mine[0]
    if found.status is MatchStatus.PROPOSED:
        raise DomainError(N_("Hours for #{number} are already proposed and wait for a confirmation."), number=posting.id)
    return found


def proposed_minutes(posting: Posting, written: int | None) -> int:
    if written is not None:
        return written
    if posting.minutes is None:
        raise DomainError(N_("Please say how long it took, for example: /done {number} 1h"), number=posting.id)
    return posting.minutes


def require_can_confirm(connection: Match, presser: int) -> None:
    """Only the helped member confirms: the hours leave their balance."""
    if connection.status is MatchStatus.SETTLED:
        raise DomainError(N_("These hours are already confirmed."))
    if connection.status is not MatchStatus.PROPOSED:
        raise DomainError(N_("That button is not valid any more."))
    if presser != connection.helped:
        raise DomainError(N_("Only the neighbour who was helped can confirm these hours."))
