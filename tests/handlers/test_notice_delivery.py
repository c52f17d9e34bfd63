"""Delivering personal notices: each fits in one message, one Telegram refuses is tried again
later a few times and then given up, never holding up the others or the group's count; and
every private message that answers nobody's own action (a lapse note, the other side's
introduction) goes the same way, with its quiet hours and /notify."""

from __future__ import annotations

import asyncio

import pytest

from bot.domain.notices import RETRY_AFTER
from bot.domain.rounds import MAX_IDEA_LENGTH
from bot.domain.text_limits import ELLIPSIS, MESSAGE_LENGTH, visible_length
from bot.runtime.deadlines import run_due
from tests.handlers.test_notices import private_texts
from tests.support.needs_helpers import answer, post

LONG = ("Plant a row of apple trees along the verge of Chapel Street " * 20)[:MAX_IDEA_LENGTH]


async def closed_round_with_ideas(harness, *ideas_by: tuple) -> None:
    """A round where each ``(person, count)`` wrote that many long ideas; voted and closed."""
    await harness.send(harness.facilitator, "/round 2h 1h Where should the orchard go?")
    for person, count in ideas_by:
        for index in range(count):
            await harness.send(person, f"/idea {f'{index} {LONG}'[:MAX_IDEA_LENGTH]}")
    await harness.send(harness.facilitator, "/vote")
    await harness.send(harness.facilitator, "/close now")


async def deliver(harness) -> None:
    await asyncio.wait_for(run_due(harness.app), 10)  # a notice never loops


def calls_to(harness, person) -> int:
    return len(harness.telegram.sent("sendMessage", person.id))


async def test_a_results_notice_with_five_long_ideas_fits_in_one_message(harness):
    ben = harness.residents[0]
    await harness.send_private(ben, "/start")
    await closed_round_with_ideas(harness, (ben, 5))
    await deliver(harness)
    notice = harness.telegram.sent("sendMessage", ben.id)[-1]["text"]
    assert visible_length(notice) <= MESSAGE_LENGTH
    assert notice.count("Your idea") == 5 and notice.count(ELLIPSIS) == 5
    assert harness.last_text() == "1 neighbour who took part in round #1 was told privately."


async def test_a_convener_with_dozens_of_long_ideas_gets_as_many_as_one_message_holds(harness):
    fatima = harness.facilitator
    await harness.send_private(fatima, "/start")
    await closed_round_with_ideas(harness, (fatima, 44))
    await deliver(harness)
    [notice] = [text for text in private_texts(harness, fatima) if "Results of round #1" in text]
    sent = harness.telegram.sent("sendMessage", fatima.id)[-1]["text"]
    assert MESSAGE_LENGTH - 200 < visible_length(sent) <= MESSAGE_LENGTH
    shown = notice.count("Your idea")
    assert 10 < shown < 44
    assert notice.endswith(f"… and {44 - shown} more of your ideas: /rounds in the group shows them all.")


@pytest.mark.parametrize(
    ("code", "description"),
    [(400, "Bad Request: message is too long"), (500, "Internal Server Error")],
    ids=["400", "500"],
)
async def test_a_refused_notice_is_tried_again_with_backoff_then_failed_without_holding_up_the_rest(
    harness, code, description
):
    ben, chloe, dawid = harness.residents[:3]
    for person in (ben, chloe, dawid):
        await harness.send_private(person, "/start")
    await closed_round_with_ideas(harness, (ben, 1), (chloe, 1), (dawid, 1))
    harness.telegram.fail_chat(chloe.id, code, description)
    await deliver(harness)
    assert calls_to(harness, chloe) == 2  # the /start answer, then one try
    assert any("Results of round #1" in text for text in private_texts(harness, ben))
    assert any("Results of round #1" in text for text in private_texts(harness, dawid))
    assert harness.last_text() == "2 neighbours who took part in round #1 were told privately."
    group_messages = len(harness.texts())
    for pause in RETRY_AFTER:
        harness.advance(seconds=pause.total_seconds() - 1)
        await deliver(harness)
        tries = calls_to(harness, chloe)
        harness.advance(seconds=1)
        await deliver(harness)
        assert calls_to(harness, chloe) == tries + 1, f"tried again after {pause}"
    harness.advance(days=1)
    await deliver(harness)
    assert calls_to(harness, chloe) == 2 + len(RETRY_AFTER)
    async with harness.db.read() as conn:
        row = await conn.fetch_one("SELECT result, attempts, sent_at FROM notices WHERE user_id = ?", (chloe.id,))
    assert (row["result"], row["attempts"]) == ("failed", len(RETRY_AFTER)) and row["sent_at"]
    assert len(harness.texts()) == group_messages  # nothing more in the group
    harness.telegram.violations.clear()  # the 400 was the point


async def test_a_notice_sent_on_a_later_try_is_sent_once_and_not_announced_again(harness):
    ben, chloe = harness.residents[:2]
    for person in (ben, chloe):
        await harness.send_private(person, "/start")
    await closed_round_with_ideas(harness, (ben, 1), (chloe, 1))
    harness.telegram.fail_chat(chloe.id, 500, "Internal Server Error", times=2)
    await deliver(harness)
    assert harness.last_text() == "1 neighbour who took part in round #1 was told privately."
    group_messages = len(harness.texts())
    harness.advance(minutes=6)
    await deliver(harness)  # the second try, refused too
    harness.advance(minutes=30)
    await deliver(harness)
    assert [text for text in private_texts(harness, chloe) if "Results of round #1" in text] != []
    harness.advance(days=1)
    await deliver(harness)
    assert len([text for text in private_texts(harness, chloe) if "Results of round #1" in text]) == 1
    assert len(harness.texts()) == group_messages


async def test_a_member_who_left_before_the_notice_went_out_is_not_told(harness):
    ben, chloe = harness.residents[:2]
    for person in (ben, chloe):
        await harness.send_private(person, "/start")
    harness.advance(hours=13)  # 22:00 in London: notices wait for 08:00
    await closed_round_with_ideas(harness, (ben, 1), (chloe, 1))
    await deliver(harness)
    for departure in harness.telegram.departure_updates(harness.group, chloe, update="left_chat_member"):
        await harness.deliver(departure)
    harness.advance(hours=10)
    await deliver(harness)
    assert any("Results of round #1" in text for text in private_texts(harness, ben))
    assert not any("Results of round #1" in text for text in private_texts(harness, chloe))
    async with harness.db.read() as conn:
        row = await conn.fetch_one("SELECT result FROM notices WHERE user_id = ?", (chloe.id,))
    assert row["result"] == "departed"


# ------------------------------------------------------------ needs and offers through the queue


async def _lapse_note(harness, ben) -> list[str]:
    return [text for text in private_texts(harness, ben) if "lapsed after" in text]


async def test_a_lapse_note_waits_for_the_end_of_the_quiet_hours(harness):
    ben = harness.residents[0]
    await harness.send_private(ben, "/start")
    harness.advance(hours=14, minutes=31)  # 23:31 in London
    await post(harness, ben, "/need 1h a ladder")
    harness.advance(days=30)
    await deliver(harness)
    assert await _lapse_note(harness, ben) == []
    harness.advance(hours=8, minutes=28)  # 07:59
    await deliver(harness)
    assert await _lapse_note(harness, ben) == []
    harness.advance(minutes=1)
    await deliver(harness)
    assert len(await _lapse_note(harness, ben)) == 1


async def test_a_lapse_note_respects_notify_off_and_a_departure(harness):
    ben, chloe = harness.residents[:2]
    for person in (ben, chloe):
        await harness.send_private(person, "/start")
    await post(harness, ben, "/need 1h a ladder")
    await post(harness, chloe, "/offer a lift")
    await harness.send_private(ben, "/notify off")
    for departure in harness.telegram.departure_updates(harness.group, chloe, update="left_chat_member"):
        await harness.deliver(departure)
    harness.advance(days=91)
    await deliver(harness)
    assert await _lapse_note(harness, ben) == [] and await _lapse_note(harness, chloe) == []
    async with harness.db.read() as conn:
        results = {row["user_id"]: row["result"] for row in await conn.fetch_all("SELECT * FROM notices")}
    assert results == {ben.id: "off", chloe.id: "departed"}


async def test_the_other_sides_introduction_goes_through_the_queue(harness):
    ben, chloe = harness.residents[:2]
    for person in (ben, chloe):
        await harness.send_private(person, "/start")
    harness.advance(hours=13)  # 22:00 in London
    need = await post(harness, ben, "/need 1h a ladder")
    await answer(harness, chloe, need)  # Chloe pressed: her introduction is the answer, at once
    assert any("You offered to help" in text for text in private_texts(harness, chloe))
    await deliver(harness)
    assert not any("will help you" in text for text in private_texts(harness, ben))
    harness.advance(hours=10)  # 08:00
    await deliver(harness)
    [intro] = [text for text in private_texts(harness, ben) if "will help you" in text]
    assert "@chloe will help you with #1 in Chapel Street neighbours: a ladder" in intro
    assert not any("neighbour who took part" in text for text in harness.texts())
