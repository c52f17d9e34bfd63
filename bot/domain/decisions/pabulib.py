"""A budget round as a Pabulib file (``.pb``), the open format of participatory budgeting data.

Pabulib (https://pabulib.org) collects participatory budgets from cities across Europe in
one format: a META section (what the budget was), PROJECTS (each with its cost, votes and
whether it was selected) and VOTES (each ballot's projects), sections of ``;``-separated
lines. A group's export holds one file per budget round, so a researcher or a council can
run any rule on it with pabutools or pabulib's own tools. Voters are numbered 1, 2, …:
no Telegram id or name leaves the bot, and ballots are in a fixed order that says nothing
about who cast them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from bot.domain.decisions.budget import BudgetTerms, Rule

RULE_NAMES = {Rule.GREEDY: "greedy", Rule.EQUAL_SHARES: "equalshares"}


@dataclass(frozen=True, slots=True)
class PabulibProject:
    number: int
    name: str
    cost: int
    selected: bool


@dataclass(frozen=True, slots=True)
class PabulibBudget:
    """What the file describes: one budget round of one group."""

    group: str
    round_number: int
    question: str
    language: str
    terms: BudgetTerms
    projects: Sequence[PabulibProject]
    ballots: Sequence[Collection[int]]  # project numbers, online and on paper
    opened: dt.datetime
    closed: dt.datetime | None


def file_name(round_number: int) -> str:
    return f"budget-round-{round_number}.pb"


def pabulib(budget: PabulibBudget) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    terms = budget.terms
    votes: dict[int, int] = {}
    for ballot in budget.ballots:
        for number in ballot:
            votes[number] = votes.get(number, 0) + 1
    meta = [
        ("description", budget.question),
        ("country", ""),
        ("unit", budget.group),
        ("instance", str(budget.round_number)),
        ("num_projects", str(len(budget.projects))),
        ("num_votes", str(len(budget.ballots))),
        ("budget", str(terms.amount)),
        ("currency", terms.currency),
        ("vote_type", "approval"),
        ("rule", RULE_NAMES[terms.rule]),
        ("date_begin", budget.opened.date().isoformat()),
        ("date_end", budget.closed.date().isoformat() if budget.closed else ""),
        ("language", budget.language),
        ("min_length", str(terms.ballot.min_projects)),
        ("max_length", str(terms.ballot.max_projects or len(budget.projects))),
        ("min_sum_cost", str(terms.ballot.least_spent(terms.amount))),
        ("max_sum_cost", str(terms.amount)),
    ]
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    writer.writerows(meta)
    writer.writerow(["PROJECTS"])
    writer.writerow(["project_id", "cost", "votes", "name", "selected"])
    writer.writerows([p.number, p.cost, votes.get(p.number, 0), " ".join(p.name.split()), int(p.selected)]
                     for p in budget.projects)  # fmt: skip
    writer.writerow(["VOTES"])
    writer.writerow(["voter_id", "vote"])
    ordered = sorted(sorted(ballot) for ballot in budget.ballots)
    writer.writerows([voter, ",".join(map(str, ballot))] for voter, ballot in enumerate(ordered, 1))
    return buffer.getvalue()
