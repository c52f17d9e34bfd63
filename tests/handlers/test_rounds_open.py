"""/round opens a round in the ideas stage, posts its prompt and stores its deadline."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain.deadline_kinds import DeadlineKind
from bot.domain.rounds import Stage
from storage import deadlines, groups, rounds


async def _rounds(harness):
    async with harness.db.read() as conn:
        group = await groups.get_by_chat(conn, harness.group.id)
        return await rounds.open_rounds(conn, group.id) if group else []


async def test_facilitator_opens_round_with_default_durations(harness):
    now = harness.clock.now()
    await harness.send(harness.facilitator, "/round What should we do with the empty lot?")
    (opened,) = await _rounds(harness)
    assert opened.number == 1 and opened.stage is Stage.IDEAS
    assert opened.question == "What should we do with the empty lot?"
    assert opened.ideas_ends_at == now + dt.timedelta(days=3)
    assert opened.voting_minutes == 2 * 24 * 60
    prompt = harness.telegram.messages[(harness.group.id, opened.prompt_message_id)]
    text = harness.last_text()
    assert prompt["text"].startswith("<b>Round #1</b>")
    assert "What should we do with the empty lot?" in text
    assert "reply to this message with your idea, or send it privately" in text
    assert f"https://t.me/coprod_test_bot?start=idea-{opened.link_token}" in text
    assert "Thursday 5 November at 09:00" in text and "in 3 days" in text
    assert "0 ideas so far" in text
    async with harness.db.read() as conn:
        deadline = await deadlines.get(conn, DeadlineKind.IDEAS_END, opened.id)
    assert deadline.due_at == opened.ideas_ends_at and deadline.done_at is None
    assert harness.app.job_queue.get_jobs_by_name(deadline.job_name)


async def test_round_takes_ideas_and_vote_durations(harness):
    now = harness.clock.now()
    await harness.send(harness.facilitator, "/round 6h 1h30m Where should the new bench go?")
    (opened,) = await _rounds(harness)
    assert opened.ideas_ends_at == now + dt.timedelta(hours=6)
    assert opened.voting_minutes == 90
    assert opened.question == "Where should the new bench go?"
    assert "in 6 hours" in harness.last_text()


async def test_round_uses_the_groups_default_durations(harness):
    await harness.send(harness.facilitator, "/help")
    async with harness.db.transaction() as conn:
        group = await groups.get_by_chat(conn, harness.group.id)
        await groups.update_settings(conn, group.id, ideas_minutes=60, vote_minutes=30)
    await harness.send(harness.facilitator, "/round 2d Paint the fence?")
    (opened,) = await _rounds(harness)
    assert opened.ideas_ends_at == harness.clock.now() + dt.timedelta(days=2)
    assert opened.voting_minutes == 30


async def test_question_is_escaped_in_the_prompt(harness):
    await harness.send(harness.facilitator, "/round Fish & chips <b>night</b>?")
    assert "Fish &amp; chips &lt;b&gt;night&lt;/b&gt;?" in harness.telegram.sent()[-1]["text"]
    assert "Fish & chips <b>night</b>?" in harness.last_text()


async def test_rounds_are_numbered_per_group(harness):
    await harness.send(harness.facilitator, "/round First question?")
    await harness.send(harness.facilitator, "/round Second question?")
    assert [round_.number for round_ in await _rounds(harness)] == [1, 2]


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("/round", "Please write the question after the command"),
        ("/round   ", "Please write the question after the command"),
        ("/round 3d", "Please write the question after the command"),
        ("/round " + "x" * 301, "301 characters long; please keep it within 300"),
        ("/round 0d x", "A stage must last between 1 minute and 8 weeks"),
        ("/round 5x x", "“\u20685x\u2069” is not a time I understand"),
    ],
)
async def test_bad_round_is_refused_and_nothing_is_stored(harness, command, answer):
    await harness.send(harness.facilitator, command)
    assert answer in harness.last_text()
    assert await _rounds(harness) == []


async def test_only_two_leading_durations_are_read(harness):
    await harness.send(harness.facilitator, "/round 3d 2h 1h walks, or longer ones?")
    (opened,) = await _rounds(harness)
    assert opened.question == "1h walks, or longer ones?"


async def test_non_facilitator_cannot_open_round(harness):
    await harness.send(harness.residents[0], "/round Should we have a street party?")
    assert "only the group's facilitators" in harness.last_text()
    assert await _rounds(harness) == []


async def test_anonymous_admin_can_open_round(harness):
    update = harness.telegram.message_update(
        harness.group, harness.telegram.person(1087968824, "Group", username="GroupAnonymousBot", is_bot=True),
        "/round Should we have a street party?", sender_chat=harness.group,
    )  # fmt: skip
    await harness.deliver(update)
    (opened,) = await _rounds(harness)
    assert opened.question == "Should we have a street party?"
    assert opened.created_by is None  # the group posted it, not a member


async def test_round_in_private_chat_gets_a_hint(harness):
    chat = harness.telegram.private_chat(harness.residents[0])
    await harness.send_private(harness.residents[0], "/round Anything?")
    assert "works in a group chat" in harness.last_text(chat)
