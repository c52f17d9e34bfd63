"""Helpers for the tests of consent proposals and budgets: put them to the group as members do,
press their buttons, and read back what the bot posted and stored."""

from __future__ import annotations

from typing import Any

from bot.domain.decisions import Method
from bot.domain.rounds import Round
from storage import groups, rounds
from tests.support.ideas_helpers import last_bot_message


def keyboard(message: dict[str, Any]) -> dict[str, str]:
    """Each inline button's text -> its callback data (or its link)."""
    markup = message.get("reply_markup") or {}
    return {button["text"]: button.get("callback_data") or button.get("url")
            for row in markup.get("inline_keyboard", []) for button in row}  # fmt: skip


async def newest_round(harness, method: Method | None = None) -> Round:
    async with harness.db.read() as conn:
        group = await groups.get_by_chat(conn, harness.group.id)
        found = [r for r in await rounds.closed_rounds(conn, group.id, 100) + await rounds.open_rounds(conn, group.id)
                 if method is None or r.method is method]  # fmt: skip
    return max(found, key=lambda r: r.number)


async def settings(harness, **values: object) -> None:
    """Group settings stored directly (the /settings command has its own tests)."""
    await harness.send(harness.facilitator, "/help")
    async with harness.db.transaction() as conn:
        group = await groups.get_by_chat(conn, harness.group.id)
        await groups.update_settings(conn, group.id, **values)


# ------------------------------------------------------------------------ consent


async def put_proposal(harness, text: str = "3d Shall we start a tool library in the community centre?") -> tuple[Round, dict]:
    """A facilitator sends /consent; the round and the proposal message."""
    await harness.send(harness.facilitator, f"/consent {text}")
    round_ = await newest_round(harness, Method.CONSENT)
    return round_, harness.telegram.messages[(harness.group.id, round_.voting_message_id)]


async def take(harness, person, message: dict, position: str) -> str:
    """``person`` presses Agree, Abstain, Object or Block; the toast they see."""
    await harness.press(person, message["message_id"], keyboard(message)[position])
    return harness.telegram.sent("answerCallbackQuery")[-1].get("text", "")


async def proposal_text(harness, round_: Round) -> str:
    """The proposal message once its pending edits are sent."""
    await harness.app.services.acknowledgements.flush()
    return harness.telegram.messages[(harness.group.id, round_.voting_message_id)]["text"]


# ------------------------------------------------------------------------ budgets


async def budget_with_ideas(harness, ideas: list[tuple[str, int | None]], *, command: str = "/budget 5000 GBP 2d 1d How should we spend the community chest?") -> Round:
    """A budget round with ``ideas`` (text, cost or None), sent by residents in turn."""
    await harness.send(harness.facilitator, command)
    round_ = await newest_round(harness, Method.BUDGET)
    for index, (text, _cost) in enumerate(ideas):
        await harness.send(harness.residents[index % len(harness.residents)], text, reply_to=round_.prompt_message_id)
    for number, (_text, cost) in enumerate(ideas, 1):
        if cost is not None:
            await harness.send(harness.facilitator, f"/cost {number} {cost}")
    return round_


async def open_ballot(harness, person, round_: Round) -> dict:
    """``person`` follows the link under the voting message; their private ballot."""
    chat = harness.telegram.private_chat(person)
    await harness.send(person, f"/start budget-{round_.link_token}", chat=chat)
    return last_bot_message(harness, chat)


async def press_ballot(harness, person, ballot: dict, label_start: str) -> dict:
    """``person`` presses the ballot's button whose text starts with ``label_start``."""
    chat = harness.telegram.private_chat(person)
    (data,) = [data for text, data in keyboard(ballot).items() if text.startswith(label_start)]
    await harness.press(person, ballot["message_id"], data, chat=chat)
    await harness.app.services.acknowledgements.flush()  # the ticks follow within a second
    return harness.telegram.messages[(chat.id, ballot["message_id"])]


def toast(harness) -> str:
    return harness.telegram.sent("answerCallbackQuery")[-1].get("text", "")


async def vote_for(harness, person, round_: Round, numbers: list[int]) -> dict:
    """``person`` opens the ballot, ticks the projects ``numbers`` and submits."""
    ballot = await open_ballot(harness, person, round_)
    for number in numbers:
        ballot = await press_ballot(harness, person, ballot, f"▫️ {number}.")
    return await press_ballot(harness, person, ballot, "Submit")
