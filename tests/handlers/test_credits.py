"""Through the real Application: /log and its buttons, /thank, /credits, /ledger, /reverse."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from bot.domain import callbacks
from bot.domain.deadline_kinds import DeadlineKind
from bot.domain.ledger import EntryKind, EntryStatus
from bot.runtime.deadlines import run_due
from storage import IntegrityError, deadlines, members
from tests.support.credit_helpers import (
    answers,
    balances,
    confirm,
    confirmed_entry,
    entries,
    log_entry,
    message_text,
    plain,
)


@pytest.fixture
def ben(harness):
    return harness.residents[0]


@pytest.fixture
def chloe(harness):
    return harness.residents[1]


@pytest.fixture
def dawid(harness):
    return harness.residents[2]


# ---------------------------------------------------------------- the story of the spec


async def test_log_confirm_thank_ledger_privacy_and_forget_end_to_end(harness, ben, chloe):
    entry, message_id = await log_entry(harness, ben)
    assert "2 hours" in harness.last_text() and "litter pick" in harness.last_text()

    await confirm(harness, ben, entry)
    assert "own entry" in answers(harness)[-1]
    assert (await entries(harness))[-1].status is EntryStatus.PENDING

    await confirm(harness, chloe, entry)
    assert (await entries(harness))[-1].status is EntryStatus.CONFIRMED
    assert "Confirmed by Chloe" in message_text(harness, message_id)

    await harness.send(ben, "/credits")
    assert harness.last_text() == "You have given 2 hours to neighbours; balance +2 hours."

    helped = await harness.send(ben, "I fixed the gate latch")
    await harness.send(chloe, "/thank 1h for the gate", reply_to=helped)
    assert "Chloe thanked Ben with 1 hour" in plain(harness.last_text())
    await harness.send(ben, "/credits")
    assert harness.last_text() == "You have given 3 hours to neighbours; balance +3 hours."
    await harness.send(chloe, "/credits")
    assert harness.last_text() == "You have received 1 hour of help from neighbours; balance -1 hour."

    await harness.send(chloe, "/ledger")
    listing = plain(harness.last_text())
    assert "Ben: 3 hours" in listing and "Chloe: -1 hour" in listing
    assert "ever: 2 hours" in listing and "1 neighbour has contributed" in listing

    await harness.send(chloe, "/privacy")
    await harness.send(chloe, "/ledger")
    listing = plain(harness.last_text())
    assert "Ben: 3 hours" in listing and "Chloe" not in listing
    assert "1 member chose not to be listed" in listing and "ever: 2 hours" in listing

    before = await balances(harness)
    private = harness.telegram.private_chat(ben)
    await harness.send_private(ben, "/forgetme")
    prompt = harness.telegram.sent("sendMessage", ben.id)[-1]
    forget_data = prompt["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    prompt_id = max(mid for (cid, mid) in harness.telegram.messages if cid == private.id)
    await harness.press(ben, prompt_id, forget_data, chat=private)
    assert await balances(harness) == before
    await harness.send(chloe, "/ledger")
    listing = plain(harness.last_text())
    assert "a former member: 3 hours" in listing and "Ben" not in listing


# ------------------------------------------------------------------------ /log


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("/log", "how long and what you did"),
        ("/log 0m tidying", "between 15 minutes and 12 hours"),
        ("/log -2h tidying", "not an amount of time I understand"),
        ("/log 13h tidying", "between 15 minutes and 12 hours"),
        ("/log abc tidying", "how long and what you did"),
        ("/log 2h", "say what you did"),
    ],
)
async def test_log_with_bad_arguments_is_refused_and_records_nothing(harness, ben, text, answer):
    await harness.send(ben, text)
    assert answer in harness.last_text()
    assert await entries(harness) == []


@pytest.mark.parametrize(("amount", "minutes"), [("30m", 30), ("2h", 120), ("1h30m", 90), ("1.5h", 90), ("90m", 90)])
async def test_log_accepts_the_written_forms_of_time(harness, ben, amount, minutes):
    await harness.send(ben, f"/log {amount} watering the planters")
    assert (await entries(harness))[-1].minutes == minutes


async def test_log_in_private_chat_gets_a_hint(harness, ben):
    await harness.send_private(ben, "/log 2h litter pick")
    assert "group chat" in harness.last_text(harness.telegram.private_chat(ben))


async def test_log_posted_as_the_group_is_refused(harness):
    anonymous = harness.telegram.person(1087968824, "Group", username="GroupAnonymousBot", is_bot=True)
    await harness.deliver(
        harness.telegram.message_update(harness.group, anonymous, "/log 2h tidying", sender_chat=harness.group)
    )
    assert "your own account" in harness.last_text()
    assert await entries(harness) == []


async def test_logged_entry_sets_a_lapse_deadline_a_week_ahead(harness, ben):
    entry, _ = await log_entry(harness, ben)
    async with harness.db.read() as conn:
        deadline = await deadlines.get(conn, DeadlineKind.CREDIT_LAPSE, entry.id)
    assert deadline.due_at == entry.created_at + dt.timedelta(days=7)


# ------------------------------------------------------------------- the buttons


async def test_second_confirm_is_refused(harness, ben, chloe, dawid):
    entry = await confirmed_entry(harness, ben, chloe)
    await confirm(harness, dawid, entry)
    assert "already confirmed" in answers(harness)[-1]
    (stored_entry,) = await entries(harness)
    assert stored_entry.confirmed_by == chloe.id
    assert await balances(harness) == {ben.id: 120}


async def test_facilitator_may_confirm_others_but_not_their_own(harness, ben):
    fatima = harness.facilitator
    own, _ = await log_entry(harness, fatima)
    await confirm(harness, fatima, own)
    assert "own entry" in answers(harness)[-1]
    other, _ = await log_entry(harness, ben)
    await confirm(harness, fatima, other)
    assert [entry.status for entry in await entries(harness)] == [EntryStatus.PENDING, EntryStatus.CONFIRMED]


async def test_non_facilitator_cannot_reject(harness, ben, chloe):
    entry, _ = await log_entry(harness, ben)
    await harness.press(chloe, entry.message_id, callbacks.encode("credit_reject", entry.id))
    assert "Only the group's facilitators" in answers(harness)[-1]
    assert (await entries(harness))[-1].status is EntryStatus.PENDING


async def test_confirm_after_reject_is_refused(harness, ben, chloe):
    entry, message_id = await log_entry(harness, ben)
    await harness.press(harness.facilitator, message_id, callbacks.encode("credit_reject", entry.id))
    assert "Rejected by Fatima" in message_text(harness, message_id)
    await confirm(harness, chloe, entry)
    assert "was rejected" in answers(harness)[-1]
    assert (await entries(harness))[-1].status is EntryStatus.REJECTED
    assert await balances(harness) == {}


async def test_pending_entry_lapses_after_seven_days_and_cannot_be_confirmed(harness, ben, chloe):
    entry, message_id = await log_entry(harness, ben)
    harness.advance(days=6, hours=23)
    await run_due(harness.app)
    assert (await entries(harness))[-1].status is EntryStatus.PENDING

    harness.advance(hours=1)
    await run_due(harness.app)
    assert (await entries(harness))[-1].status is EntryStatus.LAPSED
    assert "Lapsed" in message_text(harness, message_id)
    await confirm(harness, chloe, entry)
    assert "lapsed" in answers(harness)[-1]
    assert (await entries(harness))[-1].status is EntryStatus.LAPSED


async def test_confirmed_entry_does_not_lapse(harness, ben, chloe):
    await confirmed_entry(harness, ben, chloe)
    harness.advance(days=8)
    await run_due(harness.app)
    assert (await entries(harness))[-1].status is EntryStatus.CONFIRMED


@pytest.mark.parametrize("data", ["v1:credit_confirm:abc", "v1:credit_confirm:9999", "v1:credit_confirm"])
async def test_forged_confirm_payload_is_answered_and_changes_nothing(harness, ben, chloe, data):
    entry, message_id = await log_entry(harness, ben)
    await harness.press(chloe, message_id, data)
    assert "not valid" in answers(harness)[-1]
    assert (await entries(harness))[-1].status is EntryStatus.PENDING


async def test_confirm_of_another_groups_entry_is_refused(harness, ben, chloe):
    entry, _ = await log_entry(harness, ben)
    other = harness.telegram.group(-1005555, "Mill Lane", owner=harness.facilitator)
    posted = await harness.send(chloe, "hello", chat=other)
    await harness.press(chloe, posted, callbacks.encode("credit_confirm", entry.id), chat=other)
    assert "not valid" in answers(harness)[-1]
    assert (await entries(harness))[-1].status is EntryStatus.PENDING


async def test_two_confirms_at_the_same_instant_confirm_once(harness, ben, chloe, dawid):
    entry, message_id = await log_entry(harness, ben)
    await asyncio.gather(
        harness.press(chloe, message_id, callbacks.encode("credit_confirm", entry.id)),
        harness.press(dawid, message_id, callbacks.encode("credit_confirm", entry.id)),
    )
    (stored_entry,) = await entries(harness)
    assert stored_entry.status is EntryStatus.CONFIRMED
    assert stored_entry.confirmed_by in (chloe.id, dawid.id)
    assert sorted("already" in text for text in answers(harness)) == [False, True]
    assert await balances(harness) == {ben.id: 120}


# ------------------------------------------------------------------------ /thank


async def test_thank_by_username_moves_credits(harness, ben, chloe):
    await harness.send(ben, "/help")  # the bot knows members who have used it
    await harness.send(chloe, "/thank @ben 45m carrying the chairs")
    assert await balances(harness) == {ben.id: 45, chloe.id: -45}
    (entry,) = await entries(harness)
    assert entry.kind is EntryKind.THANKS and entry.note == "carrying the chairs"


async def test_thank_by_username_goes_to_whoever_holds_it_now(harness, chloe):
    olga = harness.telegram.person(301, "Olga", username="sam", language_code="en")
    sam = harness.telegram.person(302, "Sam", username="sam", language_code="en")
    await harness.send(olga, "/help")
    olga.username = "olga_k"  # she renames; the bot has not seen her since
    await harness.send(sam, "/help")  # Sam now holds @sam
    await harness.send(chloe, "/thank @sam 1h")
    assert await balances(harness) == {sam.id: 60, chloe.id: -60}
    async with harness.db.read() as conn:
        assert (await members.get(conn, olga.id)).username is None
    await harness.send(olga, "/help")
    async with harness.db.read() as conn:
        assert (await members.get(conn, olga.id)).username == "olga_k"


@pytest.mark.parametrize(
    ("text", "reply_to_own", "answer"),
    [
        ("/thank 1h", False, "Who are you thanking"),
        ("/thank", False, "how much time"),
        ("/thank 1h", True, "thank yourself"),
        ("/thank @ben 1h", False, "thank yourself"),
        ("/thank @coprod_test_bot 1h", False, "don't collect credits"),
        ("/thank @nobody_here 1h", False, "I don't know @nobody_here"),
        ("/thank @chloe 13h", False, "between 15 minutes and 12 hours"),
    ],
)
async def test_thank_with_bad_target_or_amount_is_refused(harness, ben, chloe, text, reply_to_own, answer):
    await harness.send(chloe, "/help")
    own = await harness.send(ben, "my message")
    await harness.send(ben, text, reply_to=own if reply_to_own else None)
    assert answer in plain(harness.last_text())
    assert await entries(harness) == []


async def test_thank_as_reply_to_the_bot_is_refused(harness, ben):
    await harness.send(ben, "/help")
    bot_message = max(mid for (cid, mid) in harness.telegram.messages if cid == harness.group.id)
    await harness.send(ben, "/thank 1h", reply_to=bot_message)
    assert "don't collect credits" in harness.last_text()
    assert await entries(harness) == []


async def test_thank_may_not_go_below_the_floor(harness, ben, chloe):
    await harness.send(chloe, "/help")
    await harness.send(ben, "/thank @chloe 10h")
    await harness.send(ben, "/thank @chloe 15m")
    refusal = harness.last_text()
    assert "floor of -10 hours" in refusal and "up to 0 minutes" in refusal
    assert await balances(harness) == {ben.id: -600, chloe.id: 600}


# ------------------------------------------------------------------------ /credits


async def test_credits_of_a_member_never_seen_before_is_a_clear_answer(harness, dawid):
    await harness.send(dawid, "/credits")
    assert "no credits here yet" in harness.last_text() and "/log" in harness.last_text()
    newcomer = harness.telegram.person(999, "Iris", username="iris", language_code="en")
    await harness.send_private(newcomer, "/credits")
    assert "haven't seen you in any group" in harness.last_text(harness.telegram.private_chat(newcomer))


async def test_credits_in_private_covers_every_group_with_recent_entries(harness, ben, chloe):
    await confirmed_entry(harness, ben, chloe)
    other = harness.telegram.group(-1005555, "Mill Lane", owner=harness.facilitator)
    await harness.send(ben, "/log 30m leaflets", chat=other)
    await harness.send_private(ben, "/credits")
    text = plain(harness.last_text(harness.telegram.private_chat(ben)))
    assert "Chapel Street neighbours: You have given 2 hours to neighbours; balance +2 hours." in text
    assert "Mill Lane: No time given or received yet; balance 0 minutes." in text
    assert "1 entry is waiting for a confirmation" in text
    assert "litter pick" in text and "leaflets" in text and "+2 hours" in text


async def test_credits_in_a_group_is_short(harness, ben, chloe):
    await confirmed_entry(harness, ben, chloe)
    await harness.send(ben, "/credits")
    assert harness.last_text().count("\n") == 0


# ------------------------------------------------------------------------ /ledger


async def test_ledger_with_nothing_confirmed_says_so(harness, ben):
    await log_entry(harness, ben)
    await harness.send(ben, "/ledger")
    assert "No time has been confirmed yet" in harness.last_text()


async def test_ledger_counts_this_month_separately_from_ever(harness, ben, chloe):
    await confirmed_entry(harness, ben, chloe)
    harness.advance(days=31)
    await confirmed_entry(harness, chloe, ben, "/log 1h painting")
    await harness.send(ben, "/ledger")
    assert "this month: 1 hour; ever: 3 hours" in harness.last_text()
    assert "2 neighbours have contributed" in harness.last_text()


# ------------------------------------------------------------------------ /reverse


async def test_facilitator_reverses_an_entry_and_balances_follow(harness, ben, chloe):
    entry = await confirmed_entry(harness, ben, chloe)
    await harness.send(harness.facilitator, f"/reverse {entry.id} logged twice")
    assert f"reversed by entry #{entry.id + 1}" in harness.last_text()
    assert await balances(harness) == {ben.id: 0}
    undo = (await entries(harness))[-1]
    assert undo.kind is EntryKind.REVERSAL and undo.reverses == entry.id and undo.note == "logged twice"


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("/reverse", "entry number and the reason"),
        ("/reverse twelve because", "entry number and the reason"),
        ("/reverse 1", "say why entry #1"),
        ("/reverse 99 wrong", "no entry #99"),
    ],
)
async def test_reverse_with_bad_arguments_is_refused(harness, ben, chloe, text, answer):
    await confirmed_entry(harness, ben, chloe)
    await harness.send(harness.facilitator, text)
    assert answer in harness.last_text()
    assert len(await entries(harness)) == 1


async def test_reverse_twice_is_refused(harness, ben, chloe):
    entry = await confirmed_entry(harness, ben, chloe)
    await harness.send(harness.facilitator, f"/reverse {entry.id} logged twice")
    await harness.send(harness.facilitator, f"/reverse {entry.id} again")
    assert "already reversed" in harness.last_text()
    await harness.send(harness.facilitator, f"/reverse {entry.id + 1} undo the undo")
    assert "itself a reversal" in harness.last_text()
    assert len(await entries(harness)) == 2


async def test_reverse_of_a_pending_entry_is_refused(harness, ben):
    entry, _ = await log_entry(harness, ben)
    await harness.send(harness.facilitator, f"/reverse {entry.id} oops")
    assert "not confirmed" in harness.last_text()


async def test_non_facilitator_cannot_reverse(harness, ben, chloe):
    entry = await confirmed_entry(harness, ben, chloe)
    await harness.send(chloe, f"/reverse {entry.id} I changed my mind")
    assert "only the group's facilitators" in harness.last_text()
    assert len(await entries(harness)) == 1


# ------------------------------------------------------------------ append-only


async def test_ledger_table_refuses_deletes_and_edits(harness, ben, chloe):
    entry = await confirmed_entry(harness, ben, chloe)
    statements = [
        ("DELETE FROM ledger_entries WHERE id = ?", (entry.id,)),
        ("UPDATE ledger_entries SET minutes = 600 WHERE id = ?", (entry.id,)),
        ("UPDATE ledger_entries SET status = 'rejected', rejected_by = 101 WHERE id = ?", (entry.id,)),
        ("UPDATE ledger_entries SET source_message_id = 999 WHERE id = ?", (entry.id,)),
    ]
    for sql, params in statements:
        with pytest.raises(IntegrityError, match="append-only"):
            async with harness.db.transaction() as conn:
                await conn.execute(sql, params)
    assert await balances(harness) == {ben.id: 120}
