"""Who left a group hears nothing more about it: departures are recorded (a ``chat_member``
update, a ``left_chat_member`` message, Telegram saying so when asked), and nudges, results,
outcome notices and every private listing of the group reach only its current members."""

from __future__ import annotations

import pytest

from bot.runtime.deadlines import run_due
from storage import groups, members
from tests.handlers.test_notices import nudges, private_texts, voting_round
from tests.support.ideas_helpers import buttons, last_bot_message

WAYS = [
    pytest.param({"update": "chat_member"}, id="chat_member update"),
    pytest.param({"update": "chat_member", "removed": True}, id="removed by an admin"),
    pytest.param({"update": "left_chat_member"}, id="left_chat_member message"),
    pytest.param({"update": "left_chat_member", "removed": True}, id="left_chat_member, removed"),
]


async def leave(harness, person, *, update: str = "chat_member", removed: bool = False) -> None:
    remover = harness.facilitator if removed else None
    for departure in harness.telegram.departure_updates(harness.group, person, removed_by=remover, update=update):
        await harness.deliver(departure)


async def membership(harness, person) -> tuple[str | None, str | None]:
    async with harness.db.read() as conn:
        group = await groups.get_by_chat(conn, harness.group.id)
        row = await conn.fetch_one(
            "SELECT last_seen_at, left_at FROM group_members WHERE group_id = ? AND user_id = ?", (group.id, person.id)
        )
    return (row["last_seen_at"], row["left_at"]) if row else (None, None)


@pytest.mark.parametrize("way", WAYS)
async def test_a_member_who_left_is_not_nudged_and_not_told_the_results(harness, way):
    ben, chloe, dawid = harness.residents[:3]
    for person in (ben, chloe, dawid):
        await harness.send_private(person, "/start")
    await harness.send(dawid, "/rounds")
    await voting_round(harness, anonymous=False)  # Ben and Chloe wrote its ideas
    await leave(harness, ben, **way)
    await leave(harness, dawid, **way)
    assert (await membership(harness, ben))[1] is not None
    harness.advance(minutes=45)  # the voting reminder, with its nudges
    await run_due(harness.app)
    assert nudges(harness, ben) == [] and nudges(harness, dawid) == []
    assert len(nudges(harness, chloe)) == 1
    await harness.send(harness.facilitator, "/close now")
    await run_due(harness.app)
    assert not any("Results of round #1" in text for text in private_texts(harness, ben))
    assert any("Results of round #1" in text for text in private_texts(harness, chloe))
    assert harness.last_text() == "1 neighbour who took part in round #1 was told privately."


async def test_a_member_who_comes_back_and_takes_part_is_a_member_again(harness):
    ben = harness.residents[0]
    await harness.send(ben, "/rounds")
    await leave(harness, ben)
    await harness.deliver(harness.telegram.arrival_update(harness.group, ben))
    assert (await membership(harness, ben))[1] is None
    await leave(harness, ben, update="left_chat_member")
    harness.advance(minutes=5)
    await harness.send(ben, "/rounds")  # seen again within the hour: written anyway
    assert (await membership(harness, ben))[1] is None


async def test_a_former_member_reads_nothing_of_the_group_in_private(harness):
    ben, chloe = harness.residents[:2]
    chat = harness.telegram.private_chat(ben)
    await harness.send(harness.facilitator, "/round 2h 1h Where should the bench go?")
    await harness.send(ben, "/need 1h A bike wheel fixed")
    await harness.send(chloe, "/offer Help with forms in Polish")
    await harness.send(ben, "/log 2h litter pick")
    await harness.send_private(ben, "/board")
    assert "Board of" in harness.last_text(chat)
    await harness.send_private(ben, "/idea A bench by the bus stop")
    assert "Should your idea" in harness.last_text(chat)
    question = last_bot_message(harness, chat)

    await leave(harness, ben, update="left_chat_member")
    before = len(harness.texts(chat))
    for command in ("/board", "/credits", "/start"):
        await harness.send_private(ben, command)
    answers = harness.texts(chat)[before:]
    assert len(answers) == 3
    assert not any("Chapel Street" in text or "bike wheel" in text or "forms in Polish" in text for text in answers)
    # the waiting private idea's name buttons, pressed now
    await harness.press(ben, question["message_id"], dict(buttons(question))["With my name"], chat=chat)
    assert "only send ideas to groups you belong to" in harness.telegram.sent("answerCallbackQuery")[-1]["text"]
    await harness.send_private(ben, "/idea Another bench")
    assert "Chapel Street" not in harness.last_text(chat) and "Should your idea" not in harness.last_text(chat)
    async with harness.db.read() as conn:
        round_link = (await conn.fetch_one("SELECT link_token FROM rounds"))[0]
    await harness.send_private(ben, f"/start idea-{round_link}")
    assert "only send ideas to groups you belong to" in harness.last_text(chat)
    async with harness.db.read() as conn:
        assert (await conn.fetch_one("SELECT COUNT(*) FROM ideas"))[0] == 0


async def test_telegram_saying_a_member_is_gone_records_the_departure(harness):
    ben, chloe = harness.residents[:2]
    await harness.send(harness.facilitator, "/round 2h 1h Where should the bench go?")
    async with harness.db.read() as conn:
        round_link = (await conn.fetch_one("SELECT link_token FROM rounds"))[0]
    await harness.send(ben, "/rounds")
    await leave(harness, ben, update="left_chat_member")
    harness.telegram.join(harness.group, ben)  # back, silently (a reader)
    await harness.send_private(ben, f"/start idea-{round_link}")  # asks Telegram: a member again
    assert "Send it to me as a message" in harness.last_text(harness.telegram.private_chat(ben))
    assert (await membership(harness, ben))[1] is None
    await harness.send(chloe, "/rounds")
    await leave(harness, chloe, update="left_chat_member")
    harness.telegram.join(harness.group, chloe)
    await harness.send_private(chloe, "/start")
    harness.telegram.delete_account(chloe)  # Telegram now answers 400: user not found
    await harness.send_private(chloe, f"/start idea-{round_link}")
    assert "only send ideas to groups you belong to" in harness.last_text(harness.telegram.private_chat(chloe))
    assert (await membership(harness, chloe))[1] is not None
    dawid = harness.residents[2]  # never seen in the group: Telegram's no leaves no row behind
    await harness.send_private(dawid, "/start")
    harness.telegram.leave(harness.group, dawid)
    await harness.send_private(dawid, f"/start idea-{round_link}")
    assert "only send ideas to groups you belong to" in harness.last_text(harness.telegram.private_chat(dawid))
    assert await membership(harness, dawid) == (None, None)
    async with harness.db.read() as conn:
        assert await members.get(conn, dawid.id) is not None
