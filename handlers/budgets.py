"""Participatory budgets: ``/budget``, ``/cost``, and the private ballot behind its link.

A facilitator opens a budget round and gives the ideas their costs; once it votes, each
member opens their ballot privately from the link under the voting message
(``/start budget-<token>``), ticks projects within the budget and submits, as often as they
like until the vote closes. Voting, closing and paper ballots are shared with every round
(:mod:`handlers.voting`, :mod:`handlers.paper`).
"""

from __future__ import annotations

from telegram.ext import filters

from bot.domain import callbacks
from bot.domain.decisions import Method
from bot.domain.decisions.budget import parse_budget, parse_cost
from bot.domain.errors import DomainError
from bot.domain.i18n import N_
from bot.domain.rounds import Round, Stage
from bot.flows import membership
from bot.flows.budgets import open_budget, set_cost
from bot.flows.decisions.budget import (
    DEEP_LINK_PREFIX,
    NOT_A_MEMBER,
    Ballot,
    ballot_keyboard,
    ballot_of,
    ballot_text,
    pages,
    pick,
    show_ballot,
    submit,
    total_line,
    without_cost_line,
)
from bot.runtime.menu import Where
from handlers.common import Feature, Turn, command_text
from storage import groups
from storage import rounds as stored_rounds

feature = Feature()

_PRIVATE_MESSAGE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE


@feature.command(
    "budget", Where.GROUP, menu=N_("Open a participatory budget"), facilitator=True, filters=filters.UpdateType.MESSAGE
)
async def budget_command(turn: Turn) -> None:
    await turn.require_facilitator()
    request = parse_budget(turn.reader(), command_text(turn), ideas_minutes=turn.group.ideas_minutes)
    await open_budget(turn.context.application, turn.group, request, created_by=turn.person_id, source=turn.source)


@feature.command(
    "cost", Where.GROUP, menu=N_("Set the cost of an idea in a budget"), facilitator=True,
    filters=filters.UpdateType.MESSAGE,
)  # fmt: skip
async def cost_command(turn: Turn) -> None:
    await turn.require_facilitator()
    number, amount = parse_cost(turn.args)
    round_ = await _budget_in_focus(turn)
    done = await set_cost(turn.context.application, round_, number, amount, by=turn.person_id)
    t = turn.t
    text = t._("Idea {number} of round #{round} costs {cost}.", number=done.idea.number, round=round_.number,
               cost=t.money(done.cost, done.terms.currency))  # fmt: skip
    if done.uncosted:
        text += "\n" + without_cost_line(t, done.uncosted)
    else:
        text += " " + t._("Every idea has a cost now.")
    await turn.reply(text)


async def _budget_in_focus(turn: Turn) -> Round:
    """The budget round replied to, or the only budget round collecting ideas."""
    replied = turn.message.reply_to_message
    async with turn.db.read() as conn:
        chosen = await stored_rounds.by_prompt(conn, turn.group.id, replied.message_id) if replied else None
        collecting = [r for r in await stored_rounds.open_rounds(conn, turn.group.id)
                      if r.method is Method.BUDGET and r.stage is Stage.IDEAS]  # fmt: skip
    if chosen is not None:
        if chosen.method is not Method.BUDGET:
            raise DomainError(N_("Round #{number} is not a budget round: its ideas have no costs."), number=chosen.number)
        return chosen
    if not collecting:
        raise DomainError(N_("No budget round is collecting ideas right now."))
    if len(collecting) > 1:
        raise DomainError(N_("Several budget rounds are collecting ideas: send /cost as a reply to the round's message."))
    return collecting[0]


# ------------------------------------------------------------------------ the private ballot


@feature.command("start", Where.PRIVATE, filters=_PRIVATE_MESSAGE & filters.Regex(rf"^/start\S*\s+{DEEP_LINK_PREFIX}"))
async def start_ballot(turn: Turn) -> None:
    """``/start budget-<token>`` from the link under a budget's voting message; only members
    of the round's group get past it, and a non-member learns nothing about the group."""
    token = turn.args[0].removeprefix(DEEP_LINK_PREFIX) if turn.args else ""
    async with turn.db.read() as conn:
        round_ = await stored_rounds.by_link_token(conn, token) if token else None
        group = await groups.get(conn, round_.group_id) if round_ else None
    if round_ is None or round_.method is not Method.BUDGET or not group.active:
        raise DomainError(N_("I can't find the budget this link is for."))
    if not await membership.belongs(turn.context.application, round_.group_id, turn.user.id):
        raise DomainError(NOT_A_MEMBER)
    ballot = await ballot_of(turn.context.application, round_.id, turn.user.id, resume=True)
    await turn.reply(ballot_text(turn.t, ballot, 0, turn.now), reply_markup=ballot_keyboard(turn.t, ballot, 0))


async def _show(turn: Turn, ballot: Ballot, page: int, toast: str | None = None) -> None:
    """The toast first (it tells the running total at once), then the ballot's ticks."""
    query = turn.update.callback_query
    page = min(max(page, 0), pages(ballot) - 1)
    await query.answer(toast or total_line(turn.t, ballot))
    await show_ballot(turn.context.application, turn.t, ballot, page, chat_id=turn.chat.id,
                      message_id=query.message.message_id)  # fmt: skip


@feature.button(callbacks.Action.BUDGET_PICK)
async def project_pressed(turn: Turn) -> None:
    pressed = turn.pressed
    round_id, idea_id, chosen, page = (pressed.int_arg(index) for index in range(4))
    if None in (round_id, idea_id, chosen, page):
        raise DomainError(N_("That button is out of date."))
    ballot = await pick(turn.context.application, round_id, turn.user.id, idea_id, bool(chosen))
    await _show(turn, ballot, page)


@feature.button(callbacks.Action.BUDGET_PAGE)
async def page_pressed(turn: Turn) -> None:
    round_id, page = turn.pressed.int_arg(0), turn.pressed.int_arg(1)
    if round_id is None or page is None:
        raise DomainError(N_("That button is out of date."))
    ballot = await ballot_of(turn.context.application, round_id, turn.user.id)
    page = min(max(page, 0), pages(ballot) - 1)
    await turn.update.callback_query.answer()
    await turn.update.callback_query.edit_message_text(ballot_text(turn.t, ballot, page, turn.now),
                                                       reply_markup=ballot_keyboard(turn.t, ballot, page))  # fmt: skip


@feature.button(callbacks.Action.BUDGET_SUBMIT)
async def submit_pressed(turn: Turn) -> None:
    round_id, page = turn.pressed.int_arg(0), turn.pressed.int_arg(1)
    if round_id is None or page is None:
        raise DomainError(N_("That button is out of date."))
    ballot = await submit(turn.context.application, round_id, turn.user.id)
    await _show(turn, ballot, page, turn.t._("Thank you: your ballot is in."))
