"""A decision's verdict, positions, reasons and spending in words, wherever a decision is shown.

The results message, personal notices, ``/rounds``, summaries and the public page read the
same :class:`~bot.domain.decisions.Decision` fields through these functions, whichever
method filled them: a decision with a verdict says passed, not passed or no quorum with its
positions and reasons; one with spending says what was funded and what is left.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from bot.domain.decisions import (
    POSITION_WORDS,
    VERDICT_WORDS,
    Decision,
    Placing,
    Position,
    Reason,
    Spending,
    Tally,
    Verdict,
)
from bot.domain.decisions.budget import RULE_WORDS, Rule
from bot.domain.i18n import Translator
from bot.domain.rounds import Round
from bot.domain.text_limits import shorten

REASON_SHOWN = 200  # characters of a reason in a message that lists several; /reasons shows them whole


def verdict_word(t: Translator, verdict: Verdict) -> str:
    return t._(VERDICT_WORDS[verdict])


def position_word(t: Translator, position: Position) -> str:
    return t._(POSITION_WORDS[position])


def positions_line(t: Translator, tally: Tally) -> str:
    """"Agree 4 · Abstain 1 · Object 1 · Block 0"."""
    return " · ".join(
        t._("{position} {count}", position=position_word(t, position), count=t.number(count))
        for position, count in tally.positions
    )


def rule_line(t: Translator) -> str:
    return t._("It passes when more neighbours agree than object and nobody blocks.")


def quorum_line(t: Translator, quorum: int, percent: int = 0, active: int = 0) -> str:
    """The quorum as the proposal states it (``percent`` of ``active`` members, when it is a share)."""
    if not quorum and not percent:
        return t._("No quorum is set: the result counts however many take part.")
    needed = t.ngettext("at least {count} neighbour must take part", "at least {count} neighbours must take part",
                        quorum)  # fmt: skip
    if percent:
        return t.ngettext(
            "Quorum: {needed} ({percent} of the {count} neighbour seen here in the last 60 days).",
            "Quorum: {needed} ({percent} of the {count} neighbours seen here in the last 60 days).",
            active, needed=needed, percent=t.percent(percent / 100),
        )  # fmt: skip
    return t._("Quorum: {needed}.", needed=needed)


def reason_line(t: Translator, reason: Reason, limit: int | None = REASON_SHOWN) -> str:
    """"• Ben (object): The centre has no room." (HTML); "a neighbour" when the name is hidden."""
    name = t.user_text(reason.name) if reason.name else t._("a neighbour")
    text = shorten(reason.text, limit) if limit else reason.text
    return t._("• {name} ({position}): {reason}", name=name, position=position_word(t, reason.position).lower(),
               reason=t.user_text(text))  # fmt: skip


def verdict_line(t: Translator, decision: Decision) -> str:
    """"Passed: Agree 4 · Abstain 1 · Object 1 · Block 0. 6 neighbours took part (quorum 5)."""
    (placing,) = decision.placings
    line = t._("{verdict}: {positions}.", verdict=verdict_word(t, decision.verdict), positions=positions_line(t, placing.tally))
    line += " " + t.ngettext("{count} neighbour took part", "{count} neighbours took part", decision.voters)
    if decision.quorum:
        line += " " + t._("(quorum {quorum})", quorum=t.number(decision.quorum))
    return line + "."


def consent_blocks(t: Translator, round_: Round, decision: Decision) -> list[str]:
    """The result of a consent proposal: verdict and counts, the rule, every block and
    objection with its reason, and (not passed) how to amend and run it again."""
    blocks = [
        t._("<b>Result of consent proposal #{number}</b>: {proposal}", number=round_.number,
            proposal=t.user_text(round_.question)),
        verdict_line(t, decision),
        rule_line(t),
    ]  # fmt: skip
    if decision.verdict is Verdict.NO_QUORUM:
        blocks.append(t.ngettext("Fewer than {count} neighbour took part, so the proposal does not count.",
                                 "Fewer than {count} neighbours took part, so the proposal does not count.",
                                 decision.quorum))  # fmt: skip
    concerns = [reason for reason in decision.reasons if reason.position in (Position.BLOCK, Position.DISAGREE)]
    blocking = (placing.tally.count(Position.BLOCK) for placing in decision.placings)
    if any(blocking):
        blocks.append(t._("A block is a strong signal to talk it over, not the end of the matter."))
    if concerns:
        blocks += ["", t._("Blocks and objections:")]
        blocks += [reason_line(t, reason, None) for reason in sorted(concerns, key=_blocks_first)]
    others = [reason for reason in decision.reasons if reason not in concerns]
    if others:
        blocks += ["", t._("Other reasons given:")]
        blocks += [reason_line(t, reason, None) for reason in others]
    if decision.verdict is not Verdict.PASSED:
        blocks += ["", t._("A facilitator can change the proposal and put it again: /amend {number} and the new words.",
                           number=round_.number)]  # fmt: skip
    return blocks


def _blocks_first(reason: Reason) -> int:
    return 0 if reason.position is Position.BLOCK else 1


# ------------------------------------------------------------------------ budgets


def rule_words(t: Translator, rule: str) -> str:
    return t._(RULE_WORDS[Rule(rule)])


def spending_line(t: Translator, spending: Spending, funded: int) -> str:
    """"3 projects funded: £4,700 of £5,000 spent, £300 left."""
    return t.ngettext(
        "{count} project funded: {spent} of {budget} spent, {left} left.",
        "{count} projects funded: {spent} of {budget} spent, {left} left.",
        funded, spent=t.money(spending.spent, spending.currency), budget=t.money(spending.budget, spending.currency),
        left=t.money(spending.left, spending.currency),
    )  # fmt: skip


def project_line(t: Translator, placing: Placing, spending: Spending, words: str) -> str:
    """"2. Bench by the bus stop — £1,200, 8 votes" (``words``: the idea as listings show it)."""
    return t._("{number}. {idea} — {cost}, {votes}", number=placing.tally.number, idea=words,
               cost=t.money(placing.tally.cost or 0, spending.currency),
               votes=t.ngettext("{count} vote", "{count} votes", placing.tally.votes))  # fmt: skip


def budget_blocks(t: Translator, round_: Round, decision: Decision, lines: Mapping[int, str]) -> list[str]:
    """The results of a budget round: the rule, the winners with costs and votes, what is
    left, and the projects that were not funded."""
    spending = decision.spending
    assert spending is not None
    funded = decision.winners
    blocks = [
        t._("<b>Results of budget round #{number}</b>: {question}", number=round_.number,
            question=t.user_text(round_.question)),
        t._("Budget {budget}; winners chosen by {rule}.", budget=t.money(spending.budget, spending.currency),
            rule=rule_words(t, spending.rule)),
        t.ngettext("{count} neighbour voted.", "{count} neighbours voted.", decision.voters),
        spending_line(t, spending, len(funded)),
    ]  # fmt: skip
    if not decision.placings:
        blocks.append(t._("No idea had a cost, so there was nothing to vote on."))
        return blocks
    words: Callable[[Placing], str] = lambda p: lines.get(p.tally.idea_id) or t.user_text(p.tally.text)  # noqa: E731
    if funded:
        blocks += ["", t._("<b>Funded</b>")]
        blocks += ["✓ " + project_line(t, placing, spending, words(placing)) for placing in funded]
    others = [placing for placing in decision.placings if placing not in funded]
    if others:
        blocks += ["", t._("<b>Not funded</b>")]
        blocks += [project_line(t, placing, spending, words(placing)) for placing in others]
    return blocks


# ------------------------------------------------------------------------ one line


def decision_line(t: Translator, decision: Decision, limit: int = 150) -> str | None:
    """What a decision came to, in one line (HTML), for ``/rounds``, summaries and notices;
    None for a ranking (its winners say it)."""
    if decision.verdict is not None:
        return verdict_line(t, decision)
    if decision.spending is not None:
        funded = decision.winners
        names = t.list_of([t.user_text(shorten(p.tally.text, limit)) if p.tally.text else t._("voice idea {number}", number=p.tally.number)
                           for p in funded[:5]])  # fmt: skip
        more = len(funded) - 5
        if more > 0:
            names += " " + t.ngettext("and {count} more project", "and {count} more projects", more)
        line = spending_line(t, decision.spending, len(funded))
        return line + (" " + t._("Funded: {projects}.", projects=names) if funded else "")
    return None
