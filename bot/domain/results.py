"""What a round produced: ideas ranked by approval votes, and the outcome recorded after it.

Voting is approval voting (tick every idea you support), so an idea's share is the part
of *voters* who ticked it, and shares add up to more than 100%. Ideas with the same
number of votes share a place and the next place is skipped (1, =2, =2, 4), so a tie is
shown as a tie and never broken by who posted first.

How many people voted depends on what Telegram lets a bot see:

- public polls send a ``poll_answer`` per voter, so voters are counted exactly, across
  every poll of the round;
- anonymous polls only report each poll's ``total_voter_count``. With several polls the
  same neighbour may vote in all of them, so the round's voters are the largest of those
  counts: a lower bound, exact when there is one poll or everyone voted in the busiest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.domain.errors import within_limit
from bot.domain.i18n import N_
from bot.domain.member_text import without_direction_controls

MAX_OUTCOME_LENGTH = 1000


@dataclass(frozen=True, slots=True)
class Tally:
    """The votes one idea received, summed over the poll that carried it."""

    idea_id: int
    number: int
    text: str
    votes: int


@dataclass(frozen=True, slots=True)
class Placing:
    rank: int
    tied: bool
    tally: Tally
    share: float  # of voters, 0..1


@dataclass(frozen=True, slots=True)
class Results:
    placings: tuple[Placing, ...]
    voters: int

    @property
    def winners(self) -> tuple[Placing, ...]:
        """The idea(s) in first place; none when nobody voted for anything."""
        return tuple(p for p in self.placings if p.rank == 1 and p.tally.votes > 0)


@dataclass(frozen=True, slots=True)
class Outcome:
    """One update of what happened after a round ("you said, we did"); the latest one is
    shown, the earlier ones are its history. ``status`` is an :class:`~bot.domain.outcomes.OutcomeStatus` value."""

    id: int
    round_id: int
    text: str
    recorded_by: int | None
    recorded_at: dt.datetime
    message_id: int | None  # the message that announced it, once posted
    status: str = "planned"
    progress: int | None = None  # percent, while in progress


def rank(tallies: Iterable[Tally], voters: int) -> Results:
    """Most votes first, ties sharing a place; equal votes keep the ideas' own order."""
    ordered = sorted(tallies, key=lambda tally: (-tally.votes, tally.number))
    counts: dict[int, int] = {}
    for tally in ordered:
        counts[tally.votes] = counts.get(tally.votes, 0) + 1
    placings, place = [], 0
    for index, tally in enumerate(ordered):
        if index == 0 or tally.votes != ordered[index - 1].votes:
            place = index + 1
        share = tally.votes / voters if voters else 0.0
        placings.append(Placing(place, counts[tally.votes] > 1, tally, share))
    return Results(tuple(placings), voters)


def voter_count(poll_totals: Sequence[int], distinct_voters: int) -> int:
    """The round's number of voters from what the polls reported (see the module docstring).

    ``distinct_voters`` comes from public polls' answers and is 0 for anonymous ones; no
    poll can have had more voters than the round, so the larger figure is the better one.
    """
    return max(distinct_voters, max(poll_totals, default=0))


def check_outcome(text: str) -> str:
    return within_limit(
        without_direction_controls(text).strip(),
        MAX_OUTCOME_LENGTH,
        empty=N_("Please write what happened after the round number, e.g. /outcome 3 The council fixed the bench."),
        too_long=N_("That outcome is {length} characters long; please keep it within {limit} characters."),
    )
