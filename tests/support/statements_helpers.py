"""Statements rounds as members take part: open one, vote privately through its link, close it."""

from __future__ import annotations

from bot.domain.decisions.opinions import Choice
from bot.domain.rounds import Round
from bot.runtime import deadlines
from handlers.statements import CHOICES
from storage import groups, rounds
from tests.support.ideas_helpers import buttons, last_bot_message

CODE = {choice: code for code, choice in CHOICES.items()}


async def open_statements(harness, text: str) -> Round:
    """A facilitator sends ``/statements text``; returns the round as stored."""
    await harness.send(harness.facilitator, f"/statements {text}")
    async with harness.db.read() as conn:
        group = await groups.get_by_chat(conn, harness.group.id)
        return (await rounds.open_rounds(conn, group.id))[-1]


async def start_voting(harness, person, round_: Round) -> dict:
    """``person`` opens the round's private voting link; the bot's message there."""
    await harness.send_private(person, f"/start st-{round_.link_token}")
    return last_bot_message(harness, harness.telegram.private_chat(person))


async def vote_shown(harness, person, choice: Choice) -> dict:
    """``person`` presses Agree, Disagree or Pass under the statement their private chat shows."""
    chat = harness.telegram.private_chat(person)
    message = last_bot_message(harness, chat)
    [data] = [data for _, data in buttons(message) if data.endswith(":" + CODE[choice])]
    await harness.press(person, message["message_id"], data, chat=chat)
    return harness.telegram.messages[(chat.id, message["message_id"])]


async def vote_on(harness, person, idea_id: int, choice: Choice) -> None:
    """``person`` votes on one statement from the voting message in their private chat, as a
    button for it would (the replays vote on the statement each participant voted on)."""
    chat = harness.telegram.private_chat(person)
    message = last_bot_message(harness, chat)
    await harness.press(person, message["message_id"], f"v1:stvote:{idea_id}:{CODE[choice]}", chat=chat)


async def recompute(harness) -> None:
    """Let the opinion groups' deadline (and anything else due) run."""
    await deadlines.run_due(harness.app)
