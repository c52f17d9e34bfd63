"""Consent proposals: ``/consent``, the position buttons, ``/reasons`` and ``/amend``.

A facilitator puts a proposal to the group (residents do it with ``/propose consent …`` and
enough support, :mod:`handlers.proposals`); everyone answers with the buttons under it and
may change their mind until the deadline. The vote closes like any round's (``/close`` or
its deadline, :mod:`handlers.voting`). Reasons come as replies to the proposal message
(:mod:`handlers.ideas` hands them over) or privately (:mod:`handlers.private_ideas`).
"""

from __future__ import annotations

from telegram.ext import filters

from bot.domain import callbacks
from bot.domain.decisions import Method, Position
from bot.domain.decisions.consent import ASKS_REASON, parse_consent
from bot.domain.errors import DomainError
from bot.domain.i18n import N_, Translator
from bot.domain.pages import split_page
from bot.domain.rounds import Round, Stage
from bot.flows import site
from bot.flows.decision_words import position_word, reason_line
from bot.flows.decisions.consent import Taken, all_reasons, open_consent, take_position
from bot.runtime.menu import Where
from handlers.common import Feature, Turn, command_text, numbered_round, reply_listing, round_number

feature = Feature()

NOT_A_PROPOSAL = N_("Round #{number} is not a consent proposal.")
AMEND_USAGE = N_("Write the number of the proposal and its new words, e.g. /amend 3 Shall we start a tool library on Saturdays?")


@feature.command(
    "consent", Where.GROUP, menu=N_("Put a proposal to the group for consent"), facilitator=True,
    filters=filters.UpdateType.MESSAGE,
)  # fmt: skip
async def consent_command(turn: Turn) -> None:
    await turn.require_facilitator()
    request = parse_consent(turn.reader(), command_text(turn))
    app = turn.context.application
    round_ = await open_consent(app, turn.group, request.proposal, voting_ends_at=request.voting_ends_at,
                                created_by=turn.person_id, source=turn.source)  # fmt: skip
    await site.refresh(app, turn.group.id, round_.number)


@feature.command(
    "amend", Where.GROUP, menu=N_("Change a proposal that did not pass and put it again"), facilitator=True,
    filters=filters.UpdateType.MESSAGE,
)  # fmt: skip
async def amend_command(turn: Turn) -> None:
    """A closed proposal, amended and run again: a new proposal that names the one it amends."""
    await turn.require_facilitator()
    number, _, rest = command_text(turn).strip().partition(" ")
    if not number:
        raise DomainError(AMEND_USAGE)
    amended = await _proposal(turn, round_number(number))
    if amended.stage is not Stage.CLOSED:
        raise DomainError(N_("Proposal #{number} is still open: /close it first, then amend it."), number=amended.number)
    request = parse_consent(turn.reader(), rest)
    app = turn.context.application
    round_ = await open_consent(app, turn.group, request.proposal, voting_ends_at=request.voting_ends_at,
                                created_by=turn.person_id, source=turn.source, amends=amended.id)  # fmt: skip
    await site.refresh(app, turn.group.id, round_.number)


@feature.command("reasons", Where.GROUP, menu=N_("Every reason given on a proposal"))
async def reasons_command(turn: Turn) -> None:
    args, page = split_page(turn.args, "/reasons 3 page 2")
    if not args:
        raise DomainError(N_("Write the number of the proposal, e.g. /reasons 3"))
    round_ = await _proposal(turn, round_number(args[0]))
    async with turn.db.read() as conn:
        reasons = await all_reasons(conn, round_)
    t = turn.t
    if not reasons:
        await turn.reply(t._("Nobody has given a reason on proposal #{number} yet.", number=round_.number))
        return
    blocks = [t._("<b>Reasons on proposal #{number}</b>: {proposal}", number=round_.number,
                  proposal=t.user_text(round_.question))]  # fmt: skip
    blocks += [reason_line(t, reason, None) for reason in reasons]
    await reply_listing(turn, blocks, page, lambda next_page: f"/reasons {round_.number} page {next_page}")


async def _proposal(turn: Turn, number: int) -> Round:
    round_ = await numbered_round(turn, number)
    if round_.method is not Method.CONSENT:
        raise DomainError(NOT_A_PROPOSAL, number=round_.number)
    return round_


@feature.button(callbacks.Action.CONSENT)
async def position_pressed(turn: Turn) -> None:
    pressed = turn.pressed
    round_id = pressed.int_arg(0)
    position = next((p for p in Position if len(pressed.args) > 1 and p.value == pressed.args[1]), None)
    if round_id is None or position is None or turn.group is None:
        raise DomainError(N_("That button is out of date."))
    person = turn.person
    if person is None:
        raise DomainError(N_("Please choose your position from your own account."))
    taken = await take_position(turn.context.application, turn.group.id, round_id, person.id, position)
    await turn.update.callback_query.answer(_answer(turn.t, taken, position))


def _answer(t: Translator, taken: Taken, position: Position) -> str:
    """The toast after a press: the position taken, and how to give a reason where one is asked."""
    chosen = position_word(t, position)
    if not taken.changed:
        return t._("Your position is already: {position}.", position=chosen)
    said = t._("Your position: {position}.", position=chosen)
    if position not in ASKS_REASON:
        return said
    if taken.asked_privately:
        return said + " " + t._("Please tell me why: I have written to you privately.")
    return said + " " + t._("Please say why: reply to the proposal with your reason.")
