"""A round's vote: opening it with the ballot, closing it with the results.

A round's standing ideas are posted in full in a voting message, then as native polls
(approval voting: tick every idea you support), as many polls as the ideas need. Closing
stops the polls, freezes the ranking and publishes it with a bar chart
(the top 20 ideas, their words, votes and shares; its caption says the same in words).

Both stage changes are compare-and-set in storage, so a facilitator's /vote or /close
racing the deadline (or a second facilitator) changes the round, and posts, exactly once.
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
from bot.domain.durations import whole_minutes
from bot.domain.i18n import Translator
from bot.domain.inclusion import credit, idea_words, message_link
from bot.domain.records import Deadline, Group, Source
from bot.domain.results import Results, rank, voter_count
from bot.domain.rounds import Idea, Kind, Round, Stage, fold, voting_deadline
from bot.domain.text_limits import POLL_QUESTION_LENGTH, shorten
from bot.flows import notices, site
from bot.render import charts
from bot.render.chart_words import results_chart
from bot.runtime import deadlines
from bot.runtime.application import CoprodApplication
from bot.runtime.sending import post_blocks
from storage import Connection, groups, members, paper, rounds, voting
from storage import deadlines as stored_deadlines

log = logging.getLogger(__name__)


async def idea_lines(
    conn: Connection, t: Translator, ideas: Sequence[Idea], *, links_in: int | None = None
) -> dict[int, str]:
    """Each idea as the ballot and the results show it (HTML): its words ("Voice idea N by
    NAME" for a voice idea without words), for an assisted idea the neighbour it came from,
    "NAME (via FACILITATOR)", and with ``links_in`` (a supergroup's chat id) a link to
    each voice idea's message."""
    authors = await members.names(conn, {idea.author_id for idea in ideas if idea.author_id})
    lines = {}
    for idea in ideas:
        line = idea_words(t, idea, authors, t.user_text)
        if idea.assisted_name:
            line += " — " + credit(t, idea, authors, t.user_text)
        link = message_link(links_in, idea.source_message_id) if idea.voice and links_in and idea.source_message_id else None
        if link:
            line += f' (<a href="{link}">' + t._("listen") + "</a>)"
        lines[idea.id] = line
    return lines


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


def _results_blocks(t: Translator, round_: Round, results: Results, lines: dict[int, str]) -> list[str]:
    blocks = [t._("<b>Results of round #{number}</b>: {question}", number=round_.number,
                  question=t.user_text(round_.question))]  # fmt: skip
    if not results.placings:
        blocks.append(t._("No ideas were put forward, so there was nothing to vote on."))
        return blocks
    blocks.append(t.ngettext("{count} neighbour voted.", "{count} neighbours voted.", results.voters))
    if results.paper_voters:
        blocks[-1] += " " + paper_split(t, results.online_voters, results.paper_voters)
    for placing in results.placings:
        place = t.number(placing.rank)
        blocks.append(
            t._("{place}. {idea} — {votes}, {share}",
                place=f"={place}" if placing.tied else place,
                idea=lines.get(placing.tally.idea_id) or t.user_text(placing.tally.text),
                votes=t.ngettext("{count} vote", "{count} votes", placing.tally.votes),
                share=t.percent(placing.share))
        )  # fmt: skip
        if results.paper_voters:
            blocks[-1] += " " + t._(
                "({online} online, {online_share}; {paper} on paper, {paper_share})",
                online=t.number(placing.tally.online), online_share=t.percent(placing.online_share),
                paper=t.number(placing.tally.paper), paper_share=t.percent(placing.paper_share),
            )  # fmt: skip
    return blocks


def paper_split(t: Translator, online: int, on_paper: int) -> str:
    """"(12 online, 15 on paper)": how a count divides between the polls and paper ballots."""
    return t._("({online} online, {paper} on paper)", online=t.number(online), paper=t.number(on_paper))


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
        await deadlines.plan(
            app, conn, group_id=round_.group_id, kind=DeadlineKind.VOTING_END, ref_id=round_.id, due_at=ends_at,
            remind_at=reminder_due(now, ends_at),
        )  # fmt: skip
        group = await groups.get(conn, round_.group_id)
        opened = await rounds.get(conn, round_.id)
    if not standing:
        await close_voting(app, opened)
        return True
    await post_ballot(app, group, opened, standing)
    await site.refresh(app, group.id, opened.number)
    return True


async def open_quick_poll(
    app: CoprodApplication, group: Group, quick: QuickPoll, *, created_by: int | None, source: Source
) -> None:
    """A quick poll: a round that opens straight in voting, its options standing as ideas.

    The ``source`` message (the /poll) opens one round: replayed after a crash, it posts
    whatever of the ballot the crash kept from being posted.
    """
    now = app.services.clock.now()
    minutes = whole_minutes(quick.voting) if quick.voting else group.vote_minutes
    async with app.services.db.transaction() as conn:
        round_ = await rounds.by_source(conn, source)
        if round_ is None:
            round_ = await rounds.create(
                conn, group_id=group.id, question=quick.question, created_by=created_by,
                now=now, ideas_ends_at=None, voting_minutes=minutes,
                voting_ends_at=voting_deadline(now, minutes), kind=Kind.POLL, source=source,
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
    """How many neighbours have voted in the round so far (see :func:`bot.domain.results.voter_count`)."""
    return voter_count(await voting.poll_totals(conn, round_id), await voting.distinct_voters(conn, round_id))


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
            await record_poll(conn, final)
        on_paper = await paper.voters(conn, round_.id)
        voters = await round_voters(conn, round_.id) + on_paper
        if not await rounds.close(conn, round_.id, now=now, voter_count=voters, paper_voters=on_paper):
            return False
        results = rank(await voting.tallies(conn, round_.id), voters, on_paper)
        await voting.freeze_results(conn, round_.id, results)
        await stored_deadlines.finish(conn, DeadlineKind.VOTING_END, round_.id, now)
        group = await groups.get(conn, round_.group_id)
    await publish_results(app, group, current, results)
    await site.refresh(app, group.id, current.number)
    return True


async def publish_results(app: CoprodApplication, group: Group, round_: Round, results: Results) -> None:
    t = i18n.translator(group.language)
    async with app.services.db.read() as conn:
        lines = await idea_lines(conn, t, await rounds.ideas(conn, round_.id))
    await post_blocks(app.bot, group.chat_id, _results_blocks(t, round_, results, lines))
    if results.voters and results.placings:
        chart = results_chart(t, round_, results)
        # The caption is plain text (member words unescaped), so no HTML parse mode.
        await app.bot.send_photo(group.chat_id, await charts.png(chart), caption=chart.caption, parse_mode=None)
    await notices.results_published(app, group, round_)


async def _round_of(app: CoprodApplication, deadline: Deadline) -> Round:
    async with app.services.db.read() as conn:
        return await rounds.get(conn, deadline.ref_id)


async def ideas_ended(app: CoprodApplication, deadline: Deadline) -> None:
    """The ideas stage ran out: open voting, unless a facilitator already did."""
    await open_voting(app, await _round_of(app, deadline))


async def voting_ended(app: CoprodApplication, deadline: Deadline) -> None:
    """Voting ran out: close and publish, unless a facilitator already did."""
    await close_voting(app, await _round_of(app, deadline))
