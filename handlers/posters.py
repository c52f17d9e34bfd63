"""Posters: ``/poster [N]`` sends a printable A4 poster of a round collecting ideas.

For the neighbours the chat does not reach: a facilitator prints it and puts it up in a
hallway or a library. The group gets the PDF to print and a PNG preview to look at first,
both in the group's language; without N the poster is of the newest round collecting ideas.
"""

from __future__ import annotations

from telegram.ext import filters

from bot.domain.errors import DomainError
from bot.domain.i18n import N_
from bot.domain.rounds import Round, Stage
from bot.flows.posters import file_name, poster_for
from bot.render import poster, print_text
from bot.runtime.menu import Where
from handlers.common import Feature, Turn, numbered_round, round_number
from storage import rounds as stored_rounds

feature = Feature()


@feature.command(
    "poster", Where.GROUP, menu=N_("Print a poster of a round"), facilitator=True, filters=filters.UpdateType.MESSAGE
)
async def poster_command(turn: Turn) -> None:
    await turn.require_facilitator()
    round_ = await _round(turn)
    if not print_text.fonts_installed(turn.group.language):
        raise DomainError(N_("I can't draw posters here: the poster's fonts are not installed. "
                             "Whoever runs the bot can install them (see the operators' guide)."))  # fmt: skip
    t = turn.t
    pdf, preview = await poster.render(poster_for(t, turn.group, round_, bot_username=turn.context.bot.username))
    await turn.context.bot.send_document(
        turn.chat.id, document=pdf, filename=file_name(round_), parse_mode=None,
        caption=t._("A poster of round #{number} to print on A4 and put up where neighbours pass by.",
                    number=round_.number),
    )  # fmt: skip
    await turn.context.bot.send_photo(
        turn.chat.id, photo=preview, parse_mode=None,
        caption=t._("What the poster of round #{number} looks like.", number=round_.number),
    )  # fmt: skip


async def _round(turn: Turn) -> Round:
    """Round N, or the newest round collecting ideas; only a round collecting ideas has a poster."""
    if turn.args:
        round_ = await numbered_round(turn, round_number(" ".join(turn.args)))
    else:
        async with turn.db.read() as conn:
            collecting = [r for r in await stored_rounds.open_rounds(conn, turn.group.id) if r.stage is Stage.IDEAS]
        if not collecting:
            raise DomainError(
                N_("No round is collecting ideas, so there is nothing to put on a poster. Open one with /round.")
            )
        round_ = collecting[-1]
    if round_.stage is not Stage.IDEAS:
        raise DomainError(
            N_("Round #{number} is no longer collecting ideas, so a poster would invite ideas it cannot take. "
               "Nothing was sent."),
            number=round_.number,
        )  # fmt: skip
    return round_
