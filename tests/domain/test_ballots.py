"""Voting: every standing idea votable, split over polls within Telegram's limits."""

from __future__ import annotations

import datetime as dt

import pytest
from telegram.constants import PollLimit

from bot.domain import i18n
from bot.domain.ballots import lay_out, option_label
from bot.domain.ballots import parse_quick_poll as parse_with
from bot.domain.errors import DomainError
from bot.domain.rounds import Idea, IdeaStatus
from bot.domain.text_limits import pack_messages, telegram_length
from bot.domain.when import Reader

NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def parse_quick_poll(text: str):
    return parse_with(Reader(i18n.translator("en"), "Europe/London", NOW), text)


def idea(number: int, text: str | None = None) -> Idea:
    return Idea(
        id=1000 + number, round_id=1, number=number, author_id=None, anonymous=False,
        text=text or f"Idea number {number}", status=IdeaStatus.STANDING, merged_into=None,
        created_at=NOW,
    )  # fmt: skip


def test_thirty_ideas_land_exactly_once_over_polls_within_the_limits():
    ideas = [idea(n, f"{n} " + "plant more trees along the canal path " * 5) for n in range(1, 31)]
    layouts = lay_out(ideas)
    assert len(layouts) > 1
    assert [layout.position for layout in layouts] == list(range(1, len(layouts) + 1))
    placed = [option.idea_id for layout in layouts for option in layout.options]
    assert sorted(placed) == sorted(i.id for i in ideas)
    for layout in layouts:
        assert 1 <= len(layout.options) <= PollLimit.MAX_OPTION_NUMBER
        for option in layout.options:
            assert telegram_length(option.label) <= PollLimit.MAX_OPTION_LENGTH
            assert option.label.startswith(f"{option.number}. ")


def test_polls_are_filled_evenly_rather_than_leaving_a_lonely_last_one():
    sizes = [len(layout.options) for layout in lay_out([idea(n) for n in range(1, 26)], per_poll=12)]
    assert sizes == [9, 8, 8]


def test_no_ideas_make_no_polls_and_one_idea_makes_one_poll():
    assert lay_out([]) == []
    assert [len(layout.options) for layout in lay_out([idea(1)])] == [1]


def test_long_idea_is_shortened_with_an_ellipsis_keeping_its_number():
    label = option_label(27, "x" * 500)
    assert label.startswith("27. ") and label.endswith("…")
    assert telegram_length(label) == PollLimit.MAX_OPTION_LENGTH


def test_short_idea_is_kept_whole_on_one_line():
    assert option_label(3, "Fix the\n bench") == "3. Fix the bench"


def test_emoji_count_as_telegram_counts_them():
    label = option_label(1, "🌳" * 80)  # 83 characters, but 163 UTF-16 units, as Telegram counts
    assert telegram_length(label) == len(label.encode("utf-16-le")) // 2 <= PollLimit.MAX_OPTION_LENGTH
    assert label.endswith("…")  # shortened, though len() alone would say it fits


def test_long_lists_are_packed_into_messages_within_the_limit_in_order():
    blocks = [f"{n}. " + "y" * 900 for n in range(1, 11)]
    messages = pack_messages(blocks, 4096)
    assert len(messages) == 3
    assert all(len(message) <= 4096 for message in messages)
    assert "\n".join(messages) == "\n".join(blocks)


def test_quick_poll_reads_duration_question_and_options():
    quick = parse_quick_poll("2d When shall we meet? Saturday 10:00; Sunday 14:00 ;Monday")
    assert quick.voting_ends_at == NOW + dt.timedelta(days=2)
    assert quick.question == "When shall we meet? Saturday 10:00"
    assert quick.options == ("Sunday 14:00", "Monday")
    assert parse_quick_poll("Tea or coffee?; Tea; Coffee").voting_ends_at is None
    assert parse_quick_poll("Friday 18:00 Tea or coffee?; Tea; Coffee").voting_ends_at == dt.datetime(
        2026, 11, 6, 18, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "text",
    ["", "Tea or coffee?", "Tea or coffee?; Tea", "Tea or coffee?; Tea;; Coffee", "Tea?; Tea; ", "; Tea; Coffee"],
)
def test_quick_poll_refuses_fewer_than_two_options_or_an_empty_one(text):
    with pytest.raises(DomainError):
        parse_quick_poll(text)


def test_quick_poll_refuses_a_bad_duration():
    with pytest.raises(DomainError):
        parse_quick_poll("5x Tea?; Tea; Coffee")


def test_the_usage_hint_s_own_example_is_a_valid_poll():
    from bot.domain.ballots import POLL_USAGE

    quick = parse_quick_poll(POLL_USAGE.split("/poll ", 1)[1])
    assert quick.question == "When shall we meet?" and quick.options == ("Saturday 10:00", "Sunday 14:00")
