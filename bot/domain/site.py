"""What a group's public page shows, and whose names it may show.

Pure records that storage fills and the site flow lays out. The page carries the group's
rounds (question, method, stage, dates, the outcome's current status), each round's ideas,
results, outcome history and the hours given to it, and the group's hours; nothing else: no
Telegram ids, no usernames, no notes of ledger entries.
A name appears only as ``/privacy`` allows: an anonymous idea, a member who chose not to
be named and a member who asked to be forgotten all appear without a name.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from bot.domain.decisions import Decision, Method
from bot.domain.outcomes import OutcomeStatus
from bot.domain.records import Member
from bot.domain.rounds import Idea, Kind, Stage

ROUNDS_PER_PAGE = 50  # rounds on each page of the index, newest first; older ones on index-2.html, ...


def new_site_token() -> str:
    """The page folder's name: 128 random bits in hex (safe in a path and in a URL)."""
    return secrets.token_hex(16)


def public_name(name: str, *, hidden: bool, forgotten: bool, anonymous: bool = False) -> str:
    """The name the page may show, or "" (the page then says "a neighbour")."""
    return "" if hidden or forgotten or anonymous else name


@dataclass(frozen=True, slots=True)
class PublicOutcome:
    """One update of a round's outcome, as it stands now (a corrected update only in its
    corrected version)."""

    text: str
    recorded_at: dt.datetime
    status: OutcomeStatus = OutcomeStatus.PLANNED
    progress: int | None = None  # percent, while in progress


@dataclass(frozen=True, slots=True)
class PublicRound:
    number: int
    question: str
    stage: Stage
    opened_at: dt.datetime
    deadline: dt.datetime | None
    closed_at: dt.datetime | None
    voters: int | None
    ideas: tuple[Idea, ...]  # standing and merged, named on the page as in every listing
    authors: Mapping[int, Member]  # the members those ideas name
    outcomes: tuple[PublicOutcome, ...]  # oldest first
    round_id: int = 0
    decision: Decision | None = None  # once closed, as its method froze it (filled by the site flow)
    kind: Kind = Kind.ROUND
    method: Method = Method.APPROVAL
    voting_started_at: dt.datetime | None = None
    cancel_reason: str | None = None
    minutes_given: int = 0  # confirmed volunteering linked to the round (``/log 2h for #3``)
    neighbours_giving: int = 0

    @property
    def latest(self) -> PublicOutcome | None:
        """The outcome's current status: its newest update."""
        return self.outcomes[-1] if self.outcomes else None


@dataclass(frozen=True, slots=True)
class PublicHours:
    name: str  # "" when the page may not name them
    minutes: int


@dataclass(frozen=True, slots=True)
class PublicGroup:
    title: str
    language: str
    timezone: str
    rounds: tuple[PublicRound, ...]  # newest first
    hours: tuple[PublicHours, ...]  # most hours first; unnamed members folded into one line

    @property
    def minutes_given(self) -> int:
        return sum(entry.minutes for entry in self.hours)


def fold_hours(per_member: list[tuple[str, int]]) -> tuple[PublicHours, ...]:
    """Named members each on a line, most hours first; everyone unnamed in one last line."""
    named = sorted(((name, minutes) for name, minutes in per_member if name), key=lambda row: (-row[1], row[0]))
    unnamed = sum(minutes for name, minutes in per_member if not name)
    rows = [PublicHours(name, minutes) for name, minutes in named]
    return tuple(rows + ([PublicHours("", unnamed)] if unnamed else []))


Listed = TypeVar("Listed")


def index_pages(rounds: Sequence[Listed]) -> list[Sequence[Listed]]:
    """The rounds (newest first) cut into the index's pages of :data:`ROUNDS_PER_PAGE`; one
    empty page when there are none."""
    return [rounds[start : start + ROUNDS_PER_PAGE] for start in range(0, len(rounds), ROUNDS_PER_PAGE)] or [rounds]


def index_name(page: int) -> str:
    """The file of the index's page ``page`` (from 1): ``index.html``, then ``index-2.html``, ..."""
    return "index.html" if page == 1 else f"index-{page}.html"
