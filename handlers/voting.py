"""Voting on a round: /vote, /close, /poll, the polls' updates, and the stage deadlines.

A round's standing ideas are posted in full in a voting message, then as native polls
(approval voting: tick every idea you support), as many polls as the ideas need. Counts
come back as ``poll`` and ``poll_answer`` updates and are stored as they arrive. Closing
stops the polls, freezes the ranking and publishes it with a bar chart.

Both stage changes are compare-and-set in storage, so a facilitator's /vote or /close
racing the deadline (or a second facilitator) changes the round, and posts, exactly once.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from telegram import InputPollOption, Message, Poll, Update
from telegram.constants import MessageLimit, PollLimit
from telegram.error import BadRequest, Forbidden
from telegram.ext import (
    Application,
    CommandHandler,
    PollAnswerHandler,
    PollHandler,
    filters,
)

from bot.domain import i18n
from bot.domain.ballots import (
    PollLayout,
    lay_out,
    pack_messages,
    parse_quick_poll,
    shorten,
    visible_length,
)
from bot.domain.deadline_kinds import DeadlineKind
from bot.domain.durations import whole_minutes
from bot.domain.errors import DomainError
from bot.domain.i18n import N_, Translator
from bot.domain.records import Deadline, Group
from bot.domain.results import Results, rank
from bot.domain.rounds import Idea, Kind, Round, Stage, require_stage, voting_deadline
from bot.runtime.charts import bar_chart
from bot.runtime.deadlines import on_deadline, schedule
from handlers.common import Scope, Turn, command
from handlers.ideas import NO_ROUND_COLLECTING, author_id
from handlers.rounds import command_text, numbered_round, round_number
from storage import deadlines as stored_deadlines
from storage import groups, rounds, voting

if TYPE_CHECKING:
    import aiosqlite
    from telegram import Bot

    from bot.app import CoprodApplication, CoprodContext

log = logging.getLogger(__name__)

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


# ------------------------------------------------------------------------- messages


async def post_blocks(bot: Bot, chat_id: int, blocks: Sequence[str]) -> list[Message]:
    """Post lines as few messages as Telegram's length limit allows, in order."""
    return [
        await bot.send_message(chat_id, text)
        for text in pack_messages(blocks, MessageLimit.MAX_TEXT_LENGTH, visible_length)
    ]


def _voting_blocks(t: Translator, group: Group, round_: Round, ideas: Sequence[Idea], polls: int) -> list[str]:
    ends_at = round_.voting_ends_at
    blocks = [
        t._("<b>Voting is open for round #{number}</b>: {question}", number=round_.number,
            question=t.user_text(round_.question)),
        t.ngettext("Tick every idea you support; they are in {count} poll below.",
                   "Tick every idea you support; they are spread over {count} polls below.", polls),
    ]  # fmt: skip
    if ends_at is not None:
        blocks.append(
            t._("Voting closes {when} ({relative}).", when=t.when(ends_at, group.timezone),
                relative=t.relative(ends_at - round_.voting_started_at))
        )  # fmt: skip
    blocks.append("")
    blocks.extend(f"{idea.number}. {t.user_text(idea.text)}" for idea in ideas)
    return blocks


def _poll_question(t: Translator, round_: Round, layout: PollLayout, polls: int) -> str:
    if polls == 1:
        question = t._("Round #{number}: {question}", number=round_.number, question=round_.question)
    else:
        question = t._("Round #{number} ({position} of {total}): {question}", number=round_.number,
                       position=layout.position, total=polls, question=round_.question)  # fmt: skip
    return shorten(question, PollLimit.MAX_QUESTION_LENGTH)


def _results_blocks(t: Translator, round_: Round, results: Results) -> list[str]:
    blocks = [t._("<b>Results of round #{number}</b>: {question}", number=round_.number,
                  question=t.user_text(round_.question))]  # fmt: skip
    if not results.placings:
        blocks.append(t._("No ideas were put forward, so there was nothing to vote on."))
        return blocks
    blocks.append(t.ngettext("{count} neighbour voted.", "{count} neighbours voted.", results.voters))
    for placing in results.placings:
        place = t.number(placing.rank)
        blocks.append(
            t._("{place}. {idea} — {votes}, {share}",
                place=f"={place}" if placing.tied else place,
                idea=t.user_text(placing.tally.text),
                votes=t.ngettext("{count} vote", "{count} votes", placing.tally.votes),
                share=t.percent(placing.share))
        )  # fmt: skip
    return blocks


async def _results_chart(results: Results) -> bytes:
    """Votes per idea, labelled by idea number; the texts are in the results message."""
    return await bar_chart(
        [f"#{placing.tally.number}" for placing in results.placings],
        [placing.tally.votes for placing in results.placings],
    )


# ------------------------------------------------------------------ opening voting


async def open_voting(app: CoprodApplication, round_: Round) -> bool:
    """ideas -> voting, and post the ballot; False if the round was no longer collecting ideas.

    A round without standing ideas has nothing to vote on: it closes at once and says so.
    """
    services = app.services
    now = services.clock.now()
    ends_at = voting_deadline(now, round_.voting_minutes)
    async with services.db.transaction() as conn:
        if not await rounds.start_voting(conn, round_.id, now=now, ends_at=ends_at):
            return False
        await stored_deadlines.finish(conn, DeadlineKind.IDEAS_END, round_.id, now)
        standing = await rounds.ideas(conn, round_.id, standing_only=True)
        deadline = await stored_deadlines.set_due(
            conn, group_id=round_.group_id, kind=DeadlineKind.VOTING_END, ref_id=round_.id, due_at=ends_at
        )
        group = await groups.get(conn, round_.group_id)
        opened = await rounds.get(conn, round_.id)
    if not standing:
        await close_voting(app, opened)
        return True
    schedule(app, deadline)
    await post_ballot(app, group, opened, standing)
    return True


async def post_ballot(app: CoprodApplication, group: Group, round_: Round, ideas: Sequence[Idea]) -> None:
    """The voting message with every idea in full, then the polls, each recorded as sent.

    What was recorded as sent before (a /poll replayed after a crash) is not sent again.
    """
    t = i18n.translator(group.language)
    layouts = lay_out(ideas)
    if round_.voting_message_id is None:
        messages = await post_blocks(app.bot, group.chat_id, _voting_blocks(t, group, round_, ideas, len(layouts)))
        async with app.services.db.transaction() as conn:
            await rounds.set_voting_message(conn, round_.id, messages[0].message_id)
    async with app.services.db.read() as conn:
        posted = {poll.position for poll in await voting.polls(conn, round_.id)}
    for layout in (layout for layout in layouts if layout.position not in posted):
        message = await app.bot.send_poll(
            group.chat_id,
            _poll_question(t, round_, layout, len(layouts)),
            [InputPollOption(option.label, text_parse_mode=None) for option in layout.options],
            question_parse_mode=None,
            is_anonymous=group.anonymous_votes,
            allows_multiple_answers=True,
            hide_results_until_closes=True,
        )
        async with app.services.db.transaction() as conn:
            await voting.add_poll(
                conn, poll_id=message.poll.id, round_id=round_.id, layout=layout,
                chat_id=group.chat_id, message_id=message.message_id,
            )  # fmt: skip
            closed_meanwhile = (await rounds.get(conn, round_.id)).stage is not Stage.VOTING
        if closed_meanwhile:  # a /close came in while the polls were going out
            await _stop(app.bot, group.chat_id, message.message_id)
            return


# ------------------------------------------------------------------ closing voting


async def _stop(bot: Bot, chat_id: int, message_id: int) -> Poll | None:
    """Stop one poll; its final state, or None if Telegram would not (already closed, deleted)."""
    try:
        return await bot.stop_poll(chat_id, message_id)
    except (BadRequest, Forbidden) as error:
        log.info("event=stop_poll_skipped chat_id=%s message_id=%s reason=%s", chat_id, message_id, error.message)
        return None


async def _record_poll(conn: aiosqlite.Connection, poll: Poll) -> None:
    await voting.record_poll_state(
        conn, poll.id, total_voter_count=poll.total_voter_count,
        option_counts=[option.voter_count for option in poll.options], closed=poll.is_closed,
    )  # fmt: skip


async def close_voting(app: CoprodApplication, round_: Round) -> bool:
    """voting -> closed: stop the polls, freeze and publish the results; False if not voting."""
    services = app.services
    async with services.db.read() as conn:
        current = await rounds.get(conn, round_.id)
        posted = await voting.polls(conn, round_.id)
    if current.stage is not Stage.VOTING:
        return False
    finals = [await _stop(app.bot, poll.chat_id, poll.message_id) for poll in posted if not poll.stopped]
    now = services.clock.now()
    async with services.db.transaction() as conn:
        for final in filter(None, finals):
            await _record_poll(conn, final)
        voters = await voting.round_voters(conn, round_.id)
        if not await rounds.close(conn, round_.id, now=now, voter_count=voters):
            return False
        results = rank(await voting.tallies(conn, round_.id), voters)
        await voting.freeze_results(conn, round_.id, results)
        await stored_deadlines.finish(conn, DeadlineKind.VOTING_END, round_.id, now)
        group = await groups.get(conn, round_.group_id)
    await publish_results(app, group, current, results)
    return True


async def publish_results(app: CoprodApplication, group: Group, round_: Round, results: Results) -> None:
    t = i18n.translator(group.language)
    await post_blocks(app.bot, group.chat_id, _results_blocks(t, round_, results))
    if results.voters and results.placings:
        chart = await _results_chart(results)
        await app.bot.send_photo(
            group.chat_id, chart, caption=t._("Results of round #{number}", number=round_.number)
        )


# ------------------------------------------------------------------------ commands


@command(Scope.GROUP)
async def vote_command(turn: Turn) -> None:
    await turn.require_facilitator()
    round_ = await chosen_round(turn, Stage.IDEAS)
    if not await open_voting(turn.context.application, round_):
        await refuse_moved_on(turn, round_, Stage.IDEAS)


@command(Scope.GROUP)
async def close_command(turn: Turn) -> None:
    await turn.require_facilitator()
    round_ = await chosen_round(turn, Stage.VOTING)
    if not await close_voting(turn.context.application, round_):
        await refuse_moved_on(turn, round_, Stage.VOTING)


@command(Scope.GROUP)
async def poll_command(turn: Turn) -> None:
    """A quick poll: a round that opens straight in voting, its options standing as ideas."""
    await turn.require_facilitator()
    quick = parse_quick_poll(command_text(turn))
    group = turn.group
    minutes = whole_minutes(quick.voting) if quick.voting else group.vote_minutes
    async with turn.db.transaction() as conn:
        round_ = await rounds.by_source(conn, turn.source)  # found: this /poll replayed after a crash
        deadline = None
        if round_ is None:
            round_ = await rounds.create(
                conn, group_id=group.id, question=quick.question, created_by=author_id(turn),
                now=turn.now, ideas_ends_at=None, voting_minutes=minutes, kind=Kind.POLL, source=turn.source,
            )  # fmt: skip
            for option in quick.options:
                await rounds.add_idea(conn, round_id=round_.id, text=option, author_id=author_id(turn),
                                      anonymous=False, now=turn.now)  # fmt: skip
            deadline = await stored_deadlines.set_due(
                conn, group_id=group.id, kind=DeadlineKind.VOTING_END, ref_id=round_.id,
                due_at=round_.voting_ends_at,
            )  # fmt: skip
        options = await rounds.ideas(conn, round_.id, standing_only=True)
    app = turn.context.application
    if deadline is not None:
        schedule(app, deadline)
    if round_.stage is Stage.VOTING:
        await post_ballot(app, group, round_, options)


# ------------------------------------------------------------------- poll updates


async def poll_changed(update: Update, context: CoprodContext) -> None:
    """New counts of one of our polls (absolute numbers, so a repeat changes nothing)."""
    if update.poll is None:
        return
    async with context.services.db.transaction() as conn:
        await _record_poll(conn, update.poll)


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


# ------------------------------------------------------------------------ deadlines


async def _round_of(app: CoprodApplication, deadline: Deadline) -> Round:
    async with app.services.db.read() as conn:
        return await rounds.get(conn, deadline.ref_id)


async def ideas_ended(app: CoprodApplication, deadline: Deadline) -> None:
    """The ideas stage ran out: open voting, unless a facilitator already did."""
    await open_voting(app, await _round_of(app, deadline))


async def voting_ended(app: CoprodApplication, deadline: Deadline) -> None:
    """Voting ran out: close and publish, unless a facilitator already did."""
    await close_voting(app, await _round_of(app, deadline))


def register(app: Application) -> None:
    new_messages = filters.UpdateType.MESSAGE
    app.add_handler(CommandHandler("vote", vote_command, filters=new_messages))
    app.add_handler(CommandHandler("close", close_command, filters=new_messages))
    app.add_handler(CommandHandler("poll", poll_command, filters=new_messages))
    app.add_handler(PollHandler(poll_changed))
    app.add_handler(PollAnswerHandler(poll_answered))
    on_deadline(app, DeadlineKind.IDEAS_END, ideas_ended)
    on_deadline(app, DeadlineKind.VOTING_END, voting_ended)
