"""Voting on a round: /vote, /close, /poll, /runoff, and the polls' updates.

Opening and closing the vote are flows (:mod:`bot.flows.voting`), shared with the stage
deadlines. Counts come back as ``poll`` and ``poll_answer`` updates and are stored as they
arrive (absolute numbers, so a repeat changes nothing).
"""

from __future__ import annotations

import datetime as dt

from telegram import Update
from telegram.ext import PollAnswerHandler, PollHandler, filters

from bot.domain import when
from bot.domain.ballots import QuickPoll, parse_quick_poll
from bot.domain.errors import DomainError
from bot.domain.i18n import N_, Translator
from bot.domain.records import Choice
from bot.domain.rounds import (
    MAX_QUESTION_LENGTH,
    NO_ROUND_COLLECTING,
    Round,
    Stage,
    require_stage,
    stage_end,
)
from bot.domain.text_limits import shorten
from bot.flows.decisions import method_of
from bot.flows.decisions.approval import open_quick_poll, record_poll
from bot.flows.voting import close_voting, open_voting
from bot.runtime.application import CoprodContext
from bot.runtime.menu import Where
from handlers.common import (
    AskWhich,
    Feature,
    Turn,
    command_text,
    numbered_round,
    round_label,
    round_number,
)
from storage import rounds, voting

feature = Feature()

NO_ROUND_IN_STAGE = {
    Stage.IDEAS: NO_ROUND_COLLECTING,
    Stage.VOTING: N_("No round is voting right now."),
}


# ------------------------------------------------------------------ rounds by number

REPEAT_WITHIN = dt.timedelta(minutes=1)  # a /vote this soon after another is a double tap
_NOW_WORDS = N_("now")


async def chosen_round(turn: Turn, stage: Stage, command: str, numbers: list[str]) -> Round:
    """Round N from the command, or the round replied to, or the one round in ``stage``;
    with several in ``stage``, the sender is asked which (each button the command with N)."""
    if numbers:
        found = await numbered_round(turn, round_number(numbers[0]))
        require_stage(found, stage)
        return found
    replied = turn.message.reply_to_message if turn.said is None and turn.message else None
    async with turn.db.read() as conn:
        found = await rounds.by_prompt(conn, turn.group.id, replied.message_id) if replied else None
        candidates = [r for r in await rounds.open_rounds(conn, turn.group.id) if r.stage is stage]
    if found is not None:
        require_stage(found, stage)
        return found
    if not candidates:
        raise DomainError(NO_ROUND_IN_STAGE[stage])
    if len(candidates) == 1:
        return candidates[0]
    question = (N_("Several rounds are collecting ideas. Which one should start voting?") if stage is Stage.IDEAS
                else N_("Several rounds are voting. Which one should close?"))  # fmt: skip
    raise AskWhich(question, [Choice(round_label(turn.t, r), command.format(number=r.number)) for r in candidates])


async def refuse_moved_on(turn: Turn, round_: Round, stage: Stage) -> None:
    """Someone else moved the round on between our check and our change: say where it is."""
    async with turn.db.read() as conn:
        require_stage(await rounds.get(conn, round_.id), stage)


async def _refuse_a_double_tap(turn: Turn) -> None:
    """A bare /vote within a minute of a round's vote opening is the same /vote sent twice:
    it never opens another round's vote (its number says so)."""
    async with turn.db.read() as conn:
        recent = await rounds.started_voting_since(conn, turn.group.id, turn.now - REPEAT_WITHIN)
        waiting = [r for r in await rounds.open_rounds(conn, turn.group.id) if r.stage is Stage.IDEAS]
    if recent and waiting:
        raise DomainError(
            N_("Round #{number} started voting a moment ago. To start the vote of another round too, "
               "write its number, for example /vote {other}."),
            number=recent[-1].number, other=waiting[0].number,
        )  # fmt: skip


# ------------------------------------------------------------------------ commands


@feature.command(
    "vote", Where.GROUP, menu=N_("Close ideas and start the vote"), facilitator=True, filters=filters.UpdateType.MESSAGE
)
async def vote_command(turn: Turn) -> None:
    await turn.require_facilitator()
    replied = turn.said is None and turn.message.reply_to_message is not None
    if not turn.args and not replied:
        await _refuse_a_double_tap(turn)
    round_ = await chosen_round(turn, Stage.IDEAS, "/vote {number}", turn.args)
    if not await open_voting(turn.context.application, round_):
        await refuse_moved_on(turn, round_, Stage.IDEAS)


def _said_now(t: Translator, words: list[str]) -> tuple[bool, list[str]]:
    """Whether ``/close`` was told to close ``now`` (no question asked), and its other words."""
    now_words = {part.casefold() for text in (_NOW_WORDS, t._(_NOW_WORDS)) for part in text.split("|")}
    rest = [word for word in words if word.casefold() not in now_words]
    return len(rest) < len(words), rest


@feature.command(
    "close",
    Where.GROUP,
    menu=N_("End the vote and share the results"),
    facilitator=True,
    filters=filters.UpdateType.MESSAGE,
)
async def close_command(turn: Turn) -> None:
    """Closing ends the vote before its deadline, so the bot asks first (``/close N now`` does not)."""
    await turn.require_facilitator()
    confirmed, numbers = _said_now(turn.t, turn.args)
    round_ = await chosen_round(turn, Stage.VOTING, "/close {number} now", numbers)
    deadline = round_.deadline
    if not confirmed and deadline is not None and deadline > turn.now:
        async with turn.db.read() as conn:
            voters = await method_of(round_).voters_so_far(conn, round_)
        raise AskWhich(
            N_("Close round #{number} now? Voting was to stay open until {when}; {voters} so far."),
            [Choice(turn.t._("Close it now"), f"/close {round_.number} now")],
            number=round_.number, when=deadline,
            voters=turn.t.ngettext("{count} neighbour has voted", "{count} neighbours have voted", voters),
        )  # fmt: skip
    if not await close_voting(turn.context.application, round_):
        await refuse_moved_on(turn, round_, Stage.VOTING)


@feature.command(
    "poll", Where.GROUP, menu=N_("Quick vote on a few options"), facilitator=True, filters=filters.UpdateType.MESSAGE
)
async def poll_command(turn: Turn) -> None:
    """A quick poll: a round that opens straight in voting, its options standing as ideas."""
    await turn.require_facilitator()
    quick = parse_quick_poll(turn.reader(), command_text(turn))
    await open_quick_poll(turn.context.application, turn.group, quick, created_by=turn.person_id, source=turn.source)


RUNOFF_USAGE = N_("Write the number of the round whose first place is tied, e.g. /runoff 3 (or /runoff 3 1d).")


@feature.command(
    "runoff", Where.GROUP, menu=N_("A short vote between ideas tied for first"), facilitator=True,
    filters=filters.UpdateType.MESSAGE,
)  # fmt: skip
async def runoff_command(turn: Turn) -> None:
    """``/runoff N [VOTE]``: a quick poll of the ideas tied for first place in round N."""
    await turn.require_facilitator()
    parts = command_text(turn).split(maxsplit=1)
    if not parts:
        raise DomainError(RUNOFF_USAGE)
    round_ = await numbered_round(turn, round_number(parts[0]))
    require_stage(round_, Stage.CLOSED)
    async with turn.db.read() as conn:
        tied = (await method_of(round_).frozen(conn, round_)).winners
    if len(tied) < 2:
        raise DomainError(N_("Round #{number} has no tie for first place, so there is nothing to run off."),
                          number=round_.number)  # fmt: skip
    t = turn.t
    question = shorten(t._("Run-off of round #{number}: {question}", number=round_.number, question=round_.question),
                       MAX_QUESTION_LENGTH)  # fmt: skip
    options = [placing.tally.text or t._("voice idea {number}", number=placing.tally.number) for placing in tied]
    vote = parts[1].strip() if len(parts) > 1 else ""
    ends_at = stage_end(turn.reader().whole(vote, refusal=when.STAGE_EXAMPLES), vote, start=turn.now) if vote else None
    poll = QuickPoll(ends_at, question, tuple(options))
    await open_quick_poll(turn.context.application, turn.group, poll, created_by=turn.person_id, source=turn.source)


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
