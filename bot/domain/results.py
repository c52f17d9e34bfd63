"""What a round produced: ideas ranked by approval votes, and the outcome recorded after it.

Voting is approval voting (tick every idea you support), so an idea's share is the part
of *voters* who ticked it, and shares add up to more than 100%. Paper ballots entered by
a facilitator count with the online votes; each tally and the results keep the paper part,
so both can be shown ("12 online, 15 on paper"). Ideas with the same
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
    votes: int  # online and paper together
    paper: int = 0  # the part of ``votes`` from paper ballots

    @property
    def online(self) -> int:
        return self.votes - self.paper


@dataclass(frozen=True, slots=True)
class Placing:
    rank: int
    tied: bool
    tally: Tally
    share: float  # of voters, 0..1
    online_share: float = 0.0  # of online voters
    paper_share: float = 0.0  # of paper voters


@dataclass(frozen=True, slots=True)
class Results:
    placings: tuple[Placing, ...]
    voters: int  # online and paper together
    paper_voters: int = 0

    @property
    def online_voters(self) -> int:
        return self.voters - self.paper_voters

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


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def rank(tallies: Iterable[Tally], voters: int, paper_voters: int = 0) -> Results:
    """Most votes first, ties sharing a place; equal votes keep the ideas' own order.

    ``voters`` counts everyone, online and on paper; ``paper_voters`` is the paper part, so
    each placing also has its share of online voters and of paper voters."""
    ordered = sorted(tallies, key=lambda tally: (-tally.votes, tally.number))
    counts: dict[int, int] = {}
    for tally in ordered:
        counts[tally.votes] = counts.get(tally.votes, 0) + 1
    placings, place = [], 0
    for index, tally in enumerate(ordered):
        if index == 0 or tally.votes != ordered[index - 1].votes:
            place = index + 1
        placings.append(
            Placing(place, counts[tally.votes] > 1, tally, _share(tally.votes, voters),
                    _share(tally.online, voters - paper_voters), _share(tally.paper, paper_voters))
        )  # fmt: skip
    return Results(tuple(placings), voters, paper_voters)


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
