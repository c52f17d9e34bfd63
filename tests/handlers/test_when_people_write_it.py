"""Deadlines and durations as people write them, through the real Application: /round, /poll,
/review, /need, /log, /thank and /settings read one way, refuse what looks like a time but is
none (nothing stored), and ask with buttons when a moment could mean two."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.domain.rounds import Stage
from bot.runtime.deadlines import run_due
from storage import groups, held, rounds
from tests.support.credit_helpers import entries
from tests.support.needs_helpers import postings

LONDON = ZoneInfo("Europe/London")


def at(day: int, hour: int = 18, minute: int = 0, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=LONDON).astimezone(dt.UTC)


async def _rounds(harness):
    async with harness.db.read() as conn:
        group = await groups.get_by_chat(conn, harness.group.id)
        return [r for r in await rounds.open_rounds(conn, group.id)] if group else []


async def _arabic(harness):
    await harness.send(harness.facilitator, "/settings language ar")


# ------------------------------------------------------------------ /round


@pytest.mark.parametrize(
    ("command", "ends", "question"),
    [
        ("/round tomorrow Where should the bench go?", at(3), "Where should the bench go?"),
        ("/round 2 days Where should the bench go?", at(4, 9), "Where should the bench go?"),
        ("/round 1 week Where should the bench go?", at(9, 9), "Where should the bench go?"),
        ("/round a week Where should the bench go?", at(9, 9), "Where should the bench go?"),
        ("/round Friday What shall we do?", at(6), "What shall we do?"),
        ("/round friday 6pm What shall we do?", at(6), "What shall we do?"),
        ("/round Fri 18:00 What shall we do?", at(6), "What shall we do?"),
        ("/round tonight Pizza or curry?", at(2, 21), "Pizza or curry?"),
        ("/round 12 Dec What shall we do?", at(12, month=12), "What shall we do?"),
        ("/round 2026-12-12 What shall we do?", at(12, month=12), "What shall we do?"),
        ("/round 12/12 What shall we do?", at(12, month=12), "What shall we do?"),
        ("/round 18:00 What shall we do?", at(2), "What shall we do?"),
        ("/round 6pm What shall we do?", at(2), "What shall we do?"),
    ],
)
async def test_round_reads_the_ideas_deadline_as_people_write_it(harness, command, ends, question):
    await harness.send(harness.facilitator, command)
    (opened,) = await _rounds(harness)
    assert (opened.question, opened.ideas_ends_at) == (question, ends)


async def test_the_prompt_says_the_deadline_as_people_read_it(harness):
    await harness.send(harness.facilitator, "/round Friday What shall we do?")
    assert "Ideas close Friday 6 November at 18:00 (in 4 days)." in harness.last_text()


@pytest.mark.parametrize(
    ("command", "ends", "question"),
    [
        ("/round غدًا أين نضع المقعد؟", at(3), "أين نضع المقعد؟"),
        ("/round يومان أين نضع المقعد؟", at(4, 9), "أين نضع المقعد؟"),
        ("/round الجمعة ماذا نفعل؟", at(6), "ماذا نفعل؟"),
        ("/round ١٢ ديسمبر ماذا نفعل؟", at(12, month=12), "ماذا نفعل؟"),
        ("/round ١٨:٠٠ ماذا نفعل؟", at(2), "ماذا نفعل؟"),
    ],
)
async def test_round_reads_arabic_words_and_digits(harness, command, ends, question):
    await _arabic(harness)
    await harness.send(harness.facilitator, command)
    (opened,) = await _rounds(harness)
    assert (opened.question, opened.ideas_ends_at) == (question, ends)


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("/round 3d2d Where should the bench go?", "“\u20683d2d\u2069” is not a time I understand"),
        ("/round tomorow Where should the bench go?", "“\u2068tomorow\u2069” is not a time I understand"),
        ("/round Fridya What shall we do?", "Write a length such as 30m, 2h, 3d, 2 days or a week"),
        ("/round 31/02 What?", "is not a date on the calendar"),
        ("/round Friday 12 Dec What?", "does not add up"),
        ("/round today 8:00 What?", "That moment has already passed (Monday 2 November at 08:00)"),
        ("/round 57d What?", "A stage must last between 1 minute and 8 weeks"),
        ("/round 2026-12-28 09:01 What?", "That is too far ahead (Monday 28 December at 09:01)"),
        ("/round 3d 1d2d What?", "“\u20681d2d\u2069” is not a time I understand"),
        ("/round 3d tomorrow What?", "Voting would end Tuesday 3 November at 18:00, before the ideas stage does"),
    ],
)
async def test_what_looks_like_a_deadline_but_is_none_is_refused_and_nothing_opens(harness, command, answer):
    await harness.send(harness.facilitator, command)
    assert answer in harness.last_text()
    assert await _rounds(harness) == []


async def test_the_refusal_gives_examples_in_the_group_s_language(harness):
    await _arabic(harness)
    await harness.send(harness.facilitator, "/round ٣d٢d أين؟")
    assert "لا أفهم الموعد" in harness.last_text() and "الجمعة 18:00" in harness.last_text()
    assert await _rounds(harness) == []


@pytest.mark.parametrize(("moment", "opens"), [("2026-12-28 08:59", True), ("2026-12-28 09:00", True),
                                               ("2026-12-28 09:01", False)])  # fmt: skip
async def test_a_deadline_given_as_a_moment_is_at_most_eight_weeks_away(harness, moment, opens):
    await harness.send(harness.facilitator, f"/round {moment} What?")
    assert bool(await _rounds(harness)) is opens


@pytest.mark.parametrize(("length", "opens"), [("0m", False), ("1m", True), ("8w", True), ("57d", False)])
async def test_a_deadline_given_as_a_length_is_a_minute_to_eight_weeks(harness, length, opens):
    await harness.send(harness.facilitator, f"/round {length} What?")
    assert bool(await _rounds(harness)) is opens


async def test_voting_given_as_a_moment_ends_then_whenever_it_opens(harness):
    await harness.send(harness.facilitator, "/round 2d Saturday 18:00 Which bench?")
    (opened,) = await _rounds(harness)
    assert opened.voting_until == at(7)
    await harness.send(harness.residents[0], "A green one", reply_to=opened.prompt_message_id)
    harness.advance(hours=3)
    await harness.send(harness.facilitator, "/vote")  # early: voting still ends on Saturday
    (voting,) = await _rounds(harness)
    assert voting.stage is Stage.VOTING and voting.voting_ends_at == at(7)


# ------------------------------------------------------------------ asking when a moment could mean two


async def test_a_weekday_said_on_that_weekday_is_asked_about_with_buttons(harness):
    harness.clock.set(at(6, 9))  # a Friday morning
    await harness.send(harness.facilitator, "/round Friday What shall we do?")
    assert harness.last_text() == "Which do you mean by “\u2068Friday\u2069”?"
    assert harness.asked() == ["Friday 6 November at 18:00", "Friday 13 November at 18:00"]
    assert await _rounds(harness) == []
    await harness.press_button(harness.residents[0], "13 November")  # not theirs to answer
    assert await _rounds(harness) == []
    await harness.press_button(harness.facilitator, "13 November")
    (opened,) = await _rounds(harness)
    assert (opened.question, opened.ideas_ends_at) == ("What shall we do?", at(13))
    assert "Ideas close Friday 13 November at 18:00" in harness.last_text()
    assert harness.buttons() == []  # the question now shows the answer


async def test_an_answered_question_opens_one_round_however_often_it_is_pressed(harness):
    harness.clock.set(at(6, 9))
    await harness.send(harness.facilitator, "/round Friday What shall we do?")
    (message_id, _, data), _ = harness.buttons()
    await harness.press(harness.facilitator, message_id, data)
    await harness.press(harness.facilitator, message_id, data)
    assert len(await _rounds(harness)) == 1


async def test_an_ambiguous_moment_is_asked_about_in_arabic(harness):
    harness.clock.set(at(6, 9))
    await _arabic(harness)
    await harness.send(harness.facilitator, "/round الجمعة ماذا نفعل؟")
    assert "ماذا تقصد بـ «\u2068الجمعة\u2069»؟" == harness.last_text()
    await harness.press_button(harness.facilitator, "13")
    (opened,) = await _rounds(harness)
    assert (opened.question, opened.ideas_ends_at) == ("ماذا نفعل؟", at(13))


async def test_the_question_is_a_stored_command_with_each_answer_written_out(harness):
    harness.clock.set(at(6, 9))
    await harness.send(harness.facilitator, "/round at 6 Where?")
    async with harness.db.read() as conn:
        kept = await held.get(conn, 1)
    assert kept.command == "/round at 6 Where?" and kept.member_id == harness.facilitator.id
    assert [(choice.label, choice.command) for choice in kept.choices] == [
        ("Friday 6 November at 18:00", "/round 2026-11-06 18:00 Where?"),
        ("Saturday 7 November at 06:00", "/round 2026-11-07 06:00 Where?"),
    ]


# ------------------------------------------------------------------ /poll, /review, /need, /log, /thank, /settings


async def test_poll_takes_its_vote_as_a_moment(harness):
    await harness.send(harness.facilitator, "/poll Saturday 12:00 Tea or coffee?; Tea; Coffee")
    (poll,) = await _rounds(harness)
    assert (poll.question, poll.voting_ends_at) == ("Tea or coffee?", at(7, 12))


async def test_poll_with_a_bad_time_is_refused(harness):
    await harness.send(harness.facilitator, "/poll 2d3d Tea or coffee?; Tea; Coffee")
    assert "is not a time I understand" in harness.last_text()
    assert await _rounds(harness) == []


async def _closed_round(harness):
    from tests.handlers.test_outcomes import closed_round

    round_ = await closed_round(harness, ["Fix the bench"], [0])
    await harness.send(harness.facilitator, "/outcome 1 Bench ordered")
    return round_


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("/review 1 2 weeks", "The next update on round #1 is due Monday 16 November at 09:00."),
        ("/review 1 next month", "The next update on round #1 is due Wednesday 2 December at 09:00."),
        ("/review 1 2026-12-01", "The next update on round #1 is due Tuesday 1 December at 09:00."),
        ("/review 1 someday", "“\u2068someday\u2069” is not a time I understand. Write it like 30d, 2 weeks"),
        ("/review 1 2027-11-03", "The next update on round #1 is due Wednesday 3 November 2027 at 09:00."),
        ("/review 1 2027-11-04", "An update can be due at most a year from now."),
    ],
)
async def test_review_answers_every_form(harness, command, answer):
    await _closed_round(harness)
    await harness.send(harness.facilitator, command)
    assert harness.last_text() == answer or answer in harness.last_text()


async def test_review_in_arabic(harness):
    await _closed_round(harness)
    await _arabic(harness)
    await harness.send(harness.facilitator, "/review 1 أسبوعين")
    assert "16" in harness.last_text() and "09:00" in harness.last_text()


@pytest.mark.parametrize(("command", "minutes"), [("/need 2 hours a ladder", 120), ("/need an hour a ladder", 60),
                                                  ("/need half an hour a ladder", 30), ("/need a ladder", None)])  # fmt: skip
async def test_need_reads_its_length_in_words(harness, command, minutes):
    await harness.send(harness.residents[0], command)
    (posting,) = await postings(harness)
    assert (posting.minutes, posting.text) == (minutes, "a ladder")


@pytest.mark.parametrize(("command", "minutes"), [("/log 2 hours litter pick", 120), ("/log 1 hour 30 minutes litter", 90),
                                                  ("/log half an hour litter", 30), ("/log 14m litter", None),
                                                  ("/log 15m litter", 15), ("/log 12h litter", 720),
                                                  ("/log 721m litter", None)])  # fmt: skip
async def test_log_reads_its_length_in_words_within_its_limits(harness, command, minutes):
    await harness.send(harness.residents[0], command)
    logged = await entries(harness)
    assert [entry.minutes for entry in logged] == ([] if minutes is None else [minutes])


async def test_log_in_arabic_words(harness):
    await _arabic(harness)
    await harness.send(harness.residents[0], "/log ساعتان تنظيف الحديقة")
    assert [entry.minutes for entry in await entries(harness)] == [120]


@pytest.mark.parametrize(
    ("command", "said", "minutes"),
    [
        ("/settings ideas 3 days", "Ideas now stay open 3 days.", 3 * 1440),
        ("/settings ideas a week", "Ideas now stay open 1 week.", 7 * 1440),
        ("/settings vote 36 hours", "Voting now stays open 1 day and 12 hours.", 36 * 60),
    ],
)
async def test_settings_read_lengths_in_words_and_say_them_in_words(harness, command, said, minutes):
    await harness.send(harness.facilitator, command)
    assert harness.last_text() == said
    async with harness.db.read() as conn:
        group = await groups.get_by_chat(conn, harness.group.id)
    assert minutes in (group.ideas_minutes, group.vote_minutes)


async def test_settings_refuse_a_moment_for_a_length(harness):
    await harness.send(harness.facilitator, "/settings ideas Friday")
    assert "is a moment, but this needs a length of time" in harness.last_text()


async def test_the_summary_schedule_reads_weekdays_and_times_as_people_write_them(harness):
    await harness.send(harness.facilitator, "/settings summary weekly friday 6pm")
    assert harness.last_text() == "Summaries now come every Friday at 18:00."
    await _arabic(harness)
    await harness.send(harness.facilitator, "/settings summary أسبوعيا الجمعة ١٨:٠٠")
    async with harness.db.read() as conn:
        group = await groups.get_by_chat(conn, harness.group.id)
    assert group.summary_schedule == "weekly fri 18:00"


async def test_the_settings_list_says_durations_in_words(harness):
    await harness.send(harness.facilitator, "/settings")
    listing = harness.last_text()
    assert "Ideas stage (ideas): 3 days" in listing and "Voting stage (vote): 2 days" in listing


async def test_deadline_runs_at_the_moment_given(harness):
    await harness.send(harness.facilitator, "/round tomorrow Where?")
    (opened,) = await _rounds(harness)
    await harness.send(harness.residents[0], "By the pond", reply_to=opened.prompt_message_id)
    harness.clock.set(at(3, 17, 59))
    await run_due(harness.app)
    assert (await _rounds(harness))[0].stage is Stage.IDEAS
    harness.clock.set(at(3))
    await run_due(harness.app)
    assert (await _rounds(harness))[0].stage is Stage.VOTING


async def test_a_length_counts_from_the_command_to_the_minute_not_to_a_round_hour(harness):
    """The guide's choice: a round opened at 09:01 with 3d closes at 09:01, three days later."""
    harness.clock.set(at(2, 9, 1))
    await harness.send(harness.facilitator, "/round 3d Where?")
    (opened,) = await _rounds(harness)
    assert opened.ideas_ends_at == at(5, 9, 1)
    assert "Ideas close Thursday 5 November at 09:01" in harness.last_text()


async def test_a_setting_changed_is_confirmed_in_one_line_in_arabic(harness):
    await _arabic(harness)
    await harness.send(harness.facilitator, "/settings ideas 3 أيام")
    assert harness.last_text() == "يبقى باب الأفكار مفتوحًا الآن 3 أيام."
