"""Helpers for needs-and-offers tests: read postings back, press their buttons."""

from __future__ import annotations

from bot.domain import callbacks
from storage import groups
from storage import needs as stored


async def postings(harness):
    async with harness.db.read() as conn:
        group = await groups.get_by_chat(conn, harness.group.id)
        return await stored.group_postings(conn, group.id) if group else []


async def connections(harness, posting_id: int):
    async with harness.db.read() as conn:
        return await stored.connections_of(conn, posting_id)


async def post(harness, person, text):
    """``person`` sends /need or /offer; returns the stored posting."""
    await harness.send(person, text)
    return (await postings(harness))[-1]


async def answer(harness, person, posting) -> None:
    await harness.press(person, posting.message_id, callbacks.encode(callbacks.Action.POSTING_ANSWER, posting.id))


async def confirm_hours(harness, person, connection) -> None:
    await harness.press(
        person, connection.message_id, callbacks.encode(callbacks.Action.EXCHANGE_CONFIRM, connection.id)
    )
