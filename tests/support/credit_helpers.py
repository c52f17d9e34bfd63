"""Helpers for time-bank tests: read the ledger back, press the entry buttons."""

from __future__ import annotations

from bot.domain import callbacks
from storage import groups
from storage import ledger as stored

_ISOLATES = str.maketrans("", "", "\u2068\u2069")


def plain(text: str) -> str:
    """What a reader sees, without the invisible direction isolates around member text."""
    return text.translate(_ISOLATES)


async def entries(harness):
    async with harness.db.read() as conn:
        group = await groups.get_by_chat(conn, harness.group.id)
        return await stored.group_entries(conn, group.id) if group else []


async def balances(harness) -> dict[int, int]:
    async with harness.db.read() as conn:
        group = await groups.get_by_chat(conn, harness.group.id)
        return await stored.balances(conn, group.id)


def answers(harness) -> list[str]:
    return [params.get("text", "") for params in harness.telegram.sent("answerCallbackQuery")]


def message_text(harness, message_id: int) -> str:
    return plain(harness.telegram.messages[(harness.group.id, message_id)]["text"])


async def log_entry(harness, person, text="/log 2h litter pick on Chapel St"):
    """``person`` logs time; returns the stored entry and the id of the bot's message for it."""
    await harness.send(person, text)
    entry = (await entries(harness))[-1]
    return entry, entry.message_id


async def confirm(harness, person, entry) -> None:
    await harness.press(person, entry.message_id, callbacks.encode("credit_confirm", entry.id))


async def confirmed_entry(harness, logger, confirmer, text="/log 2h litter pick on Chapel St"):
    entry, _message = await log_entry(harness, logger, text)
    await confirm(harness, confirmer, entry)
    return entry
