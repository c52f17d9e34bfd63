"""``/forgetme``: the member's name leaves the database, its files, and the bot's own messages.

:func:`forget` removes the name and details in one transaction, together with the copies in
the raw updates still waiting in the inbox (the confirming press among them), then copies
the write-ahead log into the main file and empties it, so from the answer on no database
file holds the name (``secure_delete`` zeroes what is deleted). The handler asks for one
more checkpoint once the press is recorded as applied, when its inbox row is deleted.

:func:`unname` then writes again the bot's own messages that named the member: entry
messages (``/log``), proposal messages, need and offer messages and open consent proposals
showing their reasons keep their message ids,
so each is rendered again as it stands, where the name now reads "a former member". Best
effort: Telegram may refuse an edit (the message was deleted, the bot left the group), and
the forgetting itself is already done. The edits go out at the lowest priority, behind
every answer to a member.
"""

from __future__ import annotations

import datetime as dt
import logging

from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden

from bot.domain import i18n
from bot.domain.ledger import EntryStatus
from bot.domain.proposals import ProposalStatus
from bot.flows import needs as needs_flow
from bot.flows.credits import entry_buttons, entry_names, entry_text
from bot.flows.decisions import consent
from bot.flows.proposals import render_proposal, support_keyboard
from bot.runtime import outbound
from bot.runtime.application import CoprodApplication
from bot.runtime.updates import inbox
from storage import groups, members, proposals
from storage import ledger as stored_ledger
from storage import needs as stored_needs
from storage import rounds as stored_rounds

log = logging.getLogger(__name__)


async def forget(app: CoprodApplication, user_id: int, now: dt.datetime) -> bool:
    """Remove the member's name and details for good, in the database and its files; False
    if they were forgotten already (nothing changes)."""
    async with app.services.db.transaction() as conn:
        if not await members.forget(conn, user_id, now):
            return False
        await inbox.unname_stored(conn, user_id)
    await app.services.db.scrub()
    return True


async def unname(app: CoprodApplication, user_id: int) -> int:
    """Edit every stored message that named the member; returns how many were edited."""
    with outbound.sending_as(outbound.Priority.NOTICE):
        edited = await _entry_messages(app, user_id) + await _proposal_messages(app, user_id)
        return edited + await _posting_messages(app, user_id) + await consent.rewrite_naming(app, user_id)


async def _entry_messages(app: CoprodApplication, user_id: int) -> int:
    async with app.services.db.read() as conn:
        entries = [
            entry
            for entry in await stored_ledger.member_entries(conn, user_id)
            if entry.message_id is not None and user_id in entry.people
        ]
        names = await entry_names(conn, entries)
        shown_in = {entry.group_id: await groups.get(conn, entry.group_id) for entry in entries}
    edited = 0
    for entry in entries:
        group = shown_in[entry.group_id]
        t = i18n.translator(group.language)
        pending = entry.status is EntryStatus.PENDING
        edited += await _edit(
            app, group.chat_id, entry.message_id, entry_text(t, entry, names, group.timezone),
            entry_buttons(t, entry) if pending else None,
        )  # fmt: skip
    return edited


async def _proposal_messages(app: CoprodApplication, user_id: int) -> int:
    async with app.services.db.read() as conn:
        shown = await proposals.shown_by(conn, user_id)
        numbers = {
            proposal.id: (await stored_rounds.get(conn, proposal.round_id)).number
            for proposal in shown
            if proposal.round_id is not None
        }
    edited = 0
    for proposal in shown:
        group, proposal, text = await render_proposal(app, proposal.id, numbers.get(proposal.id))
        still_open = proposal.status is ProposalStatus.OPEN
        keyboard = support_keyboard(i18n.translator(group.language), proposal) if still_open else None
        edited += await _edit(app, group.chat_id, proposal.message_id, text, keyboard)
    return edited


async def _posting_messages(app: CoprodApplication, user_id: int) -> int:
    """Needs and offers the member posted or answered."""
    async with app.services.db.read() as conn:
        ids = {posting.id for posting in await stored_needs.by_author(conn, user_id)}
        ids |= {connection.posting_id for connection in await stored_needs.member_connections(conn, user_id)}
        shown = []
        for posting_id in sorted(ids):
            posting = await stored_needs.get(conn, posting_id)
            if posting.message_id is not None:
                linked = await stored_needs.connections_of(conn, posting_id)
                shown.append((posting, linked, await groups.get(conn, posting.group_id)))
        names = await needs_flow.people(conn, [p for p, _, _ in shown], [c for _, linked, _ in shown for c in linked])
    edited = 0
    for posting, linked, group in shown:
        t = i18n.translator(group.language)
        text = needs_flow.posting_text(t, posting, linked, names)
        edited += await _edit(app, group.chat_id, posting.message_id, text, needs_flow.posting_buttons(t, posting))
    return edited


async def _edit(
    app: CoprodApplication, chat_id: int, message_id: int, text: str, keyboard: InlineKeyboardMarkup | None
) -> int:
    try:
        await app.bot.edit_message_text(text, chat_id=chat_id, message_id=message_id, reply_markup=keyboard)
    except (BadRequest, Forbidden) as error:
        log.info("event=unname_not_edited chat_id=%s message_id=%s error=%s", chat_id, message_id, error.message)
        return 0
    return 1
