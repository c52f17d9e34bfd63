"""A member who repeats a refused command gets one answer a minute, a reaction otherwise."""

from __future__ import annotations

import pytest

from bot.runtime.refusals import REACTION
from tests.support.ideas_helpers import reactions

BAD = "/ideas ²"
REFUSAL = "“\u2068²\u2069” is not a round number. Write it like 3."


def answers(harness, chat=None) -> list[str]:
    return [text for text in harness.texts(chat) if text == REFUSAL]


async def test_the_same_refusal_within_a_minute_gets_a_reaction_not_an_answer(harness):
    ben = harness.residents[0]
    await harness.send(ben, BAD)
    second = await harness.send(ben, BAD)
    third = await harness.send(ben, BAD)
    assert answers(harness) == [REFUSAL]
    assert [int(r["message_id"]) for r in reactions(harness)] == [second, third]
    assert all(r["reaction"][0]["emoji"] == REACTION for r in reactions(harness))


@pytest.mark.parametrize(("seconds", "answered"), [(59, 1), (60, 2), (61, 2)])
async def test_a_minute_after_the_answer_the_refusal_is_answered_again(harness, seconds, answered):
    ben = harness.residents[0]
    await harness.send(ben, BAD)
    harness.advance(seconds=seconds)
    await harness.send(ben, BAD)
    assert len(answers(harness)) == answered
    assert len(reactions(harness)) == 2 - answered


async def test_a_minute_counts_from_the_last_answer_not_the_last_repeat(harness):
    ben = harness.residents[0]
    await harness.send(ben, BAD)
    for _ in range(3):
        harness.advance(seconds=20)
        await harness.send(ben, BAD)
    assert len(answers(harness)) == 2  # at 0 s and at 60 s


async def test_another_member_another_chat_or_another_refusal_is_answered(harness):
    ben, chloe = harness.residents[:2]
    await harness.send(ben, BAD)
    await harness.send(chloe, BAD)
    assert answers(harness) == [REFUSAL, REFUSAL]
    await harness.send(ben, "/ideas ³")
    assert harness.last_text() == "“\u2068³\u2069” is not a round number. Write it like 3."
    private = harness.telegram.private_chat(ben)
    await harness.send_private(ben, "/rounds")
    await harness.send_private(ben, "/ledger")  # another command, the same words of refusal
    assert [text for text in harness.texts(private) if "works in your group chat" in text] == [
        "/rounds works in your group chat (\u2068Chapel Street neighbours\u2069): send it there, and I will answer in the group.",
        "/ledger works in your group chat (\u2068Chapel Street neighbours\u2069): send it there, and I will answer in the group.",
    ]
    assert reactions(harness) == []


async def test_repeats_beyond_the_reaction_budget_get_nothing(harness):
    ben = harness.residents[0]
    for _ in range(30):
        await harness.send(ben, BAD)
    assert answers(harness) == [REFUSAL]
    assert 1 <= len(reactions(harness)) < 29


async def test_a_corrected_command_is_answered_even_when_its_refusal_reads_the_same(harness):
    ben = harness.residents[0]
    await harness.send(ben, "/log 0h x")
    harness.advance(seconds=3)
    corrected = await harness.send(ben, "/log 13h x")
    first, second = harness.texts()[-2:]
    assert first == second, "the two refusals read the same"
    assert reactions(harness) == []
    assert harness.telegram.sent("sendMessage")[-1]["reply_parameters"]["message_id"] == corrected


async def test_the_same_command_with_the_same_arguments_is_throttled_whatever_the_spacing(harness):
    ben = harness.residents[0]
    await harness.send(ben, "/ideas ²")
    repeat = await harness.send(ben, "/ideas@coprod_test_bot   ²")
    assert answers(harness) == [REFUSAL]
    assert [int(r["message_id"]) for r in reactions(harness)] == [repeat]
