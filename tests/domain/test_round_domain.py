"""Pure rules of rounds, ideas and proposals: no Telegram, no database."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain import i18n
from bot.domain.errors import DomainError
from bot.domain.proposals import (
    SUPPORT_WINDOW,
    Proposal,
    ProposalStatus,
    check_can_support,
    check_proposal_question,
)
from bot.domain.rounds import (
    Idea,
    IdeaStatus,
    check_idea,
    check_question,
    fold,
    near_duplicates,
    read_stages,
)
from bot.domain.when import Length, Reader
from bot.runtime.acknowledge import (
    REACTION_BURST,
    REACTIONS_PER_MINUTE,
    Acknowledgements,
)

NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def _idea(number: int, text: str, status: IdeaStatus = IdeaStatus.STANDING) -> Idea:
    return Idea(id=number, round_id=1, number=number, author_id=None, anonymous=False, text=text,
                status=status, merged_into=None, created_at=NOW)  # fmt: skip


def _stages(text: str) -> tuple[list[dt.timedelta], str]:
    found, rest = read_stages(Reader(i18n.translator("en"), "Europe/London", NOW), text)
    assert all(isinstance(stage, Length) for stage in found)
    return [stage.length for stage in found], rest


@pytest.mark.parametrize(
    ("text", "durations", "question"),
    [
        ("What next?", [], "What next?"),
        ("3d What next?", [dt.timedelta(days=3)], "What next?"),
        ("1h30m 2d What next?", [dt.timedelta(minutes=90), dt.timedelta(days=2)], "What next?"),
        ("1w 90m 6h walks?", [dt.timedelta(weeks=1), dt.timedelta(minutes=90)], "6h walks?"),
        ("  6h  \nLine one\nline two", [dt.timedelta(hours=6)], "Line one\nline two"),
        ("3d", [dt.timedelta(days=3)], ""),
        ("", [], ""),
        ("2024 plans?", [], "2024 plans?"),
        ("2 days 1 week What next?", [dt.timedelta(days=2), dt.timedelta(weeks=1)], "What next?"),
    ],
)
def test_leading_durations_are_split_from_the_question(text, durations, question):
    assert _stages(text) == (durations, question)


@pytest.mark.parametrize("text", ["5x x", "3d2d x", "3d 5x x"])
def test_leading_words_that_look_like_a_time_are_refused(text):
    with pytest.raises(DomainError):
        _stages(text)


def test_question_rules():
    assert check_question("  Why?  ") == "Why?"
    with pytest.raises(DomainError):
        check_question("   ")
    with pytest.raises(DomainError) as refused:
        check_question("q" * 301)
    assert refused.value.params == {"length": 301, "limit": 300}
    assert check_question("q" * 300) == "q" * 300


def test_idea_rules():
    assert check_idea(" A garden ") == "A garden"
    for empty in (None, "", "  \n "):
        with pytest.raises(DomainError):
            check_idea(empty)
    with pytest.raises(DomainError) as refused:
        check_idea("i" * 1001)
    assert refused.value.params["limit"] == 1000


def test_fold_ignores_case_punctuation_and_spacing():
    assert fold("Fix the BENCH!") == fold("fix   the bench") == "fix the bench"
    assert fold("Ｆｉｘ ｔｈｅ bench") == "fix the bench"
    assert fold("Fix the bench") != fold("Fix the benches")


@given(st.text(max_size=60))
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


def test_near_duplicates_pair_each_later_idea_with_the_first_one():
    ideas = [
        _idea(1, "Fix the bench"),
        _idea(2, "A garden"),
        _idea(3, "fix the bench!"),
        _idea(4, "FIX THE BENCH", IdeaStatus.WITHDRAWN),
        _idea(5, "a  garden."),
    ]
    assert [(a.number, b.number) for a, b in near_duplicates(ideas)] == [(1, 3), (2, 5)]


def _proposal(status: ProposalStatus = ProposalStatus.OPEN) -> Proposal:
    return Proposal(id=1, group_id=1, question="Trees?", proposer_id=1, message_id=5, status=status,
                    created_at=NOW, expires_at=NOW + SUPPORT_WINDOW, round_id=None)  # fmt: skip


def test_support_is_taken_only_while_the_proposal_is_open_and_in_time():
    check_can_support(_proposal(), NOW + dt.timedelta(hours=47))
    for proposal, when in [
        (_proposal(ProposalStatus.OPENED), NOW),
        (_proposal(ProposalStatus.LAPSED), NOW),
        (_proposal(), NOW + SUPPORT_WINDOW),
    ]:
        with pytest.raises(DomainError):
            check_can_support(proposal, when)


def test_proposal_question_needs_words():
    assert check_proposal_question(" Trees? ") == "Trees?"
    with pytest.raises(DomainError):
        check_proposal_question("")


async def test_reactions_under_a_burst_are_skipped_then_refill_with_time():
    class Bot:
        calls = 0

        async def set_message_reaction(self, *args):
            Bot.calls += 1

    acknowledgements, bot = Acknowledgements(), Bot()
    for message_id in range(REACTION_BURST + 5):
        await acknowledgements.react(bot, -1, message_id, NOW)
    assert Bot.calls == REACTION_BURST
    assert await acknowledgements.react(bot, -2, 1, NOW)  # another group has its own budget
    later = NOW + dt.timedelta(minutes=1)
    sent = [await acknowledgements.react(bot, -1, 100 + index, later) for index in range(REACTION_BURST)]
    assert sum(sent) == REACTIONS_PER_MINUTE
