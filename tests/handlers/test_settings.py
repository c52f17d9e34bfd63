"""/settings shows and changes a group's settings; a bad value changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain import callbacks, i18n
from bot.domain.deadline_kinds import DeadlineKind
from bot.domain.errors import DomainError
from bot.domain.settings import SummarySchedule, parse
from bot.domain.when import Reader
from storage import deadlines, groups

READER = Reader(i18n.translator("en"), "Europe/London", dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC))


async def _group(harness):
    async with harness.db.read() as conn:
        return await groups.get_by_chat(conn, harness.group.id)


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/settings timezone Mars/Olympus", "not a time zone I know"),
        ("/settings timezone " + "a" * 5000, "not a time zone I know"),
        ("/settings timezone ../../etc/passwd", "not a time zone I know"),
        ("/settings summary weekly Funday 25:00", "off, daily HH:MM or weekly DAY HH:MM"),
        ("/settings ideas 0m", "between 1 minute and 8 weeks"),
        ("/settings support 0", "at least 1"),
        ("/settings support ²", "at least 1"),
        ("/settings floor abc", "zero or below"),
        ("/settings language xx", "not a language I speak"),
        ("/settings colour blue", "The settings are: language, timezone"),
        ("/settings floor", "for example /settings floor -10h"),
    ],
)
async def test_bad_setting_is_refused_with_the_allowed_form_and_nothing_changes(harness, command, expected):
    await harness.send(harness.facilitator, "/help")
    before = await _group(harness)
    await harness.send(harness.facilitator, command)
    assert expected in harness.last_text()
    assert await _group(harness) == before


async def test_facilitator_changes_each_setting_by_command(harness):
    for command, said in (
        ("/settings timezone Europe/Warsaw", "The group's time zone is now Europe/Warsaw."),
        ("/settings summary daily 18:30", "Summaries now come daily at 18:30."),
        ("/settings ideas 1d", "Ideas now stay open 1 day."),
        ("/settings vote 6h", "Voting now stays open 6 hours."),
        ("/settings anonymous off", "Votes now show who voted."),
        ("/settings support 5", "A proposal now needs 5 supporters."),
        ("/settings floor -7.5h", "The lowest balance anyone may reach is now -7 hours 30 minutes."),
    ):
        await harness.send(harness.facilitator, command)
        assert harness.last_text() == said
    group = await _group(harness)
    assert (group.timezone, group.summary_schedule) == ("Europe/Warsaw", "daily 18:30")
    assert (group.ideas_minutes, group.vote_minutes) == (24 * 60, 6 * 60)
    assert (group.anonymous_votes, group.support_threshold, group.floor_minutes) == (False, 5, -450)


async def test_new_summary_schedule_moves_the_next_summary(harness):
    harness.clock.set(dt.datetime(2026, 11, 3, 12, 0, tzinfo=dt.UTC))  # a Tuesday
    await harness.send(harness.facilitator, "/settings summary daily 18:00")
    group = await _group(harness)
    async with harness.db.read() as conn:
        summary = await deadlines.get(conn, DeadlineKind.SUMMARY, group.id)
    assert summary.due_at == dt.datetime(2026, 11, 3, 18, 0, tzinfo=dt.UTC)  # London is UTC in November
    await harness.send(harness.facilitator, "/settings summary off")
    async with harness.db.read() as conn:
        assert (await deadlines.get(conn, DeadlineKind.SUMMARY, group.id)).done_at is not None


async def test_language_setting_answers_in_the_new_language(harness):
    await harness.send(harness.facilitator, "/settings language pl")
    assert (await _group(harness)).language == "pl"
    assert "polski" in harness.last_text()  # the language's name, as Polish readers write it


@pytest.mark.parametrize(("written", "language"), [("Polish", "pl"), ("العربية", "ar"), ("ur-PK", "ur"), ("EN", "en")])
async def test_language_setting_takes_a_name_as_well_as_a_code(harness, written, language):
    """Like /language: the name in English or in the language itself, or a regional code."""
    await harness.send(harness.facilitator, "/settings language pl" if language == "en" else "/help")
    await harness.send(harness.facilitator, f"/settings language {written}")
    assert (await _group(harness)).language == language


async def test_non_facilitator_cannot_change_settings(harness):
    resident = harness.residents[0]
    await harness.send(resident, "/help")
    before = await _group(harness)
    await harness.send(resident, "/settings support 1")
    assert "only the group's facilitators" in harness.last_text()
    assert await _group(harness) == before


async def test_anyone_can_see_the_settings_with_buttons(harness):
    await harness.send(harness.residents[0], "/settings")
    sent = harness.telegram.sent("sendMessage", harness.group.id)[-1]
    assert "Time zone (timezone): Europe/London" in harness.last_text()
    assert "every Monday at 09:00" in harness.last_text()
    assert sent["reply_markup"]["inline_keyboard"]


async def _press_setting(harness, person, name: str, value: str) -> None:
    await harness.send(harness.facilitator, "/settings")
    message_id = max(mid for (chat_id, mid) in harness.telegram.messages if chat_id == harness.group.id)
    await harness.press(person, message_id, callbacks.encode("setting", name, value))


async def test_facilitator_changes_a_setting_with_a_button(harness):
    await _press_setting(harness, harness.facilitator, "anonymous", "off")
    assert (await _group(harness)).anonymous_votes is False
    edited = harness.telegram.sent("editMessageText", harness.group.id)[-1]
    assert "Anonymous votes (anonymous): off" in edited["text"]
    await _press_setting(harness, harness.facilitator, "summary", "daily")
    assert (await _group(harness)).summary_schedule == "daily 09:00"


async def test_summary_buttons_keep_the_groups_day_and_time(harness):
    await harness.send(harness.facilitator, "/settings summary weekly fri 18:30")
    await _press_setting(harness, harness.facilitator, "summary", "weekly")
    assert (await _group(harness)).summary_schedule == "weekly fri 18:30"
    await _press_setting(harness, harness.facilitator, "summary", "daily")
    assert (await _group(harness)).summary_schedule == "daily 18:30"
    await _press_setting(harness, harness.facilitator, "summary", "off")
    await _press_setting(harness, harness.facilitator, "summary", "weekly")
    assert (await _group(harness)).summary_schedule == "weekly mon 09:00"


async def test_settings_button_pressed_by_non_facilitator_changes_nothing(harness):
    await harness.send(harness.facilitator, "/help")
    before = await _group(harness)
    await _press_setting(harness, harness.residents[1], "support", "1")
    answer = harness.telegram.sent("answerCallbackQuery")[-1]
    assert "only the group's facilitators" in answer["text"]
    assert await _group(harness) == before
    assert harness.telegram.sent("editMessageText") == []


def test_summary_schedule_accepts_the_three_forms():
    assert SummarySchedule.parse("OFF").text == "off"
    assert SummarySchedule.parse("daily 7:05").text == "daily 07:05"
    assert SummarySchedule.parse("weekly Friday 18:00").text == "weekly fri 18:00"
    for bad in ("weekly Funday 25:00", "weekly fri 24:00", "daily", "monthly 1 09:00", "daily 9"):
        with pytest.raises(DomainError):
            SummarySchedule.parse(bad)


def test_weekly_summary_keeps_local_time_across_daylight_saving():
    schedule = SummarySchedule.parse("weekly mon 09:00")
    before = schedule.next_after(dt.datetime(2026, 3, 24, tzinfo=dt.UTC), "Europe/London")
    after = schedule.next_after(before, "Europe/London")
    assert before == dt.datetime(2026, 3, 30, 8, 0, tzinfo=dt.UTC)  # BST began on 29 March
    assert after == dt.datetime(2026, 4, 6, 8, 0, tzinfo=dt.UTC)
    autumn = schedule.next_after(dt.datetime(2026, 10, 20, tzinfo=dt.UTC), "Europe/London")
    assert autumn == dt.datetime(2026, 10, 26, 9, 0, tzinfo=dt.UTC)  # GMT again from 25 October


def test_daily_summary_is_strictly_after_the_moment():
    schedule = SummarySchedule.parse("daily 09:00")
    at_nine = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
    assert schedule.next_after(at_nine, "Europe/London") == at_nine + dt.timedelta(days=1)
    assert schedule.next_after(at_nine, "Asia/Karachi") == dt.datetime(2026, 11, 3, 4, 0, tzinfo=dt.UTC)


def test_floor_accepts_hours_at_or_below_zero():
    assert parse("floor", "-10", READER) == {"floor_minutes": -600}
    assert parse("floor", "0", READER) == {"floor_minutes": 0}
    for bad in ("5h", "abc", "-10m", ""):
        with pytest.raises(DomainError):
            parse("floor", bad, READER)


def test_summary_time_skipped_by_the_clock_change_falls_an_hour_later():
    schedule = SummarySchedule.parse("weekly sun 01:30")  # 01:00-02:00 does not exist on 29 March in London
    due = schedule.next_after(dt.datetime(2026, 3, 28, tzinfo=dt.UTC), "Europe/London")
    assert due == dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC)  # 02:30 summer time
