"""Helpers for the tests of rounds, ideas and proposals: open a round the way members do,
and read back what the bot posted."""

from __future__ import annotations

from typing import Any

from bot.domain.rounds import Idea, IdeaStatus, Round
from storage import groups, rounds


async def open_round(harness, question: str = "What should we do with the empty lot?", durations: str = "") -> Round:
    """A facilitator sends /round; returns the round as stored."""
    await harness.send(harness.facilitator, f"/round {durations} {question}".replace("  ", " "))
    async with harness.db.read() as conn:
        group = await groups.get_by_chat(conn, harness.group.id)
        return (await rounds.open_rounds(conn, group.id))[-1]


async def stored_ideas(harness, round_: Round) -> list[Idea]:
    async with harness.db.read() as conn:
        return await rounds.ideas(conn, round_.id)


async def statuses(harness, round_: Round) -> list[IdeaStatus]:
    return [idea.status for idea in await stored_ideas(harness, round_)]


async def end_ideas_stage(harness, round_: Round) -> None:
    """Move a round on to voting in storage, as /vote would, without polls."""
    now = harness.clock.now()
    async with harness.db.transaction() as conn:
        await rounds.start_voting(conn, round_.id, now=now, ends_at=now)


def last_bot_message(harness, chat=None) -> dict[str, Any]:
    """The newest message the bot posted in ``chat`` (the group by default), as Telegram keeps it."""
    chat_id = (chat or harness.group).id
    return max(
        (
            message
            for (message_chat, _), message in harness.telegram.messages.items()
            if message_chat == chat_id and message["from"]["id"] == harness.telegram.bot.id
        ),
        key=lambda message: message["message_id"],
    )


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    """``(text, callback_data)`` of every inline button under a message."""
    markup = message.get("reply_markup") or {}
    return [(button["text"], button["callback_data"]) for row in markup.get("inline_keyboard", []) for button in row]


def reactions(harness) -> list[dict[str, Any]]:
    return harness.telegram.sent("setMessageReaction")


def prompt_edits(harness, round_: Round) -> list[dict[str, Any]]:
    return [
        params
        for params in harness.telegram.sent("editMessageText")
        if int(params["message_id"]) == round_.prompt_message_id
    ]
