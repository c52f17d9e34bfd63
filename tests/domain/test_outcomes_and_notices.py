"""Pure rules: outcome statuses as written, when a review is due, quiet hours for notices."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain import i18n
from bot.domain.errors import DomainError
from bot.domain.notices import RETRY_AFTER, deliver_at, next_try, parse_switch
from bot.domain.outcomes import (
    REVIEW_TIME,
    OutcomeStatus,
    OutcomeUpdate,
    next_status,
    parse_review,
    parse_update,
    review_due,
)
from bot.domain.when import Reader

EN = i18n.translator("en")
NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
LONDON = "Europe/London"


@pytest.mark.parametrize("text, status, progress, rest", [
    ("planned Talks with the council", OutcomeStatus.PLANNED, None, "Talks with the council"),
    ("0% Not started", OutcomeStatus.IN_PROGRESS, 0, "Not started"),
    ("100% All but the paint", OutcomeStatus.IN_PROGRESS, 100, "All but the paint"),
    ("DONE: Fixed", OutcomeStatus.DONE, None, "Fixed"),
    ("dropped No money", OutcomeStatus.DROPPED, None, "No money"),
    ("The council fixed it", None, None, "The council fixed it"),
])  # fmt: skip
def test_status_is_read_from_the_first_word(text, status, progress, rest):
    assert parse_update(EN, text) == OutcomeUpdate(status, progress, rest)


@pytest.mark.parametrize("text", ["101% x", "-1% x", "1.5% x", "soon: x", "soon", "done", ""])
def test_bad_status_progress_or_missing_text_is_refused(text):
    with pytest.raises(DomainError):
        parse_update(EN, text)


def test_without_a_status_it_stays_and_the_first_is_planned():
    update = OutcomeUpdate(None, None, "news")
    assert next_status(update, None) == (OutcomeStatus.PLANNED, None)
    assert next_status(update, (OutcomeStatus.IN_PROGRESS, 40)) == (OutcomeStatus.IN_PROGRESS, 40)


def test_review_is_due_in_30_days_unless_finished():
    assert review_due(OutcomeStatus.PLANNED, NOW) == NOW + dt.timedelta(days=30)
    assert review_due(OutcomeStatus.DONE, NOW) is None
    assert review_due(OutcomeStatus.DROPPED, NOW) is None


def _review(text: str) -> dt.datetime:
    return parse_review(Reader(EN, "UTC", NOW, day_time=REVIEW_TIME), text)


def test_review_dates_and_durations():
    assert _review("2w") == NOW + dt.timedelta(weeks=2)
    assert _review("2 weeks") == NOW + dt.timedelta(weeks=2)
    assert _review("a month") == NOW + dt.timedelta(days=30)
    assert _review("tomorrow") == dt.datetime(2026, 11, 3, 9, tzinfo=dt.UTC)
    assert _review("2026-11-03") == dt.datetime(2026, 11, 3, 9, tzinfo=dt.UTC)
    assert _review("3 Nov") == dt.datetime(2026, 11, 3, 9, tzinfo=dt.UTC)


@pytest.mark.parametrize("bad", ["2026-11-02", "2026-02-30", "yesterday", "2027-12-01", "next year", "soon"])
def test_review_in_the_past_beyond_a_year_or_unreadable_is_refused(bad):
    with pytest.raises(DomainError):
        _review(bad)


def test_review_limit_is_a_year_one_below_at_and_above():
    assert _review("365d") == NOW + dt.timedelta(days=365)
    assert _review("366d") == NOW + dt.timedelta(days=366)
    with pytest.raises(DomainError, match="at most a year"):
        _review("367d")


@pytest.mark.parametrize("local, expected", [
    ((8, 0), (2, 8, 0)),  # quiet hours end at 08:00: sent at once
    ((20, 59), (2, 20, 59)),
    ((21, 0), (3, 8, 0)),  # from 21:00 it waits for the next morning
    ((23, 0), (3, 8, 0)),
    ((7, 59), (2, 8, 0)),  # before 08:00 it waits for the same morning
])  # fmt: skip
def test_quiet_hours_in_the_groups_time_zone(local, expected):
    moment = dt.datetime(2026, 11, 2, *local, tzinfo=dt.UTC)  # London is on GMT in November
    day, hour, minute = expected
    assert deliver_at(moment, LONDON) == dt.datetime(2026, 11, day, hour, minute, tzinfo=dt.UTC)


def test_quiet_hours_follow_the_group_not_utc():
    moment = dt.datetime(2026, 11, 2, 19, 0, tzinfo=dt.UTC)  # 21:00 in Cairo
    assert deliver_at(moment, "Africa/Cairo") == dt.datetime(2026, 11, 3, 6, 0, tzinfo=dt.UTC)


def test_switch_words():
    assert parse_switch(EN, "ON") is True and parse_switch(EN, "off") is False
    assert parse_switch(i18n.translator("pl"), "wyłączone") is False
    with pytest.raises(DomainError):
        parse_switch(EN, "maybe")


def test_a_refused_notice_is_tried_again_after_each_pause_then_given_up():
    noon = dt.datetime(2026, 11, 2, 12, 0, tzinfo=dt.UTC)
    assert [next_try(refused, noon, LONDON) for refused in range(1, len(RETRY_AFTER) + 1)] == [
        noon + pause for pause in RETRY_AFTER
    ]
    assert next_try(len(RETRY_AFTER) + 1, noon, LONDON) is None


def test_a_retry_that_would_fall_in_the_quiet_hours_waits_for_8():
    late = dt.datetime(2026, 11, 2, 20, 45, tzinfo=dt.UTC)  # 20:45 in London; 30 minutes on is 21:15
    assert next_try(len(RETRY_AFTER), late, LONDON) == dt.datetime(2026, 11, 3, 8, 0, tzinfo=dt.UTC)
