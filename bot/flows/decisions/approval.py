"""Approval voting in the chat: native polls, their counts, and the ranking they give.

A round's standing ideas are posted in full in a voting message, then as native polls
(tick every idea you support), as many polls as the ideas need. Ending the vote stops the
polls and stores their final counts; counting ranks the ideas with paper ballots added
(:mod:`bot.domain.decisions.approval`). A quick poll (``/poll``) is the same method
opened straight in voting, its options standing as ideas.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

from telegram import Bot, InputPollOption, Poll, ReplyParameters
from telegram.error import BadRequest, Forbidden

from bot.domain import i18n
from bot.domain.ballots import PollLayout, QuickPoll, lay_out
from bot.domain.deadline_kinds import DeadlineKind, reminder_due
from bot.domain.decisions import Decision
from bot.domain.decisions.approval import rank, voter_count
from bot.domain.durations import whole_minutes
from bot.domain.i18n import Translator
from bot.domain.inclusion import idea_words, message_link
from bot.domain.records import Group, Source
from bot.domain.rounds import Idea, Kind, Round, Stage, fold, voting_deadline
from bot.domain.text_limits import POLL_QUESTION_LENGTH, shorten
from bot.flows.idea_lines import idea_lines
from bot.runtime import deadlines
from bot.runtime.application import CoprodApplication
from bot.runtime.sending import post_blocks
from storage import Connection, members, paper, rounds, voting

log = logging.getLogger(__name__)


class Approval:
    """:class:`~bot.flows.decisions.DecisionMethod` for approval voting in native polls."""

    async def open_vote(self, app: CoprodApplication, group: Group, round_: Round, standing: Sequence[Idea]) -> None:
        await post_ballot(app, group, round_, standing)

    async def end_vote(self, app: CoprodApplication, round_: Round) -> None:
        """Stop the round's polls and store their final counts (absolute numbers: storing them
        again after a crash changes nothing)."""
        async with app.services.db.read() as conn:
            posted = await voting.polls(conn, round_.id)
        finals = [await _stop(app.bot, poll.chat_id, poll.message_id) for poll in posted if not poll.stopped]
        async with app.services.db.transaction() as conn:
            for final in filter(None, finals):
                await record_poll(conn, final)

    async def count(self, conn: Connection, round_: Round) -> Decision:
        on_paper = await paper.voters(conn, round_.id)
        voters = await round_voters(conn, round_.id) + on_paper
        return rank(await voting.tallies(conn, round_.id), voters, on_paper)

    async def freeze(self, conn: Connection, round_: Round, decision: Decision) -> None:
        await voting.freeze_results(conn, round_.id, decision)

    async def frozen(self, conn: Connection, round_: Round) -> Decision:
        return rank(await voting.frozen_tallies(conn, round_.id), round_.voter_count or 0, round_.paper_voters)

    async def voters_so_far(self, conn: Connection, round_: Round) -> int:
        return await round_voters(conn, round_.id)

    async def votable(self, conn: Connection, round_: Round, standing: Sequence[Idea]) -> list[Idea]:
        return list(standing)

    def knows_voters(self, group: Group) -> bool:
        """Telegram says who voted only in public polls."""
        return not group.anonymous_votes

    async def replied(self, app: CoprodApplication, round_: Round, *, member_id: int | None, text: str | None,
                      source: Source) -> bool:  # fmt: skip
        return False

    async def answered_privately(self, app: CoprodApplication, member_id: int, text: str | None) -> int | None:
        return None


APPROVAL = Approval()


async def _worded(app: CoprodApplication, t: Translator, ideas: Sequence[Idea]) -> list[Idea]:
    """The ideas as the polls carry them: a voice idea without words as "Voice idea N by NAME"."""
    async with app.services.db.read() as conn:
        authors = await members.names(conn, {idea.author_id for idea in ideas if idea.needs_words and idea.author_id})
    return [replace(idea, text=idea_words(t, idea, authors)) if idea.needs_words else idea for idea in ideas]


async def _point_to_voice_ideas(app: CoprodApplication, t: Translator, group: Group, ideas: Sequence[Idea]) -> None:
    """In a basic group, which has no message links, a short reply to each voice idea without
    words, so neighbours can find and listen to it before they vote."""
    if message_link(group.chat_id, 1) is not None:
        return
    for idea in ideas:
        if idea.needs_words and idea.source_message_id:
            await app.bot.send_message(
                group.chat_id, t._("Voice idea {number}: listen to it here before you vote.", number=idea.number),
                reply_parameters=ReplyParameters(idea.source_message_id, allow_sending_without_reply=True),
            )  # fmt: skip


def _voting_blocks(
    t: Translator, group: Group, round_: Round, ideas: Sequence[Idea], polls: int, lines: dict[int, str]
) -> list[str]:
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
    blocks.extend(f"{idea.number}. {lines[idea.id]}" for idea in ideas)
    return blocks


def _poll_question(t: Translator, round_: Round, layout: PollLayout, polls: int) -> str:
    if polls == 1:
        question = t._("Round #{number}: {question}", number=round_.number, question=round_.question)
    else:
        question = t._("Round #{number} ({position} of {total}): {question}", number=round_.number,
                       position=layout.position, total=polls, question=round_.question)  # fmt: skip
    return shorten(question, POLL_QUESTION_LENGTH)


async def open_quick_poll(
    app: CoprodApplication, group: Group, quick: QuickPoll, *, created_by: int | None, source: Source
) -> None:
    """A quick poll: a round that opens straight in voting, its options standing as ideas.

    The ``source`` message (the /poll) opens one round: replayed after a crash, it posts
    whatever of the ballot the crash kept from being posted.
    """
    now = app.services.clock.now()
    ends_at = quick.voting_ends_at or voting_deadline(now, group.vote_minutes)
    async with app.services.db.transaction() as conn:
        round_ = await rounds.by_source(conn, source)
        if round_ is None:
            round_ = await rounds.create(
                conn, group_id=group.id, question=quick.question, created_by=created_by,
                now=now, ideas_ends_at=None, voting_minutes=whole_minutes(ends_at - now),
                voting_ends_at=ends_at, kind=Kind.POLL, source=source,
            )  # fmt: skip
            for option in quick.options:
                await rounds.add_idea(conn, round_id=round_.id, text=option, folded=fold(option),
                                      author_id=created_by, anonymous=False, now=now)  # fmt: skip
            await deadlines.plan(
                app, conn, group_id=group.id, kind=DeadlineKind.VOTING_END, ref_id=round_.id,
                due_at=round_.voting_ends_at, remind_at=reminder_due(now, round_.voting_ends_at),
            )  # fmt: skip
        options = await rounds.ideas(conn, round_.id, standing_only=True)
    if round_.stage is Stage.VOTING:
        await post_ballot(app, group, round_, options)


async def post_ballot(app: CoprodApplication, group: Group, round_: Round, ideas: Sequence[Idea]) -> None:
    """The voting message with every idea in full, then the polls, each recorded as sent.

    What was recorded as sent before (a /poll replayed after a crash) is not sent again.
    """
    t = i18n.translator(group.language)
    layouts = lay_out(await _worded(app, t, ideas))
    if round_.voting_message_id is None:
        async with app.services.db.read() as conn:
            lines = await idea_lines(conn, t, ideas, links_in=group.chat_id)
        blocks = _voting_blocks(t, group, round_, ideas, len(layouts), lines)
        messages = await post_blocks(app.bot, group.chat_id, blocks)
        async with app.services.db.transaction() as conn:
            await rounds.set_voting_message(conn, round_.id, messages[0].message_id)
        await _point_to_voice_ideas(app, t, group, ideas)
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


async def _stop(bot: Bot, chat_id: int, message_id: int) -> Poll | None:
    """Stop one poll; its final state, or None if Telegram would not (already closed, deleted)."""
    try:
        return await bot.stop_poll(chat_id, message_id)
    except (BadRequest, Forbidden) as error:
        log.info("event=stop_poll_skipped chat_id=%s message_id=%s reason=%s", chat_id, message_id, error.message)
        return None


async def record_poll(conn: Connection, poll: Poll) -> None:
    await voting.record_poll_state(
        conn, poll.id, total_voter_count=poll.total_voter_count,
        option_counts=[option.voter_count for option in poll.options], closed=poll.is_closed,
    )  # fmt: skip


async def round_voters(conn: Connection, round_id: int) -> int:
    """How many neighbours have voted in the round so far (see :func:`bot.domain.decisions.approval.voter_count`)."""
    return voter_count(await voting.poll_totals(conn, round_id), await voting.distinct_voters(conn, round_id))
