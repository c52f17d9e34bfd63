"""``/round``: a facilitator puts a question to the group; ``/edit`` and ``/extend`` put a
round right afterwards (``/cancel`` is :mod:`handlers.cancel`).

The command reads the question and its optional stages (lengths or moments, as people write
them: :mod:`bot.domain.when`), then opens the round through :func:`bot.flows.rounds.open_round`,
the one way a round in the ideas stage comes to be (a proposal with enough support opens one
the same way). The corrections are :mod:`bot.flows.corrections`.
"""

from __future__ import annotations

from telegram.ext import filters

from bot.domain import durations, when
from bot.domain.errors import DomainError
from bot.domain.i18n import N_
from bot.domain.rounds import (
    TOO_LATE,
    TOO_SOON,
    Stage,
    check_question,
    plan_stages,
    read_stages,
    require_open,
)
from bot.flows import corrections
from bot.flows.rounds import open_round
from bot.runtime.menu import Where
from handlers.common import (
    Feature,
    Turn,
    command_text,
    round_and_rest,
)

feature = Feature()

_NEW_MESSAGE = filters.UpdateType.MESSAGE

EDIT_USAGE = N_("Write the round's number and its new question, e.g. /edit 3 Where should the new bench go?")
EXTEND_USAGE = N_("Write the round's number and when its stage should end, e.g. /extend 3 2d or /extend 3 Friday 18:00.")


@feature.command(
    "round", Where.GROUP, menu=N_("Put a question to the group"), facilitator=True, filters=_NEW_MESSAGE
)
async def round_command(turn: Turn) -> None:
    await turn.require_facilitator()
    text = command_text(turn)
    stages, question = read_stages(turn.reader(), text)
    question = check_question(question)
    plan = plan_stages(stages, text, now=turn.now, ideas_minutes=turn.group.ideas_minutes)
    await open_round(
        turn.context.application, turn.group, question, created_by=turn.person_id, plan=plan, source=turn.source
    )


@feature.command(
    "edit", Where.GROUP, menu=N_("Correct a round's question"), facilitator=True, filters=_NEW_MESSAGE
)
async def edit_command(turn: Turn) -> None:
    """``/edit N question``: while ideas come in, the round asks the new question; its ideas stay."""
    await turn.require_facilitator()
    round_, rest = await round_and_rest(turn, EDIT_USAGE)
    if not rest.strip():
        raise DomainError(EDIT_USAGE)
    edited = await corrections.edit_question(
        turn.context.application, round_, check_question(rest), by=turn.person_id, source=turn.source
    )
    await turn.reply(turn.t._("Round #{number} now asks: {question}\nIts ideas stay as they are.",
                              number=edited.number, question=turn.t.user_text(edited.question)))  # fmt: skip


@feature.command(
    "extend", Where.GROUP, menu=N_("Move the deadline of a round's stage"), facilitator=True, filters=_NEW_MESSAGE
)
async def extend_command(turn: Turn) -> None:
    """``/extend N WHEN``: a length is added to the stage's deadline, a moment becomes it."""
    await turn.require_facilitator()
    round_, rest = await round_and_rest(turn, EXTEND_USAGE)
    if not rest.strip():
        raise DomainError(EXTEND_USAGE)
    require_open(round_)
    said = turn.reader().whole(rest, refusal=when.STAGE_EXAMPLES)
    due = when.within(said, rest, start=turn.now, base=round_.deadline, shortest=durations.STAGE_MIN,
                      longest=durations.STAGE_MAX, too_short=TOO_SOON, too_long=TOO_LATE)  # fmt: skip
    moved = await corrections.move_deadline(turn.context.application, round_, due, by=turn.person_id, source=turn.source)
    t = turn.t
    message = (N_("Round #{number}: ideas now close {when} ({relative}).") if moved.stage is Stage.IDEAS
               else N_("Round #{number}: voting now closes {when} ({relative})."))  # fmt: skip
    await turn.reply(t._(message, number=moved.number, when=t.when(moved.deadline, turn.group.timezone, now=turn.now),
                         relative=t.relative(moved.deadline - turn.now)))  # fmt: skip
