"""Through the real Application: /need, /offer, their buttons, /done and Confirm, /board, /cancel."""

from __future__ import annotations

import pytest

from bot.domain import callbacks
from bot.domain.ledger import EntryKind
from bot.domain.needs import MatchStatus, PostingStatus
from tests.support.credit_helpers import answers, balances, entries, plain
from tests.support.needs_helpers import (
    answer,
    confirm_hours,
    connections,
    post,
    postings,
)


@pytest.fixture
def omar(harness):
    return harness.telegram.person(301, "Omar", username=None, language_code="en")


@pytest.fixture
def ben(harness):
    return harness.residents[0]


@pytest.fixture
def chloe(harness):
    return harness.residents[1]


async def test_need_met_end_to_end(harness, omar, ben):
    harness.telegram.join(harness.group, omar)
    harness.telegram.private_chat(ben)  # Ben started a chat with the bot; Omar never did
    need = await post(harness, omar, "/need 1h a bike wheel fixed")
    assert "Omar needs: a bike wheel fixed, about 1 hour" in plain(harness.last_text())

    await answer(harness, ben, need)
    assert "connected" in answers(harness)[-1]
    group_message = plain(harness.telegram.messages[(harness.group.id, need.message_id)]["text"])
    assert "Ben will help Omar" in group_message
    intro = harness.telegram.sent("sendMessage", ben.id)[-1]["text"]
    assert 'href="tg://user?id=301"' in intro and f"#{need.id}" in intro

    await harness.send(ben, f"/done {need.id} 1h")
    assert "please confirm" in plain(harness.last_text())
    (connection,) = await connections(harness, need.id)
    await confirm_hours(harness, ben, connection)
    assert "Only the neighbour who was helped" in answers(harness)[-1]
    await confirm_hours(harness, omar, connection)
    assert await balances(harness) == {ben.id: 60, omar.id: -60}
    assert (await entries(harness))[-1].kind is EntryKind.EXCHANGE
    assert (await postings(harness))[-1].status is PostingStatus.MET
    await confirm_hours(harness, omar, connection)
    assert "already confirmed" in answers(harness)[-1]
    assert await balances(harness) == {ben.id: 60, omar.id: -60}

    await harness.send(harness.facilitator, "/summary")
    summary = plain(harness.last_text())
    assert f"Need #{need.id} met: a bike wheel fixed (1 hour)" in summary
    await harness.send(ben, "/ledger")
    assert "1 exchange between neighbours (1 hour)" in plain(harness.last_text())
    await harness.send_private(ben, "/credits")
    assert "exchange: you helped Omar" in plain(harness.last_text(harness.telegram.private_chat(ben)))


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("text", "refusal"),
    [
        ("/need", "say what you need"),
        ("/offer", "say what you can offer"),
        ("/need 2h", "say what you need"),
        ("/need 13h a lift to the airport", "between 15 minutes and 12 hours"),
        ("/need 12h1m a lift to the airport", "between 15 minutes and 12 hours"),
        ("/need 14m a quick hand", "between 15 minutes and 12 hours"),
        ("/need 0m a quick hand", "between 15 minutes and 12 hours"),
        ("/need " + "x" * 1001, "1001 characters long"),
        ("/offer " + "x" * 1001, "1001 characters long"),
    ],
)
async def test_bad_postings_are_refused_and_store_nothing(harness, ben, text, refusal):
    await harness.send(ben, text)
    assert refusal in plain(harness.last_text())
    assert await postings(harness) == []


@pytest.mark.parametrize(("amount", "minutes"), [("15m", 15), ("12h", 720)])
async def test_need_durations_at_their_edges_are_accepted(harness, ben, amount, minutes):
    posting = await post(harness, ben, f"/need {amount} help moving a sofa")
    assert posting.minutes == minutes and posting.text == "help moving a sofa"


async def test_need_and_offer_in_private_get_a_hint(harness, ben):
    await harness.send_private(ben, "/need 1h a hand")
    assert "works in a group chat" in harness.last_text(harness.telegram.private_chat(ben))


async def test_nobody_answers_their_own_and_a_taken_need_is_taken(harness, ben, chloe):
    dawid = harness.residents[2]
    need = await post(harness, ben, "/need 1h a ladder")
    await answer(harness, ben, need)
    assert "your own post" in answers(harness)[-1]
    await answer(harness, chloe, need)
    await answer(harness, dawid, need)
    assert "already taken" in answers(harness)[-1]
    await answer(harness, chloe, need)
    assert "already taken" in answers(harness)[-1]
    assert len(await connections(harness, need.id)) == 1


async def test_an_offer_is_asked_for_by_several_each_once(harness, ben, chloe):
    dawid = harness.residents[2]
    offer = await post(harness, ben, "/offer help with forms in Polish")
    await answer(harness, chloe, offer)
    await answer(harness, dawid, offer)
    await answer(harness, chloe, offer)
    assert "already asked" in answers(harness)[-1]
    linked = await connections(harness, offer.id)
    assert [(c.helper, c.helped) for c in linked] == [(ben.id, chloe.id), (ben.id, dawid.id)]
    await harness.send(ben, f"/done {offer.id} 1h")
    assert "Several neighbours asked" in plain(harness.last_text())
    await harness.send(chloe, f"/done {offer.id}")
    assert "how long it took" in plain(harness.last_text())
    await harness.send(chloe, f"/done {offer.id} 30m")
    await confirm_hours(harness, chloe, (await connections(harness, offer.id))[0])
    assert await balances(harness) == {ben.id: 30, chloe.id: -30}
    assert (await postings(harness))[-1].status is PostingStatus.OPEN


async def test_forged_or_foreign_buttons_change_nothing(harness, ben, chloe):
    need = await post(harness, ben, "/need 1h a ladder")
    await harness.press(chloe, need.message_id, callbacks.encode(callbacks.Action.POSTING_ANSWER, 999))
    await harness.press(chloe, need.message_id, "v1:answer:abc")
    await harness.press(chloe, need.message_id, callbacks.encode(callbacks.Action.EXCHANGE_CONFIRM, 999))
    assert ["not valid" in text for text in answers(harness)[-3:]] == [True, True, True]
    assert await connections(harness, need.id) == []


async def test_done_by_a_third_member_on_an_open_need_twice_or_badly(harness, ben, chloe):
    dawid = harness.residents[2]
    need = await post(harness, ben, "/need 1h a ladder")
    await harness.send(chloe, f"/done {need.id}")
    assert "Nobody has answered" in plain(harness.last_text())
    await answer(harness, chloe, need)
    for text, refusal in [
        (f"/done {need.id}", "Only the two neighbours"),
        ("/done", "Please give the number"),
        ("/done abc", "Please give the number"),
        (f"/done {need.id} 13h", "between 15 minutes and 12 hours"),
        ("/done 999", "no need or offer #999"),
    ]:
        await harness.send(dawid if "Only" in refusal else chloe, text)
        assert refusal in plain(harness.last_text()), text
    await harness.send(chloe, f"/done {need.id}")
    await harness.send(ben, f"/done {need.id}")
    assert "already proposed" in plain(harness.last_text())
    (connection,) = await connections(harness, need.id)
    assert connection.status is MatchStatus.PROPOSED and connection.minutes == 60
    await confirm_hours(harness, ben, connection)
    await harness.send(chloe, f"/done {need.id}")
    assert "already confirmed" in plain(harness.last_text())


async def test_confirm_beyond_the_floor_is_refused_with_a_suggestion(harness, ben, chloe):
    need = await post(harness, ben, "/need 1h a ladder")
    async with harness.db.transaction() as conn:
        await conn.execute("UPDATE groups SET floor_minutes = -30")
    await answer(harness, chloe, need)
    await harness.send(chloe, f"/done {need.id}")
    assert "below this group's floor" in plain(harness.last_text()) and "volunteering" in plain(harness.last_text())
    await harness.send(chloe, f"/done {need.id} 30m")
    async with harness.db.transaction() as conn:
        await conn.execute("UPDATE groups SET floor_minutes = 0")
    await confirm_hours(harness, ben, (await connections(harness, need.id))[0])
    assert "below the floor" in answers(harness)[-1] and "volunteering" in answers(harness)[-1]
    assert await entries(harness) == []
    assert (await connections(harness, need.id))[0].status is MatchStatus.PROPOSED


# ------------------------------------------------------------------ board and cancel


async def test_board_lists_open_postings_and_pages_beyond_three_messages(harness, ben, chloe):
    assert "Nothing open" in (await _board(harness, ben))
    for index in range(40):
        await harness.send(ben, f"/offer {index} " + "help with many things " * 40)
    before = len(harness.texts())
    await harness.send(chloe, "/board")
    first = harness.texts()[before:]
    assert len(first) == 3 and "/board page 2" in first[-1]
    before = len(harness.texts())
    await harness.send(chloe, "/board page 2")
    assert 1 <= len(harness.texts()[before:]) <= 3
    await harness.send(chloe, "/board page 99")
    assert "There is no page 99" in harness.last_text()
    await harness.send(chloe, "/board page x")
    assert "as a number" in harness.last_text()


async def _board(harness, person) -> str:
    await harness.send(person, "/board")
    return plain(harness.last_text())


async def test_board_in_private_lists_the_members_groups_or_hints(harness, ben):
    await post(harness, ben, "/need 1h a ladder")
    private = harness.telegram.private_chat(ben)
    await harness.send_private(ben, "/board")
    assert "Chapel Street neighbours" in plain(harness.last_text(private)) and "a ladder" in plain(harness.last_text(private))
    stranger = harness.telegram.person(999, "Zed", language_code="en")
    await harness.send_private(stranger, "/board")
    assert "haven't seen you in any group" in harness.last_text(harness.telegram.private_chat(stranger))


async def test_cancel_by_author_or_facilitator_only(harness, ben, chloe):
    need = await post(harness, ben, "/need 1h a ladder")
    offer = await post(harness, chloe, "/offer a lift")
    await harness.send(chloe, f"/cancel {need.id}")
    assert "Only the person who posted" in plain(harness.last_text())
    await harness.send(chloe, "/cancel")
    assert "Please give the number" in plain(harness.last_text())
    await harness.send(chloe, "/cancel 999")
    assert "no round, need or offer #999" in plain(harness.last_text())
    await harness.send(ben, f"/cancel {need.id}")
    await harness.send(harness.facilitator, f"/cancel {offer.id}")
    assert [p.status for p in await postings(harness)] == [PostingStatus.CANCELLED] * 2
    await harness.send(ben, f"/cancel {need.id}")
    assert "no longer on the board" in plain(harness.last_text())
    await answer(harness, chloe, need)
    assert "taken down" in answers(harness)[-1]
    assert "Nothing open" in await _board(harness, ben)


# ------------------------------------------------------------------ lapsing


async def test_needs_lapse_after_30_days_and_offers_after_90_with_a_note(harness, ben, chloe):
    from bot.runtime.deadlines import run_due

    await harness.send_private(ben, "/start")
    need = await post(harness, ben, "/need 1h a ladder")
    offer = await post(harness, ben, "/offer a lift")
    harness.advance(days=29, hours=23)
    await run_due(harness.app)
    assert [p.status for p in await postings(harness)] == [PostingStatus.OPEN] * 2
    harness.advance(hours=1)
    await run_due(harness.app)
    assert [p.status for p in await postings(harness)] == [PostingStatus.LAPSED, PostingStatus.OPEN]
    assert "lapsed" in harness.telegram.sent("sendMessage", ben.id)[-1]["text"]
    await answer(harness, chloe, need)
    assert "lapsed" in answers(harness)[-1]
    harness.advance(days=60)
    await run_due(harness.app)
    assert [p.status for p in await postings(harness)] == [PostingStatus.LAPSED] * 2
    assert offer.id != need.id
