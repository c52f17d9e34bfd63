"""The group's regular summary, built from plain records of one period.

Pure: storage gathers an :class:`Activity` for the period since the previous summary and
:func:`build` decides what the summary says, or that there is nothing to say (None).
Something "happened" when a round opened, moved on, received ideas or closed, an outcome
was recorded, hours were confirmed or logged, a proposal was made, or a need was met. Open
rounds, pending confirmations, proposals waiting for support, outcomes waiting for an update
and open needs are listed, but alone they are not news.

Everyone's confirmed hours count in the totals; only members who have not opted out
(``/privacy``) or asked to be forgotten are named among the top contributors.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from bot.domain.decisions import Decision, Method
from bot.domain.decisions.approval import voter_count
from bot.domain.records import Group
from bot.domain.rounds import Stage

TOP_CONTRIBUTORS = 3
TOP_IDEAS = 3


@dataclass(frozen=True, slots=True)
class OpenRound:
    number: int
    question: str
    stage: Stage
    deadline: dt.datetime | None
    ideas: int
    authors: int  # distinct authors of standing ideas
    busiest_poll: int  # the largest voter count any of its polls reported (voting)
    ballot_voters: int  # distinct voters seen in public polls' answers, positions, budget ballots or statements (voting)
    active: bool  # opened, moved on or received ideas during the period

    @property
    def participants(self) -> int:
        """Idea authors while collecting ideas, voters while voting."""
        if self.stage is Stage.VOTING:
            return voter_count([self.busiest_poll], self.ballot_voters)
        return self.authors


@dataclass(frozen=True, slots=True)
class TopIdea:
    number: int
    text: str
    votes: int  # online and paper together
    paper: int = 0
    rank: int = 1
    tied: bool = False  # another idea of the round has the same place


@dataclass(frozen=True, slots=True)
class ClosedRound:
    number: int
    question: str
    voters: int  # online and paper together
    top: tuple[TopIdea, ...]  # best first
    paper_voters: int = 0
    round_id: int = 0
    method: Method = Method.APPROVAL
    decision: Decision | None = None  # a method other than approval: its frozen decision (verdict, spending)


@dataclass(frozen=True, slots=True)
class RecordedOutcome:
    round_number: int
    question: str
    text: str
    status: str = "planned"  # an OutcomeStatus value
    progress: int | None = None


@dataclass(frozen=True, slots=True)
class RoundRef:
    """A round named in a summary line: an outcome waiting for its update, or hours given to it."""

    number: int
    question: str
    minutes: int = 0


@dataclass(frozen=True, slots=True)
class ConfirmedHours:
    """One confirmed volunteering entry of the period."""

    member_id: int
    name: str  # empty once the member asked to be forgotten
    hidden: bool  # the member opted out of being named
    minutes: int
    confirmed_at: dt.datetime


@dataclass(frozen=True, slots=True)
class WaitingProposal:
    question: str
    supporters: int
    needed: int
    expires_at: dt.datetime
    new: bool  # made during the period


@dataclass(frozen=True, slots=True)
class MetNeed:
    """A need whose hours were confirmed during the period."""

    number: int
    text: str
    minutes: int


@dataclass(frozen=True, slots=True)
class Activity:
    """Everything storage found for one group and one period."""

    since: dt.datetime
    until: dt.datetime
    timezone: str
    open_rounds: Sequence[OpenRound] = ()
    closed_rounds: Sequence[ClosedRound] = ()
    outcomes: Sequence[RecordedOutcome] = ()
    confirmed: Sequence[ConfirmedHours] = ()
    pending_confirmations: int = 0
    logged_in_period: int = 0  # entries logged during the period, confirmed or not
    proposals: Sequence[WaitingProposal] = ()
    waiting_outcomes: Sequence[RoundRef] = ()  # review date passed, no update since
    round_hours: Sequence[RoundRef] = ()  # confirmed in the period, per round
    needs_met: Sequence[MetNeed] = ()
    open_needs: int = 0  # needs on the board at the end of the period


@dataclass(frozen=True, slots=True)
class Contributor:
    name: str
    minutes: int


@dataclass(frozen=True, slots=True)
class Summary:
    since: dt.datetime
    open_rounds: tuple[OpenRound, ...]
    closed_rounds: tuple[ClosedRound, ...]
    outcomes: tuple[RecordedOutcome, ...]
    minutes_confirmed: int
    volunteers: int
    top_contributors: tuple[Contributor, ...]
    hours_by_week: tuple[tuple[dt.date, int], ...]  # (local Monday, minutes), oldest first
    pending_confirmations: int
    proposals: tuple[WaitingProposal, ...]
    waiting_outcomes: tuple[RoundRef, ...] = ()
    round_hours: tuple[RoundRef, ...] = ()
    needs_met: tuple[MetNeed, ...] = ()
    open_needs: int = 0


def period_start(group: Group) -> dt.datetime:
    """Where the group's current summary period began: its last summary, or its first day."""
    return group.last_summary_at or group.created_at


def happened(activity: Activity) -> bool:
    return bool(
        any(round_.active for round_ in activity.open_rounds)
        or activity.closed_rounds
        or activity.outcomes
        or activity.confirmed
        or activity.logged_in_period
        or any(proposal.new for proposal in activity.proposals)
        or activity.needs_met
    )


def build(activity: Activity) -> Summary | None:
    """What the summary of ``activity``'s period says; None when nothing happened."""
    if not happened(activity):
        return None
    per_member: dict[int, int] = defaultdict(int)
    for entry in activity.confirmed:
        per_member[entry.member_id] += entry.minutes
    named = {entry.member_id: entry.name for entry in activity.confirmed if entry.name and not entry.hidden}
    ranked = sorted(named, key=lambda member: (-per_member[member], named[member]))
    return Summary(
        since=activity.since,
        open_rounds=tuple(activity.open_rounds),
        closed_rounds=tuple(
            replace(r, top=tuple(r.top[:TOP_IDEAS])) for r in activity.closed_rounds
        ),
        outcomes=tuple(activity.outcomes),
        minutes_confirmed=sum(per_member.values()),
        volunteers=len(per_member),
        top_contributors=tuple(Contributor(named[m], per_member[m]) for m in ranked[:TOP_CONTRIBUTORS]),
        hours_by_week=_by_week(activity.confirmed, activity.timezone),
        pending_confirmations=activity.pending_confirmations,
        proposals=tuple(activity.proposals),
        waiting_outcomes=tuple(activity.waiting_outcomes),
        round_hours=tuple(activity.round_hours),
        needs_met=tuple(activity.needs_met),
        open_needs=activity.open_needs,
    )


def _by_week(confirmed: Sequence[ConfirmedHours], timezone: str) -> tuple[tuple[dt.date, int], ...]:
    """Confirmed minutes per local week (weeks start on Monday in the group's time zone)."""
    zone = ZoneInfo(timezone)
    weeks: dict[dt.date, int] = defaultdict(int)
    for entry in confirmed:
        day = entry.confirmed_at.astimezone(zone).date()
        weeks[day - dt.timedelta(days=day.weekday())] += entry.minutes
    return tuple(sorted(weeks.items()))
