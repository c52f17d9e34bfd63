"""A round's report for the council, in the group's language: its words, and the PDF ``/report``
sends.

A council officer who was not there reads, on one or two A4 pages: the question and what
was decided, when the round ran and how it decided, who could take part and how (online,
by voice message, through a facilitator, on paper) with how many did, the turnout online
and on paper, the results with their chart, and what became of the decision: the
outcome's status, its history with dates, and the hours neighbours gave to it. The public
page has the same report as a printable page (``report-N.html``).

Names appear as on the public page (``bot.domain.inclusion.credit`` in public): a member
who hid their name or was forgotten is "a neighbour", an assisted neighbour is named only
where the facilitator marked that they agreed. Hours are counted, never named.

A round with many ideas or a long outcome history is cut to fit: the report is drawn with
the fullest :class:`Budget` first, and with each smaller one until it takes at most two
pages; the smallest always fits (tested with the longest texts the bot accepts).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, replace

from bot.domain import i18n
from bot.domain.decisions import Decision
from bot.domain.decisions.names import method_name
from bot.domain.i18n import Translator
from bot.domain.inclusion import credit
from bot.domain.member_text import isolated
from bot.domain.outcomes import progress_shown
from bot.domain.placings import idea_name, place
from bot.domain.records import Group
from bot.domain.rounds import Kind, Stage
from bot.domain.site import PublicGroup, PublicRound
from bot.domain.text_limits import shorten
from bot.flows.common_ground_lines import turnout as statements_turnout
from bot.flows.decision_words import position_word
from bot.flows.decisions import method_of
from bot.flows.outcomes import hours_line
from bot.flows.round_lines import decision_line, outcome_status, round_status
from bot.render import council_report
from bot.render.chart_words import results_chart
from bot.render.council_report import CouncilReport, Paragraphs, Progress, Section, Table, Terms
from bot.runtime.application import CoprodApplication
from storage import Connection
from storage import rounds as stored_rounds
from storage import site as stored_site

MAX_PAGES = 2
CHART_BARS = 10  # the report's chart: the leading ideas, the rest are in the table


@dataclass(frozen=True, slots=True)
class Budget:
    """How much of a long round the report holds: ideas in the results, the latest outcome
    updates, and the characters of each idea's or update's words."""

    rows: int
    updates: int
    words: int


BUDGETS = (Budget(20, 12, 400), Budget(12, 6, 200), Budget(6, 4, 120), Budget(3, 2, 60))


def file_name(number: int) -> str:
    return f"report-round-{number}.pdf"


async def decided(conn: Connection, public: PublicRound) -> PublicRound:
    """A closed round with its decision, as its method froze it."""
    if public.stage is not Stage.CLOSED:
        return public
    round_ = await stored_rounds.get(conn, public.round_id)
    return replace(public, decision=await method_of(round_).frozen(conn, round_))


async def report_pdf(app: CoprodApplication, group: Group, number: int) -> tuple[bytes, int]:
    """Round ``number``'s report as PDF, and its pages (at most :data:`MAX_PAGES`)."""
    async with app.services.db.read() as conn:
        public = await stored_site.public_group(conn, group, only={number})
        (round_,) = [await decided(conn, found) for found in public.rounds if found.number == number]
    t = i18n.translator(group.language)
    return await asyncio.to_thread(fitted_pdf, t, public, round_, app.services.clock.now())


def fitted_pdf(t: Translator, public: PublicGroup, round_: PublicRound, now: dt.datetime) -> tuple[bytes, int]:
    """The report with the fullest budget that fits on :data:`MAX_PAGES` pages."""
    for budget in BUDGETS:
        drawn, pages = council_report.draw_pdf(report(t, public, round_, now, budget))
        if pages <= MAX_PAGES:
            break
    return drawn, pages


def report(t: Translator, public: PublicGroup, round_: PublicRound, now: dt.datetime | None = None,
           budget: Budget = BUDGETS[0]) -> CouncilReport:  # fmt: skip
    """Everything the report of ``round_`` says, in ``t``'s language; with ``now``, when it was
    prepared (the PDF says so; the page, rebuilt with every change, does not)."""
    decision = round_.decision
    sections = [Section(t._("Decision"), _decision(t, public, round_, budget))]
    if round_.stage is Stage.CLOSED:
        sections.append(Section(t._("What happened next"), _what_happened(t, public, round_, budget)))
    sections += [
        Section(t._("The round"), (Terms(_round_terms(t, public, round_)),)),
        Section(t._("Who could take part, and how"), _taking_part(t, public, round_, decision)),
    ]
    if decision is not None and decision.voters:
        sections.append(Section(t._("Results"), _results(t, round_, decision, budget)))
    return CouncilReport(
        language=t.language,
        byline=(t._("{group} · prepared {when}", group=isolated(public.title), when=_when(t, public, now))
                if now is not None else isolated(public.title)),
        heading=t._("Report for the council: round #{number}", number=round_.number),
        question=isolated(round_.question),
        sections=tuple(sections),
    )


def _when(t: Translator, public: PublicGroup, moment: dt.datetime) -> str:
    return t.when(moment, public.timezone, year=True)


def _decision(t: Translator, public: PublicGroup, round_: PublicRound, budget: Budget) -> tuple:
    blocks: list = [Paragraphs((decision_line(t, round_, public.timezone, isolated),))]
    decision = round_.decision
    if decision is not None and decision.common_ground is None and decision.winners:
        ideas = {idea.number: idea for idea in round_.ideas}
        chosen = [ideas[placing.tally.number] for placing in decision.winners[:budget.rows] if placing.tally.number in ideas]
        names = [credit(t, idea, round_.authors, isolated, public=True) for idea in chosen]
        if names and round_.kind is not Kind.POLL:
            blocks.append(Terms(((t._("Proposed by"), t.list_of(names)),)))
    return tuple(blocks)


def _round_terms(t: Translator, public: PublicGroup, round_: PublicRound) -> tuple[tuple[str, str], ...]:
    rows = [(t._("Method"), method_name(t, round_.method, round_.kind)),
            (t._("Status"), round_status(t, round_.stage)),
            (t._("Opened"), _when(t, public, round_.opened_at))]  # fmt: skip
    started = round_.voting_started_at
    if started is not None and started != round_.opened_at:
        rows.append((t._("Voting opened"), _when(t, public, started)))
    ended = {Stage.CLOSED: t._("Closed"), Stage.CANCELLED: t._("Cancelled")}.get(round_.stage)
    if ended is not None and round_.closed_at is not None:
        rows.append((ended, _when(t, public, round_.closed_at)))
    elif round_.deadline is not None:
        ends = t._("Ideas close") if round_.stage is Stage.IDEAS else t._("Voting closes")
        rows.append((ends, _when(t, public, round_.deadline)))
    return tuple(rows)


def _taking_part(t: Translator, public: PublicGroup, round_: PublicRound, decision: Decision | None) -> tuple:
    """Who could take part, each way with how many took it, and the turnout."""
    ideas = [idea for idea in round_.ideas]
    voice = sum(idea.voice for idea in ideas)
    assisted = sum(idea.assisted and not idea.voice for idea in ideas)
    online = len(ideas) - voice - assisted
    if round_.kind is Kind.POLL:
        sent = t.ngettext("{count} option, set when the poll opened", "{count} options, set when the poll opened", online)
    elif round_.method.adds_while_voting:
        sent = t.ngettext("{count} statement", "{count} statements", online)
    else:
        sent = t.ngettext("{count} idea, in the group or privately", "{count} ideas, in the group or privately", online)
    if decision is not None:
        sent = t._("{sent}; {voted}", sent=sent, voted=t.ngettext(
            "{count} neighbour voted", "{count} neighbours voted", decision.online_voters))  # fmt: skip
    paper = decision.paper_voters if decision is not None else 0
    ways = (
        (t._("Online, in Telegram"), sent),
        (t._("By voice message"), t.ngettext("{count} idea", "{count} ideas", voice)),
        (t._("Through a facilitator"), t.ngettext("{count} idea entered for a neighbour not in the chat",
                                                  "{count} ideas entered for neighbours not in the chat", assisted)),
        (t._("On paper ballots"), t.ngettext("{count} neighbour voted on paper", "{count} neighbours voted on paper",
                                             paper)),
    )  # fmt: skip
    who = t._("Members of the Telegram group “{group}” could take part online; neighbours without Telegram could "
              "take part through the group's facilitators.", group=isolated(public.title))  # fmt: skip
    return Paragraphs((who,)), Terms(ways), Paragraphs((_turnout(t, round_, decision),))


def _turnout(t: Translator, round_: PublicRound, decision: Decision | None) -> str:
    if round_.stage is Stage.CANCELLED:
        return t._("The round was cancelled before it was decided.")
    if decision is None:
        return t._("The vote has not ended yet.")
    if decision.common_ground is not None:
        return statements_turnout(t, decision.common_ground) + "."
    if not decision.voters:
        return t._("Nobody voted.")
    if not decision.paper_voters:
        return t.ngettext("{count} neighbour voted, online.", "{count} neighbours voted, all online.", decision.voters)
    return t.ngettext(
        "{count} neighbour voted: {online} online and {paper} on paper.",
        "{count} neighbours voted: {online} online and {paper} on paper.",
        decision.voters, online=t.number(decision.online_voters), paper=t.number(decision.paper_voters),
    )  # fmt: skip


def _results(t: Translator, round_: PublicRound, decision: Decision, budget: Budget) -> tuple:
    if decision.common_ground is not None:
        statements = decision.common_ground.statements
        rows = tuple((f"{t.number(result.number)}. {isolated(shorten(result.text, budget.words))}", t.number(result.agree),
                      t.number(result.disagree), t.number(result.passed), t.percent(result.consensus))
                     for result in statements[:budget.rows])  # fmt: skip
        header = (t._("Statement"), t._("Agree"), t._("Disagree"), t._("Pass"), t._("Consensus across the groups"))
        return (Table(header, rows, (False, True, True, True, True), (5, 1, 1, 1, 1.4),
                      _more(t, len(statements) - len(rows))),)  # fmt: skip
    if decision.verdict is not None:  # a consent proposal: how many took each position
        (placing,) = decision.placings
        rows = tuple((position_word(t, position), t.number(count)) for position, count in placing.tally.positions)
        return (Table((t._("Position"), t._("Neighbours")), rows, (False, True), (4, 1)),
                results_chart(t, round_, decision))  # type: ignore[arg-type] - a round's number and question
    paper, spending = decision.paper_voters > 0, decision.spending
    funded = {placing.tally.idea_id for placing in decision.winners}
    rows = tuple(
        (place(t, p.rank, p.tied), idea_name(t, p.tally.number, isolated(shorten(p.tally.text, budget.words))),
         *((t.money(p.tally.cost or 0, spending.currency), t._("funded") if p.tally.idea_id in funded else "")
           if spending else ()),
         t.number(p.tally.votes), *((t.number(p.tally.paper),) if paper else ()), t.percent(p.share))
        for p in decision.placings[: budget.rows]
    )  # fmt: skip
    costs = spending is not None
    header = (t._("Place"), t._("Idea"), *((t._("Cost"), t._("Funded")) if costs else ()), t._("Votes"),
              *((t._("On paper"),) if paper else ()), t._("Share of voters"))  # fmt: skip
    numeric = (False, False, *((True, False) if costs else ()), True, *((True,) if paper else ()), True)
    weights = (1.4, 5, *((1.3, 1.2) if costs else ()), 1, *((1.1,) if paper else ()), 1.3)
    table = Table(header, rows, numeric, weights, _more(t, len(decision.placings) - len(rows)))
    chart = results_chart(t, round_, decision, limit=min(budget.rows, CHART_BARS))  # type: ignore[arg-type] - a round's number and question
    return table, chart


def _more(t: Translator, hidden: int) -> str:
    return t.ngettext("and {count} more, on the public page", "and {count} more, on the public page", hidden) if hidden else ""


def _what_happened(t: Translator, public: PublicGroup, round_: PublicRound, budget: Budget) -> tuple:
    latest = round_.latest
    blocks: list = [Progress(t._("Outcome: {status}", status=outcome_status(t, latest)),
                             progress_shown(latest.status, latest.progress) if latest else None)]  # fmt: skip
    given = (hours_line(t, round_.minutes_given, round_.neighbours_giving) if round_.minutes_given
             else t._("No volunteering has been confirmed for it yet."))  # fmt: skip
    blocks.append(Paragraphs((given,)))
    if round_.outcomes:
        shown = round_.outcomes[-budget.updates :]
        blocks.append(Terms(tuple(
            (t.date(update.recorded_at, public.timezone), t._("{status}: {text}", status=outcome_status(t, update),
                                                       text=isolated(shorten(update.text, budget.words))))
            for update in shown)))  # fmt: skip
        earlier = len(round_.outcomes) - len(shown)
        if earlier:
            blocks.append(Paragraphs((t.ngettext("and {count} earlier update, on the public page",
                                                 "and {count} earlier updates, on the public page", earlier),)))  # fmt: skip
    return tuple(blocks)
