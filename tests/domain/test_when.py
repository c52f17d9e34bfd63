"""Lengths and moments as people write them, in English, Polish, Urdu and Arabic."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain import durations, i18n, when
from bot.domain.errors import DomainError
from bot.domain.when import Ambiguous, Length, Moment, Reader

MONDAY = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)  # 09:00 in London (GMT in November)
FRIDAY = dt.datetime(2026, 11, 6, 9, 0, tzinfo=dt.UTC)
LONDON = "Europe/London"


def reader(language: str = "en", now: dt.datetime = MONDAY, timezone: str = LONDON) -> Reader:
    return Reader(i18n.translator(language), timezone, now)


def read(text: str, language: str = "en", now: dt.datetime = MONDAY, timezone: str = LONDON) -> when.When:
    return reader(language, now, timezone).whole(text, refusal=when.STAGE_EXAMPLES)


def local(year: int, month: int, day: int, hour: int = 18, minute: int = 0, zone: str = LONDON) -> dt.datetime:
    from zoneinfo import ZoneInfo

    return dt.datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone)).astimezone(dt.UTC)


# ------------------------------------------------------------------ lengths

LENGTHS = [
    ("30m", 30), ("2h", 120), ("3d", 3 * 1440), ("1w", 7 * 1440), ("1h30m", 90), ("1.5h", 90),
    ("2 days", 2 * 1440), ("a week", 7 * 1440), ("an hour", 60), ("half an hour", 30), ("in 3 days", 3 * 1440),
    ("1 hour 30 minutes", 90), ("1 week 2 days", 9 * 1440), ("next week", 7 * 1440), ("a month", 30 * 1440),
]  # fmt: skip


@pytest.mark.parametrize(("text", "minutes"), LENGTHS)
def test_english_lengths(text, minutes):
    assert read(text) == Length(dt.timedelta(minutes=minutes), (0, len(text)))


@pytest.mark.parametrize(
    ("language", "text", "minutes"),
    [
        ("ar", "يومان", 2 * 1440), ("ar", "٣ أيام", 3 * 1440), ("ar", "أسبوع", 7 * 1440), ("ar", "خلال يومين", 2 * 1440),
        ("ar", "نصف ساعة", 30), ("ar", "ساعتان", 120), ("ar", "٣٠m", 30), ("ar", "أسبوع واحد", 7 * 1440),
        ("pl", "2 dni", 2 * 1440), ("pl", "jeden tydzień", 7 * 1440), ("pl", "pół godziny", 30), ("pl", "za 3 dni", 3 * 1440),
        ("pl", "2 godziny", 120), ("ur", "۳ دن", 3 * 1440), ("ur", "ایک ہفتہ", 7 * 1440), ("ur", "3 دنوں میں", 3 * 1440),
        ("ur", "آدھا گھنٹہ", 30), ("ur", "2 گھنٹے", 120),
    ],
)  # fmt: skip
def test_lengths_in_each_language_and_its_own_digits(language, text, minutes):
    assert read(text, language).length == dt.timedelta(minutes=minutes)


def test_a_round_s_two_stages_are_two_lengths_and_a_falling_unit_makes_one():
    found, rest = reader().leading("2h 30m 2 days 1 week x", limit=4, refusal=when.STAGE_EXAMPLES)
    assert [stage.length for stage in found] == [dt.timedelta(hours=2), dt.timedelta(minutes=30),
                                                  dt.timedelta(days=2), dt.timedelta(weeks=1)]  # fmt: skip
    assert rest == "x"


# ------------------------------------------------------------------ moments


def moment(text: str, language: str = "en", now: dt.datetime = MONDAY, timezone: str = LONDON) -> list[dt.datetime]:
    found = read(text, language, now, timezone)
    assert isinstance(found, Moment), found
    return list(found.candidates)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tomorrow", [local(2026, 11, 3)]),
        ("tonight", [local(2026, 11, 2, 21)]),
        ("Friday", [local(2026, 11, 6)]),
        ("friday 6pm", [local(2026, 11, 6)]),
        ("Fri 18:00", [local(2026, 11, 6)]),
        ("by Friday 18:30", [local(2026, 11, 6, 18, 30)]),
        ("12 Dec", [local(2026, 12, 12)]),
        ("Dec 12", [local(2026, 12, 12)]),
        ("12 December 2026", [local(2026, 12, 12)]),
        ("2026-12-12", [local(2026, 12, 12)]),
        ("12/12", [local(2026, 12, 12)]),
        ("5/12", [local(2026, 12, 5)]),  # English in London writes the day first
        ("18:00", [local(2026, 11, 2)]),
        ("6pm", [local(2026, 11, 2)]),
        ("6:30 p.m.", [local(2026, 11, 2, 18, 30)]),
        ("8:00", [local(2026, 11, 3, 8)]),  # a time already past today: tomorrow's
        ("Saturday 12 Dec", [local(2026, 12, 12)]),
        ("5 Jan", [local(2027, 1, 5)]),  # a date already past this year: next year's
        ("2026-12-12 18:00", [local(2026, 12, 12)]),  # how a chosen moment is written back
    ],
)
def test_english_moments_in_the_group_s_time_zone(text, expected):
    assert moment(text) == expected


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("ar", "غدًا", [local(2026, 11, 3)]), ("ar", "غدا", [local(2026, 11, 3)]), ("ar", "الليلة", [local(2026, 11, 2, 21)]),
        ("ar", "الجمعة", [local(2026, 11, 6)]), ("ar", "الجمعة 6 م", [local(2026, 11, 6)]),
        ("ar", "يوم الجمعة الساعة ٦ مساءً", [local(2026, 11, 6)]), ("ar", "١٢ ديسمبر", [local(2026, 12, 12)]),
        ("ar", "١٨:٠٠", [local(2026, 11, 2)]), ("ar", "12/12", [local(2026, 12, 12)]), ("ar", "٢٠٢٦-١٢-١٢", [local(2026, 12, 12)]),
        ("pl", "jutro", [local(2026, 11, 3)]), ("pl", "w piątek o 18", [local(2026, 11, 6)]),
        ("pl", "piatek 18.00", [local(2026, 11, 6)]), ("pl", "12 grudnia", [local(2026, 12, 12)]),
        ("pl", "12.12", [local(2026, 12, 12)]), ("pl", "dziś wieczorem", [local(2026, 11, 2, 21)]),
        ("pl", "w środę", [local(2026, 11, 4)]), ("ur", "کل", [local(2026, 11, 3)]), ("ur", "جمعہ 6 بجے شام", [local(2026, 11, 6)]),
        ("ur", "۱۲ دسمبر", [local(2026, 12, 12)]), ("ur", "آج رات", [local(2026, 11, 2, 21)]),
        ("ur", "سنیچر", [local(2026, 11, 7)]),
    ],
)  # fmt: skip
def test_moments_in_each_language(language, text, expected):
    assert moment(text, language) == expected


def test_numbers_in_a_date_are_read_in_the_order_the_group_s_country_writes_them():
    assert moment("5/12", timezone="America/New_York") == [local(2026, 5, 12, zone="America/New_York").replace(year=2027)]
    assert moment("5/12", timezone="Asia/Karachi") == [local(2026, 12, 5, zone="Asia/Karachi")]


@pytest.mark.parametrize(
    ("text", "now", "expected"),
    [
        ("Friday", FRIDAY, [local(2026, 11, 6), local(2026, 11, 13)]),  # said on a Friday: today or in a week
        ("next Friday", MONDAY, [local(2026, 11, 6), local(2026, 11, 13)]),
        ("at 6", MONDAY, [local(2026, 11, 2, 18), local(2026, 11, 3, 6)]),
        ("Friday", FRIDAY.replace(hour=19), [local(2026, 11, 13)]),  # today's 18:00 has passed: only next week's
    ],
)
def test_a_moment_that_could_mean_two_keeps_both(text, now, expected):
    assert moment(text, now=now) == expected


def test_the_same_weekday_is_asked_about_in_arabic_too():
    assert moment("الجمعة", "ar", FRIDAY) == [local(2026, 11, 6), local(2026, 11, 13)]


# ------------------------------------------------------------------ refused, never taken into the question


@pytest.mark.parametrize("text", ["3d2d x", "5x x", "tomorow x", "Fridya x", "25:00 x", "13/13 x", "31/02 x", "2026-13-01 x"])
def test_what_looks_like_a_time_but_is_none_is_refused(text):
    with pytest.raises(DomainError) as refused:
        reader().leading(text, limit=2, refusal=when.STAGE_EXAMPLES)
    assert "{value}" in refused.value.message


@pytest.mark.parametrize("text", ["2 bins or 3?", "1st step: paint", "Sun shades or trees?", "A bench?", "50% cut?"])
def test_ordinary_first_words_stay_in_the_question(text):
    assert reader().leading(text, limit=2, refusal=when.STAGE_EXAMPLES) == ([], text)


def test_a_moment_that_has_passed_is_refused_with_the_moment():
    with pytest.raises(DomainError) as refused:
        read("today 8:00")
    assert refused.value.message == when.PASSED and refused.value.params["when"] == local(2026, 11, 2, 8)


def test_a_weekday_that_does_not_match_its_date_is_refused():
    with pytest.raises(DomainError) as refused:
        read("Friday 12 Dec")  # 12 December 2026 is a Saturday
    assert refused.value.message == when.WRONG_WEEKDAY


def test_a_moment_where_a_length_is_needed_is_refused():
    with pytest.raises(DomainError) as refused:
        reader().whole("Friday", refusal=when.LENGTH_EXAMPLES, lengths_only=True)
    assert refused.value.message == when.NOT_A_LENGTH


# ------------------------------------------------------------------ limits: one below, at, one above


@pytest.mark.parametrize(("text", "fits"), [("0m", False), ("1m", True), ("56d", True), ("8w", True), ("57d", False)])
def test_a_stage_lasts_a_minute_to_eight_weeks(text, fits):
    if fits:
        assert when.stage_length(reader(), text) == durations.check_stage(read(text).length)
    else:
        with pytest.raises(DomainError, match="between 1 minute and 8 weeks"):
            when.stage_length(reader(), text)


@pytest.mark.parametrize(("text", "minutes"), [("14m", None), ("15m", 15), ("12h", 720), ("721m", None),
                                               ("half an hour", 30), ("2 hours", 120), ("ساعتان", 120)])  # fmt: skip
def test_an_amount_of_volunteered_time_is_15_minutes_to_12_hours(text, minutes):
    language = "ar" if not text.isascii() else "en"
    if minutes is None:
        with pytest.raises(DomainError, match="between 15 minutes and 12 hours"):
            when.credit_minutes(reader(language), text)
    else:
        assert when.credit_minutes(reader(language), text) == minutes


@pytest.mark.parametrize(("text", "fits"), [("2026-12-28 08:59", True), ("2026-12-28 09:00", True),
                                            ("2026-12-28 09:01", False)])  # fmt: skip
def test_a_stage_ending_at_a_moment_ends_within_eight_weeks(text, fits):
    said = read(text)
    kwargs = dict(start=MONDAY, shortest=durations.STAGE_MIN, longest=durations.STAGE_MAX, too_short="soon", too_long="late")
    if fits:
        assert when.within(said, text, **kwargs) == said.candidates[0]
    else:
        with pytest.raises(DomainError, match="late"):
            when.within(said, text, **kwargs)


def test_several_fitting_moments_are_asked_about_with_where_the_phrase_is():
    said = read("next Friday", now=MONDAY)
    with pytest.raises(Ambiguous) as unclear:
        when.within(said, "next Friday", start=MONDAY, shortest=durations.STAGE_MIN, longest=durations.STAGE_MAX,
                    too_short="soon", too_long="late")  # fmt: skip
    assert unclear.value.candidates == (local(2026, 11, 6), local(2026, 11, 13))
    assert unclear.value.where == (0, len("next Friday"))
    assert when.written(unclear.value.candidates[1], LONDON) == "2026-11-13 18:00"


# ------------------------------------------------------------------ the examples the bot gives are understood

# The examples each refusal gives, as each catalog writes them: every one must be in the
# translated refusal and be understood in that language.
EXAMPLES = {
    "en": {when.STAGE_EXAMPLES: ["30m", "2h", "3d", "2 days", "a week", "tomorrow", "tonight", "Friday 18:00", "12 Dec",
                                 "2026-12-12", "18:00"],
           when.REVIEW_EXAMPLES: ["30d", "2 weeks", "a month", "12 Dec", "2026-12-01"],
           when.CREDIT_EXAMPLES: ["30m", "2h", "1h30m", "1.5h", "2 hours", "half an hour"]},
    "pl": {when.STAGE_EXAMPLES: ["2 dni", "jeden tydzień", "jutro", "dziś wieczorem", "piątek 18:00", "12 gru"],
           when.REVIEW_EXAMPLES: ["2 tygodnie", "jeden miesiąc", "12 gru"],
           when.CREDIT_EXAMPLES: ["2 godziny", "pół godziny"]},
    "ur": {when.STAGE_EXAMPLES: ["2 دن", "ایک ہفتہ", "کل", "آج رات", "جمعہ 18:00", "12 دسمبر"],
           when.REVIEW_EXAMPLES: ["2 ہفتے", "ایک مہینہ", "12 دسمبر"],
           when.CREDIT_EXAMPLES: ["2 گھنٹے", "آدھا گھنٹہ"]},
    "ar": {when.STAGE_EXAMPLES: ["يومان", "أسبوع", "غدًا", "الليلة", "الجمعة 18:00", "12 ديسمبر"],
           when.REVIEW_EXAMPLES: ["أسبوعين", "شهر", "12 ديسمبر"],
           when.CREDIT_EXAMPLES: ["ساعتان", "نصف ساعة"]},
}  # fmt: skip


@pytest.mark.parametrize("language", sorted(EXAMPLES))
def test_every_example_in_a_refusal_is_understood_in_its_language(language):
    t = i18n.translator(language)
    for message, examples in EXAMPLES[language].items():
        for example in examples:
            assert example in t._(message), (language, example)
            found = reader(language).whole(example, refusal=message)
            assert isinstance(found, (Length, Moment)), (language, example)
