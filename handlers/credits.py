"""The time bank in the chat: /log with Confirm and Reject, /thank, /credits, /ledger, /reverse.

Rules live in :mod:`bot.domain.ledger`; this module finds who is meant, runs each change in one
transaction and renders the answer. Buttons carry only the entry id: who pressed, and
whether they may, is decided against the stored entry every time.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain import callbacks, ledger, when
from bot.domain.deadline_kinds import DeadlineKind
from bot.domain.errors import DomainError, Quoted
from bot.domain.i18n import N_, Translator
from bot.domain.ledger import EntryKind, EntryStatus, LedgerEntry
from bot.domain.numbers import parse_number
from bot.domain.pages import split_page
from bot.domain.records import Group, Member
from bot.flows import site
from bot.flows.credits import (
    STATUS_TEXT,
    entry_buttons,
    entry_names,
    entry_text,
    log_volunteering,
    name_of,
    show_decided,
)
from bot.runtime.menu import Where
from handlers.common import (
    Feature,
    Turn,
    command_text,
    numbered_round,
    remember,
    reply_listing,
    round_number,
)
from storage import Connection, groups, members
from storage import deadlines as stored_deadlines
from storage import ledger as stored

feature = Feature()

log = logging.getLogger(__name__)



# Thanking the bot itself (by @username) or any other bot (by reply).
_NOT_A_NEIGHBOUR = N_("Thank you, but I don't collect credits: thank the neighbour who helped.")


# ------------------------------------------------------------------------- helpers


# ------------------------------------------------------------------------ /log


@feature.command("log", Where.GROUP, menu=N_("Record time you volunteered"))
async def log_time(turn: Turn) -> None:
    person = turn.require_person()
    minutes, rest = when.leading_credit(turn.reader(), command_text(turn))
    if minutes is None:
        raise DomainError(
            N_("Please write how long and what you did, for example: /log 2h litter pick on Chapel St")
        )
    round_id, words = await _given_to_round(turn, rest.split())
    note = ledger.check_note(" ".join(words), required=True)
    draft = ledger.volunteering(
        group_id=turn.group.id, member=person.id, minutes=minutes, note=note, now=turn.now, round_id=round_id
    )
    entry, names = await log_volunteering(turn.context.application, draft, source=turn.source)
    if entry.message_id is None:
        await _post_entry(
            turn, entry, entry_text(turn.t, entry, names, turn.group.timezone), reply_markup=entry_buttons(turn.t, entry)
        )


async def _given_to_round(turn: Turn, words: list[str]) -> tuple[int | None, list[str]]:
    """``for #3 ...``: the time went to this group's round 3 (its outcome shows it); the rest is the note."""
    if len(words) < 2 or words[0].casefold() not in ("for", turn.t._("for").casefold()) or not words[1].startswith("#"):
        return None, words
    round_ = await numbered_round(turn, round_number(words[1]))
    return round_.id, words[2:]


async def _post_entry(turn: Turn, entry: LedgerEntry, text: str, **kwargs: Any) -> None:
    """Answer with the message that shows ``entry``, noted on it so a replay does not post it again."""
    message = await turn.reply(text, **kwargs)
    async with turn.db.transaction() as conn:
        await stored.set_message(conn, entry.id, message.message_id)


async def _pressed_entry(turn: Turn, conn: Connection) -> LedgerEntry:
    """The entry under the pressed button, if the button is genuine and for this group."""
    entry_id = turn.pressed.int_arg()
    entry = None
    if entry_id is not None and turn.group is not None:
        entry = await stored.in_group(conn, turn.group.id, entry_id)
    if entry is None or entry.kind is not EntryKind.VOLUNTEERING:
        raise DomainError(N_("That button is not valid any more."))
    return entry


async def _show_decided_if_stale(turn: Turn) -> None:
    """A press on an entry already decided whose message still shows its buttons: a crash
    between the decision's commit and its edit left them up (this press is that press
    replayed, or another on the stale message). Finish the edit; the refusal follows."""
    if not getattr(turn.update.callback_query.message, "reply_markup", None):
        return
    async with turn.db.read() as conn:
        entry = await _pressed_entry(turn, conn)
        if entry.status is EntryStatus.PENDING:
            return
        names = await entry_names(conn, [entry])
    await show_decided(turn.context.bot, turn.group, entry, names)


async def _decide(turn: Turn, status: EntryStatus) -> None:
    """Confirm or reject the pressed entry, once, then show the decision."""
    await _show_decided_if_stale(turn)
    presser = turn.user.id
    facilitator = status is EntryStatus.REJECTED and await turn.is_facilitator()
    async with turn.db.transaction() as conn:
        entry = await _pressed_entry(turn, conn)
        if status is EntryStatus.CONFIRMED:
            ledger.require_can_confirm(entry, presser, turn.now)
        else:
            ledger.require_can_reject(entry, facilitator=facilitator, now=turn.now)
        if not await stored.decide(conn, entry.id, status, by=presser, now=turn.now):
            raise DomainError(N_("Entry #{entry} was already decided."), entry=entry.id)
        await stored_deadlines.finish(conn, DeadlineKind.CREDIT_LAPSE, entry.id, turn.now)
        entry = await stored.get(conn, entry.id)
        names = await entry_names(conn, [entry])
    done = N_("Confirmed. Thank you!") if status is EntryStatus.CONFIRMED else N_("Rejected.")
    await turn.update.callback_query.answer(turn.t._(done))
    await show_decided(turn.context.bot, turn.group, entry, names)


@feature.button(callbacks.Action.CREDIT_CONFIRM)
async def confirm_pressed(turn: Turn) -> None:
    await _decide(turn, EntryStatus.CONFIRMED)


@feature.button(callbacks.Action.CREDIT_REJECT)
async def reject_pressed(turn: Turn) -> None:
    await _decide(turn, EntryStatus.REJECTED)


# ------------------------------------------------------------------------ /thank


async def _helper(turn: Turn, conn: Connection, mention: str | None) -> Member:
    """Who is being thanked: the ``@username`` given, else the author of the replied message."""
    bot_name = (turn.context.bot.username or "").lower()
    if mention is not None:
        if mention.lstrip("@").lower() == bot_name:
            raise DomainError(_NOT_A_NEIGHBOUR)
        found = await members.by_username(conn, mention)
        if found is None or not await members.belongs(conn, turn.group.id, found.user_id):
            raise DomainError(
                N_("I don't know {username} in this group yet. Reply to one of their messages with /thank instead."),
                username=Quoted(mention),
            )
        return found
    replied = turn.message.reply_to_message
    author = replied.from_user if replied is not None else None
    if author is None or (replied.sender_chat is not None):
        raise DomainError(
            N_("Who are you thanking? Reply to their message with /thank 1h, or write /thank @username 1h.")
        )
    if author.is_bot:
        raise DomainError(_NOT_A_NEIGHBOUR)
    await remember(conn, author, now=turn.now, group_id=turn.group.id)
    return await members.get(conn, author.id)


@feature.command("thank", Where.GROUP, menu=N_("Thank a neighbour with credits"))
async def thank(turn: Turn) -> None:
    giver = turn.require_person()
    mention, minutes, rest = _thanks_words(turn)
    note = ledger.check_note(rest, required=False)
    async with turn.db.transaction() as conn:
        entry = await stored.by_source(conn, turn.source)  # found: this /thank replayed after a crash
        if entry is None:
            entry = await _add_thanks(turn, conn, giver.id, mention, minutes, note)
        names = await entry_names(conn, [entry])
    if entry.message_id is None:
        await _post_entry(turn, entry, _thanks_text(turn.t, entry, names))


THANK_USAGE = N_("Please say how much time, for example /thank 1h fixing my bike as a reply to the helper's message, or /thank @username 1h.")


def _thanks_words(turn: Turn) -> tuple[str | None, int, str]:
    """``[@username] TIME [@username] [what]``: who (None: the replied message's author), how
    long, and what for. ``/thank ben 1h`` is answered with the form it was meant as."""
    reader = turn.reader()
    words = command_text(turn).split()
    mention = words.pop(0) if words and words[0].startswith("@") else None
    minutes, rest = when.leading_credit(reader, " ".join(words))
    if minutes is not None and mention is None and rest.startswith("@"):
        mention, _, rest = rest.partition(" ")
    if minutes is not None:
        return mention, minutes, rest
    if mention is None and len(words) > 1:
        meant, _ = when.leading_credit(reader, " ".join(words[1:]))
        if meant is not None:
            time = turn.t.duration(meant)
            raise DomainError(
                N_("Did you mean /thank @{name} {time}? Put @ before their username, or reply to one of "
                   "their messages with /thank {time}."),
                name=words[0].lstrip("@"), time=time,
            )  # fmt: skip
    raise DomainError(THANK_USAGE)


async def _add_thanks(
    turn: Turn, conn: Connection, giver: int, mention: str | None, minutes: int, note: str
) -> LedgerEntry:
    """Move ``minutes`` from the giver to the helper, if the giver's balance allows it."""
    group = turn.group
    helper = await _helper(turn, conn, mention)
    ledger.require_not_self(giver, helper.user_id)
    balance = await stored.balance(conn, group.id, giver)
    room = ledger.thanks_room(balance, group.floor_minutes)
    if minutes > room:
        raise DomainError(
            N_("That would take your balance below this group's floor of {floor}. You can give up to {most} now."),
            floor=turn.t.duration(group.floor_minutes),
            most=turn.t.duration(room),
        )
    return await stored.add(
        conn,
        ledger.thanks(
            group_id=group.id, giver=giver, helper=helper.user_id, minutes=minutes, note=note,
            giver_balance=balance, floor_minutes=group.floor_minutes, now=turn.now,
        ),
        source=turn.source,
    )  # fmt: skip


def _thanks_text(t: Translator, entry: LedgerEntry, names: dict[int, Member]) -> str:
    text = t._(
        "🙏 {giver} thanked {helper} with {duration}. Entry #{entry}.",
        giver=name_of(t, names, entry.from_member),
        helper=name_of(t, names, entry.to_member),
        duration=t.duration(entry.minutes),
        entry=entry.id,
    )
    return f"{text}\n{t.user_text(entry.note)}" if entry.note else text


# ------------------------------------------------------------------------ /credits


def _account_line(t: Translator, account: ledger.Account) -> str:
    """What the numbers mean, in plain words: time given to neighbours, help received, the balance."""
    words = {"balance": ("+" if account.balance > 0 else "") + t.duration(account.balance),
             "given": t.duration(account.given), "received": t.duration(account.received)}  # fmt: skip
    if account.given and account.received:
        line = t._("You have given {given} to neighbours and received {received} of help; balance {balance}.", **words)
    elif account.given:
        line = t._("You have given {given} to neighbours; balance {balance}.", **words)
    elif account.received:
        line = t._("You have received {received} of help from neighbours; balance {balance}.", **words)
    else:
        line = t._("No time given or received yet; balance {balance}.", **words)
    if account.pending:
        line += " " + t.ngettext(
            "{count} entry is waiting for a confirmation.",
            "{count} entries are waiting for a confirmation.",
            account.pending,
        )
    return line


def _history_line(
    t: Translator, entry: LedgerEntry, user_id: int, group: Group, names: dict[int, Member]
) -> str:
    if entry.kind is EntryKind.VOLUNTEERING:
        what = t._("volunteering")
    elif entry.kind is EntryKind.REVERSAL:
        what = t._("reversal of entry #{entry}", entry=entry.reverses)
    elif entry.kind is EntryKind.EXCHANGE and entry.to_member == user_id:
        what = t._("exchange: you helped {name}", name=name_of(t, names, entry.from_member))
    elif entry.kind is EntryKind.EXCHANGE:
        what = t._("exchange: {name} helped you", name=name_of(t, names, entry.to_member))
    elif entry.to_member == user_id:
        what = t._("thanks from {name}", name=name_of(t, names, entry.from_member))
    else:
        what = t._("thanks to {name}", name=name_of(t, names, entry.to_member))
    amount = entry.effect_on(user_id)
    sign = "+" if amount > 0 else ""
    line = t._(
        "#{entry} · {when} · {group}: {what} {amount} ({status})",
        entry=entry.id,
        when=t.when(entry.created_at, group.timezone),
        group=t.user_text(group.title),
        what=what,
        amount=sign + t.duration(amount),
        status=t._(STATUS_TEXT[entry.status]),
    )
    return f"{line} {t.user_text(entry.note)}" if entry.note else line


def _no_entries_hint(t: Translator) -> str:
    return t._(
        "You have no credits here yet. Record time you volunteered in your group with /log, "
        "for example /log 2h litter pick on Chapel St."
    )


@feature.command("credits", Where.ANYWHERE, menu=N_("Your credits and history"))
async def credits_command(turn: Turn) -> None:
    person = turn.require_person()
    if turn.in_group:
        async with turn.db.read() as conn:
            entries = await stored.group_entries(conn, turn.group.id)
        if not any(person.id in (entry.from_member, entry.to_member) for entry in entries):
            await turn.reply(_no_entries_hint(turn.t))
            return
        await turn.reply(_account_line(turn.t, ledger.account(entries, person.id)))
        return
    await turn.reply(await _full_credits(turn, person.id))


async def _full_credits(turn: Turn, user_id: int) -> str:
    """Every group's account and the last entries, for the member's private chat: of the
    groups they are in now (a group they left shows them nothing of itself)."""
    t = turn.t
    async with turn.db.read() as conn:
        # Everything an account sums is in here: the member's entries, those they logged,
        # and the reversals of them (a reversal names the same two members).
        current = await members.current_group_ids(conn, user_id)
        left = set(await members.group_ids(conn, user_id)) - set(current)
        concerning = [entry for entry in await stored.member_entries(conn, user_id) if entry.group_id not in left]
        mine = [entry for entry in concerning if user_id in (entry.from_member, entry.to_member)]
        group_ids = dict.fromkeys([*current, *(e.group_id for e in mine)])
        by_group = {group_id: await groups.get(conn, group_id) for group_id in group_ids}
        recent = sorted(mine, key=lambda entry: entry.id, reverse=True)[: ledger.RECENT_ENTRIES]
        names = await entry_names(conn, recent)
    accounts = {
        group_id: ledger.account([entry for entry in concerning if entry.group_id == group_id], user_id)
        for group_id in group_ids
    }
    if not by_group:
        return t._("I haven't seen you in any group yet. Use /log in a group where I am, and your credits will show here.")
    lines = [t._("<b>Your credits</b>")]
    for group_id, group in by_group.items():
        lines.append(f"<b>{t.user_text(group.title)}</b>: {_account_line(t, accounts[group_id])}")
    if not mine:
        lines += ["", _no_entries_hint(t)]
        return "\n".join(lines)
    lines += ["", t._("<b>Latest entries</b>")]
    lines += [_history_line(t, entry, user_id, by_group[entry.group_id], names) for entry in recent]
    return "\n".join(lines)


# ------------------------------------------------------------------------ /ledger


def _month_start(now: dt.datetime, timezone: str) -> dt.datetime:
    local = now.astimezone(ZoneInfo(timezone))
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


@feature.command("ledger", Where.GROUP, menu=N_("The group's hours and balances"))
async def ledger_command(turn: Turn) -> None:
    t, group = turn.t, turn.group
    _, page = split_page(turn.args, "/ledger page 2")
    async with turn.db.read() as conn:
        entries = await stored.group_entries(conn, group.id)
        balances = await stored.balances(conn, group.id)
        names = await members.names(conn, set(balances))
    if not ledger.standing_entries(entries):
        await turn.reply(
            t._("No time has been confirmed yet. Record time you volunteered with /log 2h what you did.")
        )
        return
    people = ledger.contributors(entries)
    lines = [
        t._("<b>Time bank of {group}</b>", group=t.user_text(group.title)),
        t._(
            "Hours volunteered this month: {month}; ever: {ever}.",
            month=t.duration(ledger.volunteered_since(entries, _month_start(turn.now, group.timezone))),
            ever=t.duration(ledger.volunteered_since(entries, None)),
        ),
        t.ngettext("{count} neighbour has contributed.", "{count} neighbours have contributed.", len(people)),
    ]
    exchanged = ledger.exchanges(entries)
    if exchanged:
        lines.append(
            t.ngettext(
                "{count} exchange between neighbours ({hours}).",
                "{count} exchanges between neighbours ({hours}).",
                len(exchanged),
                hours=t.duration(sum(entry.minutes for entry in exchanged)),
            )
        )
    listed = [
        (minutes, user_id)
        for user_id, minutes in balances.items()
        if not (names.get(user_id) and names[user_id].hidden and not names[user_id].forgotten)
    ]
    if listed:
        lines += ["", t._("<b>Balances</b>")]
        lines += [
            f"{name_of(t, names, user_id)}: {t.duration(minutes)}"
            for minutes, user_id in sorted(listed, key=lambda pair: (-pair[0], pair[1]))
        ]
    hidden = len(balances) - len(listed)
    if hidden:
        lines.append(
            t.ngettext(
                "{count} member chose not to be listed.", "{count} members chose not to be listed.", hidden
            )
        )
    await reply_listing(turn, lines, page, lambda next_page: f"/ledger page {next_page}")


# ------------------------------------------------------------------------ /reverse


@feature.command("reverse", Where.GROUP, menu=N_("Correct a ledger entry"), facilitator=True)
async def reverse(turn: Turn) -> None:
    await turn.require_facilitator()
    args = turn.args
    number = parse_number(args[0]) if args else None
    if number is None:
        raise DomainError(N_("Please give the entry number and the reason, for example: /reverse 12 logged twice"))
    why = ledger.check_note(" ".join(args[1:]), required=False)
    if not why:
        raise DomainError(
            N_("Please say why entry #{entry} is reversed, for example: /reverse {entry} logged twice"),
            entry=number,
        )
    async with turn.db.transaction() as conn:
        entry = await stored.in_group(conn, turn.group.id, number)
        if entry is None:
            raise DomainError(N_("There is no entry #{entry} in this group's ledger."), entry=number)
        existing = await stored.reversal_of(conn, entry.id)
        undo = await stored.add(conn, ledger.reversal(entry, existing, by=turn.user.id, why=why, now=turn.now))
    await site.refresh(turn.context.application, turn.group.id)  # its hours leave the page at once
    await turn.reply(
        turn.t._(
            "Entry #{entry} ({duration}) is reversed by entry #{reversal}. Reason: {why}",
            entry=entry.id,
            duration=turn.t.duration(entry.minutes),
            reversal=undo.id,
            why=turn.t.user_text(why),
        )
    )
