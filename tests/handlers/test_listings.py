"""Listings under pressure: /ideas, /ledger and /rounds take at most three messages in a
group, the rest is paged (``/ideas 3 page 2``), and no message is over Telegram's limit."""

from __future__ import annotations

import dataclasses
import re

import pytest
from telegram.constants import MessageLimit

from bot.domain import ledger
from bot.domain.ledger import EntryStatus
from bot.domain.pages import MESSAGES_PER_PAGE
from bot.domain.text_limits import visible_length
from handlers.outcomes import WINNERS_SHOWN
from storage import groups, members
from storage import ledger as stored_ledger
from tests.support.round_helpers import poll_ids, round_with_ideas

IDEA_LENGTH = 900  # "N. " + 900 + " — anonymous": four lines to a message of 4,096


def long_ideas(count: int) -> list[str]:
    return [f"{index:04d} " + "x" * (IDEA_LENGTH - 5) for index in range(count)]


def answers_to(harness, sent_before: int) -> list[str]:
    return [params["text"] for params in harness.telegram.sent()[sent_before:]]


async def ask(harness, text: str, person=None) -> list[str]:
    before = len(harness.telegram.sent())
    await harness.send(person or harness.residents[0], text)
    answers = answers_to(harness, before)
    assert all(visible_length(answer) <= MessageLimit.MAX_TEXT_LENGTH for answer in answers)
    return answers


def idea_numbers(answers: list[str]) -> list[int]:
    return [int(match) for answer in answers for match in re.findall(r"^(\d+)\. ", answer, re.MULTILINE)]


# ------------------------------------------------------------------------ /ideas


@pytest.mark.parametrize("count", [11, 12])
async def test_ideas_that_fit_three_messages_come_in_one_page_without_a_hint(harness, count):
    await round_with_ideas(harness, long_ideas(count))
    answers = await ask(harness, "/ideas 1")
    assert len(answers) == MESSAGES_PER_PAGE
    assert idea_numbers(answers) == list(range(1, count + 1))
    assert "next page" not in "".join(answers)


async def test_one_idea_more_than_three_messages_hold_is_paged(harness):
    await round_with_ideas(harness, long_ideas(13))
    first = await ask(harness, "/ideas 1")
    assert len(first) == MESSAGES_PER_PAGE
    assert first[-1].endswith("More on the next page: /ideas 1 page 2")
    second = await ask(harness, "/ideas 1 page 2")
    assert 1 <= len(second) <= MESSAGES_PER_PAGE
    assert "next page" not in "".join(second)
    assert idea_numbers(first) + idea_numbers(second) == list(range(1, 14))


async def test_two_hundred_ideas_never_take_more_than_three_messages_a_command(harness):
    await round_with_ideas(harness, long_ideas(200))
    seen, page = [], 1
    while True:
        answers = await ask(harness, f"/ideas page {page}")  # the newest open round
        assert 1 <= len(answers) <= MESSAGES_PER_PAGE
        seen += idea_numbers(answers)
        if "next page" not in answers[-1]:
            break
        assert answers[-1].endswith(f"/ideas 1 page {page + 1}")
        page += 1
    assert seen == list(range(1, 201))
    refused = await ask(harness, f"/ideas 1 page {page + 1}")
    assert refused == [f"There is no page {page + 1}: the last page is {page}. Write it like /ideas 1 page 2."]


@pytest.mark.parametrize("bad", ["0", "²", "two", "1234567890123", "-2"])
async def test_bad_page_numbers_are_refused(harness, bad):
    await round_with_ideas(harness, ["Fix the bench"])
    (answer,) = await ask(harness, f"/ideas 1 page {bad}")
    assert "is not a page number. Write it like /ideas 3 page 2." in answer


async def test_page_without_a_number_is_refused(harness):
    await round_with_ideas(harness, ["Fix the bench"])
    (answer,) = await ask(harness, "/ideas 1 page")
    assert answer == "Write the page number after “page”, like /ideas 3 page 2."


async def test_page_two_of_a_short_list_is_refused(harness):
    await round_with_ideas(harness, ["Fix the bench"])
    assert await ask(harness, "/ideas page 2") == [
        "There is no page 2: the last page is 1. Write it like /ideas 1 page 2."
    ]


# ------------------------------------------------------------------------ /ledger


async def many_balances(harness, count: int) -> None:
    """``count`` members with a confirmed hour each, with long names, stored directly."""
    now = harness.clock.now()
    async with harness.db.transaction() as conn:
        group, _ = await groups.ensure(conn, harness.group.id, title=harness.group.title, language="en",
                                       timezone="Europe/London", now=now)  # fmt: skip
        for index in range(count):
            user_id = 10_000 + index
            await members.seen(conn, user_id=user_id, first_name=f"Neighbour{index:04d}", last_name="Q" * 40,
                               username=None, language_code="en", now=now, group_id=group.id)  # fmt: skip
            draft = ledger.volunteering(group_id=group.id, member=user_id, minutes=60 + index, note="help", now=now)
            await stored_ledger.add(conn, dataclasses.replace(draft, status=EntryStatus.CONFIRMED, confirmed_by=101))


def ledger_names(answers: list[str]) -> list[str]:
    return [name for answer in answers for name in re.findall(r"Neighbour\d{4}", answer)]


async def test_ledger_of_130_members_is_several_messages_within_the_limit(harness):
    await many_balances(harness, 130)
    answers = await ask(harness, "/ledger")
    assert 2 <= len(answers) <= MESSAGES_PER_PAGE
    assert sorted(ledger_names(answers)) == [f"Neighbour{index:04d}" for index in range(130)]


async def test_ledger_beyond_three_messages_is_paged(harness):
    await many_balances(harness, 400)
    seen, page = [], 1
    while True:
        answers = await ask(harness, f"/ledger page {page}")
        assert 1 <= len(answers) <= MESSAGES_PER_PAGE
        seen += ledger_names(answers)
        if "next page" not in answers[-1]:
            break
        assert answers[-1].endswith(f"More on the next page: /ledger page {page + 1}")
        assert len(answers) == MESSAGES_PER_PAGE
        page += 1
    assert page >= 2
    assert sorted(seen) == [f"Neighbour{index:04d}" for index in range(400)]
    (refused,) = await ask(harness, f"/ledger page {page + 1}")
    assert refused.startswith(f"There is no page {page + 1}")
    (refused,) = await ask(harness, "/ledger page ²")
    assert "is not a page number" in refused


# ------------------------------------------------------------------------ /rounds


async def tied_round(harness, count: int) -> None:
    """A closed round of ``count`` ideas of 1,000 characters, each with the one vote cast."""
    round_ = await round_with_ideas(harness, [f"{index:04d} " + "z" * 995 for index in range(count)])
    await harness.send(harness.facilitator, "/vote")
    (poll_id,) = await poll_ids(harness, round_)
    await harness.vote(harness.residents[0], poll_id, list(range(count)))
    await harness.send(harness.facilitator, "/close now")


@pytest.mark.parametrize(("tied", "more"), [(4, ""), (5, ""), (6, "; 1 more idea (1 vote each)"), (10, "; 5 more ideas (1 vote each)")])
async def test_rounds_names_at_most_five_long_tied_winners_and_counts_the_rest(harness, tied, more):
    await tied_round(harness, tied)
    (answer,) = await ask(harness, "/rounds")
    assert answer.count("…") == min(tied, WINNERS_SHOWN)
    assert ("more idea" in answer) == bool(more)
    assert more in answer


async def test_rounds_beyond_three_messages_is_paged(harness):
    for number in range(1, 41):
        await round_with_ideas(harness, ["Fix the bench"], question=f"Q{number:03d} " + "q" * 295)
    first = await ask(harness, "/rounds")
    assert len(first) == MESSAGES_PER_PAGE
    assert first[-1].endswith("More on the next page: /rounds page 2")
    seen, page, answers = re.findall(r"#(\d+) ", "".join(first)), 1, first
    while "next page" in answers[-1]:
        page += 1
        answers = await ask(harness, f"/rounds page {page}")
        assert 1 <= len(answers) <= MESSAGES_PER_PAGE
        seen += re.findall(r"#(\d+) ", "".join(answers))
    assert [int(number) for number in seen] == list(range(1, 41))
    (refused,) = await ask(harness, f"/rounds page {page + 1}")
    assert refused.startswith(f"There is no page {page + 1}")
