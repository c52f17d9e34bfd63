"""The pure rules of consent proposals and budgets: parsing what facilitators write, the
quorum, the verdict, the ballot rules, and the Pabulib file."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain import i18n
from bot.domain.decisions import Position, Verdict
from bot.domain.decisions.budget import (
    BallotProblem,
    BallotRules,
    BudgetTerms,
    Project,
    Rule,
    ballot_problem,
    currency_code,
    equal_shares,
    greedy,
    parse_amount,
    parse_budget,
    parse_paper_ballots,
    pick_problem,
)
from bot.domain.decisions.consent import Quorum, parse_consent, verdict
from bot.domain.decisions.pabulib import PabulibBudget, PabulibProject, pabulib
from bot.domain.errors import DomainError
from bot.domain.when import Reader


def counts(agree=0, abstain=0, disagree=0, block=0):
    return {Position.AGREE: agree, Position.ABSTAIN: abstain, Position.DISAGREE: disagree, Position.BLOCK: block}


@pytest.mark.parametrize(("positions", "quorum", "expected"), [
    (counts(agree=2, disagree=1), 0, Verdict.PASSED),
    (counts(agree=1, disagree=1), 0, Verdict.NOT_PASSED),  # agree must outnumber object
    (counts(agree=5, block=1), 0, Verdict.NOT_PASSED),  # one block is enough
    (counts(), 0, Verdict.NOT_PASSED),  # nobody agreed
    (counts(agree=2, abstain=1), 3, Verdict.PASSED),  # quorum exactly met, abstaining counts
    (counts(agree=2), 3, Verdict.NO_QUORUM),  # one short
    (counts(agree=1, block=1), 3, Verdict.NO_QUORUM),  # no quorum comes first
])  # fmt: skip
def test_the_verdict_follows_loomios_default_rule_and_the_quorum(positions, quorum, expected):
    assert verdict(positions, quorum) is expected


def test_a_quorum_is_a_number_a_share_of_the_active_or_none():
    assert Quorum.parse("5").needed(100) == 5
    assert Quorum.parse("30%").needed(7) == 3  # 2.1 rounds up: a share is never less than asked
    assert Quorum.parse("30%").needed(10) == 3
    assert Quorum.parse("off").needed(50) == 0
    assert [Quorum.parse(text).text for text in ("off", "5", "30%", "0")] == ["off", "5", "30%", "off"]
    for bad in ("101%", "-1", "five", "1.5", "", "100001"):
        with pytest.raises(DomainError):
            Quorum.parse(bad)


NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def _reader() -> Reader:
    return Reader(i18n.translator("en"), "Europe/London", NOW)


def test_a_consent_command_takes_one_length_then_the_proposal():
    request = parse_consent(_reader(), "3d Shall we start a tool library?")
    assert (request.voting_ends_at, request.proposal) == (NOW + dt.timedelta(days=3), "Shall we start a tool library?")
    assert parse_consent(_reader(), "Shall we 3d?").voting_ends_at is None


@pytest.mark.parametrize(("token", "expected"), [
    ("5000", (5000, "")), ("5,000", (5000, "")), ("£5000", (5000, "GBP")), ("zł1,200", (1200, "PLN")),
    ("1", (1, "")), ("1000000000", (1000000000, "")),
])  # fmt: skip
def test_amounts_are_whole_units_with_an_optional_symbol(token, expected):
    assert parse_amount(token) == expected


@pytest.mark.parametrize("token", ["0", "-5", "5.5", "5,00", "1,0000", "5k", "٥٠٠", "1000000001", "£"])
def test_amounts_that_are_not_whole_units_are_refused(token):
    with pytest.raises(DomainError):
        parse_amount(token)


def test_a_budget_command_reads_amount_currency_lengths_and_question():
    request = parse_budget(_reader(), "5000 gbp 7d 5d How should we spend it?", ideas_minutes=3 * 24 * 60)
    assert (request.amount, request.currency, request.question) == (5000, "GBP", "How should we spend it?")
    assert (request.stages.ideas_ends_at, request.stages.voting_minutes) == (NOW + dt.timedelta(days=7), 5 * 24 * 60)
    assert parse_budget(_reader(), "300 Bikes for the school?", ideas_minutes=60).currency == ""  # "Bikes" is no currency
    assert currency_code("PKR") == "PKR" and currency_code("XYZ") is None and currency_code("€") == "EUR"


def test_ballot_rules_at_their_edges():
    rules = BallotRules(min_spend=50, min_projects=2, max_projects=3)
    assert ballot_problem(rules, 5000, [2500, 2500]) is None  # the budget exactly met
    assert ballot_problem(rules, 5000, [2500, 2501]) is BallotProblem.OVER_BUDGET  # one unit over
    assert ballot_problem(rules, 5000, [2000, 500]) is None  # exactly half spent
    assert ballot_problem(rules, 5000, [2000, 499]) is BallotProblem.TOO_LITTLE  # one unit short
    assert ballot_problem(rules, 5000, [3000]) is BallotProblem.TOO_FEW
    assert ballot_problem(rules, 5000, [1000, 1000, 1000]) is None
    assert ballot_problem(rules, 5000, [1000, 1000, 1000, 1]) is BallotProblem.TOO_MANY
    assert pick_problem(rules, 5000, [1]) is None  # too few and too little wait for Submit
    assert BallotRules(min_spend=33).least_spent(100) == 33 and BallotRules(min_spend=33).least_spent(101) == 34


def test_paper_budget_ballots_are_project_numbers_with_copies():
    assert parse_paper_ballots(["1+3", "2", "1+2+5x3", "4×2"]) == [
        (frozenset({1, 3}), 1), (frozenset({2}), 1), (frozenset({1, 2, 5}), 3), (frozenset({4}), 2)]
    for bad in (["1+1"], ["1x0"], ["0"], ["1+"], ["a"], ["1x1234567"], []):
        with pytest.raises(DomainError):
            parse_paper_ballots(bad)


def test_greedy_skips_what_does_not_fit_and_funds_nothing_unvoted():
    projects = [Project(1, 1, 3000, 5), Project(2, 2, 3000, 4), Project(3, 3, 2000, 3), Project(4, 4, 1, 0)]
    assert greedy(5000, projects) == [1, 3]


def test_equal_shares_funds_a_minority_its_share():
    """Three voters want A and B (each 60), two want C (40): Equal Shares gives the two their
    share of a budget of 100 (40), greedy gives the majority everything it can."""
    projects = [Project(1, 1, 60, 3), Project(2, 2, 60, 3), Project(3, 3, 40, 2)]
    ballots = [frozenset({1, 2})] * 3 + [frozenset({3})] * 2
    assert greedy(100, projects) == [1, 3]
    assert set(equal_shares(100, projects, ballots)) == {1, 3}
    assert equal_shares(100, projects, []) == []


def test_a_pabulib_file_numbers_voters_and_lists_projects_and_votes():
    terms = BudgetTerms(5000, "GBP", Rule.GREEDY, BallotRules(min_spend=10, max_projects=2))
    text = pabulib(PabulibBudget(
        group="Chapel; Street", round_number=4, question="How\\nshould we spend it?", language="en", terms=terms,
        projects=[PabulibProject(1, "A bench; by the stop", 1200, True), PabulibProject(2, "A mural", 3000, False)],
        ballots=[frozenset({2}), frozenset({1, 2})], opened=dt.datetime(2026, 11, 2, tzinfo=dt.UTC), closed=None,
    ))  # fmt: skip
    lines = text.splitlines()
    assert lines[:2] == ["META", "key;value"]
    assert '"Chapel; Street"' in text and "rule;greedy" in text and "min_sum_cost;500" in text and "max_length;2" in text
    assert lines[lines.index("PROJECTS") + 2] == '1;1200;1;"A bench; by the stop";1'
    assert lines[lines.index("VOTES") + 1:] == ["voter_id;vote", "1;1,2", "2;2"]
