"""``/round``: a facilitator puts a question to the group, and the round's prompt message.

The command checks the question and its optional stage durations, then opens the round
through :func:`bot.flows.rounds.open_round`, the one way a round in the ideas stage comes to
be (a proposal with enough support opens one the same way).
"""

from __future__ import annotations

import datetime as dt

from telegram.ext import filters

from bot.domain.durations import whole_minutes
from bot.domain.i18n import N_
from bot.domain.rounds import check_question, split_stage_durations
from bot.flows.rounds import open_round
from bot.runtime.menu import Where
from handlers.common import Feature, Turn, command_text

feature = Feature()


@feature.command(
    "round", Where.GROUP, menu=N_("Put a question to the group"), facilitator=True, filters=filters.UpdateType.MESSAGE
)
async def round_command(turn: Turn) -> None:
    await turn.require_facilitator()
    durations, question = split_stage_durations(command_text(turn))
    question = check_question(question)
    ideas, vote = (durations + [None, None])[:2]
    await open_round(
        turn.context.application,
        turn.group,
        question,
        created_by=turn.person_id,
        ideas_minutes=_minutes(ideas),
        vote_minutes=_minutes(vote),
        source=turn.source,
    )


def _minutes(duration: dt.timedelta | None) -> int | None:
    return None if duration is None else whole_minutes(duration)
