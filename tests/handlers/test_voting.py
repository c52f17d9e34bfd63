"""Voting: /vote, /close, /poll, the polls' updates and the stage deadlines."""

from __future__ import annotations

import asyncio

from telegram.constants import PollLimit

from bot.domain.decisions.approval import rank
from bot.domain.rounds import Kind, Stage
from bot.runtime.deadlines import run_due
from storage import groups, rounds, voting
from tests.support.round_helpers import current, poll_ids, round_with_ideas

LONG_IDEA = "A community orchard with apple and pear trees, a bench for resting, " + "and raised beds " * 10


async def test_vote_posts_every_idea_in_full_then_multi_answer_polls(harness):
    round_ = await round_with_ideas(harness, ["Fix the <b>bench</b> & bins", LONG_IDEA, "Plant bulbs"])
    await harness.send(harness.facilitator, "/vote")
    assert (await current(harness, round_)).stage is Stage.VOTING
    voting_message = harness.texts()[-1]
    assert "Voting is open for round #1" in voting_message
    assert "1. \u2068Fix the <b>bench</b> & bins\u2069" in voting_message
    assert LONG_IDEA.strip() in voting_message
    [poll] = harness.telegram.sent("sendPoll")
    assert poll["allows_multiple_answers"] is True
    assert poll["is_anonymous"] is True
    assert poll["hide_results_until_closes"] is True
    labels = [option["text"] for option in poll["options"]]
    assert labels[0] == "1. Fix the <b>bench</b> & bins"
    assert labels[1].startswith("2. A community orchard") and labels[1].endswith("…")
    assert all(len(label) <= PollLimit.MAX_OPTION_LENGTH for label in labels)
    assert len(await poll_ids(harness, round_)) == 1


async def test_non_facilitator_cannot_open_voting(harness):
    round_ = await round_with_ideas(harness, ["Fix the bench", "Plant bulbs"])
    await harness.send(harness.residents[0], "/vote")
    assert "only the group's facilitators" in harness.last_text()
    assert (await current(harness, round_)).stage is Stage.IDEAS
    assert harness.telegram.sent("sendPoll") == []


async def test_vote_on_a_round_already_voting_is_refused(harness):
    round_ = await round_with_ideas(harness, ["Fix the bench", "Plant bulbs"])
    await harness.send(harness.facilitator, "/vote")
    await harness.send(harness.facilitator, "/vote 1")
    assert harness.last_text() == "Round #1 is not collecting ideas any more."
    assert len(harness.telegram.sent("sendPoll")) == 1
    assert (await current(harness, round_)).stage is Stage.VOTING


async def test_vote_without_a_round_collecting_ideas_is_refused(harness):
    await harness.send(harness.facilitator, "/vote")
    assert harness.last_text() == "No round is collecting ideas right now."
    await harness.send(harness.facilitator, "/vote 7")
    assert harness.last_text() == "There is no round #7 in this group."
    await harness.send(harness.facilitator, "/vote seven")
    assert "is not a round number" in harness.last_text()


async def test_vote_on_a_round_without_ideas_closes_it_saying_so(harness):
    round_ = await round_with_ideas(harness, [])
    await harness.send(harness.facilitator, "/vote")
    assert (await current(harness, round_)).stage is Stage.CLOSED
    assert "nothing to vote on" in harness.last_text()
    assert harness.telegram.sent("sendPoll") == []
    assert harness.telegram.sent("sendPhoto") == []


async def test_close_publishes_ranked_results_with_ties_shares_and_a_chart(harness):
    round_ = await round_with_ideas(harness, ["Fix the bench", "Plant bulbs", "Paint the fence", "Clean the pond"])
    await harness.send(harness.facilitator, "/vote")
    [poll_id] = await poll_ids(harness, round_)
    ben, chloe, dawid, ewa = harness.residents[:4]
    await harness.vote(ben, poll_id, [1, 2])
    await harness.vote(chloe, poll_id, [1, 2])
    await harness.vote(dawid, poll_id, [1, 3])
    await harness.vote(ewa, poll_id, [0])
    await harness.send(harness.facilitator, "/close now")
    closed = await current(harness, round_)
    assert closed.stage is Stage.CLOSED and closed.voter_count == 4
    results = harness.last_text()
    assert "Results of round #1" in results and "4 neighbours voted." in results
    ranking = results.splitlines()[-4:]
    assert ranking == [
        "1st · idea 2 · \u2068Plant bulbs\u2069 — 3 votes, 75%",
        "2nd · idea 3 · \u2068Paint the fence\u2069 — 2 votes, 50%",
        "tied for 3rd · idea 1 · \u2068Fix the bench\u2069 — 1 vote, 25%",
        "tied for 3rd · idea 4 · \u2068Clean the pond\u2069 — 1 vote, 25%",
    ]
    assert harness.telegram.polls[poll_id]["is_closed"] is True
    [photo] = harness.telegram.sent("sendPhoto")
    assert photo["caption"].startswith("Bar chart of the votes for each idea in round #1")
    assert "1st · idea 2 · \u2068Plant bulbs\u2069: 3 votes (75%)." in photo["caption"]
    assert photo.get("parse_mode") is None  # plain text: member words need no escaping
    assert harness.telegram.files[-1].size > 0
    async with harness.db.read() as conn:
        frozen = rank(await voting.frozen_tallies(conn, round_.id), closed.voter_count)
    assert [p.tally.text for p in frozen.winners] == ["Plant bulbs"]


async def test_close_on_a_round_not_voting_is_refused(harness):
    round_ = await round_with_ideas(harness, ["Fix the bench", "Plant bulbs"])
    await harness.send(harness.facilitator, "/close 1")
    assert harness.last_text() == "Round #1 is not voting at the moment."
    await harness.send(harness.facilitator, "/close")
    assert harness.last_text() == "No round is voting right now."
    assert (await current(harness, round_)).stage is Stage.IDEAS


async def test_non_facilitator_cannot_close_round(harness):
    round_ = await round_with_ideas(harness, ["Fix the bench", "Plant bulbs"])
    await harness.send(harness.facilitator, "/vote")
    await harness.send(harness.residents[0], "/close")
    assert "only the group's facilitators" in harness.last_text()
    assert (await current(harness, round_)).stage is Stage.VOTING
    assert harness.telegram.sent("stopPoll") == []


async def test_two_close_at_once_publish_one_result(harness):
    await round_with_ideas(harness, ["Fix the bench", "Plant bulbs"])
    await harness.send(harness.facilitator, "/vote")
    await asyncio.gather(harness.send(harness.facilitator, "/close now"), harness.send(harness.facilitator, "/close now"))
    assert len([text for text in harness.texts() if "Results of round #1" in text]) == 1
    # the other /close is refused: it found the round voting and lost the race to close it, or
    # (PostgreSQL reads beside a write) found it closed already
    refusals = {"Round #1 is not voting at the moment.", "No round is voting right now."}
    assert len(refusals & set(harness.texts())) == 1
    assert len(harness.telegram.sent("sendPhoto")) == 0  # nobody voted: no chart


async def test_deadlines_open_voting_then_close_it(harness):
    round_ = await round_with_ideas(harness, ["Fix the bench", "Plant bulbs"])
    harness.advance(days=3)
    await run_due(harness.app)
    assert (await current(harness, round_)).stage is Stage.VOTING
    assert len(harness.telegram.sent("sendPoll")) == 1
    harness.advance(days=2)
    await run_due(harness.app)
    assert (await current(harness, round_)).stage is Stage.CLOSED
    assert "Results of round #1" in harness.last_text()


async def test_deadline_firing_after_close_changes_nothing(harness):
    round_ = await round_with_ideas(harness, ["Fix the bench", "Plant bulbs"])
    await harness.send(harness.facilitator, "/vote")
    await harness.send(harness.facilitator, "/close now")
    closed = await current(harness, round_)
    calls = len(harness.telegram.calls)
    harness.advance(days=10)
    await run_due(harness.app)
    assert await current(harness, round_) == closed
    assert len(harness.telegram.calls) == calls


async def test_ideas_deadline_after_vote_changes_nothing(harness):
    round_ = await round_with_ideas(harness, ["Fix the bench", "Plant bulbs"])
    await harness.send(harness.facilitator, "/vote")
    harness.advance(days=1)
    await run_due(harness.app)
    assert (await current(harness, round_)).stage is Stage.VOTING
    assert len(harness.telegram.sent("sendPoll")) == 1


async def test_public_polls_count_each_voter_once_across_polls(harness):
    round_ = await round_with_ideas(harness, [f"Idea {n}" for n in range(1, 16)], anonymous=False)
    await harness.send(harness.facilitator, "/vote")
    first, second = await poll_ids(harness, round_)
    assert harness.telegram.polls[first]["is_anonymous"] is False
    ben, chloe, dawid = harness.residents[:3]
    await harness.vote(ben, first, [0])
    await harness.vote(ben, second, [0])
    await harness.vote(chloe, second, [1])
    await harness.vote(dawid, first, [2])
    await harness.vote(dawid, first, [])  # took the vote back
    await harness.send(harness.facilitator, "/close now")
    assert (await current(harness, round_)).voter_count == 2
    assert "2 neighbours voted." in harness.last_text()


async def test_anonymous_voters_across_polls_are_the_busiest_polls_count(harness):
    round_ = await round_with_ideas(harness, [f"Idea {n}" for n in range(1, 16)])
    await harness.send(harness.facilitator, "/vote")
    first, second = await poll_ids(harness, round_)
    for person in harness.residents[:3]:
        await harness.vote(person, first, [0])
    await harness.vote(harness.residents[0], second, [1])
    await harness.send(harness.facilitator, "/close now")
    assert (await current(harness, round_)).voter_count == 3


async def test_repeated_and_unknown_poll_updates_change_nothing(harness):
    round_ = await round_with_ideas(harness, ["Fix the bench", "Plant bulbs"])
    await harness.send(harness.facilitator, "/vote")
    [poll_id] = await poll_ids(harness, round_)
    [update] = harness.telegram.vote_updates(harness.residents[0], poll_id, [1])
    await harness.deliver(update)
    await harness.deliver(update)
    stranger = {**update["poll"], "id": "999"}
    await harness.deliver(harness.telegram.raw_update({"poll": stranger}))
    async with harness.db.read() as conn:
        tallies = await voting.tallies(conn, round_.id)
    assert [t.votes for t in tallies] == [0, 1]


async def test_quick_poll_opens_straight_in_voting_with_its_options(harness):
    await harness.send(harness.facilitator, "/poll 1d When shall we meet?; Saturday 10:00; Sunday 14:00")
    async with harness.db.read() as conn:
        [poll_round] = await rounds.open_rounds(conn, (await _group_id(harness, conn)))
        options = await rounds.ideas(conn, poll_round.id)
    assert poll_round.kind is Kind.POLL and poll_round.stage is Stage.VOTING
    assert poll_round.voting_minutes == 24 * 60
    assert [idea.text for idea in options] == ["Saturday 10:00", "Sunday 14:00"]
    [poll] = harness.telegram.sent("sendPoll")
    assert [option["text"] for option in poll["options"]] == ["1. Saturday 10:00", "2. Sunday 14:00"]
    [poll_id] = await poll_ids(harness, poll_round)
    await harness.vote(harness.residents[0], poll_id, [1])
    harness.advance(days=1)
    await run_due(harness.app)
    assert "1st · idea 2 · \u2068Sunday 14:00\u2069 — 1 vote, 100%" in harness.last_text()


async def _group_id(harness, conn) -> int:
    return (await groups.get_by_chat(conn, harness.group.id)).id


async def test_quick_poll_with_fewer_than_two_options_is_refused(harness):
    await harness.send(harness.facilitator, "/poll When shall we meet?; Saturday")
    assert "at least two options" in harness.last_text()
    await harness.send(harness.facilitator, "/poll")
    assert "at least two options" in harness.last_text()
    assert harness.telegram.sent("sendPoll") == []
    async with harness.db.read() as conn:
        assert await rounds.open_rounds(conn, await _group_id(harness, conn)) == []


async def test_quick_poll_with_an_empty_option_is_refused(harness):
    await harness.send(harness.facilitator, "/poll When shall we meet?; Saturday;; Sunday")
    assert harness.last_text().startswith("Option 2 is empty.")
    assert harness.telegram.sent("sendPoll") == []


async def test_non_facilitator_cannot_start_a_quick_poll(harness):
    await harness.send(harness.residents[0], "/poll Tea or coffee?; Tea; Coffee")
    assert "only the group's facilitators" in harness.last_text()
    assert harness.telegram.sent("sendPoll") == []


async def test_voting_message_longer_than_telegram_allows_is_split_keeping_every_idea(harness):
    ideas = [f"Idea {n} " + "with a great deal of detail " * 35 for n in range(1, 11)]
    await round_with_ideas(harness, ideas)
    await harness.send(harness.facilitator, "/vote")
    voting_messages = harness.texts()  # the round was set up directly: nothing else was said
    assert voting_messages[0].startswith("Voting is open for round #1")
    assert len(voting_messages) >= 3
    shown = "\n".join(voting_messages)
    assert all(idea.strip() in shown for idea in ideas)





async def test_close_while_the_polls_go_out_leaves_no_poll_open(harness, monkeypatch):
    round_ = await round_with_ideas(harness, [f"Idea {n}" for n in range(1, 31)])
    first_poll_sent, closed = asyncio.Event(), asyncio.Event()
    bot_class = type(harness.app.bot)
    send_poll = bot_class.send_poll

    async def first_poll_waits_for_close(bot, *args, **kwargs):
        message = await send_poll(bot, *args, **kwargs)
        if not first_poll_sent.is_set():
            first_poll_sent.set()
            await closed.wait()
        return message

    monkeypatch.setattr(bot_class, "send_poll", first_poll_waits_for_close)  # bots are frozen
    vote = asyncio.create_task(harness.send(harness.facilitator, "/vote"))
    await first_poll_sent.wait()
    await harness.send(harness.facilitator, "/close now")
    closed.set()
    await vote
    assert (await current(harness, round_)).stage is Stage.CLOSED
    assert len(harness.telegram.polls) == 1  # the rest were never sent
    assert all(poll["is_closed"] for poll in harness.telegram.polls.values())
