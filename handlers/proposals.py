"""``/propose`` and its Support button: any member can start a round with enough support.

SPEC §4, "sharing power". The proposer is the first supporter; each neighbour counts once.
When the group's threshold is reached within the support window (48 hours) the proposal
opens as a round with the group's default durations (through
:func:`handlers.rounds.open_round`); otherwise the PROPOSAL_LAPSE deadline marks it
lapsed. Both outcomes are written on the proposal message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.domain import callbacks, i18n
from bot.domain.deadline_kinds import DeadlineKind
from bot.domain.durations import whole_minutes
from bot.domain.errors import DomainError
from bot.domain.i18n import N_, Translator
from bot.domain.proposals import (
    SUPPORT_WINDOW,
    Proposal,
    ProposalStatus,
    check_can_support,
    check_proposal_question,
    opening_interrupted,
)
from bot.domain.records import Deadline, Group, Source
from bot.runtime import deadlines
from handlers.common import Scope, Turn, button, command
from handlers.ideas import author_id
from handlers.rounds import command_text, open_round
from storage import deadlines as stored_deadlines
from storage import groups, members, proposals

if TYPE_CHECKING:
    from bot.app import CoprodApplication


def proposal_text(
    t: Translator,
    group: Group,
    proposal: Proposal,
    *,
    proposer: str,
    supporters: int,
    round_number: int | None = None,
) -> str:
    """The proposal message, in whichever state the proposal is."""
    lines = [
        t._("{name} proposes a round:", name=t.user_text(proposer) if proposer else t._("A neighbour")),
        "<b>" + t.user_text(proposal.question) + "</b>",
        "",
    ]
    progress = t._(
        "Supporters so far: {count} of {threshold}.",
        count=t.number(supporters),
        threshold=t.number(group.support_threshold),
    )
    if proposal.status is ProposalStatus.OPEN:
        lines.append(
            t._(
                "Press Support if you want the group to take it up. It opens as a round once "
                "{threshold} neighbours support it, by {when}.",
                threshold=t.number(group.support_threshold),
                when=t.when(proposal.expires_at, group.timezone),
            )
        )
        lines.append(progress)
    elif proposal.status is ProposalStatus.OPENED:
        lines.append(progress)
        lines.append(t._("Enough neighbours supported it: it is now round #{number}.", number=round_number))
    else:
        lines.append(progress)
        lines.append(
            t._(
                "This proposal lapsed: it did not reach enough support within {window}.",
                window=t.duration(whole_minutes(SUPPORT_WINDOW)),
            )
        )
    return "\n".join(lines)


def _support_keyboard(t: Translator, proposal: Proposal) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(t._("Support"), callback_data=callbacks.encode("support", proposal.id))]]
    )


async def _render(
    app: CoprodApplication, proposal_id: int, round_number: int | None = None
) -> tuple[Group, Proposal, str]:
    """The group, the proposal and its message text as stored now."""
    async with app.services.db.read() as conn:
        proposal = await proposals.get(conn, proposal_id)
        group = await groups.get(conn, proposal.group_id)
        proposer = await members.get(conn, proposal.proposer_id)
        supporters = await proposals.supporter_count(conn, proposal_id)
    t = i18n.translator(group.language)
    text = proposal_text(
        t, group, proposal, proposer=proposer.display_name if proposer else "",
        supporters=supporters, round_number=round_number,
    )  # fmt: skip
    return group, proposal, text


@command(Scope.GROUP)
async def propose_command(turn: Turn) -> None:
    question = check_proposal_question(command_text(turn))
    proposer = author_id(turn)
    if proposer is None:
        raise DomainError(N_("Please send /propose from your own account, so neighbours know who proposes it."))
    app = turn.context.application
    async with turn.db.transaction() as conn:
        proposal = await proposals.by_source(conn, turn.source)  # found: this /propose replayed after a crash
        deadline = None
        if proposal is None:
            proposal = await proposals.create(
                conn, group_id=turn.group.id, question=question, proposer_id=proposer,
                now=turn.now, expires_at=turn.now + SUPPORT_WINDOW, source=turn.source,
            )  # fmt: skip
            deadline = await stored_deadlines.set_due(
                conn, group_id=turn.group.id, kind=DeadlineKind.PROPOSAL_LAPSE, ref_id=proposal.id,
                due_at=proposal.expires_at,
            )  # fmt: skip
    if proposal.message_id is None:
        _group, proposal, text = await _render(app, proposal.id)
        message = await turn.say(text, reply_markup=_support_keyboard(turn.t, proposal))
        async with turn.db.transaction() as conn:
            await proposals.set_message(conn, proposal.id, message.message_id)
    if deadline is not None:
        deadlines.schedule(app, deadline)
    if turn.group.support_threshold <= 1:
        await _open(app, proposal.id)


@button
async def support_pressed(turn: Turn) -> None:
    query = turn.update.callback_query
    proposal_id = turn.pressed.int_arg(0)
    async with turn.db.transaction() as conn:
        proposal = await proposals.get(conn, proposal_id) if proposal_id else None
        if proposal is None or turn.group is None or proposal.group_id != turn.group.id:
            raise DomainError(N_("I can't find this proposal any more."))
        supporters = await proposals.supporter_count(conn, proposal.id)
        if not opening_interrupted(proposal, supporters, turn.group.support_threshold):
            check_can_support(proposal, turn.now)
            if not await proposals.add_supporter(conn, proposal.id, turn.user.id, turn.now):
                raise DomainError(N_("You already support this proposal. Thank you!"))
            supporters += 1
    await query.answer(turn.t._("Thank you for your support."))
    if supporters >= turn.group.support_threshold:
        await _open(turn.context.application, proposal.id)
        return
    group, proposal, text = await _render(turn.context.application, proposal.id)
    await query.edit_message_text(text, reply_markup=_support_keyboard(i18n.translator(group.language), proposal))


async def _open(app: CoprodApplication, proposal_id: int) -> None:
    """Open the proposal as a round, once, however many presses reach the threshold.

    An opening a crash cut short is finished by the next call (a press, or its replay):
    the round is keyed on the proposal's message, so it is opened and announced once.
    """
    services = app.services
    async with services.db.transaction() as conn:
        await proposals.mark_opened(conn, proposal_id)
        proposal = await proposals.get(conn, proposal_id)
        if proposal.status is not ProposalStatus.OPENED or proposal.round_id is not None:
            return
        await stored_deadlines.finish(conn, DeadlineKind.PROPOSAL_LAPSE, proposal_id, services.clock.now())
        group = await groups.get(conn, proposal.group_id)
    source = Source(group.chat_id, proposal.message_id) if proposal.message_id is not None else None
    round_ = await open_round(app, group, proposal.question, created_by=proposal.proposer_id, source=source)
    async with services.db.transaction() as conn:
        await proposals.set_round(conn, proposal_id, round_.id)
    await _announce(app, proposal_id, round_.number)


async def _announce(app: CoprodApplication, proposal_id: int, round_number: int | None = None) -> None:
    """Write the proposal's outcome on its message; an edit without a keyboard drops Support."""
    group, proposal, text = await _render(app, proposal_id, round_number)
    if proposal.message_id is not None:
        await app.bot.edit_message_text(text, chat_id=group.chat_id, message_id=proposal.message_id)


async def lapse(app: CoprodApplication, deadline: Deadline) -> None:
    """PROPOSAL_LAPSE: not enough support in 48 hours (nothing to do if it opened)."""
    async with app.services.db.transaction() as conn:
        lapsed = await proposals.mark_lapsed(conn, deadline.ref_id)
    if lapsed:
        await _announce(app, deadline.ref_id)


def register(app: Application) -> None:
    app.add_handler(
        CommandHandler("propose", propose_command, filters=filters.UpdateType.MESSAGE)
    )
    app.add_handler(CallbackQueryHandler(support_pressed, pattern=callbacks.pattern("support")))
    deadlines.on_deadline(app, DeadlineKind.PROPOSAL_LAPSE, lapse)
