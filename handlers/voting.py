"""Voting on a round: /vote, /close, /poll, and the polls' updates.

Opening and closing the vote are flows (:mod:`bot.flows.voting`), shared with the stage
deadlines. Counts come back as ``poll`` and ``poll_answer`` updates and are stored as they
arrive (absolute numbers, so a repeat changes nothing).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import PollAnswerHandler, PollHandler, filters

from bot.domain.ballots import (
    parse_quick_poll,
)
from bot.domain.errors import DomainError
from bot.domain.i18n import N_
from bot.domain.rounds import (
    NO_ROUND_COLLECTING,
    Round,
    Stage,
    require_stage,
)
from bot.flows.decisions.approval import open_quick_poll, record_poll
from bot.flows.voting import close_voting, open_voting
from bot.runtime.application import CoprodContext
from bot.runtime.menu import Where
from handlers.common import (
    Feature,
    Turn,
    command_text,
    numbered_round,
    round_number,
)
from storage import rounds, voting

feature = Feature()

NO_ROUND_IN_STAGE = {
    Stage.IDEAS: NO_ROUND_COLLECTING,
    Stage.VOTING: N_("No round is voting right now."),
}


# ------------------------------------------------------------------ rounds by number


async def chosen_round(turn: Turn, stage: Stage) -> Round:
    """Round N from the command's first argument, or the newest open round in ``stage``."""
    if turn.args:
        found = await numbered_round(turn, round_number(turn.args[0]))
    else:
        async with turn.db.read() as conn:
            candidates = [r for r in await rounds.open_rounds(conn, turn.group.id) if r.stage is stage]
        if not candidates:
            raise DomainError(NO_ROUND_IN_STAGE[stage])
        found = candidates[-1]
    require_stage(found, stage)
    return found


async def refuse_moved_on(turn: Turn, round_: Round, stage: Stage) -> None:
    """Someone else moved the round on between our check and our change: say where it is."""
    async with turn.db.read() as conn:
        require_stage(await rounds.get(conn, round_.id), stage)


# ------------------------------------------------------------------------ commands


@feature.command(
    "vote", Where.GROUP, menu=N_("Close ideas and start the vote"), facilitator=True, filters=filters.UpdateType.MESSAGE
)
async def vote_command(turn: Turn) -> None:
    await turn.require_facilitator()
    round_ = await chosen_round(turn, Stage.IDEAS)
    if not await open_voting(turn.context.application, round_):
        await refuse_moved_on(turn, round_, Stage.IDEAS)


@feature.command(
    "close",
    Where.GROUP,
    menu=N_("End the vote and share the results"),
    facilitator=True,
    filters=filters.UpdateType.MESSAGE,
)
async def close_command(turn: Turn) -> None:
    await turn.require_facilitator()
    round_ = await chosen_round(turn, Stage.VOTING)
    if not await close_voting(turn.context.application, round_):
        await refuse_moved_on(turn, round_, Stage.VOTING)


@feature.command(
    "poll", Where.GROUP, menu=N_("Quick vote on a few options"), facilitator=True, filters=filters.UpdateType.MESSAGE
)
async def poll_command(turn: Turn) -> None:
    """A quick poll: a round that opens straight in voting, its options standing as ideas."""
    await turn.require_facilitator()
    quick = parse_quick_poll(command_text(turn))
    await open_quick_poll(turn.context.application, turn.group, quick, created_by=turn.person_id, source=turn.source)


# ------------------------------------------------------------------- poll updates


@feature.on(PollHandler)
async def poll_changed(update: Update, context: CoprodContext) -> None:
    """New counts of one of our polls (absolute numbers, so a repeat changes nothing)."""
    if update.poll is None:
        return
    async with context.services.db.transaction() as conn:
        await record_poll(conn, update.poll)


@feature.on(PollAnswerHandler)
async def poll_answered(update: Update, context: CoprodContext) -> None:
    """A voter's choice in a public poll: exact distinct voters across a round's polls."""
    answer = update.poll_answer
    if answer is None:
        return
    voter = answer.user.id if answer.user is not None else answer.voter_chat.id
    async with context.services.db.transaction() as conn:
        await voting.record_ballot(
            conn, answer.poll_id, voter_id=voter, option_indexes=answer.option_ids,
            now=context.services.clock.now(),
        )  # fmt: skip
