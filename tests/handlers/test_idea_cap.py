"""A cap on ideas per member per round, so one member cannot fill a ballot (default 10,
``/settings cap N``)."""

from __future__ import annotations

import pytest

from bot.domain.rounds import DEFAULT_IDEA_CAP, MAX_IDEA_CAP, IdeaStatus
from storage import groups, rounds
from tests.support.credit_helpers import answers as answers_of
from tests.support.ideas_helpers import (
    buttons,
    last_bot_message,
    open_round,
    stored_ideas,
)

REFUSAL = "You have reached this group's limit of ideas per member in round #1 ({cap})."


async def send_ideas(harness, person, count: int, start: int = 0) -> None:
    for index in range(start, start + count):
        await harness.send(person, f"/idea Idea number {index} from {person.first_name}")


async def ideas_of(harness, round_, person) -> list:
    return [idea for idea in await stored_ideas(harness, round_) if idea.author_id == person.id]


@pytest.mark.parametrize("count", [DEFAULT_IDEA_CAP - 1, DEFAULT_IDEA_CAP])
async def test_up_to_the_cap_every_idea_is_taken(harness, count):
    round_ = await open_round(harness)
    ben = harness.residents[0]
    await send_ideas(harness, ben, count)
    assert len(await ideas_of(harness, round_, ben)) == count
    assert not any("limit of ideas" in text for text in harness.texts())


async def test_the_idea_over_the_cap_is_refused_and_nothing_is_stored(harness):
    round_ = await open_round(harness)
    ben, chloe = harness.residents[:2]
    await send_ideas(harness, ben, DEFAULT_IDEA_CAP + 1)
    assert harness.last_text().startswith(REFUSAL.format(cap=DEFAULT_IDEA_CAP))
    assert len(await ideas_of(harness, round_, ben)) == DEFAULT_IDEA_CAP
    await harness.send(ben, "A reply idea over the cap", reply_to=round_.prompt_message_id)
    assert len(await ideas_of(harness, round_, ben)) == DEFAULT_IDEA_CAP
    await send_ideas(harness, chloe, 1)  # the cap is per member
    assert len(await ideas_of(harness, round_, chloe)) == 1


async def test_a_withdrawn_idea_frees_its_place(harness):
    round_ = await open_round(harness)
    ben = harness.residents[0]
    await send_ideas(harness, ben, DEFAULT_IDEA_CAP)
    await harness.send(ben, "/withdraw 3")
    await send_ideas(harness, ben, 1, start=100)
    mine = await ideas_of(harness, round_, ben)
    assert len(mine) == DEFAULT_IDEA_CAP + 1
    assert [idea.status for idea in mine].count(IdeaStatus.STANDING) == DEFAULT_IDEA_CAP


async def test_anonymous_private_ideas_count_for_their_author(harness):
    round_ = await open_round(harness)
    ben = harness.residents[0]
    await send_ideas(harness, ben, DEFAULT_IDEA_CAP)
    chat = harness.telegram.private_chat(ben)
    await harness.send_private(ben, f"/start idea-{round_.link_token}")
    await harness.send_private(ben, "One more, quietly")
    message = last_bot_message(harness, chat)
    await harness.press(ben, message["message_id"], dict(buttons(message))["Anonymously"], chat=chat)
    assert answers_of(harness)[-1].startswith(REFUSAL.format(cap=DEFAULT_IDEA_CAP))
    assert len(await ideas_of(harness, round_, ben)) == DEFAULT_IDEA_CAP


async def test_private_anonymous_ideas_fill_the_cap_for_group_ideas_too(harness):
    round_ = await open_round(harness)
    ben = harness.residents[0]
    await harness.send(harness.facilitator, "/settings cap 1")
    chat = harness.telegram.private_chat(ben)
    await harness.send_private(ben, f"/start idea-{round_.link_token}")
    await harness.send_private(ben, "Quiet idea")
    message = last_bot_message(harness, chat)
    await harness.press(ben, message["message_id"], dict(buttons(message))["Anonymously"], chat=chat)
    await send_ideas(harness, ben, 1)
    assert harness.last_text().startswith(REFUSAL.format(cap=1))
    (idea,) = await ideas_of(harness, round_, ben)
    assert idea.anonymous


async def test_a_facilitators_poll_options_do_not_count(harness):
    options = "; ".join(f"Option {index}" for index in range(12))
    await harness.send(harness.facilitator, f"/poll 1d Which one?; {options}")
    async with harness.db.read() as conn:
        group = await groups.get_by_chat(conn, harness.group.id)
        (poll_round,) = await rounds.open_rounds(conn, group.id)
    options = await stored_ideas(harness, poll_round)
    assert len(options) == 12 > group.idea_cap
    assert {idea.author_id for idea in options} == {harness.facilitator.id}


@pytest.mark.parametrize("cap", [1, 3])
async def test_facilitators_set_the_cap(harness, cap):
    round_ = await open_round(harness)
    await harness.send(harness.facilitator, f"/settings cap {cap}")
    assert harness.last_text() == f"Each member may now put {cap} idea{'s' if cap > 1 else ''} into a round."
    ben = harness.residents[0]
    await send_ideas(harness, ben, cap + 1)
    assert len(await ideas_of(harness, round_, ben)) == cap
    assert harness.last_text().startswith(REFUSAL.format(cap=cap))


async def test_the_highest_cap_is_accepted(harness):
    await harness.send(harness.facilitator, f"/settings cap {MAX_IDEA_CAP}")
    assert harness.last_text() == f"Each member may now put {MAX_IDEA_CAP} ideas into a round."


@pytest.mark.parametrize("bad", ["0", str(MAX_IDEA_CAP + 1), "²", "ten", "-1", "1" * 30])
async def test_a_bad_cap_is_refused_and_nothing_changes(harness, bad):
    await harness.send(harness.facilitator, f"/settings cap {bad}")
    assert "a whole number from 1 to 100" in harness.last_text()
    async with harness.db.read() as conn:
        assert (await groups.get_by_chat(conn, harness.group.id)).idea_cap == DEFAULT_IDEA_CAP


async def test_only_facilitators_change_the_cap(harness):
    await harness.send(harness.residents[0], "/settings cap 50")
    assert "only the group's facilitators" in harness.last_text()


@pytest.mark.parametrize("how", ["idea", "assist", "private"])
async def test_facilitators_are_not_capped_when_they_seed_a_round(harness, how):
    round_ = await open_round(harness)
    fatima = harness.facilitator
    seeded = 44  # Polis conveners seed 12-44 statements
    chat = harness.telegram.private_chat(fatima)
    for index in range(seeded):
        if how == "idea":
            await harness.send(fatima, f"/idea Statement {index}")
        elif how == "assist":
            await harness.send(fatima, f"/assist 1 Neighbour {index}: Statement {index}")
        else:
            await harness.send_private(fatima, f"/start idea-{round_.link_token}")
            await harness.send_private(fatima, f"Statement {index}")
            message = last_bot_message(harness, chat)
            await harness.press(fatima, message["message_id"], dict(buttons(message))["With my name"], chat=chat)
    assert len(await ideas_of(harness, round_, fatima)) == seeded
    assert not any("limit of ideas" in text for text in harness.texts() + answers_of(harness))
    ben = harness.residents[0]
    await send_ideas(harness, ben, DEFAULT_IDEA_CAP + 1)  # residents still are
    assert len(await ideas_of(harness, round_, ben)) == DEFAULT_IDEA_CAP
