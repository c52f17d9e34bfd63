"""What a statements round found: its opinion groups, what sets each apart, what they share.

The part of a :class:`~bot.domain.decisions.Decision` that only a statements round fills
(:mod:`bot.domain.decisions.statements` computes it). Results messages, personal notices,
the chart and the public page render it; none of them shows how anyone voted. A group of
fewer than :data:`MIN_DESCRIBED` neighbours is counted but never described, since what
sets two people apart would be their own votes.
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_DESCRIBED = 3
SHOWN = 3  # statements of common ground, and of division, named in a result
GROUP_LETTERS = "ABCDE"  # Polis names its (at most five) groups by letter


@dataclass(frozen=True, slots=True)
class Stance:
    """A statement that sets a group apart (Polis's representative statement): the group
    agrees with it, or disagrees, more than everyone else does."""

    idea_id: int
    agrees: bool
    share: float  # of the group's votes on it that agree (disagree), 0..1
    repness: float  # how many times likelier than outside the group
    repness_test: float  # its z-test
    best_agree: bool = False  # the statement the group agrees with most (listed first)


@dataclass(frozen=True, slots=True)
class OpinionGroup:
    index: int  # 0 is Group A
    size: int  # neighbours in it
    stances: tuple[Stance, ...]  # most telling first, those it agrees with before the others

    @property
    def letter(self) -> str:
        return GROUP_LETTERS[self.index]

    @property
    def described(self) -> bool:
        return self.size >= MIN_DESCRIBED


@dataclass(frozen=True, slots=True)
class StatementResult:
    """One statement's votes from everyone, and its group-informed consensus."""

    idea_id: int
    number: int
    text: str
    agree: int
    disagree: int
    passed: int
    consensus: float  # Π over groups of (agree + 1) / (seen + 2); 0 for a statement nobody voted on

    @property
    def seen(self) -> int:
        return self.agree + self.disagree + self.passed


@dataclass(frozen=True, slots=True)
class Division:
    """A statement that splits the groups: those that mostly agree with it, those that mostly do not."""

    idea_id: int
    agreeing: tuple[int, ...]  # group indexes
    disagreeing: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class MapPoint:
    """A participant on the opinion map: drawn as an unnamed dot in their group's colour."""

    member: int
    x: float
    y: float
    group: int


@dataclass(frozen=True, slots=True)
class CommonGround:
    groups: tuple[OpinionGroup, ...]  # none when too few neighbours voted on enough statements
    statements: tuple[StatementResult, ...]  # highest consensus first
    agreed: tuple[int, ...]  # idea ids: what almost everyone agrees on, highest consensus first
    divisive: tuple[Division, ...]  # where one group mostly agrees and another mostly disagrees, widest first
    points: tuple[MapPoint, ...]
    voters: int  # everyone who voted on a statement, in a group or not
    entry_votes: int  # votes a neighbour needs to be placed in a group

    def statement(self, idea_id: int) -> StatementResult:
        return next(result for result in self.statements if result.idea_id == idea_id)

    def group_of(self, member: int) -> OpinionGroup | None:
        index = next((point.group for point in self.points if point.member == member), None)
        return None if index is None else self.groups[index]

    @property
    def grouped(self) -> int:
        return len(self.points)
