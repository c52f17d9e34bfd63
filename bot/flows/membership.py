"""Who belongs to a group now: what lets a member read its content privately or send it ideas.

The bot sees only those who post, press or vote in a group (``group_members``), so a
neighbour who only reads is unknown to it; and it hears of departures only when Telegram
tells it: a ``chat_member`` update (sent to a bot that is an administrator), a
``left_chat_member`` message, or ``getChatMember`` answering that someone is not in the
group (or a 400/403: not found there). A member is a member of a group now if they were
seen in it and have not departed since; taking part again makes them one again. Before
refusing someone it does not know as a member, the bot asks Telegram (``getChatMember``) and
remembers the answer, so each reader is asked about once.
"""

from __future__ import annotations

import logging

from telegram import ChatMember, ChatMemberRestricted
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.runtime.application import CoprodApplication
from storage import groups, members

log = logging.getLogger(__name__)

_IN = {ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER}


def present(status: ChatMember) -> bool:
    """Whether a ``ChatMember`` Telegram reported is in the chat (a restricted member may be)."""
    return status.status in _IN or (isinstance(status, ChatMemberRestricted) and status.is_member)


async def belongs(app: CoprodApplication, group_id: int, user_id: int) -> bool:
    """Whether the member is in the group now: seen there and not departed, or Telegram says so.

    Telegram's no (they left, were removed, or are not found: a 400 or 403) is recorded as a
    departure; any other error is a no this time only: a link is never opened on a guess.
    The member's own row must exist (every turn records its member).
    """
    services = app.services
    async with services.db.read() as conn:
        if await members.belongs(conn, group_id, user_id):
            return True
        group = await groups.get(conn, group_id)
    try:
        found = present(await app.bot.get_chat_member(group.chat_id, user_id))
    except (BadRequest, Forbidden) as error:
        log.info("event=membership_refused group_id=%s error=%s", group_id, type(error).__name__)
        found = False
    except TelegramError as error:
        log.info("event=membership_unknown group_id=%s error=%s", group_id, type(error).__name__)
        return False
    if found:
        async with services.db.transaction() as conn:
            await members.joined(conn, group_id, user_id, services.clock.now())
    else:
        await left(app, group_id, user_id)
    return found


async def came_back(app: CoprodApplication, group_id: int, user_id: int) -> None:
    """Someone joined the group, or was added to it: a member who had left is one again
    (someone never seen there is not recorded until they take part)."""
    async with app.services.db.transaction() as conn:
        await members.came_back(conn, group_id, user_id)


async def left(app: CoprodApplication, group_id: int, user_id: int) -> None:
    """A member left the group, was removed, or Telegram no longer finds them in it."""
    services = app.services
    async with services.db.transaction() as conn:
        await members.departed(conn, group_id, user_id, services.clock.now())
    services.sightings.departed(group_id, user_id)
    log.info("event=member_departed group_id=%s", group_id)
