"""Privacy and openness: /privacy, /mydata, /forgetme with its confirmation, /export.

A member owns their data: they can hide their name, take a copy of everything stored
about them, or have their name and details removed for good. The group owns its record:
facilitators can take all of it away as open CSV files.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain import callbacks, export
from bot.domain.errors import DomainError
from bot.domain.i18n import N_
from bot.flows import forgetting, site
from bot.runtime.menu import Where
from handlers.common import Feature, Turn
from storage import export as stored_export
from storage import members

feature = Feature()


@feature.command("privacy", Where.ANYWHERE, menu=N_("Show or hide your name in summaries"))
async def privacy(turn: Turn) -> None:
    """Toggle whether the member's name shows in summaries and the ledger."""
    user = turn.require_person()
    async with turn.db.transaction() as conn:
        member = await members.get(conn, user.id)
        await members.set_hidden(conn, user.id, not member.hidden)
        their_groups = await members.group_ids(conn, user.id)
    await site.refresh_groups(turn.context.application, their_groups)
    if member.hidden:
        text = turn.t._("Your name is shown again in summaries and the ledger. Send /privacy to hide it.")
    else:
        text = turn.t._(
            "Your name is now hidden from summaries and the ledger; your hours still count in the "
            "group's totals. Send /privacy again to show it."
        )
    await turn.reply(text)


@feature.command("mydata", Where.PRIVATE, menu=N_("Get everything stored about you"))
async def mydata(turn: Turn) -> None:
    async with turn.db.read() as conn:
        data = await stored_export.personal_data(conn, turn.user.id)
    await turn.context.bot.send_document(
        turn.chat.id,
        document=export.personal_json(data),
        filename="my-data.json",
        caption=turn.t._("Everything I have stored about you."),
    )


@feature.command("forgetme", Where.PRIVATE, menu=N_("Remove your name and details"))
async def forgetme(turn: Turn) -> None:
    buttons = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(turn.t._("Yes, forget me"), callback_data=callbacks.encode(callbacks.Action.FORGET)),
                InlineKeyboardButton(turn.t._("No, keep it"), callback_data=callbacks.encode(callbacks.Action.KEEP)),
            ]
        ]
    )
    await turn.reply(
        turn.t._(
            "This removes your name, username and personal details everywhere, for good. "
            "Your ideas and logged hours stay, shown as “a former member”, so other neighbours' "
            "balances and round results do not change. Are you sure?"
        ),
        reply_markup=buttons,
    )


def _require_own_private_chat(turn: Turn) -> None:
    if turn.in_group or turn.user is None or turn.chat.id != turn.user.id:
        raise DomainError(N_("That button is not valid any more."))


@feature.button(callbacks.Action.FORGET)
async def forget_pressed(turn: Turn) -> None:
    _require_own_private_chat(turn)
    if not await forgetting.forget(turn.context.application, turn.user.id, turn.now):
        raise DomainError(N_("You have already been forgotten."))
    turn.services.scrub_when_applied.add(turn.update.update_id)  # its own inbox row goes then
    query = turn.update.callback_query
    await query.answer()
    await query.edit_message_text(
        turn.t._(
            "Done. Your name and personal details are removed; your ideas and hours now show "
            "as “a former member”."
        )
    )
    await forgetting.unname(turn.context.application, turn.user.id)
    async with turn.db.read() as conn:
        their_groups = await members.group_ids(conn, turn.user.id)
    await site.refresh_groups(turn.context.application, their_groups)


@feature.button(callbacks.Action.KEEP)
async def keep_pressed(turn: Turn) -> None:
    _require_own_private_chat(turn)
    query = turn.update.callback_query
    await query.answer()
    await query.edit_message_text(turn.t._("Nothing was changed."))


@feature.command("export", Where.GROUP, menu=N_("Download all the group's data"), facilitator=True)
async def export_command(turn: Turn) -> None:
    await turn.require_facilitator()
    async with turn.db.read() as conn:
        records = await stored_export.group_records(conn, turn.group.id)
    await turn.context.bot.send_document(
        turn.chat.id,
        document=export.group_zip(records, turn.t),
        filename=export.zip_name(turn.group.title, turn.now),
        caption=turn.t._("All of this group's rounds, ideas, votes, outcomes and ledger, as CSV files."),
    )
