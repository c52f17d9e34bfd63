"""After the vote: /outcome records what happened ("you said, we did") as a history of
updates, /review sets when the next one is due, /rounds shows it all.

/rounds is the group's open record: every open round with its stage and deadline, then
the last closed ones with what the group chose and what came of it, and last the group's
public page when it has an address (``COPROD_SITE_URL`` set and the page on).
"""

from __future__ import annotations

import datetime as dt

from telegram.ext import filters

from bot.domain.decisions import Decision, Placing
from bot.domain.errors import DomainError
from bot.domain.i18n import N_, Translator
from bot.domain.outcomes import REVIEW_TIME, Outcome, OutcomeStatus, parse_review, parse_update, status_text
from bot.domain.pages import split_page
from bot.domain.placings import idea_name
from bot.domain.records import Group
from bot.domain.rounds import Round, Stage, require_stage
from bot.domain.text_limits import shorten
from bot.flows import notices, site
from bot.flows import outcomes as flows
from bot.flows.common_ground_lines import common_ground_line
from bot.flows.decision_words import decision_line
from bot.flows.decisions import method_of
from bot.flows.idea_lines import paper_split
from bot.runtime.menu import Where
from handlers.common import (
    Feature,
    Turn,
    command_text,
    numbered_round,
    reply_listing,
    round_number,
)
from storage import outcomes, rounds, voting

feature = Feature()

RECENT_CLOSED = 5

OUTCOME_USAGE = N_("Write the round number and what happened, e.g. /outcome 3 The council fixed the bench.")
REVIEW_USAGE = N_("Write the round number and when the next update is due, e.g. /review 3 30d, /review 3 2 weeks or /review 3 2026-12-01.")


async def _closed_round(turn: Turn, usage: str) -> tuple[Round, str]:
    """The facilitator's closed round N, and what follows its number."""
    await turn.require_facilitator()
    parts = command_text(turn).split(maxsplit=1)
    if not parts:
        raise DomainError(usage)
    round_ = await numbered_round(turn, round_number(parts[0]))
    require_stage(round_, Stage.CLOSED)
    return round_, parts[1] if len(parts) > 1 else ""


@feature.command(
    "outcome",
    Where.GROUP,
    menu=N_("Record what happened after a round"),
    facilitator=True,
    filters=filters.UpdateType.MESSAGE,
)
async def outcome_command(turn: Turn) -> None:
    round_, rest = await _closed_round(turn, OUTCOME_USAGE)
    update = parse_update(turn.t, rest)
    app = turn.context.application
    outcome = await flows.add_update(app, round_, update, by=turn.person_id, source=turn.source)
    if outcome.message_id is None:
        await flows.announce(app, turn.group, round_, outcome)
        await site.refresh(app, turn.group.id, round_.number)
        if outcome.corrects is None:  # a correction is said in the group; nobody is told twice privately
            await notices.outcome_updated(app, turn.group, round_, outcome)


@feature.command(
    "review",
    Where.GROUP,
    menu=N_("Set when a round's outcome needs its next update"),
    facilitator=True,
    filters=filters.UpdateType.MESSAGE,
)
async def review_command(turn: Turn) -> None:
    round_, rest = await _closed_round(turn, REVIEW_USAGE)
    if not rest.strip():
        raise DomainError(REVIEW_USAGE)
    async with turn.db.read() as conn:
        latest = await voting.latest_outcome(conn, round_.id)
    if latest is not None and OutcomeStatus(latest.status).finished:
        raise DomainError(N_("Round #{number}'s outcome is finished; it needs no more updates."), number=round_.number)
    due = parse_review(turn.reader(day_time=REVIEW_TIME), rest.strip())
    await flows.set_review(turn.context.application, round_, due)
    await turn.reply(turn.t._("The next update on round #{number} is due {when}.", number=round_.number,
                              when=turn.t.when(due, turn.group.timezone, now=turn.now)))  # fmt: skip


def _open_line(t: Translator, group: Group, round_: Round, now: dt.datetime) -> str:
    stage = {
        Stage.IDEAS: t._("collecting ideas"),
        Stage.VOTING: t._("voting"),
    }[round_.stage]
    line = t._("#{number} {question} — {stage}", number=round_.number, question=t.user_text(round_.question),
               stage=stage)  # fmt: skip
    deadline = round_.deadline
    if deadline is None:
        return line
    return line + "\n" + t._(
        "until {when} ({relative})",
        when=t.when(deadline, group.timezone),
        relative=t.relative(deadline - now),
    )


WINNERS_SHOWN = 5  # tied first places named in /rounds; the rest are counted
WINNER_LENGTH = 150  # Telegram units of each one's text; the full texts are in the results


def winners_line(t: Translator, results: Decision) -> str:
    """What the group chose: the first place by its number and words ("idea 7 · …"), ties in
    words, each shortened and at most :data:`WINNERS_SHOWN` of them, so a round of long tied
    ideas still fits a message."""
    if results.common_ground is not None:
        return common_ground_line(t, results.common_ground)
    winners = results.winners
    if not results.voters:
        return t._("Nobody voted.")
    if not winners:
        return t._("No idea received votes.")
    if len(winners) == 1:
        return t.ngettext("Chosen: {idea} ({count} vote)", "Chosen: {idea} ({count} votes)", winners[0].tally.votes,
                          idea=_winner(t, winners[0]))  # fmt: skip
    ideas = "; ".join(_winner(t, placing) for placing in winners[:WINNERS_SHOWN])
    more = len(winners) - WINNERS_SHOWN
    if more > 0:
        ideas += "; " + t.ngettext("{count} more idea", "{count} more ideas", more)
    return t.ngettext(
        "Tied for first: {ideas} ({count} vote each)",
        "Tied for first: {ideas} ({count} votes each)",
        winners[0].tally.votes,
        ideas=ideas,
    )


def _winner(t: Translator, placing: Placing) -> str:
    """"idea 7 · words", the words shortened; a voice idea never given words by its number."""
    words = t.user_text(shorten(placing.tally.text, WINNER_LENGTH)) if placing.tally.text else ""
    return idea_name(t, placing.tally.number, words)


def _closed_lines(
    t: Translator, group: Group, round_: Round, results: Decision, outcome: Outcome | None, hours: tuple[int, int]
) -> str:
    lines = [
        t._("#{number} {question}", number=round_.number, question=t.user_text(round_.question)),
        decision_line(t, results, WINNER_LENGTH) or winners_line(t, results),
        *([t.ngettext("{count} voter", "{count} voters", results.voters) + " " + paper_split(
            t, results.online_voters, results.paper_voters)] if results.paper_voters else []),
    ]
    if outcome is None:
        lines.append(t._("No outcome recorded yet."))
    else:
        lines.append(t._("Outcome: {status}, last update {when}: {text}",
                         status=status_text(t, OutcomeStatus(outcome.status), outcome.progress),
                         when=t.when(outcome.recorded_at, group.timezone), text=t.user_text(outcome.text)))  # fmt: skip
    if hours[0]:
        lines.append(flows.hours_line(t, *hours))
    return "\n".join(lines)


@feature.command("rounds", Where.GROUP, menu=N_("Open rounds and recent results"))
async def rounds_command(turn: Turn) -> None:
    t, group = turn.t, turn.group
    _, page = split_page(turn.args, "/rounds page 2")
    async with turn.db.read() as conn:
        open_rounds = await rounds.open_rounds(conn, group.id)
        closed = [
            (round_, await method_of(round_).frozen(conn, round_),
             await voting.latest_outcome(conn, round_.id), await outcomes.round_hours(conn, round_.id))
            for round_ in await rounds.closed_rounds(conn, group.id, RECENT_CLOSED)
        ]  # fmt: skip
    address = site.page_line(t, turn.services.config.site_url, group)
    if not open_rounds and not closed:
        nothing = t._("No rounds yet. Facilitators start one with /round; anyone can suggest one with /propose.")
        await turn.reply(nothing if address is None else f"{nothing}\n\n{address}")
        return
    blocks: list[str] = []
    if open_rounds:
        blocks.append(t._("<b>Open rounds</b>"))
        blocks.extend(_open_line(t, group, round_, turn.now) for round_ in open_rounds)
    if closed:
        if blocks:
            blocks.append("")
        blocks.append(t._("<b>Recently closed</b>"))
        blocks.extend(_closed_lines(t, group, *entry) for entry in closed)
    if address is not None:
        blocks += ["", address]
    await reply_listing(turn, blocks, page, lambda next_page: f"/rounds page {next_page}")
