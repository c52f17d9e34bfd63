"""Statements rounds: short statements, one vote at a time, and what the votes add up to.

Members add statements (at most :data:`MAX_STATEMENT_LENGTH` characters) while everyone
votes Agree, Disagree or Pass on them one at a time, in private. Which statement a member
sees next is :func:`next_statement`. The opinion groups come from Polis's method
(:mod:`bot.domain.decisions.opinions`); :func:`decide` turns them and the votes into the
round's :class:`~bot.domain.decisions.Decision`: the statements ranked by group-informed
consensus, and a :class:`~bot.domain.decisions.common_ground.CommonGround` saying what sets
each group apart, what almost everyone agrees on and what divides.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.domain.decisions import Decision, Method, Placing, Tally
from bot.domain.decisions.common_ground import (
    SHOWN,
    CommonGround,
    Division,
    MapPoint,
    OpinionGroup,
    Stance,
    StatementResult,
)
from bot.domain.decisions.opinions import (
    GroupCounts,
    GroupStatistics,
    OpinionMap,
    Representative,
    entry_threshold,
    group_statistics,
    representatives,
)
from bot.domain.errors import DomainError
from bot.domain.i18n import N_
from bot.domain.rounds import Idea, check_idea, check_question, read_stages, stage_end
from bot.domain.when import Reader

MAJORITY = 0.5  # a group "mostly agrees" when its smoothed probability of agreeing is above this
STATEMENTS_USAGE = N_(
    "Write the question after the command, and any first statements on the lines below it, e.g.\n"
    "/statements 5d How should we use the old library?\nKeep it a library\nOpen a café in it"
)


@dataclass(frozen=True, slots=True)
class StatementsRound:
    """What ``/statements [WHEN] question`` asks for, with the facilitator's first statements."""

    voting_ends_at: dt.datetime | None  # None: the group's default length
    question: str
    statements: tuple[str, ...]


def parse_statements_round(reader: Reader, text: str) -> StatementsRound:
    """``[WHEN] question`` on the first line, a first statement on each line below it. WHEN is
    a length or a moment, as a round's stages are written."""
    first, *lines = text.strip().splitlines() or [""]
    stages, question = read_stages(reader, first, limit=1)
    if not question.strip():
        raise DomainError(STATEMENTS_USAGE)
    ends_at = stage_end(stages[0], first, start=reader.now) if stages else None
    statements = tuple(check_idea(line, Method.STATEMENTS) for line in lines if line.strip())
    return StatementsRound(ends_at, check_question(question), statements)


@dataclass(frozen=True, slots=True)
class Votes:
    """One statement's votes from everyone: agree, disagree, pass."""

    agree: int = 0
    disagree: int = 0
    passed: int = 0

    @property
    def seen(self) -> int:
        return self.agree + self.disagree + self.passed


def next_statement(standing: Sequence[Idea], votes_on: Mapping[int, int], voted: set[int]) -> Idea | None:
    """The statement a member is shown next: of those they have not voted on, the one with
    the fewest votes so far, the oldest among equals; None when they have voted on all.

    Polis draws the next statement at random, weighted by a priority in which a statement
    with few votes counts up to nine times more (1 + 8 · 2^(−votes/5)), so that new
    statements are seen soon. Least-voted first is that rule made deterministic: every new
    statement comes up next for everyone, and votes spread evenly over the statements.
    """
    waiting = [idea for idea in standing if idea.id not in voted]
    return min(waiting, key=lambda idea: (votes_on.get(idea.id, 0), idea.number), default=None)


def _stance(statement: Representative) -> Stance:
    return Stance(
        idea_id=statement.statement, agrees=statement.agrees,
        share=statement.n_success / statement.n_trials if statement.n_trials else 0.0,
        repness=statement.repness, repness_test=statement.repness_test, best_agree=statement.best_agree,
    )  # fmt: skip


def _agreed(stats: GroupStatistics, consensus: Mapping[int, float]) -> tuple[int, ...]:
    """What almost everyone agrees on: statements most of every group agrees with, by consensus."""
    everywhere = [statement for column, statement in enumerate(stats.statements) if (stats.pa[:, column] > MAJORITY).all()]
    return tuple(sorted(everywhere, key=lambda statement: -consensus[statement])[:SHOWN])


def _divisive(stats: GroupStatistics, groups: Sequence[OpinionGroup]) -> tuple[Division, ...]:
    """Statements that a described group mostly agrees with and another mostly rejects,
    the widest apart (in the groups' probabilities of agreeing) first."""
    rows = [group.index for group in groups if group.described]
    split = []
    for column, statement in enumerate(stats.statements):
        agreeing = tuple(row for row in rows if stats.pa[row, column] > MAJORITY)
        disagreeing = tuple(row for row in rows if stats.pd[row, column] > MAJORITY)
        if agreeing and disagreeing:
            width = float(stats.pa[rows, column].max() - stats.pa[rows, column].min())
            split.append((width, Division(statement, agreeing, disagreeing)))
    return tuple(division for _, division in sorted(split, key=lambda pair: -pair[0])[:SHOWN])


def group_counts(tallies: Mapping[int, Votes], opinion: OpinionMap,
                 rows: Iterable[tuple[int, int, int, int, int]]) -> GroupCounts:  # fmt: skip
    """The counts the statistics start from: per opinion group (``rows``), or, when there are
    no groups, everyone who voted as one; over the statements anyone voted on, in id order."""
    voted = sorted(idea_id for idea_id, votes in tallies.items() if votes.seen)
    if opinion.members:
        return GroupCounts.collect(voted, opinion.group_count, rows)
    everyone = [(0, idea_id, votes.agree, votes.disagree, votes.seen) for idea_id, votes in tallies.items()]
    return GroupCounts.collect(voted, 1, everyone)


def decide(statements: Sequence[Idea], tallies: Mapping[int, Votes], opinion: OpinionMap,
           counts: GroupCounts, voters: int) -> Decision:  # fmt: skip
    """The round's decision from its standing ``statements``, everyone's ``tallies``, the
    opinion map and the groups' ``counts`` (:func:`group_counts`)."""
    stats = group_statistics(counts)
    consensus = {statement: float(value) for statement, value in zip(stats.statements, stats.consensus, strict=True)}
    sizes = Counter(opinion.groups)
    groups = tuple(
        OpinionGroup(index, sizes[index], tuple(_stance(each) for each in representatives(stats, index)))
        for index in range(opinion.group_count)
    )
    results = sorted(
        (StatementResult(idea.id, idea.number, idea.text, *_counts(tallies.get(idea.id)), consensus.get(idea.id, 0.0))
         for idea in statements),
        key=lambda result: (-result.consensus, result.number),
    )  # fmt: skip
    ground = CommonGround(
        groups=groups, statements=tuple(results), agreed=_agreed(stats, consensus), divisive=_divisive(stats, groups),
        points=tuple(MapPoint(member, x, y, group)
                     for member, group, x, y in zip(opinion.members, opinion.groups, opinion.x, opinion.y, strict=True)),
        voters=voters, entry_votes=entry_threshold(len(stats.statements)),
    )  # fmt: skip
    return Decision(_placings(results, voters), voters, 0, Method.STATEMENTS, common_ground=ground)


def _counts(votes: Votes | None) -> tuple[int, int, int]:
    votes = votes or Votes()
    return votes.agree, votes.disagree, votes.passed


def _placings(results: Sequence[StatementResult], voters: int) -> tuple[Placing, ...]:
    """Statements placed by consensus, equal consensus sharing a place (1, =2, =2, 4)."""
    sharing = Counter(result.consensus for result in results)
    placings, place = [], 0
    for index, result in enumerate(results):
        if index == 0 or result.consensus != results[index - 1].consensus:
            place = index + 1
        tied = sharing[result.consensus] > 1
        tally = Tally(result.idea_id, result.number, result.text, result.agree)
        placings.append(Placing(place, tied, tally, result.agree / voters if voters else 0.0))
    return tuple(placings)

