"""Who belongs to a group: what lets a member send a private idea to its round.

The bot sees only those who post, press or vote in a group (``group_members``), so a
neighbour who only reads is unknown to it. Before refusing someone it has not seen there,
it asks Telegram (``getChatMember``) and remembers a yes, so each reader is asked about once.
"""

from __future__ import annotations

import logging

from telegram import ChatMember, ChatMemberRestricted
from telegram.error import TelegramError

from bot.runtime.application import CoprodApplication
from storage import groups, members

log = logging.getLogger(__name__)

_IN = {ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER}


async def belongs(app: CoprodApplication, group_id: int, user_id: int) -> bool:
    """Whether the member is in the group: seen there, or Telegram says so now.

    Any error from Telegram (the user or the chat not found, the bot removed) is a no:
    a link is never opened on a guess. The member's own row must exist (every turn
    records its member), since a yes is stored as a sighting in the group.
    """
    services = app.services
    async with services.db.read() as conn:
        if await members.belongs(conn, group_id, user_id):
            return True
        group = await groups.get(conn, group_id)
    try:
        status = await app.bot.get_chat_member(group.chat_id, user_id)
    except TelegramError as error:
        log.info("event=membership_unknown group_id=%s error=%s", group_id, type(error).__name__)
        return False
    present = status.status in _IN or (isinstance(status, ChatMemberRestricted) and status.is_member)
    if present:
        async with services.db.transaction() as conn:
            await members.joined(conn, group_id, user_id, services.clock.now())
    return present
