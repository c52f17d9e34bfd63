"""Through the real Application: /need, /offer, their buttons, /done and Confirm, /board, /cancel."""

from __future__ import annotations

import pytest

from bot.domain import callbacks
from bot.domain.ledger import EntryKind
from bot.domain.needs import ConnectionStatus, PostingStatus
from tests.support.credit_helpers import answers, balances, entries, plain
from tests.support.needs_helpers import answer, confirm_hours, connections, post, postings


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
