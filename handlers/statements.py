"""Statements rounds: ``/statements``, the private voting link, and its Agree / Disagree / Pass.

A facilitator opens the round (:func:`bot.flows.statements.open_statements_round`); members
add statements as they add ideas (a reply to the round's message, ``/idea``). The link in
the round's message opens a private chat where one message shows one statement at a time
with three buttons; a vote moves the message on to the next statement (the least voted),
and "back" steps through the member's earlier votes, so any of them can be changed until
the round closes. Opening the link again later shows what was added meanwhile. Only
members of the round's group get past the link, and a stranger learns nothing of the group.
"""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import filters

from bot.domain import callbacks
from bot.domain.decisions import Method
from bot.domain.decisions.opinions import Choice
from bot.domain.decisions.statements import parse_statements_round
from bot.domain.errors import DomainError
from bot.domain.i18n import N_, Translator
from bot.domain.records import Group
from bot.domain.rounds import Round, Stage
from bot.flows import membership
from bot.flows.decisions.statements import DEEP_LINK_PREFIX
from bot.flows.statements import Ballot, ballot, cast, earlier_statement, open_statements_round
from bot.runtime.menu import Where
from handlers.common import Feature, Turn, command_text
from storage import groups
from storage import rounds as stored_rounds

feature = Feature()

_PRIVATE_MESSAGE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE

CHOICES = {"a": Choice.AGREE, "d": Choice.DISAGREE, "p": Choice.PASS}
LABELS = {Choice.AGREE: N_("Agree"), Choice.DISAGREE: N_("Disagree"), Choice.PASS: N_("Pass")}

NOT_FOUND = N_("I can't find the statements round this link is for. Ask in your group for its link.")
NOT_A_MEMBER = N_("Only members of the round's group can vote on its statements.")
STALE = N_("This button belongs to a round that is not taking votes. Open the link in your group again.")
CLOSED = N_("Voting on round #{number} has closed; the results are in the group.")


@feature.command(
    "statements", Where.GROUP, menu=N_("Ask for statements and find common ground"), facilitator=True,
    filters=filters.UpdateType.MESSAGE,
)  # fmt: skip
async def statements_command(turn: Turn) -> None:
    """``/statements [WHEN] question``, with any first statements on the lines below."""
    await turn.require_facilitator()
    asked = parse_statements_round(turn.reader(), command_text(turn))
    await open_statements_round(turn.context.application, turn.group, asked, created_by=turn.person_id,
                                source=turn.source)  # fmt: skip


@feature.command("start", Where.PRIVATE, filters=_PRIVATE_MESSAGE & filters.Regex(rf"^/start\S*\s+{DEEP_LINK_PREFIX}"))
async def start_voting(turn: Turn) -> None:
    """``/start st-<token>`` from the link in a statements round's message."""
    token = turn.args[0].removeprefix(DEEP_LINK_PREFIX) if turn.args else ""
    async with turn.db.read() as conn:
        round_ = await stored_rounds.by_link_token(conn, token) if token else None
        group = await groups.get(conn, round_.group_id) if round_ else None
    if round_ is None or not group.active or round_.method is not Method.STATEMENTS:
        raise DomainError(NOT_FOUND)
    await _require_member(turn, round_)
    if round_.stage is not Stage.VOTING:
        raise DomainError(CLOSED, number=round_.number)
    text, keyboard = _view(turn.t, group, await ballot(turn.context.application, round_, turn.user.id))
    await turn.reply(text, reply_markup=keyboard)


async def _require_member(turn: Turn, round_: Round) -> None:
    if not await membership.belongs(turn.context.application, round_.group_id, turn.user.id):
        raise DomainError(NOT_A_MEMBER)


async def _voting_round(turn: Turn, round_id: int | None) -> tuple[Round, Group]:
    """The statements round a button is for, if it is still voting and the member may vote."""
    async with turn.db.read() as conn:
        round_ = await stored_rounds.find(conn, round_id) if round_id else None
        group = await groups.get(conn, round_.group_id) if round_ else None
    if round_ is None or round_.method is not Method.STATEMENTS or not group.active:
        raise DomainError(STALE)
    await _require_member(turn, round_)
    if round_.stage is not Stage.VOTING:
        raise DomainError(CLOSED, number=round_.number)
    return round_, group


@feature.button(callbacks.Action.STATEMENT_VOTE)
async def vote_pressed(turn: Turn) -> None:
    """Agree, Disagree or Pass on the statement under the buttons; then the next statement."""
    pressed = turn.pressed
    choice = CHOICES.get(pressed.args[1]) if len(pressed.args) > 1 else None
    idea_id = pressed.int_arg(0)
    async with turn.db.read() as conn:
        idea = await stored_rounds.find_idea(conn, idea_id) if idea_id and choice is not None else None
    round_, group = await _voting_round(turn, idea.round_id if idea else None)
    app = turn.context.application
    query = turn.update.callback_query
    if await cast(app, round_, idea.id, turn.user.id, choice):
        await query.answer(turn.t._("Saved: {choice}.", choice=turn.t._(LABELS[choice])))
    else:  # the round closed meanwhile, or the statement was withdrawn
        round_, group = await _voting_round(turn, round_.id)
        await query.answer(turn.t._("That statement has been withdrawn. Here is the next one."))
    await _show(query, turn.t, group, await ballot(app, round_, turn.user.id))


@feature.button(callbacks.Action.STATEMENT_BACK)
async def back_pressed(turn: Turn) -> None:
    """The statement voted on before the one shown, with the vote on it, to change it."""
    round_, group = await _voting_round(turn, turn.pressed.int_arg(0))
    app = turn.context.application
    earlier = await earlier_statement(app, round_, turn.user.id, turn.pressed.int_arg(1) or None)
    if earlier is None:
        raise DomainError(N_("There is no earlier vote to go back to."))
    await turn.update.callback_query.answer()
    await _show(turn.update.callback_query, turn.t, group, await ballot(app, round_, turn.user.id, showing=earlier))


async def _show(query: CallbackQuery, t: Translator, group: Group, shown: Ballot) -> None:
    text, keyboard = _view(t, group, shown)
    await query.edit_message_text(text, reply_markup=keyboard)


def _view(t: Translator, group: Group, shown: Ballot) -> tuple[str, InlineKeyboardMarkup | None]:
    """One statement with its buttons, or the thanks once every statement has a vote."""
    round_ = shown.round
    lines = [t._("<b>Round #{number}</b> in {group}: {question}", number=round_.number,
                 group=t.user_text(group.title), question=t.user_text(round_.question)), ""]  # fmt: skip
    back = InlineKeyboardButton(
        "‹ " + t._("Back"),
        callback_data=callbacks.encode(callbacks.Action.STATEMENT_BACK, round_.id, shown.shown.id if shown.shown else 0),
    )
    if shown.shown is None:
        lines.append(t.ngettext("You have voted on the one statement so far. Thank you!",
                                "You have voted on all {count} statements so far. Thank you!", shown.voted))
        lines.append(t._("Neighbours can add statements until voting closes: open the link in the group again "
                         "to vote on new ones. To change a vote, go back."))  # fmt: skip
        return "\n".join(lines), InlineKeyboardMarkup([[back]]) if shown.has_earlier else None
    statement = shown.shown
    lines += [t._("Statement {number}:", number=statement.number), t.user_text(statement.text), ""]
    if shown.vote is None:
        waiting = shown.standing - shown.voted
        lines.append(t.ngettext("Do you agree? {count} statement to vote on, this one included.",
                                "Do you agree? {count} statements to vote on, this one included.", waiting))
    else:
        lines.append(t._("Your vote: {choice}. Press another button to change it.", choice=t._(LABELS[shown.vote])))
    buttons = [
        InlineKeyboardButton(("✓ " if shown.vote is choice else "") + t._(LABELS[choice]),
                             callback_data=callbacks.encode(callbacks.Action.STATEMENT_VOTE, statement.id, code))
        for code, choice in CHOICES.items()
    ]  # fmt: skip
    rows = [buttons] + ([[back]] if shown.has_earlier else [])
    return "\n".join(lines), InlineKeyboardMarkup(rows)
