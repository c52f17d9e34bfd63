"""Joining and leaving groups, supergroup migration, admin changes, and /help.

A hello once when added (:mod:`bot.flows.groups`), the group marked inactive when removed,
all data kept across a migration to a supergroup, the facilitator cache dropped when
admins change, and members' departures and returns recorded (:mod:`bot.flows.membership`).
"""

from __future__ import annotations

import logging

from telegram import (
    ChatMember,
    ChatMemberUpdated,
    Update,
    User,
)
from telegram.constants import ChatType
from telegram.ext import ChatMemberHandler, MessageHandler, filters

from bot.domain import i18n
from bot.domain.i18n import N_
from bot.flows import membership, summaries
from bot.flows.groups import language_keyboard, welcome_text
from bot.runtime import chat_migration
from bot.runtime.application import CoprodContext
from bot.runtime.menu import Where
from handlers.common import Feature, Turn
from storage import groups

log = logging.getLogger(__name__)

feature = Feature()

_PRESENT = {ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER, ChatMember.RESTRICTED}


@feature.on(ChatMemberHandler, chat_member_types=ChatMemberHandler.MY_CHAT_MEMBER)
async def bot_membership_changed(update: Update, context: CoprodContext) -> None:
    change: ChatMemberUpdated | None = update.my_chat_member
    if change is None or change.chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
        return
    was_in = change.old_chat_member.status in _PRESENT
    is_in = change.new_chat_member.status in _PRESENT
    services = context.services
    async with services.db.transaction() as conn:
        group, created = await groups.ensure(
            conn,
            change.chat.id,
            title=change.chat.title or "",
            language=services.config.language,
            timezone=services.config.timezone,
            now=services.clock.now(),
        )
        if is_in != group.active:
            await groups.set_active(conn, group.id, is_in)
    log.info("event=membership chat_id=%s present=%s", change.chat.id, is_in)
    if is_in and (created or not group.active):
        await summaries.group_joined(context.application, group.id)
        if not was_in:
            await context.bot.send_message(
                change.chat.id, welcome_text(i18n.translator(group.language)), reply_markup=language_keyboard()
            )


@feature.on(ChatMemberHandler, chat_member_types=ChatMemberHandler.CHAT_MEMBER)
async def member_changed(update: Update, context: CoprodContext) -> None:
    """A member joined, left, was removed or changed role (Telegram tells a bot that is an
    administrator): the facilitators are asked again, and a departure or a return recorded."""
    change: ChatMemberUpdated | None = update.chat_member
    if change is None:
        return
    context.services.admins.forget(change.chat.id)
    was_in, is_in = membership.present(change.old_chat_member), membership.present(change.new_chat_member)
    if was_in != is_in:
        await _moved(context, change.chat.id, change.new_chat_member.user, is_in)


@feature.on(MessageHandler, filters=filters.StatusUpdate.LEFT_CHAT_MEMBER | filters.StatusUpdate.NEW_CHAT_MEMBERS)
async def member_came_or_went(update: Update, context: CoprodContext) -> None:
    """The group's "X left", "X removed Y" or "X joined" message."""
    message = update.effective_message
    if message.left_chat_member is not None:
        await _moved(context, message.chat.id, message.left_chat_member, False)
    for person in message.new_chat_members or ():
        await _moved(context, message.chat.id, person, True)


async def _moved(context: CoprodContext, chat_id: int, person: User, is_in: bool) -> None:
    if person.is_bot:  # the bot's own membership is my_chat_member's
        return
    async with context.services.db.read() as conn:
        group = await groups.get_by_chat(conn, chat_id)
    if group is None:
        return
    if is_in:
        await membership.came_back(context.application, group.id, person.id)
    else:
        await membership.left(context.application, group.id, person.id)


@feature.on(MessageHandler, filters=filters.StatusUpdate.MIGRATE)
async def chat_migrated(update: Update, context: CoprodContext) -> None:
    """A group became a supergroup: move everything to the new chat id (idempotent)."""
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id:
        old, new = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id:
        old, new = message.migrate_from_chat_id, message.chat.id
    else:
        return
    await chat_migration.move_chat(context.services, old, new)


@feature.command("help", Where.ANYWHERE, menu=N_("What I do and how to start"))
async def help_command(turn: Turn) -> None:
    await turn.reply(welcome_text(turn.t) + "\n\n" + turn.t._(
        "Start a private chat with me and I will tell you what becomes of rounds you took part in; "
        "/notify off there stops it."
    ))  # fmt: skip
