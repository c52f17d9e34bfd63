"""Ideas sent privately: the deep link under each prompt, and ``/idea`` in a private chat.

For members who would rather not speak up in the group. The member sends the
text, then chooses whether it is shown with their name or anonymously. Until then the idea
is a draft in the database (``storage.idea_drafts``), so a restart loses nothing; a member
has at most one private draft, and starting again replaces it.
"""

from __future__ import annotations

from dataclasses import replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import filters

from bot.domain import callbacks
from bot.domain.decisions import Method
from bot.domain.errors import DomainError
from bot.domain.i18n import N_
from bot.domain.rounds import (
    NO_ROUND_COLLECTING,
    IdeaDraft,
    Round,
    Stage,
    check_idea,
    require_stage,
)
from bot.flows import membership
from bot.flows.decisions import answered_privately
from bot.flows.ideas import duplicate_notice, record_idea
from bot.flows.rounds import DEEP_LINK_PREFIX
from bot.runtime.menu import Where
from handlers.common import (
    Feature,
    Turn,
    command_text,
    idea_text,
    round_label,
)
from storage import groups, idea_drafts
from storage import rounds as stored_rounds

feature = Feature()

_PRIVATE_MESSAGE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE

NOT_A_MEMBER = N_("You can only send ideas to groups you belong to.")
NOT_YOURS = N_("This idea is no longer waiting; send /idea to start again.")


@feature.command("start", Where.PRIVATE, filters=_PRIVATE_MESSAGE & filters.Regex(rf"^/start\S*\s+{DEEP_LINK_PREFIX}"))
async def start_from_link(turn: Turn) -> None:
    """``/start idea-<token>`` from the link under a prompt; only members of the round's group
    get past it, and a non-member learns nothing about the group."""
    token = turn.args[0].removeprefix(DEEP_LINK_PREFIX) if turn.args else ""
    async with turn.db.read() as conn:
        round_ = await stored_rounds.by_link_token(conn, token) if token else None
        group = await groups.get(conn, round_.group_id) if round_ else None
    if round_ is None or not group.active:
        raise DomainError(N_("I can't find the round this link is for. Use /idea to see the open rounds."))
    if not await membership.belongs(turn.context.application, round_.group_id, turn.user.id):
        raise DomainError(NOT_A_MEMBER)
    require_stage(round_, Stage.IDEAS)
    async with turn.db.transaction() as conn:
        draft = await idea_drafts.start_private(
            conn, author_id=turn.user.id, chat_id=turn.chat.id, round_id=round_.id,
            text=None, message_id=None, now=turn.now,
        )  # fmt: skip
    await _next_step(turn, draft)


@feature.command("idea", Where.PRIVATE, menu=N_("Add your idea to an open round"), filters=_PRIVATE_MESSAGE)
async def idea_in_private(turn: Turn) -> None:
    text = command_text(turn)
    if text:
        text = check_idea(text)
    collecting = await _collecting_for(turn)
    if text and len(collecting) == 1:  # a statements round takes shorter ones
        text = check_idea(text, collecting[0].method)
    async with turn.db.transaction() as conn:
        draft = await idea_drafts.start_private(
            conn,
            author_id=turn.user.id,
            chat_id=turn.chat.id,
            round_id=collecting[0].id if len(collecting) == 1 else None,
            text=text or None,
            message_id=turn.message.message_id if text else None,
            now=turn.now,
        )
    await _next_step(turn, draft)


@feature.message(Where.PRIVATE, _PRIVATE_MESSAGE & ~filters.COMMAND & (filters.TEXT | filters.CAPTION))
async def private_text(turn: Turn) -> None:
    """A message in private is the idea of the member's waiting draft, if there is one, or
    else what a decision asked them for (a reason for their position on a proposal)."""
    async with turn.db.read() as conn:
        draft = await idea_drafts.private_draft(conn, turn.user.id, turn.chat.id)
    if draft is None:
        number = await answered_privately(turn.context.application, turn.user.id, idea_text(turn.message))
        if number is not None:
            await turn.reply(turn.t._("Thank you: your reason is now shown with your position on proposal #{number}.",
                                      number=number))  # fmt: skip
        return
    method = Method.APPROVAL
    if draft.round_id is not None:
        async with turn.db.read() as conn:
            method = (await stored_rounds.get(conn, draft.round_id)).method
    text = check_idea(idea_text(turn.message), method)
    async with turn.db.transaction() as conn:
        await idea_drafts.set_text(conn, draft.id, text, turn.message.message_id)
    await _next_step(turn, replace(draft, text=text, message_id=turn.message.message_id))


async def _collecting_for(turn: Turn) -> list[Round]:
    async with turn.db.read() as conn:
        collecting = await stored_rounds.collecting_for_member(conn, turn.user.id)
    if not collecting:
        raise DomainError(NO_ROUND_COLLECTING)
    return collecting


async def _next_step(turn: Turn, draft: IdeaDraft) -> None:
    """Ask for what the draft still lacks: its round, its text, or the name choice."""
    t = turn.t
    if draft.round_id is None:
        collecting = await _collecting_for(turn)
        async with turn.db.read() as conn:
            group_ids = {round_.group_id for round_ in collecting}  # one read per group, not per round
            titles = {group_id: (await groups.get(conn, group_id)).title for group_id in group_ids}
        keyboard = [
            [
                InlineKeyboardButton(
                    f"{titles[round_.group_id]} {round_label(t, round_)}",
                    callback_data=callbacks.encode(callbacks.Action.IDEA_ROUND, draft.id, round_.id),
                )
            ]
            for round_ in collecting
        ]
        await turn.reply(t._("Which round is your idea for?"), reply_markup=InlineKeyboardMarkup(keyboard))
        return
    async with turn.db.read() as conn:
        round_ = await stored_rounds.get(conn, draft.round_id)
        group = await groups.get(conn, round_.group_id)
    if draft.text is None:
        await turn.reply(
            "\n".join(
                (
                    t._("Your idea for round #{number} in {group}:", number=round_.number, group=t.user_text(group.title)),
                    t.user_text(round_.question),
                    "",
                    t._("Send it to me as a message."),
                )
            )
        )
        return
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t._("With my name"), callback_data=callbacks.encode(callbacks.Action.IDEA_NAME, draft.id, 1)),
                InlineKeyboardButton(t._("Anonymously"), callback_data=callbacks.encode(callbacks.Action.IDEA_NAME, draft.id, 0)),
            ]
        ]
    )
    await turn.reply(
        t._("Should your idea for round #{number} be shown with your name, or anonymously?", number=round_.number),
        reply_markup=keyboard,
    )


async def _own_draft(turn: Turn, draft_id: int | None) -> IdeaDraft:
    async with turn.db.read() as conn:
        draft = await idea_drafts.get(conn, draft_id) if draft_id else None
    if draft is None or draft.author_id != turn.user.id:
        raise DomainError(NOT_YOURS)
    return draft


@feature.button(callbacks.Action.IDEA_ROUND)
async def round_chosen(turn: Turn) -> None:
    query = turn.update.callback_query
    pressed = turn.pressed
    draft = await _own_draft(turn, pressed.int_arg(0))
    round_id = pressed.int_arg(1)
    collecting = await _collecting_for(turn)
    round_ = next((round_ for round_ in collecting if round_.id == round_id), None)
    if round_ is None:
        raise DomainError(N_("That round is not collecting ideas any more."))
    async with turn.db.transaction() as conn:
        await idea_drafts.set_round(conn, draft.id, round_.id)
    await query.answer()
    await query.edit_message_text(turn.t._("Your idea is for round #{number}.", number=round_.number))
    await _next_step(turn, replace(draft, round_id=round_.id))


@feature.button(callbacks.Action.IDEA_NAME)
async def name_chosen(turn: Turn) -> None:
    query = turn.update.callback_query
    pressed = turn.pressed
    draft = await _own_draft(turn, pressed.int_arg(0))
    with_name = pressed.flag(1)
    if draft.round_id is None or draft.text is None or with_name is None:
        raise DomainError(NOT_YOURS)
    anonymous = not with_name
    async with turn.db.read() as conn:
        round_ = await stored_rounds.get(conn, draft.round_id)
    if not await membership.belongs(turn.context.application, round_.group_id, draft.author_id):
        raise DomainError(NOT_A_MEMBER)
    taken = await record_idea(
        turn.context.application,
        draft.round_id,
        draft.text,
        author_id=draft.author_id,
        anonymous=anonymous,
        source_chat_id=draft.chat_id,
        source_message_id=draft.message_id,
        draft_id=draft.id,
    )
    t = turn.t
    shown = (
        t._("It will be shown anonymously.") if anonymous else t._("It will be shown with your name.")
    )
    thanks = t._(
        "Thank you! Your idea is idea {number} of round #{round}.",
        number=taken.idea.number,
        round=taken.round.number,
    )
    await query.answer()
    await query.edit_message_text("\n".join(filter(None, (thanks, shown, duplicate_notice(t, taken)))))
