"""Participatory budgets: ideas with costs, a budget, ballots of projects, and a rule for the winners.

A budget round collects ideas as any round does; a facilitator gives each idea its cost
(``/cost N AMOUNT``, at most the budget). Ideas without a cost stay off the ballot. Each
neighbour chooses projects within the budget on a private ballot, under the ballot rules of
Decidim that the group set (spend at least X % of the budget; at least N and at most M
projects), and can change it until the vote closes. Amounts are whole units of the budget's
currency (a plain number when it has none).

Two rules choose the winners, both over approval ballots:

- **greedy** (CONSUL's): most votes first, each project taken while it fits in what is left
  of the budget (a project nobody voted for is never taken);
- the **Method of Equal Shares** (https://equalshares.net): the budget is split equally among
  the voters; a project is bought when its supporters can pay for it, the one that costs its
  supporters least per unit of its cost first, each supporter paying an equal share or all
  they have left ("cost utilities": a voter's gain from a project is its cost). What it
  leaves unspent is filled by the **add-one completion**: the run is repeated with every
  voter's share one unit larger, until the outcome uses up the budget as far as any
  supported project still fits (it is exhaustive) or would overspend it, in which case the
  last outcome within the budget stands.

Ties go to the project with more votes, then the cheaper one, then the idea put forward
first. Both rules are checked against pabutools (``tests/domain/test_budget_pabutools.py``):
greedy is its ``greedy_utilitarian_welfare`` with cost satisfaction over the projects with
votes, and Equal Shares its ``method_of_equal_shares`` with cost satisfaction and
``voter_budget_increment=1``, with this tie-breaking.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from babel import numbers as babel_numbers

from bot.domain.decisions import Decision, Method, Placing, Spending, Tally
from bot.domain.decisions.approval import rank
from bot.domain.errors import DomainError, Phrase, Quoted
from bot.domain.i18n import N_, Translator
from bot.domain.numbers import parse_number
from bot.domain.rounds import StagePlan, check_question, plan_stages, read_stages
from bot.domain.when import Reader

MAX_BUDGET = 1_000_000_000  # whole units; a typo's extra zeros, not a council's budget
MAX_PAPER_BALLOTS = 100_000  # as many as the paper tallies of other rounds take


class Rule(enum.StrEnum):
    """How a budget's winners are chosen (``/settings rule``)."""

    EQUAL_SHARES = "equal-shares"
    GREEDY = "greedy"


RULE_WORDS = {
    Rule.EQUAL_SHARES: N_("the Method of Equal Shares"),
    Rule.GREEDY: N_("most votes first, while the money lasts"),
}
RULE_NAMES = {"equal-shares": Rule.EQUAL_SHARES, "shares": Rule.EQUAL_SHARES, "mes": Rule.EQUAL_SHARES,
              "greedy": Rule.GREEDY}  # fmt: skip


# ------------------------------------------------------------------------ amounts


_SYMBOLS = {"£": "GBP", "€": "EUR", "$": "USD", "zł": "PLN", "₨": "PKR", "rs": "PKR"}
_AMOUNT = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)$")
AMOUNT_FORM = N_("“{value}” is not an amount I understand. Write whole units, like 5000 or 5,000.")


def parse_amount(token: str) -> tuple[int, str]:
    """``5000``, ``5,000``, ``£5000``: a whole amount and the currency a symbol gave ("" for none)."""
    text, currency = token.strip(), ""
    for symbol, code in _SYMBOLS.items():
        if text.lower().startswith(symbol):
            text, currency = text[len(symbol):], code
            break
    if not text.isascii() or not _AMOUNT.match(text):
        raise DomainError(AMOUNT_FORM, value=Quoted(token))
    amount = int(text.replace(",", ""))
    if amount < 1:
        raise DomainError(N_("An amount must be at least 1."))
    if amount > MAX_BUDGET:
        raise DomainError(N_("{amount} is more than the {limit} the bot takes."), amount=amount, limit=MAX_BUDGET)
    return amount, currency


def currency_code(token: str) -> str | None:
    """An ISO 4217 code (``GBP``, ``pln``) or a symbol (``£``, ``zł``), as its code; None otherwise."""
    word = token.strip()
    if word.lower() in _SYMBOLS:
        return _SYMBOLS[word.lower()]
    code = word.upper()
    return code if len(code) == 3 and code.isascii() and code in babel_numbers.list_currencies() else None


@dataclass(frozen=True, slots=True)
class BudgetRequest:
    """What ``/budget AMOUNT [CURRENCY] [IDEAS] [VOTE] question`` asks for."""

    amount: int
    currency: str
    stages: StagePlan
    question: str


BUDGET_USAGE = N_(
    "Write the budget, then the question, e.g. /budget 5000 GBP 7d 5d How should we spend the community chest?"
)


def parse_budget(reader: Reader, text: str, *, ideas_minutes: int) -> BudgetRequest:
    """The amount, an optional currency, optional stage lengths or ends (as for a round; ideas
    stay open ``ideas_minutes`` by default), then the question."""
    first, _, rest = text.strip().partition(" ")
    if not any(char.isdigit() for char in first):
        raise DomainError(BUDGET_USAGE)
    amount, currency = parse_amount(first)
    word, _, after = rest.strip().partition(" ")
    if not currency and word and (code := currency_code(word)) is not None:
        currency, rest = code, after
    stages, question = read_stages(reader, rest)
    question = check_question(question)
    return BudgetRequest(amount, currency, plan_stages(stages, rest, now=reader.now, ideas_minutes=ideas_minutes),
                         question)  # fmt: skip


COST_USAGE = N_("Write the idea's number and its cost, e.g. /cost 3 1200")


def parse_cost(args: Sequence[str]) -> tuple[int, int]:
    """``/cost N AMOUNT``: the idea's number and its cost (a currency symbol is allowed)."""
    if len(args) != 2:
        raise DomainError(COST_USAGE)
    number = parse_number(args[0])
    if number is None:
        raise DomainError(N_("“{value}” is not an idea number. Write it like 3."), value=Quoted(args[0]))
    amount, _currency = parse_amount(args[1])
    return number, amount




# ------------------------------------------------------------------------ ballot rules


@dataclass(frozen=True, slots=True)
class BallotRules:
    """Decidim's ballot rules: spend at least ``min_spend`` % of the budget, and choose at
    least ``min_projects`` and at most ``max_projects`` (None: any number) projects. Every
    ballot also stays within the budget."""

    min_spend: int = 0
    min_projects: int = 1
    max_projects: int | None = None

    def least_spent(self, budget: int) -> int:
        """The smallest total a ballot may spend (X % of the budget, rounded up)."""
        return math.ceil(budget * self.min_spend / 100)


class BallotProblem(enum.StrEnum):
    OVER_BUDGET = "over_budget"
    TOO_MANY = "too_many"
    TOO_FEW = "too_few"
    TOO_LITTLE = "too_little"


def ballot_problem(rules: BallotRules, budget: int, costs: Iterable[int]) -> BallotProblem | None:
    """What keeps a ballot of projects costing ``costs`` from counting, or None if it counts."""
    chosen = list(costs)
    if sum(chosen) > budget:
        return BallotProblem.OVER_BUDGET
    if rules.max_projects is not None and len(chosen) > rules.max_projects:
        return BallotProblem.TOO_MANY
    if len(chosen) < rules.min_projects:
        return BallotProblem.TOO_FEW
    if sum(chosen) < rules.least_spent(budget):
        return BallotProblem.TOO_LITTLE
    return None


def pick_problem(rules: BallotRules, budget: int, costs: Iterable[int]) -> BallotProblem | None:
    """What keeps a ballot from taking one more project: the budget or the most projects.
    (Too few projects or too little spent is only a problem when it is submitted.)"""
    problem = ballot_problem(rules, budget, costs)
    return problem if problem in (BallotProblem.OVER_BUDGET, BallotProblem.TOO_MANY) else None


# ------------------------------------------------------------------------ the winners


@dataclass(frozen=True, slots=True)
class Project:
    """An idea on the ballot: its cost and the votes it received (online and on paper)."""

    idea_id: int
    number: int
    cost: int
    votes: int


def tie_order(project: Project) -> tuple[int, int, int]:
    """Who goes first among equals: more votes, then cheaper, then the idea put forward first."""
    return (-project.votes, project.cost, project.number)


def greedy(budget: int, projects: Iterable[Project]) -> list[int]:
    """Most votes first, each project taken while it fits in what is left; ids in that order."""
    left, chosen = budget, []
    for project in sorted((p for p in projects if p.votes > 0), key=tie_order):
        if project.cost <= left:
            chosen.append(project.idea_id)
            left -= project.cost
    return chosen


def equal_shares(budget: int, projects: Iterable[Project], ballots: Sequence[Collection[int]]) -> list[int]:
    """The Method of Equal Shares with cost utilities and the add-one completion (see the
    module docstring); idea ids in the order they were bought."""
    supported = _supporters(projects, ballots)
    voters = len(ballots)
    if not voters or not supported:
        return []
    share = Fraction(budget, voters)
    previous: list[int] = []
    while True:
        chosen = _equal_shares_once(share, voters, supported)
        spent = sum(supported[idea_id][0].cost for idea_id in chosen)
        if spent > budget:
            return previous
        if all(project.cost > budget - spent for idea_id, (project, _) in supported.items() if idea_id not in chosen):
            return chosen
        share += 1
        previous = chosen


def _supporters(projects: Iterable[Project], ballots: Sequence[Collection[int]]) -> dict[int, tuple[Project, list[int]]]:
    """Each project with at least one vote, and the voters (their ballots' indexes) who chose it."""
    backers: dict[int, list[int]] = {}
    for voter, ballot in enumerate(ballots):
        for idea_id in ballot:
            backers.setdefault(idea_id, []).append(voter)
    return {p.idea_id: (p, backers[p.idea_id]) for p in projects if backers.get(p.idea_id)}


# Floats screen, fractions decide: a comparison whose floats differ by more than this share
# is settled by the floats; a closer one (a tie, perhaps) by exact fractions.
_CLOSE = 1e-9


def _equal_shares_once(share: Fraction, voters: int, supported: Mapping[int, tuple[Project, list[int]]]) -> list[int]:
    """One run of Equal Shares with ``share`` for every voter.

    A project's price factor ``rho`` is what each of its supporters pays per unit of its
    cost: an equal part, or all they have when that is less. It only rises as money is
    spent, so the last one computed is a lower bound: projects are looked at lowest bound
    first and the search stops at a bound above the best factor found (as pabutools does).

    Money is exact (fractions), kept per group of voters holding the same amount
    (:class:`_Purses`). Factors are first worked out in floats; only the projects whose
    factor comes within :data:`_CLOSE` of the best are worked out exactly, so ties and the
    payments are exact and everything else is fast."""
    purses = _Purses(share, voters)
    bound = {idea_id: 1 / len(backers) for idea_id, (_project, backers) in supported.items()}
    remaining = dict(supported)
    chosen: list[int] = []
    while True:
        best: float | None = None
        near: list[tuple[float, Project, list[_Held]]] = []
        for idea_id in sorted(remaining, key=bound.__getitem__):
            project, backers = remaining[idea_id]
            held = purses.held_by(backers)
            if not _affordable(project.cost, held):
                del remaining[idea_id]  # its supporters cannot pay for it any more
                continue
            if best is not None and bound[idea_id] > best * (1 + _CLOSE):
                break
            bound[idea_id] = rho = _rough_price_factor(project.cost, held)
            best = rho if best is None else min(best, rho)
            near.append((rho, project, held))
        if best is None:
            return chosen
        exact = [(_price_factor(project.cost, held), project) for rho, project, held in near if rho <= best * (1 + _CLOSE)]
        factor = min(rho for rho, _project in exact)
        bought = min((project for rho, project in exact if rho == factor), key=tie_order)
        chosen.append(bought.idea_id)
        _project, backers = remaining.pop(bought.idea_id)
        purses.pay(bought.idea_id, backers, factor * bought.cost)


_Held = tuple[Fraction, int, float]  # an amount of money, how many supporters hold it, and as a float


class _Purses:
    """Each voter's money left, kept per group of voters holding the same amount.

    Sorting compares an amount's float first (correctly rounded, so never in the wrong
    order) and the exact fraction only when the floats are equal."""

    def __init__(self, share: Fraction, voters: int) -> None:
        self.money: list[Fraction] = [share]  # per group
        self.order: list[tuple[float, Fraction]] = [(float(share), share)]  # per group: its sort key
        self.group = [0] * voters  # each voter's group
        self._groups: dict[Fraction, int] = {share: 0}
        self._after: dict[tuple[int, int], int] = {}  # (group, project bought) -> its supporters' new group

    def held_by(self, backers: Sequence[int]) -> list[_Held]:
        """What the supporters hold, poorest first."""
        counts: dict[int, int] = {}
        for voter in backers:
            group = self.group[voter]
            counts[group] = counts.get(group, 0) + 1
        order = self.order
        return [(self.money[group], counts[group], order[group][0]) for group in sorted(counts, key=order.__getitem__)]

    def pay(self, idea_id: int, backers: Sequence[int], payment: Fraction) -> None:
        """Every supporter pays ``payment``, or all they have when that is less."""
        for voter in backers:
            key = (self.group[voter], idea_id)
            after = self._after.get(key)
            if after is None:
                after = self._after[key] = self._group_of(max(self.money[key[0]] - payment, Fraction(0)))
            self.group[voter] = after

    def _group_of(self, money: Fraction) -> int:
        group = self._groups.get(money)
        if group is None:
            group = self._groups[money] = len(self.money)
            self.money.append(money)
            self.order.append((float(money), money))
        return group


def _affordable(cost: int, held: Sequence[_Held]) -> bool:
    """Whether the supporters hold at least ``cost`` between them."""
    rough = sum(approx * count for _money, count, approx in held)
    if abs(rough - cost) > _CLOSE * cost:
        return rough > cost
    return sum(money * count for money, count, _approx in held) >= cost


def _rough_price_factor(cost: int, held: Sequence[_Held]) -> float:
    """:func:`_price_factor` in floats (continuous where the poorest paying changes, so close)."""
    paid, rich = 0.0, sum(count for _money, count, _approx in held)
    for _money, count, approx in held:
        if (cost - paid) / rich <= approx:
            break
        paid += approx * count
        rich -= count
    return (cost - paid) / (cost * rich) if rich else math.inf


def _price_factor(cost: int, held: Sequence[_Held]) -> Fraction:
    """The least ``rho`` at which supporters holding this money (poorest first) pay ``cost``,
    each paying ``rho * cost`` or all they have."""
    paid, rich = Fraction(0), sum(count for _money, count, _approx in held)
    for money, count, _approx in held:
        rho = (cost - paid) / (cost * rich)
        if rho * cost <= money:
            return rho
        paid += money * count
        rich -= count
    raise AssertionError("supporters who can afford a project always pay it at some factor")


def winners(rule: Rule, budget: int, projects: Sequence[Project], ballots: Sequence[Collection[int]]) -> list[int]:
    if rule is Rule.GREEDY:
        return greedy(budget, projects)
    return equal_shares(budget, projects, ballots)


def votes_per_project(ballots: Iterable[Collection[int]]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for ballot in ballots:
        for idea_id in ballot:
            counts[idea_id] = counts.get(idea_id, 0) + 1
    return counts


@dataclass(frozen=True, slots=True)
class BudgetTerms:
    """A budget round's terms, fixed when it opens: the amount, its currency, the rule that
    chooses and the ballot rules."""

    amount: int
    currency: str
    rule: Rule
    ballot: BallotRules


def rules_sentence(t: Translator, terms: BudgetTerms) -> str:
    """The ballot rules in words: what a ballot must do to count."""
    rules = terms.ballot
    parts = [t._("stay within {budget}", budget=t.money(terms.amount, terms.currency))]
    if rules.min_spend:
        parts.append(t._("spend at least {share} of it ({amount})", share=t.percent(rules.min_spend / 100),
                         amount=t.money(rules.least_spent(terms.amount), terms.currency)))  # fmt: skip
    if rules.max_projects is not None and rules.max_projects == rules.min_projects:
        parts.append(t.ngettext("choose exactly {count} project", "choose exactly {count} projects", rules.max_projects))
    elif rules.max_projects is not None:
        parts.append(t._("choose from {least} to {most} projects", least=t.number(rules.min_projects),
                         most=t.number(rules.max_projects)))  # fmt: skip
    elif rules.min_projects > 1:
        parts.append(t.ngettext("choose at least {count} project", "choose at least {count} projects", rules.min_projects))
    return t._("A ballot must {rules}.", rules=t.list_of(parts))


def budget_prompt(t: Translator, terms: BudgetTerms) -> str:
    """What a budget round's prompt adds: the budget and how ideas get their costs."""
    return t._("Budget: {budget}. A facilitator gives each idea its cost with /cost N AMOUNT; ideas without a cost do not go to the vote.",
               budget=t.money(terms.amount, terms.currency))


@dataclass(frozen=True, slots=True)
class Money(Phrase):
    """An amount of a budget in a refusal, in the reader's own format."""

    amount: int
    currency: str

    def words(self, t: Translator) -> str:
        return t.money(self.amount, self.currency)


@dataclass(frozen=True, slots=True)
class RulesSentence(Phrase):
    """A budget's ballot rules in a refusal."""

    terms: BudgetTerms

    def words(self, t: Translator) -> str:
        return rules_sentence(t, self.terms)


def check_cost(cost: int, terms: BudgetTerms) -> None:
    """A project may cost at most the whole budget (it could never be funded otherwise)."""
    if cost > terms.amount:
        raise DomainError(
            N_("That is more than the whole budget ({budget}). A project must cost at most the budget. Nothing was changed."),
            budget=Money(terms.amount, terms.currency),
        )


@dataclass(frozen=True, slots=True)
class Costed:
    """An idea on a budget ballot as the results show it."""

    idea_id: int
    number: int
    text: str
    cost: int


def decide(
    terms: BudgetTerms, ideas: Sequence[Costed], online: Sequence[Collection[int]], paper: Sequence[Collection[int]]
) -> Decision:
    """The projects ranked by votes, the winners the rule chose and what they spend."""
    ballots = [*online, *paper]
    votes, on_paper = votes_per_project(ballots), votes_per_project(paper)
    projects = [Project(idea.idea_id, idea.number, idea.cost, votes.get(idea.idea_id, 0)) for idea in ideas]
    chosen = winners(terms.rule, terms.amount, projects, ballots)
    return funded(terms, ideas, votes, on_paper, len(ballots), len(paper), chosen)


def funded(
    terms: BudgetTerms, ideas: Sequence[Costed], votes: Mapping[int, int], on_paper: Mapping[int, int],
    voters: int, paper_voters: int, chosen: Sequence[int],
) -> Decision:  # fmt: skip
    """The decision with its winners already chosen (at the close, or as it was frozen)."""
    tallies = [Tally(idea.idea_id, idea.number, idea.text, votes.get(idea.idea_id, 0), on_paper.get(idea.idea_id, 0),
                     cost=idea.cost) for idea in ideas]  # fmt: skip
    ranked = rank(tallies, voters, paper_voters)
    cost_of = {idea.idea_id: idea.cost for idea in ideas}
    spending = Spending(terms.amount, sum(cost_of[idea_id] for idea_id in chosen), terms.currency, terms.rule.value)
    placings: tuple[Placing, ...] = ranked.placings
    return Decision(placings, voters, paper_voters, Method.BUDGET, chosen=tuple(chosen), spending=spending)


# ------------------------------------------------------------------------ paper ballots


PAPER_BALLOTS_USAGE = N_(
    "Write the round number, then each paper ballot as its project numbers joined with +, "
    "and ×N for N identical ballots, e.g. /paper 4 1+3 2 1+2+5x3"
)
_PAPER_BALLOT = re.compile(r"^([0-9]{1,9}(?:\+[0-9]{1,9})*)(?:[x×*]([0-9]{1,6}))?$", re.IGNORECASE)


def parse_paper_ballots(tokens: Sequence[str]) -> list[tuple[frozenset[int], int]]:
    """``1+3 2 1+2+5x3``: each paper ballot's project numbers and how many identical ones."""
    if not tokens:
        raise DomainError(PAPER_BALLOTS_USAGE)
    ballots, total = [], 0
    for token in tokens:
        match = _PAPER_BALLOT.match(token)
        if match is None:
            raise DomainError(N_("“{value}” is not a ballot like 1+3 or 2+5x4."), value=Quoted(token))
        numbers = [int(number) for number in match.group(1).split("+")]
        copies = int(match.group(2)) if match.group(2) else 1
        if len(set(numbers)) != len(numbers):
            raise DomainError(N_("“{value}” names a project twice."), value=Quoted(token))
        if not copies or not all(numbers):
            raise DomainError(N_("“{value}” is not a ballot like 1+3 or 2+5x4."), value=Quoted(token))
        total += copies
        ballots.append((frozenset(numbers), copies))
    if total > MAX_PAPER_BALLOTS:
        raise DomainError(N_("{voters} paper voters is more than the {limit} the bot takes."), voters=total,
                          limit=MAX_PAPER_BALLOTS)  # fmt: skip
    return ballots
