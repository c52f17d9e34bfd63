"""Issue 2's end-to-end round: from the bot joining the group to the outcome in /rounds."""

from __future__ import annotations

from telegram.constants import PollLimit

from bot.domain.rounds import Stage
from storage import groups, rounds, voting
from tests.support.round_helpers import current

IDEAS = [
    "Fix the bench by the bus stop",
    "Plant <b>bulbs</b> & wildflowers on the verge",
    "A monthly litter pick",
    "Paint a mural on the underpass",
    "Put up a book swap box",
]


async def _open_round_by_command(harness, text: str):
    await harness.send(harness.facilitator, text)
    async with harness.db.read() as conn:
        group = await groups.get_by_chat(conn, harness.group.id)
        [round_] = [r for r in await rounds.open_rounds(conn, group.id) if r.stage is Stage.IDEAS]
    assert round_.prompt_message_id is not None
    return round_


async def test_a_round_from_question_to_outcome(harness):
    await harness.add_bot()
    round_ = await _open_round_by_command(harness, "/round 2d 1d What should we do to brighten up Chapel Street?")
    for resident, idea in zip(harness.residents, IDEAS, strict=False):
        await harness.send(resident, idea, reply_to=round_.prompt_message_id)
    async with harness.db.read() as conn:
        assert [idea.text for idea in await rounds.ideas(conn, round_.id)] == IDEAS

    await harness.send(harness.residents[0], "/vote")
    assert "only the group's facilitators" in harness.last_text()
    assert (await current(harness, round_)).stage is Stage.IDEAS

    await harness.send(harness.facilitator, "/vote")
    voting_message = harness.last_text()
    assert "2. \u2068Plant <b>bulbs</b> & wildflowers on the verge\u2069" in voting_message
    [poll] = harness.telegram.sent("sendPoll")
    assert [option["text"] for option in poll["options"]] == [f"{n}. {idea}" for n, idea in enumerate(IDEAS, 1)]

    async with harness.db.read() as conn:
        [posted] = await voting.polls(conn, round_.id)
    ben, chloe, dawid, ewa, farah, gosia = harness.residents
    await harness.vote(ben, posted.poll_id, [1, 2])
    await harness.vote(chloe, posted.poll_id, [1])
    await harness.vote(dawid, posted.poll_id, [0, 1, 4])
    await harness.vote(ewa, posted.poll_id, [2])
    await harness.vote(gosia, posted.poll_id, [0])
    await harness.vote(gosia, posted.poll_id, [3])  # changed her mind

    await harness.send(harness.facilitator, "/close")
    assert "Close round #1 now?" in harness.last_text() and "5 neighbours have voted so far" in harness.last_text()
    await harness.press_button(harness.facilitator, "Close it now")
    results = harness.last_text()
    assert "5 neighbours voted." in results
    assert "1st · idea 2 · \u2068Plant <b>bulbs</b> & wildflowers on the verge\u2069 — 3 votes, 60%" in results
    assert "2nd · idea 3 · \u2068A monthly litter pick\u2069 — 2 votes, 40%" in results
    assert "tied for 3rd · idea 1 · \u2068Fix the bench by the bus stop\u2069 — 1 vote, 20%" in results
    assert len(harness.telegram.sent("sendPhoto")) == 1
    assert harness.telegram.polls[posted.poll_id]["is_closed"] is True

    await harness.send(harness.facilitator, "/outcome 1 Forty volunteers planted 2,000 bulbs in November.")
    assert "Forty volunteers planted 2,000 bulbs in November." in harness.last_text()

    await harness.send(farah, "/rounds")
    listing = harness.last_text()
    assert "Chosen: idea 2 · \u2068Plant <b>bulbs</b> & wildflowers on the verge\u2069 (3 votes)" in listing
    assert "Outcome: planned, last update " in listing
    assert ": \u2068Forty volunteers planted 2,000 bulbs in November.\u2069" in listing


async def test_thirty_ideas_land_exactly_once_across_several_polls(harness):
    await harness.add_bot()
    round_ = await _open_round_by_command(harness, "/round How should we spend the community chest?")
    texts = [f"Idea {n}: " + "a longer description of what we could do together " * 3 for n in range(1, 31)]
    for n, text in enumerate(texts):
        await harness.send(harness.residents[n % 6], text, reply_to=round_.prompt_message_id)
    await harness.send(harness.facilitator, "/vote")
    polls = harness.telegram.sent("sendPoll")
    assert len(polls) > 1
    labels = [option["text"] for poll in polls for option in poll["options"]]
    assert all(len(poll["options"]) <= PollLimit.MAX_OPTION_NUMBER for poll in polls)
    assert all(len(label) <= PollLimit.MAX_OPTION_LENGTH for label in labels)
    assert sorted(int(label.split(".")[0]) for label in labels) == list(range(1, 31))
    voting_text = "\n".join(harness.texts())
    assert all(text.strip() in voting_text for text in texts)
