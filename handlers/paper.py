"""Paper ballots: ``/paper N IDEA=COUNT ... voters=V`` while round N is open, or a budget's
``/paper N 1+3 2 1+2+5x3`` (each paper ballot's projects) while it votes.

A facilitator counts the paper ballots of neighbours who vote without Telegram and enters
the tally; the results count it with the online votes and show both. Entering it again
replaces the tally in the results, and every tally is kept as history for the export.
"""

from __future__ import annotations

from telegram.ext import filters

from bot.domain.decisions import Method
from bot.domain.decisions.budget import parse_paper_ballots
from bot.domain.errors import DomainError
from bot.domain.i18n import N_
from bot.domain.inclusion import parse_paper
from bot.domain.numbers import parse_number
from bot.domain.rounds import IdeaStatus, Round, Stage
from bot.flows.decisions.budget import enter_paper
from bot.runtime.menu import Where
from handlers.common import Feature, Turn, numbered_round
from storage import paper
from storage import rounds as stored_rounds

feature = Feature()


@feature.command(
    "paper", Where.GROUP, menu=N_("Enter a round's paper ballots"), facilitator=True, filters=filters.UpdateType.MESSAGE
)
async def paper_command(turn: Turn) -> None:
    await turn.require_facilitator()
    if turn.args and (number := parse_number(turn.args[0])) is not None:
        chosen = await numbered_round(turn, number)
        if chosen.method is Method.BUDGET:
            await _budget_ballots(turn, chosen)
            return
        if chosen.method is Method.CONSENT:
            raise DomainError(N_("Proposal #{number} takes positions in the chat only: paper ballots are for rounds and budgets."),
                              number=chosen.number)  # fmt: skip
    entry = parse_paper(turn.args)
    round_ = await numbered_round(turn, entry.round_number)
    async with turn.db.transaction() as conn:
        if await paper.entered_by_source(conn, turn.source):
            return  # this /paper replayed after a crash: entered already
        round_ = await stored_rounds.get(conn, round_.id)
        if round_.stage is Stage.CLOSED:
            raise DomainError(
                N_("Round #{number} is closed: paper ballots are entered while it is open. Nothing was changed."),
                number=round_.number,
            )
        standing = {idea.number: idea for idea in await stored_rounds.ideas(conn, round_.id)
                    if idea.status is IdeaStatus.STANDING}  # fmt: skip
        unknown = sorted(set(entry.votes) - set(standing))
        if unknown:
            raise DomainError(
                N_("Round #{round} has no idea {number}. Nothing was changed."), round=round_.number, number=unknown[0]
            )
        replaced = bool(await paper.history(conn, round_.id))
        await paper.enter(
            conn, round_id=round_.id, voters=entry.voters,
            votes={standing[number].id: count for number, count in entry.votes.items()},
            entered_by=turn.person_id, now=turn.now, source=turn.source,
        )  # fmt: skip
    t = turn.t
    counts = ", ".join(
        t._("idea {number}: {count}", number=number, count=t.number(count)) for number, count in sorted(entry.votes.items())
    )
    text = t.ngettext(
        "Paper ballots of round #{round}: {count} voter. {counts}",
        "Paper ballots of round #{round}: {count} voters. {counts}",
        entry.voters, round=round_.number, counts=counts,
    )  # fmt: skip
    if replaced:
        text += " " + t._("This replaces the previous paper tally; the export keeps both.")
    await turn.reply(text)


async def _budget_ballots(turn: Turn, round_: Round) -> None:
    """``/paper N 1+3 2 1+2+5x3``: a budget's paper ballots, each one's projects."""
    ballots = parse_paper_ballots(turn.args[1:])
    voters = await enter_paper(turn.context.application, round_, ballots, by=turn.person_id, source=turn.source)
    await turn.reply(turn.t.ngettext(
        "Paper ballots of budget round #{round}: {count} voter. This replaces any earlier paper tally; the export keeps both.",
        "Paper ballots of budget round #{round}: {count} voters. This replaces any earlier paper tally; the export keeps both.",
        voters, round=round_.number,
    ))  # fmt: skip
