"""After the vote: /outcome records what happened, /rounds shows open and closed rounds."""

from __future__ import annotations

from storage import voting
from tests.support.round_helpers import poll_ids, round_with_ideas


async def closed_round(harness, ideas: list[str], votes: list[int]):
    """A round voted on (one resident per chosen option) and closed."""
    round_ = await round_with_ideas(harness, ideas)
    await harness.send(harness.facilitator, f"/vote {round_.number}")
    [poll_id] = await poll_ids(harness, round_)
    for person, option in zip(harness.residents, votes, strict=False):
        await harness.vote(person, poll_id, [option])
    await harness.send(harness.facilitator, "/close now")
    return round_


async def test_outcome_is_recorded_and_announced(harness):
    round_ = await closed_round(harness, ["Fix the bench", "Plant bulbs"], [1, 1, 0])
    await harness.send(harness.facilitator, "/outcome 1 The council planted 200 bulbs <in> March & April")
    assert "You said, we did" in harness.last_text()
    assert "The council planted 200 bulbs <in> March & April" in harness.last_text()
    async with harness.db.read() as conn:
        outcome = await voting.latest_outcome(conn, round_.id)
    assert outcome is not None and outcome.text == "The council planted 200 bulbs <in> March & April"
    assert outcome.recorded_by == harness.facilitator.id


async def test_outcome_on_a_round_not_closed_is_refused(harness):
    round_ = await round_with_ideas(harness, ["Fix the bench", "Plant bulbs"])
    await harness.send(harness.facilitator, "/outcome 1 Done")
    assert harness.last_text() == "Round #1 is not closed yet."
    async with harness.db.read() as conn:
        assert await voting.latest_outcome(conn, round_.id) is None


async def test_outcome_on_a_missing_round_is_refused(harness):
    await harness.send(harness.facilitator, "/outcome 9 Done")
    assert harness.last_text() == "There is no round #9 in this group."


async def test_outcome_without_number_or_text_is_refused(harness):
    await closed_round(harness, ["Fix the bench", "Plant bulbs"], [0])
    await harness.send(harness.facilitator, "/outcome")
    assert "Write the round number and what happened" in harness.last_text()
    await harness.send(harness.facilitator, "/outcome 1")
    assert "Please write what happened" in harness.last_text()
    await harness.send(harness.facilitator, "/outcome one Done")
    assert "is not a round number" in harness.last_text()


async def test_non_facilitator_cannot_record_an_outcome(harness):
    round_ = await closed_round(harness, ["Fix the bench", "Plant bulbs"], [0])
    await harness.send(harness.residents[0], "/outcome 1 Done")
    assert "only the group's facilitators" in harness.last_text()
    async with harness.db.read() as conn:
        assert await voting.latest_outcome(conn, round_.id) is None


async def test_rounds_lists_open_rounds_with_stage_and_deadline(harness):
    await round_with_ideas(harness, ["Fix the bench"], question="Where should the new bench go?")
    await harness.send(harness.residents[0], "/rounds")
    text = harness.last_text()
    assert "Open rounds" in text
    assert "#1 \u2068Where should the new bench go?\u2069 — collecting ideas" in text
    # the fake clock starts on Monday 2 November 2026, 09:00 UTC; London is on GMT then
    assert "until Thursday 5 November at 09:00 (in 3 days)" in text


async def test_rounds_shows_closed_rounds_with_winner_ties_and_latest_outcome(harness):
    await closed_round(harness, ["Fix the bench", "Plant bulbs"], [1, 1, 0])
    await harness.send(harness.facilitator, "/outcome 1 Bulbs ordered")
    await harness.send(harness.facilitator, "/outcome 1 Bulbs planted")
    await closed_round(harness, ["Tea", "Coffee"], [0, 1])
    await harness.send(harness.residents[2], "/rounds")
    text = harness.last_text()
    assert "Recently closed" in text
    assert "Chosen: idea 2 · \u2068Plant bulbs\u2069 (2 votes)" in text
    assert "Outcome: planned, last update Monday 2 November at 09:00: \u2068Bulbs planted\u2069" in text
    assert "Bulbs ordered" not in text
    assert "Tied for first: idea 1 · \u2068Tea\u2069; idea 2 · \u2068Coffee\u2069 (1 vote each)" in text
    assert "No outcome recorded yet." in text


async def test_rounds_in_a_new_group_says_how_to_start(harness):
    await harness.send(harness.residents[0], "/rounds")
    assert "No rounds yet" in harness.last_text()
