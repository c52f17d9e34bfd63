"""Budget rounds before their vote: opening one with its terms, and the costs of its ideas.

A budget round is a round (:func:`bot.flows.rounds.open_round`) whose terms are stored with
it: the amount and currency the facilitator gave, and the group's rule and ballot rules of
the day, so changing a setting later never changes a budget already open. Its vote and
count are the budget method's (:mod:`bot.flows.decisions.budget`).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.decisions import Method
from bot.domain.decisions.budget import BallotRules, BudgetRequest, BudgetTerms, Rule, check_cost
from bot.domain.errors import DomainError
from bot.domain.i18n import N_
from bot.domain.records import Group, Source
from bot.domain.rounds import Idea, IdeaStatus, Round, Stage
from bot.flows.rounds import open_round
from bot.runtime.application import CoprodApplication
from storage import Connection, rounds
from storage import budgets as stored


def terms_for(group: Group, request: BudgetRequest) -> BudgetTerms:
    """The budget's terms: what the facilitator asked for, under the group's rules of the day."""
    rules = BallotRules(group.budget_min_spend, group.budget_min_projects, group.budget_max_projects)
    return BudgetTerms(request.amount, request.currency, Rule(group.budget_rule), rules)


async def open_budget(
    app: CoprodApplication, group: Group, request: BudgetRequest, *, created_by: int | None, source: Source
) -> Round:
    """A budget round in the ideas stage, its terms stored with it."""
    terms = terms_for(group, request)

    async def store_terms(conn: Connection, round_: Round) -> None:
        await stored.create(conn, round_.id, terms)

    return await open_round(
        app, group, request.question, created_by=created_by, plan=request.stages, source=source, method=Method.BUDGET, setup=store_terms,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class CostSet:
    idea: Idea
    cost: int
    terms: BudgetTerms
    uncosted: list[int]  # numbers of the standing ideas still without a cost


async def set_cost(app: CoprodApplication, round_: Round, number: int, cost: int, *, by: int | None) -> CostSet:
    """Give idea ``number`` its cost (at most the budget) while the round collects ideas."""
    services = app.services
    async with services.db.transaction() as conn:
        current = await rounds.get(conn, round_.id)
        if current.stage is not Stage.IDEAS:
            raise DomainError(N_("Costs are set while round #{number} collects ideas; its vote has begun. Nothing was changed."),
                              number=current.number)  # fmt: skip
        terms = await stored.terms(conn, round_.id)
        idea = await rounds.idea_by_number(conn, round_.id, number)
        if idea is None or idea.status is not IdeaStatus.STANDING:
            raise DomainError(N_("Round #{round} has no idea {number}. Nothing was changed."), round=current.number,
                              number=number)  # fmt: skip
        check_cost(cost, terms)
        await stored.set_cost(conn, round_.id, idea.id, cost, by=by, now=services.clock.now())
        costs = await stored.costs(conn, round_.id)
        uncosted = [i.number for i in await rounds.ideas(conn, round_.id, standing_only=True) if i.id not in costs]
    return CostSet(idea, cost, terms, uncosted)


