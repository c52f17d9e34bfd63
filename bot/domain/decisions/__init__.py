"""Decision methods: the ways a round can decide, and what any of them decided.

A round has a :class:`Method`. Each method has its own rules (``bot/domain/decisions/<method>.py``)
and its own workflow (``bot/flows/decisions/<method>.py``), but all of them end in the same
record, a :class:`Decision`: choices ranked with their votes and shares, ties shown as ties,
and how many took part online and on paper. Results messages, personal notices, ``/rounds``,
summaries, charts, the export and the public page render that record and nothing else.

Besides the ranking a decision may carry what its method adds, each field empty when the
method has none of it, so a renderer shows what is there without asking which method it was:

- choices with **positions** (:attr:`Tally.positions`: how many agree, abstain, object,
  block) and the **reasons** members gave for them;
- a **verdict** (passed, not passed, no quorum) and the **quorum** it needed;
- **costs** (:attr:`Tally.cost`) and the **spending** of a budget: what it had, what the
  chosen projects cost, what is left, and the rule that chose them;
- the **chosen** choices when the method's rule, not the first place, decides what was chosen;
- the **common ground** a statements round finds
  (:class:`~bot.domain.decisions.common_ground.CommonGround`: opinion groups and what they share).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from bot.domain.decisions.common_ground import CommonGround
from bot.domain.i18n import N_


class Method(enum.StrEnum):
    """How a round decides; stored on the round (``rounds.method``)."""

    APPROVAL = "approval"  # tick every idea you support (a round, or a quick poll)
    STATEMENTS = "statements"  # add statements and vote on them, one at a time; opinion groups
    CONSENT = "consent"  # agree / abstain / object / block on one proposal
    BUDGET = "budget"  # choose projects with costs within a budget; a rule picks the winners

    @property
    def adds_while_voting(self) -> bool:
        """Whether ideas (statements) keep coming while members vote, in one stage."""
        return self is Method.STATEMENTS


class Position(enum.StrEnum):
    """Where a member stands on a proposal (or, for a method of statements, a statement)."""

    AGREE = "agree"
    ABSTAIN = "abstain"
    DISAGREE = "disagree"  # "Object" on a consent proposal (Loomio's "disagree")
    BLOCK = "block"


POSITION_WORDS = {
    Position.AGREE: N_("Agree"),
    Position.ABSTAIN: N_("Abstain"),
    Position.DISAGREE: N_("Object"),
    Position.BLOCK: N_("Block"),
}


class Verdict(enum.StrEnum):
    """What became of a proposal put to the group."""

    PASSED = "passed"
    NOT_PASSED = "not_passed"
    NO_QUORUM = "no_quorum"


VERDICT_WORDS = {
    Verdict.PASSED: N_("Passed"),
    Verdict.NOT_PASSED: N_("Not passed"),
    Verdict.NO_QUORUM: N_("No quorum"),
}


@dataclass(frozen=True, slots=True)
class Tally:
    """The votes one choice (an idea, an option, a proposal) received, online and on paper."""

    idea_id: int
    number: int
    text: str
    votes: int  # online and paper together
    paper: int = 0  # the part of ``votes`` from paper ballots
    cost: int | None = None  # a budget's project: what it costs, in the budget's units
    positions: tuple[tuple[Position, int], ...] = ()  # members per position, in the order shown

    @property
    def online(self) -> int:
        return self.votes - self.paper

    def count(self, position: Position) -> int:
        return dict(self.positions).get(position, 0)


@dataclass(frozen=True, slots=True)
class Placing:
    rank: int
    tied: bool
    tally: Tally
    share: float  # of voters, 0..1
    online_share: float = 0.0  # of online voters
    paper_share: float = 0.0  # of paper voters


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a member took a position, as the group may read it: ``name`` is "" when the
    member hid their name (``/privacy``) or asked to be forgotten."""

    position: Position
    name: str
    text: str
    given_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Spending:
    """A budget and what its chosen projects cost, in whole units of ``currency`` ("" for none)."""

    budget: int
    spent: int
    currency: str
    rule: str  # how the winners were chosen (a ``bot.domain.decisions.budget.Rule`` value)

    @property
    def left(self) -> int:
        return self.budget - self.spent


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
    chosen: tuple[int, ...] | None = None  # idea ids the method's rule chose, in its order; None: the first place
    verdict: Verdict | None = None
    quorum: int = 0  # members who had to take part for the verdict to count; 0: no quorum
    reasons: tuple[Reason, ...] = ()  # newest first
    spending: Spending | None = None

    @property
    def online_voters(self) -> int:
        return self.voters - self.paper_voters

    @property
    def winners(self) -> tuple[Placing, ...]:
        """What was chosen: the choices the method's rule picked (in its order), or else
        the idea(s) in first place; none when nobody voted for anything."""
        if self.chosen is not None:
            by_id = {placing.tally.idea_id: placing for placing in self.placings}
            return tuple(by_id[idea_id] for idea_id in self.chosen if idea_id in by_id)
        return tuple(p for p in self.placings if p.rank == 1 and p.tally.votes > 0)
