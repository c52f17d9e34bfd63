"""Needs and offers in the chat: /need, /offer, their buttons, /done and its Confirm, /board.

Taking one down is ``/cancel N`` (:mod:`handlers.cancel`, which also cancels rounds).

Rules live in :mod:`bot.domain.needs`, rendering and lapsing in :mod:`bot.flows.needs`. Buttons
carry only an id: who pressed, and whether they may, is decided against the database.
"""

from __future__ import annotations

import datetime as dt

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain import callbacks, ledger, needs, when
from bot.domain.deadline_kinds import DeadlineKind
from bot.domain.errors import DomainError
from bot.domain.i18n import N_, Translator
from bot.domain.needs import Match, Posting, PostingKind, PostingStatus
from bot.domain.numbers import parse_number
from bot.domain.records import Group, Member
from bot.domain.text_limits import MESSAGE_LENGTH, pack_messages, visible_length
from bot.flows.credits import name_of
from bot.flows.needs import (
    add_posting,
    headline,
    introduce,
    introduce_later,
    people,
    posting_buttons,
    posting_text,
    show_posting,
)
from bot.runtime.menu import Where
from handlers.common import Feature, Turn, command_text
from storage import deadlines as stored_deadlines
from storage import groups, members
from storage import ledger as stored_ledger
from storage import needs as stored

feature = Feature()

_STALE = N_("That button is not valid any more.")


# ------------------------------------------------------------------ posting


@feature.command("need", Where.GROUP, menu=N_("Ask neighbours for help"))
async def need(turn: Turn) -> None:
    minutes, what = when.leading_credit(turn.reader(), command_text(turn))
    await _post(turn, PostingKind.NEED, minutes, what)


@feature.command("offer", Where.GROUP, menu=N_("Offer neighbours your help"))
async def offer(turn: Turn) -> None:
    await _post(turn, PostingKind.OFFER, None, " ".join(turn.args))


async def _post(turn: Turn, kind: PostingKind, minutes: int | None, text: str) -> None:
    author = turn.require_person()
    text = needs.check_text(text, kind)
    posting, names = await add_posting(
        turn.context.application, turn.group, kind, author=author.id, minutes=minutes, text=text, source=turn.source
    )
    if posting.message_id is None:
        message = await turn.reply(posting_text(turn.t, posting, [], names), reply_markup=posting_buttons(turn.t, posting))
        async with turn.db.transaction() as conn:
            await stored.set_message(conn, posting.id, message.message_id)


# ------------------------------------------------------------------ answering


@feature.button(callbacks.Action.POSTING_ANSWER)
async def answer_pressed(turn: Turn) -> None:
    presser = turn.user.id
    async with turn.db.transaction() as conn:
        posting = await _pressed_posting(turn, conn)
        connections = await stored.connections_of(conn, posting.id)
        earlier = next((c for c in connections if presser in (c.helper, c.helped)), None)
        needs.require_can_answer(posting, presser, earlier, turn.now)
        helper, helped = needs.roles(posting, presser)
        if posting.kind is PostingKind.NEED:
            if not await stored.move(conn, posting.id, PostingStatus.OPEN, PostingStatus.TAKEN, now=turn.now):
                raise DomainError(N_("Need #{number} is already taken by another neighbour. Thank you all the same!"), number=posting.id)
            await stored_deadlines.finish(conn, DeadlineKind.POSTING_LAPSE, posting.id, turn.now)
        connection = await stored.connect(conn, posting.id, helper=helper, helped=helped, now=turn.now)
        await introduce_later(turn.context.application, conn, turn.group, connection, presser)
        posting = await stored.get(conn, posting.id)
        connections = await stored.connections_of(conn, posting.id)
        names = await people(conn, [posting], connections)
    await turn.update.callback_query.answer(turn.t._("You are connected: I sent you both a private message where I can."))
    await show_posting(turn.context.bot, turn.group, posting, connections, names)
    await introduce(turn.context.application, turn.group, posting, connection, names, presser)


async def _pressed_posting(turn: Turn, conn) -> Posting:
    posting_id = turn.pressed.int_arg()
    posting = None
    if posting_id is not None and turn.group is not None:
        posting = await stored.in_group(conn, turn.group.id, posting_id)
    if posting is None:
        raise DomainError(_STALE)
    return posting


# ------------------------------------------------------------------ settling


@feature.command("done", Where.GROUP, menu=N_("Settle the hours of a need or offer"))
async def done(turn: Turn) -> None:
    person = turn.require_person()
    parts = command_text(turn).split(maxsplit=1)
    number = parse_number(parts[0]) if parts else None
    if number is None:
        raise DomainError(N_("Please give the number and, if you like, how long it took, for example: /done 12 1h"))
    written = when.credit_minutes(turn.reader(), parts[1]) if len(parts) > 1 else None
    group = turn.group
    async with turn.db.transaction() as conn:
        posting = await _numbered(conn, group, number)
        connection = needs.pick_match(posting, await stored.connections_of(conn, posting.id), person.id)
        minutes = needs.proposed_minutes(posting, written)
        balance = await stored_ledger.balance(conn, group.id, connection.helped)
        if ledger.floor_refusal(minutes, balance, group.floor_minutes):
            raise DomainError(
                N_("That would take the helped neighbour's balance below this group's floor of {floor}: "
                   "up to {most} can move now. A facilitator can record this help as volunteering with /log instead."),
                floor=turn.t.duration(group.floor_minutes),
                most=turn.t.duration(ledger.thanks_room(balance, group.floor_minutes)),
            )  # fmt: skip
        if not await stored.propose(conn, connection.id, minutes=minutes, by=person.id):
            raise DomainError(N_("Hours for #{number} are already proposed and wait for a confirmation."), number=posting.id)
        connection = await stored.connection(conn, connection.id)
        names = await members.names(conn, {connection.helper, connection.helped})
    message = await turn.reply(_proposal_text(turn.t, posting, connection, names), reply_markup=_confirm_button(turn.t, connection))
    async with turn.db.transaction() as conn:
        await stored.set_proposal_message(conn, connection.id, message.message_id)


def _proposal_text(t: Translator, posting: Posting, connection: Match, names: dict[int, Member]) -> str:
    return t._(
        "{helper} helped {helped} with #{number}: {duration}. {helped}, please confirm, and the hours move from you to {helper}.",
        helper=name_of(t, names, connection.helper), helped=name_of(t, names, connection.helped),
        number=posting.id, duration=t.duration(connection.minutes),
    )  # fmt: skip


def _confirm_button(t: Translator, connection: Match) -> InlineKeyboardMarkup:
    data = callbacks.encode(callbacks.Action.EXCHANGE_CONFIRM, connection.id)
    return InlineKeyboardMarkup([[InlineKeyboardButton(t._("Confirm"), callback_data=data)]])


@feature.button(callbacks.Action.EXCHANGE_CONFIRM)
async def confirm_pressed(turn: Turn) -> None:
    presser, group = turn.user.id, turn.group
    async with turn.db.transaction() as conn:
        connection_id = turn.pressed.int_arg()
        connection = await stored.connection(conn, connection_id) if connection_id is not None else None
        posting = await stored.get(conn, connection.posting_id) if connection else None
        if posting is None or group is None or posting.group_id != group.id:
            raise DomainError(_STALE)
        needs.require_can_confirm(connection, presser)
        balance = await stored_ledger.balance(conn, group.id, presser)
        if ledger.floor_refusal(connection.minutes, balance, group.floor_minutes):
            raise DomainError(
                N_("That would take you below the floor of {floor}. A facilitator can log this help as volunteering instead."),
                floor=turn.t.duration(group.floor_minutes),
            )
        entry = await stored_ledger.add(conn, ledger.exchange(
            group_id=group.id, helped=connection.helped, helper=connection.helper, minutes=connection.minutes,
            note=posting.text[: ledger.MAX_NOTE_LENGTH], proposed_by=connection.proposed_by, now=turn.now,
        ))  # fmt: skip
        if not await stored.settle(conn, connection.id, entry.id):
            raise DomainError(N_("These hours are already confirmed."))
        if posting.kind is PostingKind.NEED:
            await stored.move(conn, posting.id, PostingStatus.TAKEN, PostingStatus.MET, by=presser, now=turn.now)
        posting = await stored.get(conn, posting.id)
        connections = await stored.connections_of(conn, posting.id)
        names = await people(conn, [posting], connections)
    t = turn.t
    await turn.update.callback_query.answer(t._("Confirmed. Thank you!"))
    settled = t._(
        "✅ {helped} confirmed {duration} for {helper} (#{number}). Entry #{entry}.",
        helped=name_of(t, names, connection.helped), helper=name_of(t, names, connection.helper),
        duration=t.duration(entry.minutes), number=posting.id, entry=entry.id,
    )  # fmt: skip
    await turn.update.callback_query.edit_message_text(settled, reply_markup=None)
    await show_posting(turn.context.bot, group, posting, connections, names)


async def _numbered(conn, group: Group, number: int) -> Posting:
    posting = await stored.in_group(conn, group.id, number)
    if posting is None:
        raise DomainError(N_("There is no need or offer #{number} in this group."), number=number)
    return posting


# ------------------------------------------------------------------ the board


@feature.command("board", Where.ANYWHERE, menu=N_("Open needs and offers"))
async def board(turn: Turn) -> None:
    page = _page(turn.args)
    async with turn.db.read() as conn:
        if turn.in_group:
            shown = [turn.group]
        else:
            person = turn.require_person()
            shown = [await groups.get(conn, group_id) for group_id in await members.current_group_ids(conn, person.id)]
        boards = {group.id: await stored.open_in(conn, group.id) for group in shown}
        names = await people(conn, [p for postings in boards.values() for p in postings], [])
    if not shown:
        await turn.reply(turn.t._("I haven't seen you in any group yet. Post a need or an offer in your group with /need or /offer."))
        return
    lines = _board_lines(turn.t, shown, boards, names, turn.now, private=not turn.in_group)
    pages = _pages(pack_messages(lines, MESSAGE_LENGTH - 200, visible_length))
    if page > len(pages):
        raise DomainError(N_("There is no page {page}: the board has {count}."), page=page, count=len(pages))
    chunks = pages[page - 1]
    if page < len(pages):
        chunks[-1] += "\n" + turn.t._("More: /board page {page}", page=page + 1)
    for chunk in chunks:
        await turn.reply(chunk)


def _page(args: list[str]) -> int:
    if args and args[0].lower() == "page":
        args = args[1:]
    if not args:
        return 1
    number = parse_number(args[0])
    if number is None or len(args) > 1:
        raise DomainError(N_("Write the page as a number, for example: /board page 2"))
    return number


def _pages(messages: list[str]) -> list[list[str]]:
    return [messages[i : i + needs.BOARD_MESSAGES] for i in range(0, len(messages), needs.BOARD_MESSAGES)]


def _board_lines(
    t: Translator, shown: list[Group], boards: dict[int, list[Posting]], names: dict[int, Member],
    now: dt.datetime, *, private: bool,
) -> list[str]:  # fmt: skip
    lines = []
    for group in shown:
        lines.append(t._("<b>Board of {group}</b>", group=t.user_text(group.title)))
        postings = [p for p in boards[group.id] if not needs.is_lapsed(p, now)]
        if not postings:
            lines.append(t._("Nothing open. Post what you need with /need, or what you can give with /offer."))
        for posting in postings:
            since = t._("since {when}", when=t.when(posting.created_at, group.timezone))
            lines.append(f"{headline(t, posting, names)} · {since}")
    if not private:
        lines.append(t._("Press the button under a post in the chat to answer it."))
    return lines
