"""Numbers that are no number of ours (Unicode digits, 30 digits) get the normal refusal, never a traceback."""

from __future__ import annotations

import pytest

from tests.support.round_helpers import round_with_ideas

TOO_LONG = "1" * 30


@pytest.mark.parametrize("number", ["²", TOO_LONG])
async def test_ideas_with_a_bad_round_number_is_refused(harness, number):
    await harness.send(harness.residents[0], f"/ideas {number}")
    assert "is not a round number" in harness.last_text()


@pytest.mark.parametrize("number", ["²", TOO_LONG])
async def test_withdraw_with_a_bad_idea_number_is_refused(harness, number):
    await round_with_ideas(harness, ["A bench"])
    await harness.send(harness.residents[0], f"/withdraw {number}")
    assert "is not a number" in harness.last_text()


@pytest.mark.parametrize("number", ["²", TOO_LONG])
async def test_reverse_with_a_bad_entry_number_is_refused(harness, number):
    await harness.send(harness.facilitator, f"/reverse {number} logged twice")
    assert "Please give the entry number" in harness.last_text()


@pytest.mark.parametrize("number", ["²", TOO_LONG])
async def test_a_deep_link_with_a_bad_round_number_is_refused(harness, number):
    person = harness.residents[0]
    await harness.send_private(person, f"/start idea-{number}")
    assert "can't find the round this link is for" in harness.last_text(harness.telegram.private_chat(person))


HUGE = "9" * 50


@pytest.mark.parametrize(
    ("action", "private"),
    [("answer", False), ("exchange", False), ("credit_confirm", False), ("credit_reject", False),
     ("support", False), ("ideafor", False), ("idearound", True), ("ideaname", True)],
)  # fmt: skip
@pytest.mark.parametrize("number", [HUGE, "²", "-1"])
async def test_a_forged_button_with_a_bad_number_gets_the_stale_button_toast(harness, action, private, number):
    ben = harness.residents[0]
    chat = harness.telegram.private_chat(ben) if private else harness.group
    await harness.send(ben, "/help", chat=chat)
    [answer] = harness.telegram.bot_messages(chat.id)
    before = len(harness.texts(chat))
    await harness.press(ben, answer["message_id"], f"v1:{action}:{number}:{number}", chat=chat)
    [toast] = harness.telegram.sent("answerCallbackQuery")
    assert toast.get("text"), "the press is answered with a toast"
    assert harness.texts(chat)[before:] == [], "nothing is posted in the chat"
