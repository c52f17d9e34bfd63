"""Summaries: the text and charts of a period, and the scheduled summary deadline.

The next scheduled summary of a group is a ``summary`` deadline (a named JobQueue job,
see :mod:`bot.runtime.scheduling`). When it fires, the summary of the period since the
previous one is built (:mod:`bot.domain.summary`), posted unless nothing happened, and the
next one is planned in the group's time zone. A bar chart of closed rounds' results and of
hours per week goes with the text when there is something to draw.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace

from telegram import Bot
from telegram.error import TelegramError

from bot.domain import i18n
from bot.domain.deadline_kinds import DeadlineKind
from bot.domain.decisions import Method
from bot.domain.i18n import Translator
from bot.domain.outcomes import OutcomeStatus, status_text
from bot.domain.placings import ranked
from bot.domain.records import Deadline, Group
from bot.domain.rounds import Stage
from bot.domain.settings import SummarySchedule
from bot.domain.summary import Activity, OpenRound, Summary, build, period_start
from bot.flows import site
from bot.flows.decision_words import decision_line
from bot.flows.decisions import method_of
from bot.flows.idea_lines import paper_split
from bot.render import charts
from bot.render.chart_words import hours_chart, leading_ideas_chart
from bot.runtime import deadlines, scheduling
from bot.runtime.application import CoprodApplication
from bot.runtime.sending import post_blocks
from storage import Connection, groups, rounds
from storage import deadlines as stored_deadlines
from storage import summary as stored

log = logging.getLogger(__name__)


def _open_round_line(t: Translator, group: Group, round_: OpenRound) -> str:
    question = t.user_text(round_.question)
    when = t.when(round_.deadline, group.timezone) if round_.deadline else "—"
    if round_.stage is Stage.IDEAS:
        return t._("• #{number} {question}: collecting ideas until {when}; {ideas} from {people}",
                   number=round_.number, question=question, when=when,
                   ideas=t.ngettext("{count} idea", "{count} ideas", round_.ideas),
                   people=t.ngettext("{count} neighbour", "{count} neighbours", round_.participants))  # fmt: skip
    return t._("• #{number} {question}: voting until {when}; {voters} so far",
               number=round_.number, question=question, when=when,
               voters=t.ngettext("{count} neighbour has voted", "{count} neighbours have voted",
                                 round_.participants))  # fmt: skip


def summary_blocks(t: Translator, group: Group, summary: Summary, site_url: str | None = None) -> list[str]:
    """The summary as lines of HTML, section by section; empty sections are left out. It ends
    with the public page's address when the group has one (``COPROD_SITE_URL`` set, page on)."""
    blocks = [t._("<b>What happened since {since}</b>", since=t.when(summary.since, group.timezone))]
    if summary.open_rounds:
        blocks += ["", t._("<b>Open rounds</b>")]
        blocks += [_open_round_line(t, group, round_) for round_ in summary.open_rounds]
    if summary.closed_rounds:
        blocks += ["", t._("<b>Rounds closed</b>")]
        for closed in summary.closed_rounds:
            blocks.append(t._("• #{number} {question}: {voters}", number=closed.number,
                              question=t.user_text(closed.question),
                              voters=t.ngettext("{count} neighbour voted", "{count} neighbours voted",
                                                closed.voters)))  # fmt: skip
            if closed.paper_voters:
                blocks[-1] += " " + paper_split(t, closed.voters - closed.paper_voters, closed.paper_voters)
            decided = decision_line(t, closed.decision) if closed.decision is not None else None
            if decided is not None:
                blocks.append("   " + decided)
                continue
            blocks += [
                t._("   {placed} — {votes}", placed=ranked(t, idea.rank, idea.tied, idea.number, t.user_text(idea.text)),
                    votes=t.ngettext("{count} vote", "{count} votes", idea.votes))
                + (" " + paper_split(t, idea.votes - idea.paper, idea.paper) if closed.paper_voters else "")
                for idea in (closed.top if closed.voters else ())
            ]  # fmt: skip
            if not closed.voters:
                blocks.append("   " + t._("Nobody voted."))
    if summary.outcomes:
        blocks += ["", t._("<b>You said, we did</b>")]
        blocks += [
            t._("• #{number} {question} ({status}): {outcome}", number=outcome.round_number,
                question=t.user_text(outcome.question), outcome=t.user_text(outcome.text),
                status=status_text(t, OutcomeStatus(outcome.status), outcome.progress))
            for outcome in summary.outcomes
        ]  # fmt: skip
    if summary.waiting_outcomes:
        blocks += ["", t._("<b>Waiting for an update</b>")]
        blocks += [
            t._("• #{number} {question}: /outcome {number}", number=ref.number, question=t.user_text(ref.question))
            for ref in summary.waiting_outcomes
        ]
    if summary.minutes_confirmed or summary.pending_confirmations:
        blocks += ["", t._("<b>Time given</b>")]
    if summary.minutes_confirmed:
        blocks.append(t._("{hours} of volunteering confirmed, by {people}.",
                          hours=t.duration(summary.minutes_confirmed),
                          people=t.ngettext("{count} neighbour", "{count} neighbours", summary.volunteers)))  # fmt: skip
        if summary.top_contributors:
            names = ", ".join(
                t._("{name} ({hours})", name=t.user_text(person.name), hours=t.duration(person.minutes))
                for person in summary.top_contributors
            )
            blocks.append(t._("Thank you, {names}!", names=names))
    blocks += [
        t._("{hours} given to round #{number} {question}.", hours=t.duration(ref.minutes), number=ref.number,
            question=t.user_text(ref.question))
        for ref in summary.round_hours
    ]  # fmt: skip
    if summary.pending_confirmations:
        blocks.append(t.ngettext(
            "{count} entry of volunteered time is waiting for a neighbour to confirm it.",
            "{count} entries of volunteered time are waiting for a neighbour to confirm them.",
            summary.pending_confirmations))  # fmt: skip
    if summary.needs_met or summary.open_needs:
        blocks += ["", t._("<b>Neighbours helping neighbours</b>")]
        blocks += [
            t._("• Need #{number} met: {what} ({hours})", number=met.number, what=t.user_text(met.text),
                hours=t.duration(met.minutes))
            for met in summary.needs_met
        ]  # fmt: skip
        if summary.open_needs:
            blocks.append(t.ngettext("{count} need is still open: see /board.",
                                     "{count} needs are still open: see /board.", summary.open_needs))  # fmt: skip
    if summary.proposals:
        blocks += ["", t._("<b>Proposals waiting for support</b>")]
        blocks += [
            t._("• {question}: {supporters} of {needed}, until {when}", question=t.user_text(proposal.question),
                supporters=t.number(proposal.supporters), needed=t.number(proposal.needed),
                when=t.when(proposal.expires_at, group.timezone))
            for proposal in summary.proposals
        ]  # fmt: skip
    page = site.page_line(t, site_url, group)
    if page is not None:
        blocks += ["", page]
    return blocks


async def activity(conn: Connection, group: Group, *, since: dt.datetime, until: dt.datetime) -> Activity:
    """What the summary of the period reads: storage's records, and each closed round that
    was not decided by approval with its frozen decision (a verdict, what was funded)."""
    found = await stored.activity(conn, group, since=since, until=until)
    closed = []
    for round_ in found.closed_rounds:
        if round_.method is not Method.APPROVAL:
            full = await rounds.get(conn, round_.round_id)
            round_ = replace(round_, decision=await method_of(full).frozen(conn, full))
        closed.append(round_)
    return replace(found, closed_rounds=tuple(closed))


async def _charts(t: Translator, summary: Summary) -> list[tuple[bytes, str]]:
    """Closed rounds' leading ideas by votes, and confirmed hours per week, with their captions."""
    drawn = [leading_ideas_chart(t, summary), hours_chart(t, summary.hours_by_week)]
    return [(await charts.png(chart), chart.caption) for chart in drawn if chart is not None]


async def post_summary(bot: Bot, group: Group, summary: Summary, site_url: str | None) -> None:
    t = i18n.translator(group.language)
    await post_blocks(bot, group.chat_id, summary_blocks(t, group, summary, site_url))
    for chart, caption in await _charts(t, summary):
        await bot.send_photo(group.chat_id, photo=chart, caption=caption, parse_mode=None)


async def summary_due(app: CoprodApplication, deadline: Deadline) -> None:
    """The group's scheduled summary: post the period (unless empty), then plan the next one.

    Idempotent: the period ends now and the next time is planned in the same transaction,
    so a job that fires again finds its row moved on and does nothing. If Telegram refuses
    the summary, the period is kept for the next one rather than lost.
    """
    services = app.services
    now = services.clock.now()
    async with services.db.read() as conn:
        group = await groups.get(conn, deadline.ref_id)
        found = await activity(conn, group, since=period_start(group), until=now)
    summary = build(found)
    posted = True
    if summary is not None:
        try:
            await post_summary(app.bot, group, summary, services.config.site_url)
        except TelegramError:
            # The next summary still comes on time and covers this period too.
            log.exception("event=summary_failed group_id=%s", group.id)
            posted = False
    async with services.db.transaction() as conn:
        if posted:
            await stored.mark_summarised(conn, group.id, now)
        await plan_summary(app, conn, group, after=now)


async def plan_summary(app: CoprodApplication, conn: Connection, group: Group, *, after: dt.datetime) -> None:
    """Plan the group's next summary: the first scheduled time after ``after`` in the group's
    time zone (:class:`~bot.domain.settings.SummarySchedule`); none when summaries are off."""
    due = SummarySchedule.parse(group.summary_schedule).next_after(after, group.timezone)
    if due is None:
        await stored_deadlines.finish(conn, DeadlineKind.SUMMARY, group.id, after)
        return
    await deadlines.plan(app, conn, group_id=group.id, kind=DeadlineKind.SUMMARY, ref_id=group.id, due_at=due)


async def plan_missing(app: CoprodApplication) -> None:
    """A start step: every group without a pending summary gets one, counted from its last summary,
    so a summary missed while the bot was down falls due at once and is posted once, however
    many periods were missed. A schedule of "off" gets none."""
    async with app.services.db.transaction() as conn:
        for group in await groups.without_pending_summary(conn):
            await plan_summary(app, conn, group, after=group.last_summary_at or group.created_at)


async def group_joined(app: CoprodApplication, group_id: int) -> None:
    """A group is new, or the bot is back in it: plan its summary from now (unless one is
    planned) and serve its deadlines."""
    services = app.services
    async with services.db.transaction() as conn:
        group = await groups.get(conn, group_id)
        planned = await stored_deadlines.get(conn, DeadlineKind.SUMMARY, group.id)
        if planned is None or planned.done_at is not None:
            await plan_summary(app, conn, group, after=services.clock.now())
    await scheduling.schedule_pending(app, group_id)
