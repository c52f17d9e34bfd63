"""What a group's public page shows, and whose names it may show.

Pure records that storage fills and the site flow lays out. The page carries the group's
rounds (question, stage, dates), each round's ideas, results and outcome history, and the
hours given; nothing else: no Telegram ids, no usernames, no notes of ledger entries.
A name appears only as ``/privacy`` allows: an anonymous idea, a member who chose not to
be named and a member who asked to be forgotten all appear without a name.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from bot.domain.decisions import Decision
from bot.domain.records import Member
from bot.domain.rounds import Idea, Stage


def new_site_token() -> str:
    """The page folder's name: 128 random bits in hex (safe in a path and in a URL)."""
    return secrets.token_hex(16)


def public_name(name: str, *, hidden: bool, forgotten: bool, anonymous: bool = False) -> str:
    """The name the page may show, or "" (the page then says "a neighbour")."""
    return "" if hidden or forgotten or anonymous else name


@dataclass(frozen=True, slots=True)
class PublicOutcome:
    text: str
    recorded_at: dt.datetime


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
