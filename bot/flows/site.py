"""The group's public page: rebuilt after each change it shows, removed when turned off.

When a facilitator turns ``/settings public on``, the bot keeps a static website for the
group in ``COPROD_SITE_DIR/<token>`` (see :mod:`bot.render.site_files`), written for a
reader who was not there, such as a council officer:

- the index (``index.html``, then ``index-2.html``... for older rounds, 50 a page): every
  round, newest first, with its question, method, status, decision and the outcome's
  current status with a progress bar; and the hours members gave;
- a page per round (``round-N.html``, a stable address) in reading order: the question, the
  decision in one sentence, what happened next (the outcome's status, the hours given to
  it and its history), the results with their chart (a small hand-written SVG set into the
  page, :mod:`bot.render.svg_bars`; the Telegram photos stay matplotlib PNGs), the ideas;
- the round's report for the council as a printable page (``report-N.html``), the same
  sections as the PDF ``/report N`` sends (:mod:`bot.flows.reports`).

Every word is composed here in the group's language; the templates only lay it out,
escaping everything.

:func:`refresh` is called after a round opens, moves to voting or closes, after an outcome,
a settings change, a ``/privacy`` change or a ``/forgetme``; :func:`refresh_hours` after
hours are confirmed or reversed. After an event about one round it rebuilds only that
round's pages and the index; after the others, where a name or the language may change on
every page, it rebuilds them all. The work runs in a worker thread and only files whose
bytes changed are written. The page is secondary to the group: a failure to write it is
logged and never stops the flow that called it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import logging
from collections.abc import Collection
from dataclasses import replace
from pathlib import Path

from markupsafe import Markup

from bot.domain import i18n
from bot.domain.decisions import Decision
from bot.domain.decisions.names import method_name
from bot.domain.i18n import Translator
from bot.domain.inclusion import credit, idea_words
from bot.domain.member_text import isolated
from bot.domain.outcomes import progress_shown
from bot.domain.placings import idea_name, place
from bot.domain.records import Group
from bot.domain.rounds import IdeaStatus, Stage
from bot.domain.site import PublicGroup, PublicRound, index_name, index_pages, new_site_token
from bot.flows import reports
from bot.flows.common_ground_lines import (
    agreed_lines,
    described_groups,
    divisive_lines,
    group_heading,
    stance_line,
    turnout,
)
from bot.flows.decision_words import position_word, rule_line, rule_words, spending_line, verdict_line
from bot.flows.idea_lines import paper_split
from bot.flows.outcomes import hours_line
from bot.flows.round_lines import decision_line, outcome_status, round_status
from bot.render import opinion_map, site_files, svg_bars
from bot.render.chart_words import opinion_map_chart, results_chart, results_summary
from bot.render.charts import BarChart
from bot.render.council_report import Paragraphs, Progress, Table, Terms
from bot.runtime.application import CoprodApplication
from storage import Connection, Database, groups
from storage import rounds as stored_rounds
from storage import site as stored

log = logging.getLogger(__name__)


def folder(app: CoprodApplication, token: str) -> Path:
    return site_files.group_folder(app.services.config.site_dir, token)


def address(app: CoprodApplication, token: str) -> str:
    """Where a reader finds the page: ``COPROD_SITE_URL/<token>/`` or the folder's path."""
    url = app.services.config.site_url
    return f"{url}/{token}/" if url else str(folder(app, token).resolve() / "index.html")


async def turn_on(app: CoprodApplication, group_id: int) -> str:
    """Give the group its folder name (kept for good), build the page; its address."""
    async with app.services.db.transaction() as conn:
        token = await groups.ensure_site_token(conn, group_id, new_site_token())
    await refresh(app, group_id)
    return address(app, token)


async def turn_off(app: CoprodApplication, token: str | None) -> None:
    """Remove every file of the group's page: a page turned off is gone, not frozen. Called
    once the setting is stored; a build running meanwhile finds it off when it has written
    and removes what it wrote (:func:`rebuild`)."""
    if token:
        async with app.services.page_writes:
            await asyncio.to_thread(site_files.remove, folder(app, token))


async def refresh(app: CoprodApplication, group_id: int, round_number: int | None = None) -> None:
    """Rebuild the group's page if it is on (with ``round_number``, only that round's pages
    and the index); a failure is logged, never raised."""
    await _refresh(app, group_id, None if round_number is None else (round_number,))


async def refresh_hours(app: CoprodApplication, group_id: int, round_id: int | None) -> None:
    """Hours were confirmed or reversed: rebuild the index (its hours) and, when they were
    given to a round, that round's pages (its outcome shows them)."""
    numbers: tuple[int, ...] = ()
    if round_id is not None:
        async with app.services.db.read() as conn:
            numbers = ((await stored_rounds.get(conn, round_id)).number,)
    await _refresh(app, group_id, numbers)


async def _refresh(app: CoprodApplication, group_id: int, only: Collection[int] | None) -> None:
    services = app.services
    try:
        now = services.clock.now()
        async with services.page_writes:
            built = await rebuild(services.db, services.config.site_dir, group_id, now, only=only)
        if built is not None:
            log.info("event=site_built group=%s changed=%s", group_id, built[1])
    except (OSError, site_files.SiteError):
        log.exception("event=site_failed group=%s", group_id)


SOON = 10  # seconds: a burst of ideas rebuilds a round's page once, well within a minute


def refresh_round_soon(app: CoprodApplication, round_id: int) -> None:
    """A round's ideas changed: rebuild its page (and the index) within :data:`SOON`
    seconds, once however many changes arrive meanwhile."""
    queue = app.job_queue
    name = f"site-round:{round_id}"
    if queue is not None and not queue.scheduler.get_job(name):
        queue.run_once(_refresh_round, when=SOON, data=round_id, name=name, job_kwargs={"id": name})


async def _refresh_round(context: object) -> None:
    app: CoprodApplication = context.application  # type: ignore[attr-defined]
    async with app.services.db.read() as conn:
        round_ = await stored_rounds.get(conn, context.job.data)  # type: ignore[attr-defined]
    await refresh(app, round_.group_id, round_.number)


async def rebuild(db: Database, site_dir: Path, group_id: int, now: dt.datetime, round_number: int | None = None,
                  *, only: Collection[int] | None = None) -> tuple[Path, int] | None:  # fmt: skip
    """Rebuild the group's page if it is on: its folder and how many files changed, or None
    when the page is off. With ``round_number`` (or several in ``only``; none: the index
    alone), only those rounds' pages and the index. Shared by :func:`refresh` and
    ``python -m bot site``; raises.

    The page may be turned off while it is being built (by the bot, while this runs in
    ``python -m bot site``, or the other way round), so the setting is read again once the
    files are written: if it is off by then, they are removed. Turning off removes the
    folder after storing the setting, so whichever comes last, no page is left served.
    """
    if round_number is not None:
        only = (round_number,)
    async with db.read() as conn:
        group = await groups.get(conn, group_id)
        if not group.public_page or not group.site_token:
            return None
        public = await stored.public_group(conn, group, only=only)
        public = replace(public, rounds=tuple([await _decided(conn, round_) for round_ in public.rounds]))
    target = site_files.group_folder(site_dir, group.site_token)
    changed = await asyncio.to_thread(build, target, public, now, only)
    async with db.read() as conn:
        still_on = (await groups.get(conn, group_id)).public_page
    if not still_on:
        await asyncio.to_thread(site_files.remove, target)
        return None
    return target, changed


async def _decided(conn: Connection, public: PublicRound) -> PublicRound:
    """A closed round with its decision, as its method froze it: every round's, since the
    index says what each decided."""
    return await reports.decided(conn, public)


def page_address(site_url: str | None, group: Group) -> str | None:
    """The page's address to show members (``COPROD_SITE_URL/<token>/``), or None when there
    is no public address: no ``COPROD_SITE_URL``, or the group's page is off."""
    if not site_url or not group.public_page or not group.site_token:
        return None
    return f"{site_url}/{group.site_token}/"


def page_line(t: Translator, site_url: str | None, group: Group) -> str | None:
    """The last line of ``/rounds`` and of a summary (HTML) when the page has an address."""
    url = page_address(site_url, group)
    if url is None:
        return None
    link = f'<a href="{html.escape(url)}">{html.escape(url, quote=False)}</a>'
    return t._("Everything decided and done, on the group's public page: {address}", address=link)


async def refresh_groups(app: CoprodApplication, group_ids: list[int]) -> None:
    for group_id in group_ids:
        await refresh(app, group_id)


def build(target: Path, public: PublicGroup, now: dt.datetime, only: Collection[int] | None = None) -> int:
    """Every file of the group's page, written into ``target``; how many changed. With
    ``only``, just those rounds' pages, the index and the style sheet: the other rounds'
    pages are left as they are."""
    t = i18n.translator(public.language)
    files: dict[str, bytes] = {"style.css": site_files.stylesheet()}
    common = {"language": t.language, "direction": "rtl" if t.rtl else "ltr", "words": _words(t, public, now)}
    for round_ in public.rounds:
        if only is None or round_.number in only:
            files.update(_round_files(t, public, round_, common))
    files.update(_index_files(t, public, common))
    if only is None:
        return site_files.publish(target, files)
    own = {"style.css", *(f"{kind}-{number}.html" for number in only for kind in ("round", "report"))}
    # Charts were files of their own before they were set into the pages: a rebuilt round's go.
    return site_files.publish(target, files, owns=lambda name: name in own or name.startswith("index")
                              or any(name.startswith(f"chart-{number}-") for number in only))  # fmt: skip


def _index_files(t: Translator, public: PublicGroup, common: dict) -> dict[str, bytes]:
    """The index, :data:`~bot.domain.site.ROUNDS_PER_PAGE` rounds a page, newest first; the
    hours on its first page."""
    hours = [{"name": row.name, "time": t.duration(row.minutes)} for row in public.hours]
    total = (t._("{hours} of volunteering confirmed in all.", hours=t.duration(public.minutes_given))
             if public.minutes_given else t._("No volunteering has been confirmed yet."))  # fmt: skip
    pages = index_pages([_listed(t, public, round_) for round_ in public.rounds])
    files = {}
    for number, rounds in enumerate(pages, start=1):
        pager = {
            "newer": index_name(number - 1) if number > 1 else None,
            "older": index_name(number + 1) if number < len(pages) else None,
            "where": t._("Page {page} of {pages}", page=t.number(number), pages=t.number(len(pages))),
        }  # fmt: skip
        page = site_files.render("index.html", title=public.title, rounds=rounds, first=number == 1, hours=hours,
                                 hours_total=total, pager=pager if len(pages) > 1 else None, **common)  # fmt: skip
        files[index_name(number)] = page.encode()
    return files


def _listed(t: Translator, public: PublicGroup, round_: PublicRound) -> dict:
    """A round at a glance: its question, method, status, decision, and the outcome's status."""
    return {
        "number": round_.number, "question": round_.question, "href": f"round-{round_.number}.html",
        "method": method_name(t, round_.method, round_.kind), "state": round_.stage.value,
        "status": round_status(t, round_.stage), "dates": _since(t, public, round_),
        "decision": decision_line(t, round_, public.timezone, isolated),
        "outcome": _outcome_now(t, round_) if round_.stage is Stage.CLOSED else None,
    }  # fmt: skip


def _outcome_now(t: Translator, round_: PublicRound) -> dict:
    """The outcome's current status, how full its bar is, and the hours given to it."""
    latest = round_.latest
    return {
        "status": outcome_status(t, latest),
        "progress": progress_shown(latest.status, latest.progress) if latest is not None else None,
        "hours": hours_line(t, round_.minutes_given, round_.neighbours_giving) if round_.minutes_given else "",
    }


def _round_files(t: Translator, public: PublicGroup, round_: PublicRound, common: dict) -> dict[str, bytes]:
    """The round's page (question, decision, what happened next, results, ideas) and its
    report for the council, as a printable page."""
    # Only the index says when it was updated, so an unchanged round's page keeps its bytes.
    words = dict(common["words"], round_number=t._("Round #{number}", number=round_.number), updated="")
    context = {
        **common, "words": words,
        "heading": t._("Round #{number}: {question}", number=round_.number, question=round_.question),
        "question": round_.question, "method": method_name(t, round_.method, round_.kind),
        "status": round_status(t, round_.stage), "dates": _dates(t, public, round_),
        "decision": decision_line(t, round_, public.timezone, isolated),
        "outcome": _what_happened(t, public, round_) if round_.stage is Stage.CLOSED else None,
        "ideas": [{"number": idea.number, "text": idea_words(t, idea, round_.authors, isolated, public=True),
                   # a voice idea's words already name who sent it
                   "author": "" if idea.needs_words else credit(t, idea, round_.authors, isolated, public=True),
                   "standing": idea.status is IdeaStatus.STANDING}
                  for idea in round_.ideas],
        "results": [], "chart": None, "voters": "", "opinions": None, "decision_lines": [], "positions": [],
        "reasons": [], "costs": False, "report_href": f"report-{round_.number}.html",
    }  # fmt: skip
    results = round_.decision
    if results is not None and results.common_ground is not None:
        context["opinions"] = _opinions(t, round_, results)
    elif results is not None and results.placings and not results.voters and results.verdict is None:
        context["voters"] = t._("Nobody voted.")
    elif results is not None and results.placings:
        context["voters"] = _voters(t, results)
        context.update(_decided_words(t, results))
        chart = results_chart(t, round_, results)  # type: ignore[arg-type] - a round's number and question
        # A ranking's caption lists every idea, which the table beside it already does; a
        # proposal's positions or a budget's spending are said in the chart's own caption.
        ranking = results.verdict is None and results.spending is None
        summary = results_summary(t, round_, results) if ranking else [chart.caption]  # type: ignore[arg-type]
        context["chart"] = {"svg": _drawn(svg_bars.svg(chart)), "caption": "\n".join(summary)}
    number = round_.number
    return {
        f"round-{number}.html": site_files.render("round.html", **context).encode(),
        f"report-{number}.html": _report_page(t, public, round_, {**common, "words": words}),
    }


def _drawn(svg: str) -> Markup:
    """A chart's SVG, set into the page as it is: every word in it is already escaped."""
    return Markup(svg)  # noqa: S704 - escaped by bot.render.svg_text


def _voters(t: Translator, results: Decision) -> str:
    voted = t.ngettext("{count} neighbour voted.", "{count} neighbours voted.", results.voters)
    return f"{voted} {paper_split(t, results.online_voters, results.paper_voters)}" if results.paper_voters else voted


def _what_happened(t: Translator, public: PublicGroup, round_: PublicRound) -> dict:
    """The outcome now, and its history: every update as it stands (a corrected one only in
    its corrected version), with its date and status."""
    updates = [{"when": t.when(update.recorded_at, public.timezone), "status": outcome_status(t, update),
                "text": update.text} for update in round_.outcomes]  # fmt: skip
    return {**_outcome_now(t, round_), "updates": updates}


def _report_page(t: Translator, public: PublicGroup, round_: PublicRound, common: dict) -> bytes:
    """The round's report for the council as a printable page: the PDF's sections."""
    drawn = reports.report(t, public, round_)
    sections = [{"heading": section.heading, "blocks": [_block(block) for block in section.blocks]}
                for section in drawn.sections]  # fmt: skip
    return site_files.render("report.html", report=drawn, sections=sections, back=f"round-{round_.number}.html",
                             **common).encode()  # fmt: skip


def _block(block: object) -> dict:
    """One block of the report as the template lays it out."""
    if isinstance(block, BarChart):
        return {"kind": "chart", "svg": _drawn(svg_bars.svg(block))}
    if isinstance(block, Paragraphs):
        return {"kind": "paragraphs", "lines": block.lines}
    if isinstance(block, Terms):
        return {"kind": "terms", "rows": block.rows}
    if isinstance(block, Table):
        return {"kind": "table", "header": block.header, "rows": block.rows, "numeric": block.numeric,
                "more": block.more}  # fmt: skip
    assert isinstance(block, Progress)
    return {"kind": "progress", "label": block.label, "percent": block.percent}


def _opinions(t: Translator, round_: PublicRound, results: Decision) -> dict:
    """A statements round's groups, common ground and divides in words, its statements' votes,
    and the opinion map."""
    ground = results.common_ground
    chart = None
    if ground.points:
        drawn = opinion_map_chart(t, round_, results)  # type: ignore[arg-type] - a round's number and question
        chart = {"svg": _drawn(opinion_map.svg(drawn)), "caption": drawn.note}
    return {
        "turnout": turnout(t, ground), "chart": chart,
        "agreed": agreed_lines(t, ground, isolated),
        "divisive": divisive_lines(t, ground, isolated) if described_groups(ground) > 1 else [],
        "groups": [{"heading": group_heading(t, group),
                    "lines": [stance_line(t, ground, stance, isolated) for stance in group.stances] if group.described else []}
                   for group in ground.groups],
        "statements": [{"number": result.number, "text": result.text, "agree": t.number(result.agree),
                        "disagree": t.number(result.disagree), "passed": t.number(result.passed),
                        "consensus": t.percent(result.consensus)} for result in ground.statements],
    }  # fmt: skip


def _decided_words(t: Translator, results: Decision) -> dict[str, object]:
    """The results table's rows, and what a verdict or a budget adds: its sentences, the
    positions taken, the reasons given (names as members allow), the costs and the winners."""
    if results.verdict is not None:
        (placing,) = results.placings
        return {
            "decision_lines": [verdict_line(t, results), rule_line(t)],
            "positions": [{"position": position_word(t, position), "count": t.number(count)}
                          for position, count in placing.tally.positions],
            "reasons": [{"name": reason.name or t._("a neighbour"), "position": position_word(t, reason.position),
                         "text": reason.text} for reason in results.reasons],
        }  # fmt: skip
    funded = {placing.tally.idea_id for placing in results.winners}
    spending = results.spending
    rows = [
        {"place": place(t, p.rank, p.tied), "idea": idea_name(t, p.tally.number, ""), "text": p.tally.text,
         "votes": t.number(p.tally.votes), "share": t.percent(p.share),
         "cost": t.money(p.tally.cost or 0, spending.currency) if spending else "",
         "funded": t._("funded") if p.tally.idea_id in funded else ""}
        for p in results.placings
    ]  # fmt: skip
    if spending is None:
        return {"results": rows}
    lines = [t._("Budget {budget}; winners chosen by {rule}.", budget=t.money(spending.budget, spending.currency),
                 rule=rule_words(t, spending.rule)), spending_line(t, spending, len(funded))]  # fmt: skip
    return {"results": rows, "decision_lines": lines, "costs": True}


def _dates(t: Translator, public: PublicGroup, round_: PublicRound) -> str:
    opened = t.when(round_.opened_at, public.timezone)
    if round_.stage is Stage.CANCELLED and round_.closed_at is not None:
        return t._("opened {opened}, cancelled {cancelled}", opened=opened,
                   cancelled=t.when(round_.closed_at, public.timezone))  # fmt: skip
    if round_.closed_at is not None:
        return t._("opened {opened}, closed {closed}", opened=opened, closed=t.when(round_.closed_at, public.timezone))
    if round_.deadline is not None:
        return t._("opened {opened}, this stage ends {ends}", opened=opened, ends=t.when(round_.deadline, public.timezone))
    return t._("opened {opened}", opened=opened)


def _since(t: Translator, public: PublicGroup, round_: PublicRound) -> str:
    """The day a round opened, or the day it was decided or cancelled, for the index (the
    decision says until when an open round takes ideas or votes)."""
    if round_.closed_at is None:
        return t._("opened {day}", day=t.date(round_.opened_at, public.timezone))
    day = t.date(round_.closed_at, public.timezone)
    return t._("cancelled {day}", day=day) if round_.stage is Stage.CANCELLED else t._("closed {day}", day=day)


def _words(t: Translator, public: PublicGroup, now: dt.datetime) -> dict[str, str]:
    return {
        "intro": t._("What this neighbourhood group asked, decided and did, and the time its members gave. "
                     "Members' names are shown unless they chose not to be named; a neighbour a facilitator "
                     "entered is named only where the facilitator marked that they agreed."),
        "rounds": t._("Rounds"), "no_rounds": t._("No rounds yet."),
        "method": t._("Method"), "status": t._("Status"), "decision": t._("Decision"), "outcome": t._("Outcome"),
        "newer": t._("Newer rounds"), "older": t._("Older rounds"), "pages": t._("Pages of rounds"),
        "hours": t._("Hours given"), "who": t._("Who"), "time": t._("Time"),
        "others": t._("Neighbours who prefer not to be named"),
        "back": t._("All rounds"), "results": t._("Results"), "place": t._("Place"), "idea": t._("Idea"),
        "votes": t._("Votes"), "share": t._("Share of voters"), "ideas": t._("Ideas"),
        "cost": t._("Cost"), "funded": t._("Funded"), "position": t._("Position"), "neighbours": t._("Neighbours"),
        "reasons": t._("Reasons given"),
        "merged": t._("merged into another idea"), "no_ideas": t._("No ideas yet."),
        "outcomes": t._("What happened next"), "no_outcome": t._("Nothing recorded yet."),
        "history": t._("Updates, oldest first"),
        "report": t._("A report of this round for the council, to print"),
        "back_to_round": t._("Back to the round"),
        "agreed": t._("What almost everyone agrees on"), "divisive": t._("What divides"),
        "groups": t._("Opinion groups"), "statements": t._("Statements, by consensus"), "statement": t._("Statement"),
        "agree": t._("Agree"), "disagree": t._("Disagree"), "pass": t._("Pass"),
        "consensus": t._("Consensus across the groups"),
        "updated": t._("Updated {when}.", when=t.when(now, public.timezone)),
    }  # fmt: skip
