"""Reports for the council: ``/report [N]`` sends round N's report as a PDF of one or two pages.

A facilitator takes it to a council officer, a housing association or a newsletter: what
was asked and decided, how and by how many, and what became of it, in the group's
language (:mod:`bot.flows.reports`). Without N it is the newest decided round's. The
public page has the same report as a printable page.
"""

from __future__ import annotations

from telegram.ext import filters

from bot.domain.errors import DomainError
from bot.domain.i18n import N_
from bot.domain.rounds import Round
from bot.flows import reports
from bot.render import print_text
from bot.runtime.menu import Where
from handlers.common import Feature, Turn, numbered_round, round_number
from storage import rounds as stored_rounds

feature = Feature()


@feature.command(
    "report", Where.GROUP, menu=N_("A report of a round for the council (PDF)"), facilitator=True,
    filters=filters.UpdateType.MESSAGE,
)  # fmt: skip
async def report_command(turn: Turn) -> None:
    await turn.require_facilitator()
    round_ = await _round(turn)
    if not print_text.fonts_installed(turn.group.language):
        raise DomainError(N_("I can't draw reports here: their fonts are not installed. "
                             "Whoever runs the bot can install them (see the operators' guide)."))  # fmt: skip
    pdf, pages = await reports.report_pdf(turn.context.application, turn.group, round_.number)
    await turn.context.bot.send_document(
        turn.chat.id, document=pdf, filename=reports.file_name(round_.number), parse_mode=None,
        caption=turn.t.ngettext(
            "The report of round #{number} for the council: {count} page to print or send on.",
            "The report of round #{number} for the council: {count} pages to print or send on.",
            pages, number=round_.number),
    )  # fmt: skip


async def _round(turn: Turn) -> Round:
    """Round N, or without N the newest decided round."""
    if len(turn.args) > 1:
        raise DomainError(N_("Write just the round's number, e.g. /report 3 (or /report alone for the newest "
                             "decided round)."))  # fmt: skip
    if turn.args:
        return await numbered_round(turn, round_number(turn.args[0]))
    async with turn.db.read() as conn:
        decided = await stored_rounds.closed_rounds(conn, turn.group.id, 1)
    if not decided:
        raise DomainError(N_("No round has been decided yet. For a report on a round still open, write its "
                             "number, e.g. /report 1."))  # fmt: skip
    return decided[0]
