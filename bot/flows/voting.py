"""A round's stages around its vote: opening it, closing it, publishing what was decided.

The stages are the same for every decision method: ideas → voting → closed, each a
compare-and-set in storage, so a facilitator's /vote or /close racing the deadline (or a
second facilitator) changes the round, and posts, exactly once. What members decide with
and how it is counted is the round's method (:data:`bot.flows.decisions.DECISION_METHODS`).
The decision is published the same way for every method: ranked, with a bar chart of the
top 20 choices (their words, votes and shares; its caption says the same in words); a
decision with common ground (a statements round) says what its groups share and what divides
them, with the opinion map instead of the bars.
"""

from __future__ import annotations

from bot.domain import i18n
from bot.domain.deadline_kinds import DeadlineKind, reminder_due
from bot.domain.decisions import Decision
from bot.domain.i18n import Translator
from bot.domain.placings import placed, tie_for_first
from bot.domain.records import Deadline, Group
from bot.domain.rounds import Round, Stage, voting_deadline
from bot.flows import notices, site
from bot.flows.common_ground_lines import result_blocks
from bot.flows.decision_words import budget_blocks, consent_blocks
from bot.flows.decisions import method_of
from bot.flows.idea_lines import idea_lines, paper_split
from bot.render import charts, opinion_map
from bot.render.chart_words import opinion_map_chart, results_chart
from bot.runtime import deadlines
from bot.runtime.application import CoprodApplication
from bot.runtime.sending import post_blocks
from storage import deadlines as stored_deadlines
from storage import groups, rounds


def _results_blocks(t: Translator, round_: Round, results: Decision, lines: dict[int, str]) -> list[str]:
    """The results: how many voted, then each idea by its place ("1st · idea 7 · …"); no
    votes at all is one line, and a tie for first says how to settle it. A decision with a
    verdict (consent), a budget's spending or common ground (statements) reads as its method's."""
    if results.common_ground is not None:
        return result_blocks(t, round_.question, round_.number, results.common_ground)
    if results.verdict is not None:
        return consent_blocks(t, round_, results)
    if results.spending is not None:
        return budget_blocks(t, round_, results, lines)
    blocks = [t._("<b>Results of round #{number}</b>: {question}", number=round_.number,
                  question=t.user_text(round_.question))]  # fmt: skip
    if not results.placings:
        blocks.append(t._("No ideas were put forward, so there was nothing to vote on."))
        return blocks
    if not results.voters:
        blocks.append(t._("Nobody voted."))
        return blocks
    blocks.append(t.ngettext("{count} neighbour voted.", "{count} neighbours voted.", results.voters))
    if results.paper_voters:
        blocks[-1] += " " + paper_split(t, results.online_voters, results.paper_voters)
    for placing in results.placings:
        blocks.append(
            t._("{placed} — {votes}, {share}",
                placed=placed(t, placing, lines.get(placing.tally.idea_id) or t.user_text(placing.tally.text)),
                votes=t.ngettext("{count} vote", "{count} votes", placing.tally.votes),
                share=t.percent(placing.share))
        )  # fmt: skip
        if results.paper_voters:
            blocks[-1] += " " + t._(
                "({online} online, {online_share}; {paper} on paper, {paper_share})",
                online=t.number(placing.tally.online), online_share=t.percent(placing.online_share),
                paper=t.number(placing.tally.paper), paper_share=t.percent(placing.paper_share),
            )  # fmt: skip
    tie = tie_for_first(t, results, round_.number)
    if tie is not None:
        blocks += ["", tie]
    return blocks


async def open_voting(app: CoprodApplication, round_: Round) -> bool:
    """ideas -> voting, and post the ballot; False if the round was no longer collecting ideas.

    A round without standing ideas has nothing to vote on: it closes at once and says so
    (so does a budget whose ideas have no cost: only those with one go to its vote).
    """
    services = app.services
    now = services.clock.now()
    ends_at = voting_deadline(now, round_.voting_minutes, round_.voting_until)
    async with services.db.transaction() as conn:
        if not await rounds.start_voting(conn, round_.id, now=now, ends_at=ends_at):
            return False
        await stored_deadlines.finish(conn, DeadlineKind.IDEAS_END, round_.id, now)
        standing = await method_of(round_).votable(conn, round_, await rounds.ideas(conn, round_.id, standing_only=True))
        await deadlines.plan(
            app, conn, group_id=round_.group_id, kind=DeadlineKind.VOTING_END, ref_id=round_.id, due_at=ends_at,
            remind_at=reminder_due(now, ends_at),
        )  # fmt: skip
        group = await groups.get(conn, round_.group_id)
        opened = await rounds.get(conn, round_.id)
    if not standing:
        await close_voting(app, opened)
        return True
    await method_of(opened).open_vote(app, group, opened, standing)
    await site.refresh(app, group.id, opened.number)
    return True


async def close_voting(app: CoprodApplication, round_: Round) -> bool:
    """voting -> closed: end the vote, freeze and publish the decision; False if not voting."""
    services = app.services
    async with services.db.read() as conn:
        current = await rounds.get(conn, round_.id)
    if current.stage is not Stage.VOTING:
        return False
    method = method_of(current)
    await method.end_vote(app, current)
    now = services.clock.now()
    async with services.db.transaction() as conn:
        decision = await method.count(conn, current)
        if not await rounds.close(conn, round_.id, now=now, voter_count=decision.voters,
                                  paper_voters=decision.paper_voters):  # fmt: skip
            return False
        await method.freeze(conn, current, decision)
        await stored_deadlines.finish(conn, DeadlineKind.VOTING_END, round_.id, now)
        group = await groups.get(conn, round_.group_id)
    await publish_results(app, group, current, decision)
    await site.refresh(app, group.id, current.number)
    return True


async def publish_results(app: CoprodApplication, group: Group, round_: Round, results: Decision) -> None:
    t = i18n.translator(group.language)
    async with app.services.db.read() as conn:
        lines = await idea_lines(conn, t, await rounds.ideas(conn, round_.id))
    await post_blocks(app.bot, group.chat_id, _results_blocks(t, round_, results, lines))
    if results.common_ground is not None and results.common_ground.points:
        drawn = opinion_map_chart(t, round_, results)
        await app.bot.send_photo(group.chat_id, await opinion_map.png(drawn), caption=drawn.caption, parse_mode=None)
    elif results.voters and results.placings and results.common_ground is None:
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
