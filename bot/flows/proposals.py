"""Proposals with enough support become rounds; those without lapse.

The proposer is the first supporter; each neighbour counts once. When the group's
threshold is reached within the support window the proposal opens as a round with the
group's default durations (:func:`bot.flows.rounds.open_round`); otherwise the
PROPOSAL_LAPSE deadline marks it lapsed. Both outcomes are written on the proposal message.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain import callbacks, i18n
from bot.domain.deadline_kinds import DeadlineKind
from bot.domain.decisions import Method
from bot.domain.durations import whole_minutes
from bot.domain.i18n import Translator
from bot.domain.proposals import (
    SUPPORT_WINDOW,
    Proposal,
    ProposalStatus,
)
from bot.domain.records import Deadline, Group, Source
from bot.flows import site
from bot.flows.decisions.consent import open_consent
from bot.flows.rounds import open_round
from bot.runtime import deadlines
from bot.runtime.application import CoprodApplication
from storage import deadlines as stored_deadlines
from storage import groups, members, proposals


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
    name = t.user_text(proposer) if proposer else t._("A neighbour")
    consent = proposal.method is Method.CONSENT
    lines = [
        t._("{name} proposes a decision by consent:", name=name) if consent else t._("{name} proposes a round:", name=name),
        "<b>" + t.user_text(proposal.question) + "</b>",
        "",
    ]
    progress = t._(
        "Supporters so far: {count} of {threshold}.",
        count=t.number(supporters),
        threshold=t.number(group.support_threshold),
    )
    if proposal.status is ProposalStatus.OPEN:
        when = t.when(proposal.expires_at, group.timezone)
        threshold = t.number(group.support_threshold)
        lines.append(
            t._("Press Support if you want the group to decide on it. It is put to the group for consent once "
                "{threshold} neighbours support it, by {when}.", threshold=threshold, when=when)
            if consent else
            t._("Press Support if you want the group to take it up. It opens as a round once "
                "{threshold} neighbours support it, by {when}.", threshold=threshold, when=when)
        )  # fmt: skip
        lines.append(progress)
    elif proposal.status is ProposalStatus.OPENED:
        lines.append(progress)
        lines.append(t._("Enough neighbours supported it: it is now consent proposal #{number}.", number=round_number)
                     if consent else t._("Enough neighbours supported it: it is now round #{number}.", number=round_number))  # fmt: skip
    else:
        lines.append(progress)
        lines.append(
            t._(
                "This proposal lapsed: it did not reach enough support within {window}.",
                window=t.duration(whole_minutes(SUPPORT_WINDOW)),
            )
        )
    return "\n".join(lines)


def support_keyboard(t: Translator, proposal: Proposal) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(t._("Support"), callback_data=callbacks.encode(callbacks.Action.SUPPORT, proposal.id))]]
    )


async def render_proposal(
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
        t, group, proposal, proposer=proposer.public_name if proposer else "",
        supporters=supporters, round_number=round_number,
    )  # fmt: skip
    return group, proposal, text


async def open_proposal(app: CoprodApplication, proposal_id: int) -> None:
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
    if proposal.method is Method.CONSENT:
        round_ = await open_consent(app, group, proposal.question, voting_ends_at=None, created_by=proposal.proposer_id,
                                    source=source)  # fmt: skip
        await site.refresh(app, group.id, round_.number)
    else:
        round_ = await open_round(app, group, proposal.question, created_by=proposal.proposer_id, source=source)
    async with services.db.transaction() as conn:
        await proposals.set_round(conn, proposal_id, round_.id)
    await _announce(app, proposal_id, round_.number)


async def _announce(app: CoprodApplication, proposal_id: int, round_number: int | None = None) -> None:
    """Write the proposal's outcome on its message; an edit without a keyboard drops Support."""
    group, proposal, text = await render_proposal(app, proposal_id, round_number)
    if proposal.message_id is not None:
        await app.bot.edit_message_text(text, chat_id=group.chat_id, message_id=proposal.message_id)


async def lapse(app: CoprodApplication, deadline: Deadline) -> None:
    """PROPOSAL_LAPSE: not enough support within the support window (nothing to do if it opened)."""
    async with app.services.db.transaction() as conn:
        lapsed = await proposals.mark_lapsed(conn, deadline.ref_id)
    if lapsed:
        await _announce(app, deadline.ref_id)


async def propose(
    app: CoprodApplication, group: Group, question: str, *, proposer: int, source: Source,
    method: Method = Method.APPROVAL,
) -> None:  # fmt: skip
    """Post a proposal with its Support button; it lapses when the support window ends.

    The ``source`` message (the /propose) proposes once: replayed after a crash, it posts
    the message only if the crash came before it was posted. With a threshold of one, the
    proposer's own support opens it at once.
    """
    services = app.services
    now = services.clock.now()
    async with services.db.transaction() as conn:
        proposal = await proposals.by_source(conn, source)
        if proposal is None:
            proposal = await proposals.create(
                conn, group_id=group.id, question=question, proposer_id=proposer,
                now=now, expires_at=now + SUPPORT_WINDOW, source=source, method=method,
            )  # fmt: skip
            await deadlines.plan(app, conn, group_id=group.id, kind=DeadlineKind.PROPOSAL_LAPSE,
                                 ref_id=proposal.id, due_at=proposal.expires_at)  # fmt: skip
    if proposal.message_id is None:
        _group, proposal, text = await render_proposal(app, proposal.id)
        t = i18n.translator(group.language)
        message = await app.bot.send_message(group.chat_id, text, reply_markup=support_keyboard(t, proposal))
        async with services.db.transaction() as conn:
            await proposals.set_message(conn, proposal.id, message.message_id)
    if group.support_threshold <= 1:
        await open_proposal(app, proposal.id)
