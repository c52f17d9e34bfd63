"""What a summary says about its period, built from plain records (no Telegram)."""

from __future__ import annotations

import datetime as dt

from bot.domain.rounds import Stage
from bot.domain.summary import (
    Activity,
    ClosedRound,
    ConfirmedHours,
    Contributor,
    OpenRound,
    RecordedOutcome,
    TopIdea,
    WaitingProposal,
    build,
)

SINCE = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
UNTIL = SINCE + dt.timedelta(days=7)


def _activity(**parts) -> Activity:
    return Activity(since=SINCE, until=UNTIL, timezone="Europe/London", **parts)


def _open_round(active: bool) -> OpenRound:
    return OpenRound(3, "Bench?", Stage.IDEAS, UNTIL + dt.timedelta(days=1), ideas=7, authors=5, busiest_poll=0, ballot_voters=0, active=active)


def _hours(member: int, name: str, minutes: int, *, hidden: bool = False, day: int = 1) -> ConfirmedHours:
    return ConfirmedHours(member, name, hidden, minutes, SINCE + dt.timedelta(days=day))


def test_empty_period_has_no_summary():
    assert build(_activity()) is None


def test_standing_state_alone_is_not_news():
    waiting = WaitingProposal("Skip?", 1, 3, UNTIL + dt.timedelta(hours=5), new=False)
    quiet = _activity(open_rounds=[_open_round(active=False)], pending_confirmations=2, proposals=[waiting])
    assert build(quiet) is None


def test_summary_lists_open_and_closed_rounds_outcomes_and_proposals():
    closed = ClosedRound(2, "Which day?", 9, tuple(TopIdea(n, f"idea {n}", 10 - n) for n in range(1, 6)))
    proposal = WaitingProposal("Street party?", 2, 3, UNTIL + dt.timedelta(hours=5), new=True)
    summary = build(
        _activity(
            open_rounds=[_open_round(active=True)],
            closed_rounds=[closed],
            outcomes=[RecordedOutcome(1, "Bins?", "New bins ordered")],
            pending_confirmations=2,
            proposals=[proposal],
        )
    )
    assert summary is not None
    assert summary.open_rounds[0].ideas == 7 and summary.open_rounds[0].participants == 5
    assert [idea.number for idea in summary.closed_rounds[0].top] == [1, 2, 3]  # only the leading ideas
    assert summary.outcomes[0].text == "New bins ordered"
    assert summary.pending_confirmations == 2 and summary.proposals == (proposal,)


def test_hours_count_everyone_but_name_only_those_who_did_not_opt_out():
    summary = build(
        _activity(
            confirmed=[
                _hours(1, "Ben", 120),
                _hours(2, "Chloe", 300, hidden=True),
                _hours(1, "Ben", 60, day=3),
                _hours(3, "", 90),  # asked to be forgotten
                _hours(4, "Dawid", 30),
                _hours(5, "Ewa", 45),
            ]
        )
    )
    assert summary is not None
    assert summary.minutes_confirmed == 645 and summary.volunteers == 5
    assert summary.top_contributors == (Contributor("Ben", 180), Contributor("Ewa", 45), Contributor("Dawid", 30))
    assert all(person.name != "Chloe" for person in summary.top_contributors)


def test_hours_are_grouped_by_local_week():
    summary = build(_activity(confirmed=[_hours(1, "Ben", 60, day=0), _hours(1, "Ben", 30, day=8)]))
    assert summary is not None
    assert summary.hours_by_week == ((dt.date(2026, 11, 2), 60), (dt.date(2026, 11, 9), 30))


def test_logged_but_unconfirmed_time_is_news():
    assert build(_activity(logged_in_period=1, pending_confirmations=1)) is not None
