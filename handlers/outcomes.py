"""After the vote: /outcome records what happened ("you said, we did"), /rounds shows it all.

/rounds is the group's open record: every open round with its stage and deadline, then
the last closed ones with what the group chose and what came of it.
"""

from __future__ import annotations

import datetime as dt

from telegram.ext import Application, CommandHandler, filters

from bot.domain.errors import DomainError
from bot.domain.i18n import N_, Translator
from bot.domain.records import Group
from bot.domain.results import Outcome, Results, check_outcome, rank
from bot.domain.rounds import Round, Stage, require_stage
from bot.flows.voting import paper_split
from bot.runtime.menu import Where
from bot.runtime.posting import post_blocks
from handlers.common import (
    Turn,
    command,
    numbered_round,
    round_number,
)
from storage import rounds, voting

RECENT_CLOSED = 5

OUTCOME_USAGE = N_("Write the round number and what happened, e.g. /outcome 3 The council fixed the bench.")


@command(Where.GROUP, menu=N_("Record what happened after a round"), facilitator=True)
async def outcome_command(turn: Turn) -> None:
    await turn.require_facilitator()
    parts = (turn.message.text or "").split(maxsplit=2)
    if len(parts) < 2:
        raise DomainError(OUTCOME_USAGE)
    round_ = await numbered_round(turn, round_number(parts[1]))
    require_stage(round_, Stage.CLOSED)
    text = check_outcome(parts[2] if len(parts) > 2 else "")
    async with turn.db.transaction() as conn:
        outcome = await voting.outcome_by_source(conn, turn.source)  # found: this /outcome replayed after a crash
        if outcome is None:
            outcome = await voting.add_outcome(
                conn, round_id=round_.id, text=text, recorded_by=turn.person_id, now=turn.now, source=turn.source
            )
    if outcome.message_id is not None:
        return
    t = turn.t
    message = await turn.say(
        "\n".join((
            t._("<b>You said, we did</b> – round #{number}: {question}", number=round_.number,
                question=t.user_text(round_.question)),
            t.user_text(outcome.text),
        ))
    )  # fmt: skip
    async with turn.db.transaction() as conn:
        await voting.set_outcome_message(conn, outcome.id, message.message_id)


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


def winners_line(t: Translator, results: Results) -> str:
    """What the group chose: the first place, ties joined with "="."""
    winners = results.winners
    if not winners:
        return t._("No idea received votes.")
    names = [t.user_text(p.tally.text) if p.tally.text else t._("voice idea {number}", number=p.tally.number)
             for p in winners]  # fmt: skip
    return t.ngettext(
        "Chosen: {ideas} ({count} vote)",
        "Chosen: {ideas} ({count} votes)",
        winners[0].tally.votes,
        ideas=" = ".join(names),
    )


def _closed_lines(t: Translator, round_: Round, results: Results, outcome: Outcome | None) -> str:
    lines = [
        t._("#{number} {question}", number=round_.number, question=t.user_text(round_.question)),
        winners_line(t, results),
        *([t.ngettext("{count} voter", "{count} voters", results.voters) + " " + paper_split(
            t, results.online_voters, results.paper_voters)] if results.paper_voters else []),
        t._("Outcome: {text}", text=t.user_text(outcome.text)) if outcome else t._("No outcome recorded yet."),
    ]
    return "\n".join(lines)


@command(Where.GROUP, menu=N_("Open rounds and recent results"))
async def rounds_command(turn: Turn) -> None:
    t, group = turn.t, turn.group
    async with turn.db.read() as conn:
        open_rounds = await rounds.open_rounds(conn, group.id)
        closed = [
            (round_, rank(await voting.frozen_tallies(conn, round_.id), round_.voter_count or 0, round_.paper_voters),
             await voting.latest_outcome(conn, round_.id))
            for round_ in await rounds.closed_rounds(conn, group.id, RECENT_CLOSED)
        ]  # fmt: skip
    if not open_rounds and not closed:
        await turn.reply(t._("No rounds yet. Facilitators start one with /round; anyone can suggest one with /propose."))
        return
    blocks: list[str] = []
    if open_rounds:
        blocks.append(t._("<b>Open rounds</b>"))
        blocks.extend(_open_line(t, group, round_, turn.now) for round_ in open_rounds)
    if closed:
        if blocks:
            blocks.append("")
        blocks.append(t._("<b>Recently closed</b>"))
        blocks.extend(_closed_lines(t, *entry) for entry in closed)
    await post_blocks(turn.context.bot, turn.chat.id, blocks)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("outcome", outcome_command, filters=filters.UpdateType.MESSAGE))
    app.add_handler(CommandHandler("rounds", rounds_command))
