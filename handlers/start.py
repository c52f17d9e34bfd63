"""A plain ``/start`` in a private chat: the first thing every new member sends.

It answers with a short help in the member's language: what the bot does, the groups the
member shares with it, and how to send an idea privately. ``/start idea-…`` (the link under
a round's question) belongs to :mod:`handlers.private_ideas` and ``/start st-…`` (a statements
round's voting link) to :mod:`handlers.statements`; this handler never sees them.
"""

from __future__ import annotations

from telegram.ext import filters

from bot.domain.i18n import Translator
from bot.runtime.menu import Where
from handlers.common import Feature, Turn
from storage import groups, members

feature = Feature()

DEEP_LINK = r"^/start\S*\s+\S"  # any argument: a deep link, handled elsewhere or ignored


def start_text(t: Translator, titles: list[str]) -> str:
    if titles:
        shared = t._("Groups we share: {groups}.", groups=t.list_of([t.user_text(title) for title in titles]))
    else:
        shared = t._("We don't share a group yet: add me to your neighbourhood group, or ask its facilitator to.")
    return "\n\n".join(
        (
            t._(
                "Hello! I help neighbourhood groups decide things together: anyone suggests ideas, "
                "everyone votes, and time you volunteer counts as credits."
            ),
            shared,
            t._(
                "To send an idea privately, press the link under a round's question in your group "
                "and write your idea here; you can choose to stay anonymous."
            ),
            t._("I will tell you here what becomes of rounds you take part in; /notify off stops these messages."),
            t._("Send /help for everything I can do, and /language to choose your language."),
        )
    )


@feature.command(
    "start", Where.PRIVATE, filters=filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE & ~filters.Regex(DEEP_LINK)
)
async def start_command(turn: Turn) -> None:
    async with turn.db.read() as conn:
        shared = [await groups.get(conn, group_id) for group_id in await members.current_group_ids(conn, turn.user.id)]
    await turn.reply(start_text(turn.t, [group.title for group in shared if group.active and group.title]))
