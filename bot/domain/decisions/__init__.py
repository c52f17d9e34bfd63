"""Decision methods: the ways a round can decide, and what any of them decided.

A round has a :class:`Method`. Each method has its own rules (``bot/domain/decisions/<method>.py``)
and its own workflow (``bot/flows/decisions/<method>.py``), but all of them end in the same
record, a :class:`Decision`: choices ranked with their votes and shares, ties shown as ties,
and how many took part online and on paper. Results messages, personal notices, ``/rounds``,
summaries, charts, the export and the public page render that record and nothing else;
a method that finds more than a ranking fills an optional part of it (a statements round's
:class:`~bot.domain.decisions.common_ground.CommonGround`), which those renderers show when present.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from bot.domain.decisions.common_ground import CommonGround


class Method(enum.StrEnum):
    """How a round decides; stored on the round (``rounds.method``)."""

    APPROVAL = "approval"  # tick every idea you support (a round, or a quick poll)
    STATEMENTS = "statements"  # add statements and vote on them, one at a time; opinion groups

    @property
    def adds_while_voting(self) -> bool:
        """Whether ideas (statements) keep coming while members vote, in one stage."""
        return self is Method.STATEMENTS

    @property
    def in_polls(self) -> bool:
        """Whether members vote in the group's polls (so a nudge can point them there)."""
        return self is Method.APPROVAL


@dataclass(frozen=True, slots=True)
class Tally:
    """The votes one choice (an idea, an option) received, online and on paper."""

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
class Decision:
    """What a round decided, whatever its method: the choices ranked, and who took part.

    Every listing, notice, summary, chart and page reads a decision through these fields
    only, so a new method is rendered everywhere the day it can fill them."""

    placings: tuple[Placing, ...]
    voters: int  # online and paper together
    paper_voters: int = 0
    method: Method = Method.APPROVAL
    common_ground: CommonGround | None = None  # a statements round's opinion groups and what they share

    @property
    def online_voters(self) -> int:
        return self.voters - self.paper_voters

    @property
    def winners(self) -> tuple[Placing, ...]:
        """The idea(s) in first place; none when nobody voted for anything."""
        return tuple(p for p in self.placings if p.rank == 1 and p.tally.votes > 0)
