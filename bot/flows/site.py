"""The group's public page: rebuilt after each change it shows, removed when turned off.

When a facilitator turns ``/settings public on``, the bot keeps a static website for the
group in ``COPROD_SITE_DIR/<token>`` (see :mod:`bot.render.site_files`): an index of the
rounds and the hours given, and a page per round (``round-N.html``, a stable address) with
its ideas, results and chart (a small hand-written SVG, :mod:`bot.render.svg_bars`; the
Telegram photos stay matplotlib PNGs) and the outcome history. Every word is composed here in
the group's language; the templates only lay it out, escaping everything.

:func:`refresh` is called after a round opens, moves to voting or closes, after an outcome,
a settings change, a ``/privacy`` change or a ``/forgetme``. After an event about one round
it rebuilds only that round's page (and chart) and the index; after the others, where a
name or the language may change on every page, it rebuilds them all. The work runs in a
worker thread and only files whose bytes changed are written. The page is secondary to the
group: a failure to write it is logged and never stops the flow that called it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import html
import logging
from dataclasses import replace
from pathlib import Path

from bot.domain import i18n
from bot.domain.decisions import Decision
from bot.domain.i18n import Translator
from bot.domain.inclusion import credit, idea_words
from bot.domain.placings import idea_name, place
from bot.domain.records import Group
from bot.domain.rounds import IdeaStatus, Stage
from bot.domain.site import PublicGroup, PublicRound, new_site_token
from bot.flows.common_ground_lines import (
    agreed_lines,
    described_groups,
    divisive_lines,
    group_heading,
    stance_line,
    turnout,
)
from bot.flows.decision_words import position_word, rule_line, rule_words, spending_line, verdict_line
from bot.flows.decisions import method_of
from bot.render import opinion_map, site_files, svg_bars
from bot.render.chart_words import opinion_map_chart, results_chart
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
    """Rebuild the group's page if it is on (with ``round_number``, only that round's page
    and the index); a failure is logged, never raised."""
    services = app.services
    try:
        now = services.clock.now()
        async with services.page_writes:
            built = await rebuild(services.db, services.config.site_dir, group_id, now, round_number)
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


async def rebuild(db: Database, site_dir: Path, group_id: int, now: dt.datetime,
                  round_number: int | None = None) -> tuple[Path, int] | None:  # fmt: skip
    """Rebuild the group's page if it is on: its folder and how many files changed, or None
    when the page is off. With ``round_number``, only that round's page and the index.
    Shared by :func:`refresh` and ``python -m bot site``; raises.

    The page may be turned off while it is being built (by the bot, while this runs in
    ``python -m bot site``, or the other way round), so the setting is read again once the
    files are written: if it is off by then, they are removed. Turning off removes the
    folder after storing the setting, so whichever comes last, no page is left served.
    """
    async with db.read() as conn:
        group = await groups.get(conn, group_id)
        if not group.public_page or not group.site_token:
            return None
        public = await stored.public_group(conn, group, only=round_number)
        public = replace(public, rounds=tuple([await _decided(conn, round_, round_number) for round_ in public.rounds]))
    target = site_files.group_folder(site_dir, group.site_token)
    changed = await asyncio.to_thread(build, target, public, now, round_number)
    async with db.read() as conn:
        still_on = (await groups.get(conn, group_id)).public_page
    if not still_on:
        await asyncio.to_thread(site_files.remove, target)
        return None
    return target, changed


async def _decided(conn: Connection, public: PublicRound, only: int | None) -> PublicRound:
    """A closed round with its decision, as its method froze it (only the rounds the page details)."""
    if public.stage is not Stage.CLOSED or (only is not None and public.number != only):
        return public
    round_ = await stored_rounds.get(conn, public.round_id)
    return replace(public, decision=await method_of(round_).frozen(conn, round_))


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


def build(target: Path, public: PublicGroup, now: dt.datetime, only: int | None = None) -> int:
    """Every file of the group's page, written into ``target``; how many changed. With
    ``only``, just that round's page and chart, the index and the style sheet: the other
    rounds' pages and charts are left as they are."""
    t = i18n.translator(public.language)
    files: dict[str, bytes] = {"style.css": site_files.stylesheet()}
    common = {"language": t.language, "direction": "rtl" if t.rtl else "ltr", "words": _words(t, public, now)}
    rounds = []
    for round_ in public.rounds:
        href = f"round-{round_.number}.html"
        rounds.append({"number": round_.number, "question": round_.question, "href": href,
                       "stage": _stage(t, round_), "dates": _dates(t, public, round_)})  # fmt: skip
        if only is None or round_.number == only:
            files.update(_round_files(t, public, round_, href, common))
    hours = [{"name": row.name, "time": t.duration(row.minutes)} for row in public.hours]
    total = (t._("{hours} of volunteering confirmed in all.", hours=t.duration(public.minutes_given))
             if public.minutes_given else t._("No volunteering has been confirmed yet."))  # fmt: skip
    index = site_files.render("index.html", title=public.title, rounds=rounds, hours=hours, hours_total=total, **common)
    files["index.html"] = index.encode()
    if only is None:
        return site_files.publish(target, files)
    own = {"index.html", "style.css", f"round-{only}.html"}
    return site_files.publish(target, files, owns=lambda name: name in own or name.startswith(f"chart-{only}-"))


def _isolated(text: str) -> str:
    """Member text inside the page's own sentences ("NAME (via FACILITATOR)") keeps its own
    direction: a Latin name in an Arabic line does not pull the brackets around."""
    return f"\u2068{text}\u2069"


def _round_files(t: Translator, public: PublicGroup, round_: PublicRound, href: str,
                 common: dict) -> dict[str, bytes]:  # fmt: skip
    files: dict[str, bytes] = {}
    context = {
        "heading": t._("Round #{number}: {question}", number=round_.number, question=round_.question),
        "question": round_.question, "stage": _stage(t, round_), "dates": _dates(t, public, round_),
        "ideas": [{"number": idea.number, "text": idea_words(t, idea, round_.authors, _isolated, public=True),
                   # a voice idea's words already name who sent it
                   "author": "" if idea.needs_words else credit(t, idea, round_.authors, _isolated, public=True),
                   "standing": idea.status is IdeaStatus.STANDING}
                  for idea in round_.ideas],
        "outcomes": [{"when": t.when(outcome.recorded_at, public.timezone), "text": outcome.text}
                     for outcome in round_.outcomes],
        "results": [], "chart": None, "voters": "", "opinions": None, "decision_lines": [], "positions": [],
        "reasons": [], "costs": False,
    }  # fmt: skip
    # Only the index says when it was updated, so an unchanged round's page keeps its bytes.
    words = dict(common["words"], round_number=t._("Round #{number}", number=round_.number), updated="")
    results = round_.decision
    if results is not None and results.common_ground is not None:
        context["opinions"] = _opinions(t, round_, results, files)
    elif results is not None and results.placings and not results.voters and results.verdict is None:
        context["voters"] = t._("Nobody voted.")
    elif results is not None and results.placings:
        context["voters"] = t.ngettext("{count} neighbour voted.", "{count} neighbours voted.", results.voters)
        context.update(_decided_words(t, results))
        if results.voters:
            chart = results_chart(t, round_, results)  # type: ignore[arg-type] - a round's number and question
            # Named by round and content: a changed chart gets a new address, never a stale cached image.
            drawn = svg_bars.svg(chart)
            name = f"chart-{round_.number}-{hashlib.sha256(drawn).hexdigest()[:16]}.svg"
            files[name] = drawn
            context["chart"] = {"src": name, "alt": chart.caption}
    files[href] = site_files.render("round.html", **{**common, "words": words}, **context).encode()
    return files


def _opinions(t: Translator, round_: PublicRound, results: Decision, files: dict[str, bytes]) -> dict:
    """A statements round's groups, common ground and divides in words, its statements' votes,
    and the opinion map (its SVG added to ``files``)."""
    ground = results.common_ground
    chart = None
    if ground.points:
        drawn = opinion_map_chart(t, round_, results)  # type: ignore[arg-type] - a round's number and question
        image = opinion_map.svg(drawn)
        name = f"chart-{round_.number}-{hashlib.sha256(image).hexdigest()[:16]}.svg"
        files[name] = image
        chart = {"src": name, "alt": drawn.caption}
    return {
        "turnout": turnout(t, ground), "chart": chart,
        "agreed": agreed_lines(t, ground, _isolated),
        "divisive": divisive_lines(t, ground, _isolated) if described_groups(ground) > 1 else [],
        "groups": [{"heading": group_heading(t, group),
                    "lines": [stance_line(t, ground, stance, _isolated) for stance in group.stances] if group.described else []}
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


def _stage(t: Translator, round_: PublicRound) -> str:
    if round_.stage is Stage.IDEAS:
        return t._("collecting ideas")
    if round_.stage is Stage.VOTING:
        return t._("voting")
    if round_.stage is Stage.CANCELLED:
        return t._("cancelled")
    return t._("closed")


def _dates(t: Translator, public: PublicGroup, round_: PublicRound) -> str:
    opened = t.when(round_.opened_at, public.timezone)
    if round_.closed_at is not None:
        return t._("opened {opened}, closed {closed}", opened=opened, closed=t.when(round_.closed_at, public.timezone))
    if round_.deadline is not None:
        return t._("opened {opened}, this stage ends {ends}", opened=opened, ends=t.when(round_.deadline, public.timezone))
    return t._("opened {opened}", opened=opened)


def _words(t: Translator, public: PublicGroup, now: dt.datetime) -> dict[str, str]:
    return {
        "intro": t._("What this neighbourhood group asked, decided and did, and the time its members gave. Names appear only for members who allow it."),
        "rounds": t._("Rounds"), "round": t._("Round"), "question": t._("Question"), "stage": t._("Stage"),
        "dates": t._("Dates"), "no_rounds": t._("No rounds yet."),
        "hours": t._("Hours given"), "who": t._("Who"), "time": t._("Time"),
        "others": t._("Neighbours who prefer not to be named"),
        "back": t._("All rounds"), "results": t._("Results"), "place": t._("Place"), "idea": t._("Idea"),
        "votes": t._("Votes"), "share": t._("Share of voters"), "ideas": t._("Ideas"),
        "cost": t._("Cost"), "funded": t._("Funded"), "position": t._("Position"), "neighbours": t._("Neighbours"),
        "reasons": t._("Reasons given"),
        "merged": t._("merged into another idea"), "no_ideas": t._("No ideas yet."),
        "outcomes": t._("What happened after"), "no_outcome": t._("Nothing recorded yet."),
        "agreed": t._("What almost everyone agrees on"), "divisive": t._("What divides"),
        "groups": t._("Opinion groups"), "statements": t._("Statements, by consensus"), "statement": t._("Statement"),
        "agree": t._("Agree"), "disagree": t._("Disagree"), "pass": t._("Pass"),
        "consensus": t._("Consensus across the groups"),
        "updated": t._("Updated {when}.", when=t.when(now, public.timezone)),
    }  # fmt: skip
