"""/notify in a private chat: personal notices about rounds the member took part in, on or off.

On by default once the member has started a private chat with the bot (the only way a bot
may write to someone). Asked in a group, it answers with a hint to use it privately.
"""

from __future__ import annotations

from bot.domain.i18n import N_, Translator
from bot.domain.notices import parse_switch
from bot.runtime.menu import Where
from handlers.common import Feature, Turn
from storage import members
from storage import notices as stored

feature = Feature()


def state_text(t: Translator, on: bool) -> str:
    if on:
        return t._("Personal notices are on: I tell you privately what becomes of rounds you took part in. "
                   "Send /notify off to stop them.")  # fmt: skip
    return t._("Personal notices are off. Send /notify on to hear what becomes of rounds you took part in.")


@feature.command("notify", Where.PRIVATE, menu=N_("Personal notices about your rounds, on or off"))
async def notify_command(turn: Turn) -> None:
    person = turn.require_person()
    if not turn.args:
        async with turn.db.read() as conn:
            member = await members.get(conn, person.id)
        await turn.reply(state_text(turn.t, member is None or member.notices))
        return
    on = parse_switch(turn.t, turn.args[0])
    async with turn.db.transaction() as conn:
        await stored.set_notices(conn, person.id, on)
    await turn.reply(state_text(turn.t, on))
