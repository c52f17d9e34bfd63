"""Participatory budgets in the chat: costs, the private ballot with its running total, the winners.

``/budget`` opens a round that collects ideas as any round does, with its terms (amount,
currency, the rule, the ballot rules) fixed from the group's settings. A facilitator sets
each idea's cost (``/cost N AMOUNT``); when voting opens, the ideas with a cost are the
ballot and the facilitators are told which ideas had none. The group's voting message lists
the projects and links to a private ballot (``/start budget-<token>``): the projects with
their costs and buttons, a running total against the budget, and Submit. A ballot can be
changed and submitted again until the vote closes; paper ballots are entered with
``/paper``. At the close the round's rule chooses the winners
(:mod:`bot.domain.decisions.budget`) and they are frozen with the votes.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest

from bot.domain import callbacks, i18n
from bot.domain.decisions import Decision, Method
from bot.domain.decisions.budget import (
    BallotProblem,
    BudgetTerms,
    Costed,
    Money,
    RulesSentence,
    ballot_problem,
    decide,
    funded,
    pick_problem,
    rules_sentence,
)
from bot.domain.errors import DomainError
from bot.domain.i18n import N_, Translator
from bot.domain.records import Group, Source
from bot.domain.rounds import Idea, Round, Stage
from bot.domain.text_limits import shorten
from bot.flows.decision_words import rule_words
from bot.flows.idea_lines import idea_lines
from bot.runtime import outbound
from bot.runtime.acknowledge import best_effort
from bot.runtime.application import CoprodApplication
from bot.runtime.sending import post_blocks
from storage import Connection, groups, members, paper, rounds, voting
from storage import budgets as stored

log = logging.getLogger(__name__)

DEEP_LINK_PREFIX = "budget-"
PAGE_SIZE = 8  # projects on one page of a private ballot: its text and buttons always fit
LINE_LENGTH = 200  # of a project's words on the ballot
BUTTON_LENGTH = 24  # of a project's words on its button
TICKS_WITHIN = dt.timedelta(seconds=1)  # a ballot's ticks follow its taps within this

NOT_A_MEMBER = N_("Only members of the group can vote on its budget.")
NOT_ON_BALLOT = N_("That project is not on this ballot any more. Send /start again from the link in the group.")
PROBLEMS = {
    BallotProblem.OVER_BUDGET: N_("That would be {total} of {budget}: take something off first."),
    BallotProblem.TOO_MANY: N_("You can choose at most {most} projects: take one off first."),
    BallotProblem.TOO_FEW: N_("Choose at least {least} projects, then press Submit."),
    BallotProblem.TOO_LITTLE: N_("Your projects add up to {total}: choose at least {spend} of the budget, then press Submit."),
}


class Budget:
    """:class:`~bot.flows.decisions.DecisionMethod` for participatory budgets."""

    async def open_vote(self, app: CoprodApplication, group: Group, round_: Round, standing: Sequence[Idea]) -> None:
        """The group's voting message: the projects with their costs, the rules, and the
        button to the private ballot; and which ideas had no cost."""
        if round_.voting_message_id is not None:
            return
        t = i18n.translator(group.language)
        async with app.services.db.read() as conn:
            terms = await stored.terms(conn, round_.id)
            costs = await stored.costs(conn, round_.id)
            every = await rounds.ideas(conn, round_.id, standing_only=True)
            lines = await idea_lines(conn, t, standing, links_in=group.chat_id)
        intro = voting_intro(t, group, round_, terms)
        link = InlineKeyboardMarkup([[InlineKeyboardButton(t._("Choose projects privately"), url=ballot_link(app, round_))]])
        message = await app.bot.send_message(group.chat_id, intro, reply_markup=link)
        async with app.services.db.transaction() as conn:
            await rounds.set_voting_message(conn, round_.id, message.message_id)
        blocks = [t._("{number}. {idea} — {cost}", number=idea.number, idea=lines[idea.id],
                      cost=t.money(costs[idea.id], terms.currency)) for idea in standing]  # fmt: skip
        uncosted = [idea.number for idea in every if idea.id not in costs]
        if uncosted:
            blocks += ["", without_cost_line(t, uncosted, voting=True)]
        await post_blocks(app.bot, group.chat_id, blocks)

    async def end_vote(self, app: CoprodApplication, round_: Round) -> None:
        """Take the ballot's link off the voting message (best effort: the link says it is closed anyway)."""
        if round_.voting_message_id is None:
            return
        async with app.services.db.read() as conn:
            group = await groups.get(conn, round_.group_id)
            terms = await stored.terms(conn, round_.id)
        t = i18n.translator(group.language)
        text = voting_intro(t, group, round_, terms, closed=True)
        await best_effort("budget-link", app.bot.edit_message_text(text, chat_id=group.chat_id,
                                                                     message_id=round_.voting_message_id))  # fmt: skip

    async def count(self, conn: Connection, round_: Round) -> Decision:
        terms = await stored.terms(conn, round_.id)
        return decide(terms, await on_ballot(conn, round_), await stored.ballots(conn, round_.id),
                      await stored.paper_ballots(conn, round_.id))  # fmt: skip

    async def freeze(self, conn: Connection, round_: Round, decision: Decision) -> None:
        await voting.freeze_results(conn, round_.id, decision)
        await stored.freeze(conn, round_.id, decision.chosen or (), decision.spending.spent if decision.spending else 0)

    async def frozen(self, conn: Connection, round_: Round) -> Decision:
        terms = await stored.terms(conn, round_.id)
        tallies = await voting.frozen_tallies(conn, round_.id)
        costs = await stored.costs(conn, round_.id)
        costed = [Costed(tally.idea_id, tally.number, tally.text, costs[tally.idea_id]) for tally in tallies]
        votes = {tally.idea_id: tally.votes for tally in tallies}
        on_paper = {tally.idea_id: tally.paper for tally in tallies}
        chosen = await stored.funded(conn, round_.id)
        return funded(terms, costed, votes, on_paper, round_.voter_count or 0, round_.paper_voters, chosen)

    async def voters_so_far(self, conn: Connection, round_: Round) -> int:
        return await stored.ballot_count(conn, round_.id)

    async def votable(self, conn: Connection, round_: Round, standing: Sequence[Idea]) -> list[Idea]:
        costs = await stored.costs(conn, round_.id)
        return [idea for idea in standing if idea.id in costs]

    def knows_voters(self, group: Group) -> bool:
        return True  # every ballot is submitted by a known member

    async def replied(self, app: CoprodApplication, round_: Round, *, member_id: int | None, text: str | None,
                      source: Source) -> bool:  # fmt: skip
        return False

    async def answered_privately(self, app: CoprodApplication, member_id: int, text: str | None) -> int | None:
        return None


BUDGET = Budget()


async def on_ballot(conn: Connection, round_: Round) -> list[Costed]:
    """The round's standing ideas with a cost: what members choose from."""
    costs = await stored.costs(conn, round_.id)
    return [Costed(idea.id, idea.number, idea.text, costs[idea.id])
            for idea in await rounds.ideas(conn, round_.id, standing_only=True) if idea.id in costs]  # fmt: skip


def ballot_link(app: CoprodApplication, round_: Round) -> str:
    """The private ballot's link: the round's unguessable token, as the private-idea link has."""
    return f"https://t.me/{app.bot.username}?start={DEEP_LINK_PREFIX}{round_.link_token}"


# ------------------------------------------------------------------------ opening and costs


def without_cost_line(t: Translator, numbers: Sequence[int], *, voting: bool = False) -> str:
    """For facilitators: the ideas still without a cost (before the vote), or left off the ballot."""
    listed = t.list_of([t.number(number) for number in numbers])
    if voting:
        return t.ngettext("For facilitators: idea {numbers} had no cost, so it is not on the ballot.",
                          "For facilitators: ideas {numbers} had no cost, so they are not on the ballot.",
                          len(numbers), numbers=listed)  # fmt: skip
    return t.ngettext("For facilitators: idea {numbers} has no cost yet; ideas without a cost do not go to the vote. Set it with /cost N AMOUNT.",
                      "For facilitators: ideas {numbers} have no cost yet; ideas without a cost do not go to the vote. Set each with /cost N AMOUNT.",
                      len(numbers), numbers=listed)  # fmt: skip


async def uncosted(conn: Connection, round_: Round) -> list[int]:
    costs = await stored.costs(conn, round_.id)
    return [idea.number for idea in await rounds.ideas(conn, round_.id, standing_only=True) if idea.id not in costs]


# ------------------------------------------------------------------------ words shared by messages


def terms_lines(t: Translator, terms: BudgetTerms) -> list[str]:
    return [
        t._("Budget: {budget}. Winners are chosen by {rule}.", budget=t.money(terms.amount, terms.currency),
            rule=rule_words(t, terms.rule.value)),
        rules_sentence(t, terms),
    ]  # fmt: skip


def voting_intro(t: Translator, group: Group, round_: Round, terms: BudgetTerms, *, closed: bool = False) -> str:
    """The voting message of a budget round (``closed``: once its vote has ended)."""
    ends = round_.voting_ends_at
    lines = [
        t._("<b>Budget round #{number}</b>: {question}", number=round_.number, question=t.user_text(round_.question))
        if closed else t._("<b>Voting is open for budget round #{number}</b>: {question}", number=round_.number,
                           question=t.user_text(round_.question)),
        *terms_lines(t, terms),
    ]  # fmt: skip
    if closed:
        lines.append(t._("Voting has ended: the results follow."))
        return "\n".join(lines)
    lines.append(t._("Press the button to choose your projects privately; you can change your ballot until the vote closes."))
    if ends is not None and round_.voting_started_at is not None:
        lines.append(t._("Voting closes {when} ({relative}).", when=t.when(ends, group.timezone),
                         relative=t.relative(ends - round_.voting_started_at)))  # fmt: skip
    return "\n".join(lines)


# ------------------------------------------------------------------------ the private ballot


@dataclass(frozen=True, slots=True)
class Ballot:
    """A member's ballot as it stands: the projects, what they chose, what they submitted."""

    group: Group
    round: Round
    terms: BudgetTerms
    projects: list[Costed]
    picks: set[int]
    submitted: frozenset[int] | None
    member_id: int

    @property
    def total(self) -> int:
        return sum(project.cost for project in self.projects if project.idea_id in self.picks)

    def costs(self, picks: set[int]) -> list[int]:
        return [project.cost for project in self.projects if project.idea_id in picks]


async def ballot_of(app: CoprodApplication, round_id: int, member_id: int, *, resume: bool = False) -> Ballot:
    """The member's ballot; ``resume``: start from what they submitted if nothing is in progress."""
    async with app.services.db.read() as conn:
        round_ = await rounds.find(conn, round_id)
        if round_ is None or round_.method is not Method.BUDGET:
            raise DomainError(N_("I can't find this budget round any more."))
        if not await members.belongs(conn, round_.group_id, member_id):
            raise DomainError(NOT_A_MEMBER)
        ended = round_.voting_ends_at is not None and app.services.clock.now() >= round_.voting_ends_at
        if round_.stage is not Stage.VOTING or ended:
            raise DomainError(N_("Budget round #{number} is not voting at the moment."), number=round_.number)
        submitted = await stored.submitted(conn, round_.id, member_id)
        picks = await stored.picks(conn, round_.id, member_id)
        ballot = Ballot(await groups.get(conn, round_.group_id), round_, await stored.terms(conn, round_.id),
                        await on_ballot(conn, round_), picks, submitted, member_id)  # fmt: skip
    if resume and not picks and submitted:
        async with app.services.db.transaction() as conn:
            await stored.fill_picks(conn, round_.id, member_id, submitted)
        ballot = replace(ballot, picks=set(submitted))
    return ballot


async def pick(app: CoprodApplication, round_id: int, member_id: int, idea_id: int, chosen: bool) -> Ballot:
    """Choose a project on the ballot (or take it off); refused past the budget or the most projects."""
    ballot = await ballot_of(app, round_id, member_id)
    if idea_id not in {project.idea_id for project in ballot.projects}:
        raise DomainError(NOT_ON_BALLOT)
    picks = ballot.picks | {idea_id} if chosen else ballot.picks - {idea_id}
    if chosen and idea_id not in ballot.picks:
        _refuse(pick_problem(ballot.terms.ballot, ballot.terms.amount, ballot.costs(picks)), ballot, picks)
    async with app.services.db.one_statement() as conn:
        await stored.pick(conn, round_id, member_id, idea_id, chosen)
    return replace(ballot, picks=picks)


async def submit(app: CoprodApplication, round_id: int, member_id: int) -> Ballot:
    """Submit the ballot as it stands, if it keeps the ballot rules; it replaces an earlier one."""
    ballot = await ballot_of(app, round_id, member_id)
    _refuse(ballot_problem(ballot.terms.ballot, ballot.terms.amount, ballot.costs(ballot.picks)), ballot, ballot.picks)
    async with app.services.db.one_statement() as conn:
        await stored.submit(conn, round_id, member_id, ballot.picks, app.services.clock.now())
    return replace(ballot, submitted=frozenset(ballot.picks))


def _refuse(problem: BallotProblem | None, ballot: Ballot, picks: set[int]) -> None:
    if problem is None:
        return
    terms, rules = ballot.terms, ballot.terms.ballot
    raise DomainError(PROBLEMS[problem], total=Money(sum(ballot.costs(picks)), terms.currency),
                      budget=Money(terms.amount, terms.currency), most=rules.max_projects, least=rules.min_projects,
                      spend=Money(rules.least_spent(terms.amount), terms.currency))  # fmt: skip


def pages(ballot: Ballot) -> int:
    return max(1, -(-len(ballot.projects) // PAGE_SIZE))


def ballot_text(t: Translator, ballot: Ballot, page: int, now: dt.datetime) -> str:
    """One page of the private ballot: the question, the terms, the projects, the running total."""
    round_, terms = ballot.round, ballot.terms
    shown = ballot.projects[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
    lines = [
        t._("<b>Your ballot for budget round #{number}</b> in {group}: {question}", number=round_.number,
            group=t.user_text(ballot.group.title), question=t.user_text(round_.question)),
        *terms_lines(t, terms), "",
    ]  # fmt: skip
    for project in shown:
        mark = "✅" if project.idea_id in ballot.picks else "▫️"
        lines.append(t._("{mark} {number}. {idea} — {cost}", mark=mark, number=project.number,
                         idea=t.user_text(shorten(project.text, LINE_LENGTH)), cost=t.money(project.cost, terms.currency)))  # fmt: skip
    if pages(ballot) > 1:
        lines.append(t._("Page {page} of {pages}.", page=t.number(page + 1), pages=t.number(pages(ballot))))
    lines += ["", total_line(t, ballot)]
    ends = round_.voting_ends_at or now
    if ballot.submitted is None:
        lines.append(t._("Not submitted yet: press Submit when your choice is ready."))
    elif ballot.submitted == frozenset(ballot.picks):
        lines.append(t._("Your ballot is in. You can change it and submit again until {when}.",
                         when=t.when(ends, ballot.group.timezone)))  # fmt: skip
    else:
        lines.append(t._("You changed your choice since you submitted it: press Submit to count the new one."))
    return "\n".join(lines)


def ballot_keyboard(t: Translator, ballot: Ballot, page: int) -> InlineKeyboardMarkup:
    """A button per project on the page (ticked when chosen), the pages, and Submit."""
    rows, round_id = [], ballot.round.id
    for project in ballot.projects[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]:
        chosen = project.idea_id in ballot.picks
        label = t._("{mark} {number}. {idea} · {cost}", mark="✅" if chosen else "▫️", number=project.number,
                    idea=shorten(project.text, BUTTON_LENGTH), cost=t.money(project.cost, ballot.terms.currency))  # fmt: skip
        data = callbacks.encode(callbacks.Action.BUDGET_PICK, round_id, project.idea_id, int(not chosen), page)
        rows.append([InlineKeyboardButton(label, callback_data=data)])
    turns = []
    if page > 0:
        turns.append(InlineKeyboardButton("◀", callback_data=callbacks.encode(callbacks.Action.BUDGET_PAGE, round_id, page - 1)))
    if page + 1 < pages(ballot):
        turns.append(InlineKeyboardButton("▶", callback_data=callbacks.encode(callbacks.Action.BUDGET_PAGE, round_id, page + 1)))
    if turns:
        rows.append(turns)
    rows.append([InlineKeyboardButton(t._("Submit my ballot"), callback_data=callbacks.encode(callbacks.Action.BUDGET_SUBMIT, round_id, page))])
    return InlineKeyboardMarkup(rows)


# ------------------------------------------------------------------------ paper ballots


async def enter_paper(
    app: CoprodApplication, round_: Round, ballots: Sequence[tuple[frozenset[int], int]], *,
    by: int | None, source: Source,
) -> int:  # fmt: skip
    """Paper budget ballots (project numbers, copies), each checked against the ballot rules;
    they replace the round's previous paper tally. How many paper voters they are."""
    services = app.services
    async with services.db.transaction() as conn:
        if await paper.entered_by_source(conn, source):
            return sum(copies for _, copies in ballots)  # this /paper replayed after a crash
        current = await rounds.get(conn, round_.id)
        if current.stage is not Stage.VOTING:
            raise DomainError(N_("Paper ballots of budget round #{number} are entered while it is voting. Nothing was changed."),
                              number=current.number)  # fmt: skip
        terms = await stored.terms(conn, round_.id)
        projects = {project.number: project for project in await on_ballot(conn, current)}
        entered = []
        for numbers, copies in ballots:
            unknown = sorted(numbers - set(projects))
            if unknown:
                raise DomainError(N_("Project {number} is not on the ballot of budget round #{round}. Nothing was changed."),
                                  number=unknown[0], round=current.number)  # fmt: skip
            costs = [projects[number].cost for number in numbers]
            problem = ballot_problem(terms.ballot, terms.amount, costs)
            if problem is not None:
                raise DomainError(N_("The paper ballot {ballot} does not keep the ballot rules: {rules} Nothing was changed."),
                                  ballot="+".join(map(str, sorted(numbers))), rules=RulesSentence(terms))  # fmt: skip
            entered.append((frozenset(projects[number].idea_id for number in numbers), copies))
        await stored.enter_paper(conn, round_id=round_.id, ballots=entered, entered_by=by, now=services.clock.now(),
                                 source=source)  # fmt: skip
    return sum(copies for _, copies in ballots)


# ------------------------------------------------------------------------ showing the ballot


async def show_ballot(app: CoprodApplication, t: Translator, ballot: Ballot, page: int, *, chat_id: int,
                      message_id: int) -> None:  # fmt: skip
    """Edit the member's ballot message to show its ticks and total, without making any group
    wait: within :data:`TICKS_WITHIN` (taps meanwhile make one edit), behind every answer and
    group message in the rate limiter. The toast has already told the member their total."""
    refresh = lambda: _show_later(app, t, ballot.round.id, ballot.member_id, page, chat_id, message_id)  # noqa: E731
    app.services.acknowledgements.refresh_later(app, f"ballot:{chat_id}:{message_id}", refresh, patient=True,
                                                within=TICKS_WITHIN)  # fmt: skip


async def _show_later(app: CoprodApplication, t: Translator, round_id: int, member_id: int, page: int,
                      chat_id: int, message_id: int) -> None:  # fmt: skip
    try:
        ballot = await ballot_of(app, round_id, member_id)
    except DomainError:
        return  # the vote closed meanwhile: the ballot stays as it was last shown
    text = ballot_text(t, ballot, page, app.services.clock.now())
    with outbound.sending_as(outbound.Priority.SCHEDULED):
        try:
            await app.bot.edit_message_text(text, chat_id=chat_id, message_id=message_id,
                                            reply_markup=ballot_keyboard(t, ballot, page))  # fmt: skip
        except BadRequest as error:  # the same ticks again (a button pressed twice), a deleted message
            log.info("event=ballot_not_edited chat_id=%s error=%s", chat_id, error.message)


def total_line(t: Translator, ballot: Ballot) -> str:
    """What the ballot's toast says after a tap: the running total against the budget."""
    return t.ngettext("Chosen: {total} of {budget} ({count} project).", "Chosen: {total} of {budget} ({count} projects).",
                      len(ballot.picks), total=t.money(ballot.total, ballot.terms.currency),
                      budget=t.money(ballot.terms.amount, ballot.terms.currency))  # fmt: skip
