"""Personal notices: everyone who took part in a round and can be written to hears, in
their own language, what became of it; nobody else does, and the group hears how many."""

from __future__ import annotations

import datetime as dt

from bot.demo.emulator.telegram import plain_text
from bot.domain.rounds import fold
from bot.runtime.deadlines import run_due
from storage import members, rounds, to_db
from tests.support.credit_helpers import plain
from tests.support.round_helpers import poll_ids, round_with_ideas


def private_texts(harness, person) -> list[str]:
    """What the bot sent to ``person`` privately, refused sends left out."""
    return [plain(plain_text(message["text"])) for message in harness.telegram.bot_messages(person.id)]


def private_calls(harness) -> list[int]:
    return [int(params["chat_id"]) for method, params in harness.telegram.calls
            if method == "sendMessage" and int(params["chat_id"]) > 0]  # fmt: skip


async def took_part_round(harness, people, *, authors, supporters, voters):
    """A non-anonymous round: ``authors`` wrote its three ideas, ``supporters`` backed its
    proposal, ``voters`` voted for idea 1; voting open."""
    for person in people:
        await harness.send(person, "/rounds")
    round_ = await round_with_ideas(harness, [], anonymous=False)
    now = harness.clock.now()
    async with harness.db.transaction() as conn:
        for number, author in enumerate(authors, start=1):
            await rounds.add_idea(conn, round_id=round_.id, text=f"Idea {number}", folded=fold(f"Idea {number}"),
                                  author_id=author.id, anonymous=False, now=now)  # fmt: skip
        proposal_id = await conn.insert(
            "INSERT INTO proposals (group_id, question, proposer_id, status, created_at, expires_at, round_id) "
            "VALUES (?, 'Q', ?, 'opened', ?, ?, ?)",
            (round_.group_id, supporters[0].id, to_db(now), to_db(now), round_.id),
        )
        for supporter in supporters:
            await conn.execute("INSERT INTO proposal_supporters VALUES (?, ?, ?)",
                               (proposal_id, supporter.id, to_db(now)))  # fmt: skip
    await harness.send(harness.facilitator, "/vote")
    [poll_id] = await poll_ids(harness, round_)
    for voter in voters:
        await harness.vote(voter, poll_id, [0])
    return round_


def neighbours(harness, count):
    people = [harness.telegram.person(300 + n, f"Neighbour{n}", language_code="en") for n in range(count)]
    harness.telegram.join(harness.group, *people)
    return people


async def test_results_tell_every_reachable_participant_once_in_their_language(harness):
    people = neighbours(harness, 10)
    authors, supporters, voters = people[:3], people[3:5], people[5:]
    people[0].language_code = "pl"
    never_started, blocked = {people[1].id, people[6].id}, people[7]
    await took_part_round(harness, people, authors=authors, supporters=supporters, voters=voters)
    for person in people:
        if person.id not in never_started:
            await harness.send_private(person, "/start")
    harness.telegram.block(blocked)
    before = len(private_calls(harness))
    await harness.send(harness.facilitator, "/close now")
    await run_due(harness.app)
    told = [p for p in people if p.id not in never_started and p is not blocked]
    assert len(told) == 7
    for person in told:
        assert len(private_texts(harness, person)) == 2  # the /start answer, then the notice
    assert private_calls(harness)[before:].count(blocked.id) == 1
    assert not any(chat in never_started for chat in private_calls(harness)[before:])
    polish = private_texts(harness, people[0])[-1]
    assert "Twój pomysł" in polish and "Chapel Street neighbours" in polish
    english = private_texts(harness, people[2])[-1]
    assert "Your idea: tied for 2nd · idea 3 · Idea 3, 0 votes." in english
    assert "Chosen: 1st · idea 1 · Idea 1" in private_texts(harness, voters[0])[-1]
    assert harness.last_text() == "7 neighbours who took part in round #1 were told privately."
    async with harness.db.read() as conn:
        assert not (await members.get(conn, blocked.id)).reachable
    await run_due(harness.app)
    assert len(private_texts(harness, people[2])) == 2  # once


async def test_a_blocked_member_hears_again_once_they_write(harness):
    [ben] = neighbours(harness, 1)
    await took_part_round(harness, [ben], authors=[ben], supporters=[ben], voters=[ben])
    await harness.send_private(ben, "/start")
    harness.telegram.block(ben)
    await harness.send(harness.facilitator, "/close now")
    await run_due(harness.app)
    await harness.send(harness.facilitator, "/outcome 1 Bench ordered")
    await run_due(harness.app)
    assert len(private_texts(harness, ben)) == 1  # only the /start answer
    await harness.send_private(ben, "/notify")
    await harness.send(harness.facilitator, "/outcome 1 40% Bench half built")
    await run_due(harness.app)
    assert "Status: in progress (40%)" in private_texts(harness, ben)[-1]
    assert "Bench ordered" not in "".join(private_texts(harness, ben))
    assert harness.last_text() == "1 neighbour who took part in round #1 was told privately."


async def test_outcome_updates_reach_hour_loggers_and_not_after_notify_off(harness):
    from tests.handlers.test_outcomes import closed_round

    await closed_round(harness, ["Fix the bench"], [0])
    ben, chloe = harness.residents[0], harness.residents[1]
    await harness.send_private(chloe, "/start")
    await harness.send(chloe, "/log 2h for #1 sanding the bench")
    await harness.send_private(ben, "/start")
    await harness.send(harness.facilitator, "/outcome 1 Bench ordered")
    await run_due(harness.app)
    assert "Bench ordered" in private_texts(harness, chloe)[-1]
    assert "Bench ordered" not in private_texts(harness, ben)[-1]  # Ben voted, but anonymously
    await harness.send_private(chloe, "/notify off")
    assert "Personal notices are off" in harness.last_text(harness.telegram.private_chat(chloe))
    await harness.send(harness.facilitator, "/outcome 1 done Bench fixed")
    await run_due(harness.app)
    assert "Bench fixed" not in private_texts(harness, chloe)[-1]
    await harness.send_private(chloe, "/notify on")
    await harness.send(harness.facilitator, "/outcome 1 done Bench painted too")
    await run_due(harness.app)
    assert "Bench painted too" in private_texts(harness, chloe)[-1]


async def test_a_notice_due_at_23_goes_at_08_once_across_a_restart(harness, telegram, clock):
    from bot.app import build_application
    from bot.demo.emulator.request import EmulatorRequest
    from bot.runtime import scheduling
    from tests.handlers.test_outcomes import closed_round

    await closed_round(harness, ["Fix the bench"], [0])
    chloe = harness.residents[1]
    await harness.send_private(chloe, "/start")
    await harness.send(chloe, "/log 2h for #1 sanding the bench")
    harness.advance(hours=14)  # 23:00 in London
    await harness.send(harness.facilitator, "/outcome 1 Bench ordered")
    await run_due(harness.app)
    assert len(private_texts(harness, chloe)) == 1
    config = harness.app.services.config
    await harness.app.shutdown()
    clock.advance(dt.timedelta(hours=8, minutes=59))  # 07:59
    restarted = build_application(config, request=EmulatorRequest(telegram), clock=clock, rate_limiter=False)
    async with restarted:
        await run_due(restarted)
        assert len(private_texts(harness, chloe)) == 1
        clock.advance(dt.timedelta(minutes=1))  # 08:00
        await scheduling.catch_up(restarted)
        await run_due(restarted)
        assert "Bench ordered" in private_texts(harness, chloe)[-1]
        clock.advance(dt.timedelta(hours=1))
        await run_due(restarted)
        assert len(private_texts(harness, chloe)) == 2
    await harness.app.initialize()  # the fixture shuts it down again


async def voting_round(harness, *, anonymous: bool):
    await harness.send(harness.facilitator, f"/settings anonymous {'on' if anonymous else 'off'}")
    await harness.send(harness.facilitator, "/round 2h 1h Where should the bench go?")
    for resident, idea in zip(harness.residents[:2], ("Bus stop", "Park"), strict=True):
        await harness.send(resident, f"/idea {idea}")
    await harness.send(harness.facilitator, "/vote")


def nudges(harness, person) -> list[str]:
    return [text for text in private_texts(harness, person) if "you have not voted yet" in text]


async def test_non_anonymous_round_nudges_each_non_voter_once(harness):
    ben, chloe, dawid = harness.residents[:3]
    for person in (ben, chloe, dawid):
        await harness.send_private(person, "/start")
    await harness.send(dawid, "/rounds")
    await voting_round(harness, anonymous=False)
    async with harness.db.read() as conn:
        from storage import voting

        [poll] = await voting.polls(conn, 1)
    await harness.vote(ben, poll.poll_id, [0])
    await harness.send_private(dawid, "/notify off")
    harness.advance(minutes=45)  # three quarters of the hour: the voting reminder
    await run_due(harness.app)
    assert nudges(harness, ben) == []  # voted
    assert len(nudges(harness, chloe)) == 1
    assert nudges(harness, dawid) == []  # notices off
    await run_due(harness.app)
    assert len(nudges(harness, chloe)) == 1


async def test_anonymous_round_sends_no_nudges(harness):
    chloe = harness.residents[1]
    await harness.send_private(chloe, "/start")
    await voting_round(harness, anonymous=True)
    harness.advance(minutes=45)
    await run_due(harness.app)
    assert any("so far; voting closes" in text for text in harness.texts())
    assert nudges(harness, chloe) == []


async def test_notify_shows_switches_and_refuses_other_words(harness):
    ben = harness.residents[0]
    chat = harness.telegram.private_chat(ben)
    await harness.send_private(ben, "/notify")
    assert "Personal notices are on" in harness.last_text(chat)
    await harness.send_private(ben, "/notify maybe")
    assert harness.last_text(chat) == "“\u2068maybe\u2069” is not on or off. Write /notify on or /notify off."
    async with harness.db.read() as conn:
        assert (await members.get(conn, ben.id)).notices
    await harness.send_private(ben, "/notify off")
    async with harness.db.read() as conn:
        assert not (await members.get(conn, ben.id)).notices


async def test_notify_in_a_group_gets_a_hint(harness):
    await harness.send(harness.residents[0], "/notify off")
    assert "works only in a private chat" in harness.last_text()
    async with harness.db.read() as conn:
        assert (await members.get(conn, harness.residents[0].id)).notices


async def test_start_and_help_mention_notify(harness):
    await harness.send_private(harness.residents[0], "/start")
    assert "/notify off" in harness.last_text(harness.telegram.private_chat(harness.residents[0]))
    await harness.send(harness.residents[0], "/help")
    assert "/notify off" in harness.last_text()


async def test_never_started_member_is_refused_by_telegram(harness):
    import pytest
    from telegram.error import Forbidden

    with pytest.raises(Forbidden, match="can't initiate conversation"):
        await harness.app.bot.send_message(harness.residents[0].id, "Hello")


async def test_mydata_holds_the_notices_sent_the_setting_and_hours_for_a_round(harness):
    import json

    from tests.handlers.test_outcomes import closed_round
    from tests.handlers.test_privacy import private_document

    await closed_round(harness, ["Fix the bench"], [0])
    chloe = harness.residents[1]
    await harness.send_private(chloe, "/start")
    await harness.send(chloe, "/log 2h for #1 sanding the bench")
    await harness.send(harness.facilitator, "/outcome 1 Bench ordered")
    await run_due(harness.app)
    await harness.send_private(chloe, "/notify off")
    await harness.send_private(chloe, "/mydata")
    _filename, content = private_document(harness, chloe)
    data = json.loads(content)
    assert data["member"][0]["notices"] == 0 and data["member"][0]["private_since"]
    assert [(n["kind"], n["result"]) for n in data["notices"]] == [("outcome", "sent")]
    assert data["ledger_entries"][0]["round_id"] == 1
