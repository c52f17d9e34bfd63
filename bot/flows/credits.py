"""Ledger entries shown in the group, and the deadline that lapses an unconfirmed one.

The entry's message is rewritten whenever its entry is decided (confirmed, rejected,
lapsed), by a member's press (``handlers.credits``) or by the CREDIT_LAPSE deadline here.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest

from bot.domain import callbacks, i18n, ledger
from bot.domain.deadline_kinds import DeadlineKind
from bot.domain.i18n import N_, Translator
from bot.domain.ledger import EntryDraft, EntryStatus, LedgerEntry
from bot.domain.records import Deadline, Group, Member, Source
from bot.runtime import deadlines
from bot.runtime.application import CoprodApplication
from storage import Connection, groups, members
from storage import ledger as stored

STATUS_TEXT = {
    EntryStatus.PENDING: N_("waiting for a confirmation"),
    EntryStatus.CONFIRMED: N_("confirmed"),
    EntryStatus.REJECTED: N_("rejected"),
    EntryStatus.LAPSED: N_("lapsed"),
}

log = logging.getLogger(__name__)


async def entry_names(conn: Connection, entries: Iterable[LedgerEntry]) -> dict[int, Member]:
    return await members.names(conn, set().union(*(entry.people for entry in entries)))


def name_of(t: Translator, names: dict[int, Member], user_id: int | None) -> str:
    return t.user_text(ledger.neighbour_name(t, names.get(user_id)))


def entry_text(t: Translator, entry: LedgerEntry, names: dict[int, Member], timezone: str) -> str:
    """The message that shows a logged entry, as it stands now."""
    headline = t._(
        "Entry #{entry}: {name} volunteered {duration}: {note}",
        entry=entry.id,
        name=name_of(t, names, entry.to_member),
        duration=t.duration(entry.minutes),
        note=t.user_text(entry.note),
    )
    if entry.status is EntryStatus.CONFIRMED:
        status = t._("✅ Confirmed by {name}.", name=name_of(t, names, entry.confirmed_by))
    elif entry.status is EntryStatus.REJECTED:
        status = t._("❌ Rejected by {name}.", name=name_of(t, names, entry.rejected_by))
    elif entry.status is EntryStatus.LAPSED:
        status = t._("⌛ Lapsed: nobody confirmed it within {period}.", period=t.period(ledger.LAPSE_AFTER))
    else:
        status = t._(
            "Another neighbour can confirm it (not the person who logged it). "
            "If nobody does, it lapses on {when}.",
            when=t.when(entry.lapses_at, timezone),
        )
    return f"{headline}\n{status}"


def entry_buttons(t: Translator, entry: LedgerEntry) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t._("Confirm"), callback_data=callbacks.encode(callbacks.Action.CREDIT_CONFIRM, entry.id)),
                InlineKeyboardButton(t._("Reject"), callback_data=callbacks.encode(callbacks.Action.CREDIT_REJECT, entry.id)),
            ]
        ]
    )


async def show_decided(bot: Bot, group: Group, entry: LedgerEntry, names: dict[int, Member]) -> None:
    """Update the entry's message to its decision and drop the buttons (best effort)."""
    if entry.message_id is None:
        return
    t = i18n.translator(group.language)
    try:
        await bot.edit_message_text(
            entry_text(t, entry, names, group.timezone),
            chat_id=group.chat_id,
            message_id=entry.message_id,
            reply_markup=None,
        )
    except BadRequest as error:
        log.info("event=entry_message_not_updated entry=%s error=%s", entry.id, error.message)


async def lapse_entry(app: CoprodApplication, deadline: Deadline) -> None:
    """A CREDIT_LAPSE deadline: a still-pending entry lapses (idempotent)."""
    services = app.services
    now = services.clock.now()
    async with services.db.transaction() as conn:
        entry = await stored.get(conn, deadline.ref_id)
        if entry is None or entry.status is not EntryStatus.PENDING or not ledger.is_lapsed(entry, now):
            return
        await stored.decide(conn, entry.id, EntryStatus.LAPSED, by=None, now=now)
        entry = await stored.get(conn, entry.id)
        group = await groups.get(conn, entry.group_id)
        names = await entry_names(conn, [entry])
    await show_decided(app.bot, group, entry, names)


async def log_volunteering(app: CoprodApplication, draft: EntryDraft, *, source: Source) -> tuple[LedgerEntry, dict[int, Member]]:
    """Record logged time as a pending entry that lapses unless a neighbour confirms it; the
    entry and the names its message shows. The ``source`` message (the /log) logs once: a
    replay after a crash finds the entry it wrote."""
    async with app.services.db.transaction() as conn:
        entry = await stored.by_source(conn, source)
        if entry is None:
            entry = await stored.add(conn, draft, source=source)
            await deadlines.plan(app, conn, group_id=entry.group_id, kind=DeadlineKind.CREDIT_LAPSE,
                                 ref_id=entry.id, due_at=entry.lapses_at)  # fmt: skip
        return entry, await entry_names(conn, [entry])
