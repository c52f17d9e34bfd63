"""The bot's budget winners are pabutools' winners, on generated instances.

pabutools is the reference implementation of participatory budgeting rules (the Pabulib
project's own). Each instance has random costs, a random budget and random approval
ballots; both rules must choose exactly the same projects as pabutools does with the bot's
tie-breaking (more votes, then cheaper, then the idea put forward first):

- greedy: ``greedy_utilitarian_welfare`` with cost satisfaction (a project's "welfare per
  unit of cost" is then its number of votes), given the projects that have votes (pabutools
  would also fund a project nobody chose if money were left; the bot never does);
- Equal Shares: ``method_of_equal_shares`` with cost satisfaction and the add-one completion
  (``voter_budget_increment=1``).

Some instances use few distinct costs and few voters, so ties are common, and some hand
everyone the same ballot, where Equal Shares must lean on its completion.
"""

from __future__ import annotations

import random

import pytest
from pabutools.election import ApprovalBallot, ApprovalProfile, Cost_Sat, Instance
from pabutools.election import Project as PabuProject
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares
from pabutools.tiebreaking import TieBreakingRule

from bot.domain.decisions.budget import Project, equal_shares, greedy, votes_per_project

INSTANCES = 40


def generated(seed: int) -> tuple[int, list[Project], list[frozenset[int]]]:
    """Random costs, budget and ballots; every fourth instance is tie-prone."""
    rng = random.Random(seed)
    count = rng.randint(3, 14)
    tie_prone = seed % 4 == 0
    costs = [rng.choice([100, 200, 300]) if tie_prone else rng.randint(1, 5000) for _ in range(count)]
    budget = rng.randint(max(costs), max(sum(costs), max(costs)))
    voters = rng.randint(1, 8) if tie_prone else rng.randint(1, 60)
    ballots = []
    for _ in range(voters):
        ballot = frozenset(idea_id for idea_id in range(1, count + 1) if rng.random() < 0.35)
        ballots.append(ballot or frozenset({rng.randint(1, count)}))
    if seed % 10 == 3:
        ballots = [ballots[0]] * len(ballots)
    votes = votes_per_project(ballots)
    projects = [Project(idea_id, idea_id, cost, votes.get(idea_id, 0)) for idea_id, cost in enumerate(costs, 1)]
    return budget, projects, ballots


def as_pabutools(budget: int, projects: list[Project], ballots: list[frozenset[int]], *, voted_only: bool):
    by_id = {p.idea_id: p for p in projects}
    pabu = {p.idea_id: PabuProject(str(p.idea_id), p.cost) for p in projects if p.votes or not voted_only}
    instance = Instance(pabu.values(), budget_limit=budget)
    profile = ApprovalProfile([ApprovalBallot(pabu[idea_id] for idea_id in ballot if idea_id in pabu) for ballot in ballots])
    order = TieBreakingRule(lambda _instance, _profile, project: (-by_id[int(project.name)].votes,
                                                                  project.cost, int(project.name)))  # fmt: skip
    return instance, profile, order


def chosen(allocation) -> set[int]:
    return {int(project.name) for project in allocation}


@pytest.mark.parametrize("seed", range(INSTANCES))
def test_greedy_winners_are_pabutools_greedy_winners(seed):
    budget, projects, ballots = generated(seed)
    instance, profile, order = as_pabutools(budget, projects, ballots, voted_only=True)
    reference = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat, tie_breaking=order)
    assert set(greedy(budget, projects)) == chosen(reference)


@pytest.mark.parametrize("seed", range(INSTANCES))
def test_equal_shares_winners_are_pabutools_equal_shares_winners(seed):
    budget, projects, ballots = generated(seed)
    instance, profile, order = as_pabutools(budget, projects, ballots, voted_only=False)
    reference = method_of_equal_shares(instance, profile, sat_class=Cost_Sat, tie_breaking=order,
                                       voter_budget_increment=1)  # fmt: skip
    assert set(equal_shares(budget, projects, ballots)) == chosen(reference)


def test_the_instances_include_ties_and_unspent_money():
    """The cross-check is only worth something if the instances reach the hard cases."""
    tied = unspent = 0
    for seed in range(INSTANCES):
        budget, projects, ballots = generated(seed)
        votes = [p.votes for p in projects if p.votes]
        tied += len(votes) != len(set(votes))
        once = equal_shares(budget, projects, ballots)
        unspent += sum(p.cost for p in projects if p.idea_id in once) < budget
    assert tied >= 5 and unspent >= 5
