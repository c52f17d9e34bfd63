"""``/propose`` and its Support button: any member can start a round with enough support.

Sharing power: the proposer is the first supporter and each neighbour counts once. When the
group's threshold is reached, :func:`bot.flows.proposals.open_proposal` opens it as a round;
the lapse when support runs out is a flow too.
"""

from __future__ import annotations

from telegram.ext import filters

from bot.domain import callbacks, i18n
from bot.domain.errors import DomainError
from bot.domain.i18n import N_
from bot.domain.proposals import (
    check_can_support,
    opening_interrupted,
    parse_proposal,
)
from bot.flows.proposals import open_proposal, propose, render_proposal, support_keyboard
from bot.runtime.menu import Where
from handlers.common import Feature, Turn, command_text
from storage import proposals

feature = Feature()


@feature.command(
    "propose", Where.GROUP, menu=N_("Suggest a question for the group"), filters=filters.UpdateType.MESSAGE
)
async def propose_command(turn: Turn) -> None:
    method, question = parse_proposal(command_text(turn))
    proposer = turn.person_id
    if proposer is None:
        raise DomainError(N_("Please send /propose from your own account, so neighbours know who proposes it."))
    await propose(turn.context.application, turn.group, question, proposer=proposer, source=turn.source, method=method)


@feature.button(callbacks.Action.SUPPORT)
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
        await open_proposal(turn.context.application, proposal.id)
        return
    group, proposal, text = await render_proposal(turn.context.application, proposal.id)
    await query.edit_message_text(text, reply_markup=support_keyboard(i18n.translator(group.language), proposal))
