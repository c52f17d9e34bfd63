"""Private ideas: the deep link under a prompt and /idea in a private chat, with
the choice of being named or anonymous; drafts wait in the database, not in memory."""

from __future__ import annotations

from storage import idea_drafts
from tests.support.ideas_helpers import (
    buttons,
    last_bot_message,
    open_round,
    prompt_edits,
    stored_ideas,
)


async def _press(harness, person, label: str) -> dict:
    chat = harness.telegram.private_chat(person)
    message = last_bot_message(harness, chat)
    await harness.press(person, message["message_id"], dict(buttons(message))[label], chat=chat)
    return message


async def test_deep_link_idea_sent_anonymously(harness):
    round_ = await open_round(harness)
    ben = harness.residents[0]
    chat = harness.telegram.private_chat(ben)
    await harness.send_private(ben, f"/start idea-{round_.id}")
    assert "Your idea for round #1 in \u2068Chapel Street neighbours\u2069" in harness.last_text(chat)
    assert "Send it to me as a message" in harness.last_text(chat)
    message_id = await harness.send_private(ben, "Weekly litter pick & tea")
    assert "shown with your name, or anonymously?" in harness.last_text(chat)
    async with harness.db.read() as conn:
        draft = await idea_drafts.private_draft(conn, ben.id, chat.id)
    assert (draft.round_id, draft.text, draft.message_id) == (round_.id, "Weekly litter pick & tea", message_id)
    confirmation = await _press(harness, ben, "Anonymously")
    (idea,) = await stored_ideas(harness, round_)
    assert (idea.text, idea.author_id, idea.anonymous) == ("Weekly litter pick & tea", ben.id, True)
    assert "Your idea is idea 1 of round #1" in confirmation["text"]
    assert "shown anonymously" in confirmation["text"]
    async with harness.db.read() as conn:
        assert await idea_drafts.private_draft(conn, ben.id, chat.id) is None
    await harness.app.services.acknowledgements.flush()
    (edit,) = prompt_edits(harness, round_)
    assert "1 idea so far" in edit["text"]
    await harness.send(harness.residents[1], "/ideas")
    assert "1. \u2068Weekly litter pick & tea\u2069 — anonymous" in harness.last_text()


async def test_private_idea_command_with_text_and_name(harness):
    round_ = await open_round(harness)
    ben = harness.residents[0]
    await harness.send(ben, "/help")  # Ben takes part in the group
    await harness.send_private(ben, "/idea A repair café")
    await _press(harness, ben, "With my name")
    (idea,) = await stored_ideas(harness, round_)
    assert (idea.text, idea.anonymous) == ("A repair café", False)


async def test_private_idea_with_several_rounds_asks_which(harness):
    first = await open_round(harness, "First?")
    second = await open_round(harness, "Second?")
    ben = harness.residents[0]
    await harness.send(ben, "/help")
    await harness.send_private(ben, "/idea")
    chat = harness.telegram.private_chat(ben)
    assert "Which round is your idea for?" in harness.last_text(chat)
    await _press(harness, ben, "Chapel Street neighbours #2: Second?")
    assert "Send it to me as a message" in harness.last_text(chat)
    await harness.send_private(ben, "Second thoughts")
    await _press(harness, ben, "With my name")
    assert await stored_ideas(harness, first) == []
    assert [idea.text for idea in await stored_ideas(harness, second)] == ["Second thoughts"]


async def test_private_idea_with_no_open_round_is_refused(harness):
    ben = harness.residents[0]
    await harness.send_private(ben, "/idea Something")
    assert "No round is collecting ideas" in harness.last_text(harness.telegram.private_chat(ben))


async def test_deep_link_to_a_missing_or_closed_round_is_refused(harness):
    ben = harness.residents[0]
    chat = harness.telegram.private_chat(ben)
    await harness.send_private(ben, "/start idea-999")
    assert "I can't find the round this link is for" in harness.last_text(chat)
    async with harness.db.read() as conn:
        assert await idea_drafts.private_draft(conn, ben.id, chat.id) is None


async def test_private_idea_too_long_is_refused_and_the_draft_waits(harness):
    round_ = await open_round(harness)
    ben = harness.residents[0]
    chat = harness.telegram.private_chat(ben)
    await harness.send_private(ben, f"/start idea-{round_.id}")
    await harness.send_private(ben, "y" * 1200)
    assert "keep it within 1000 characters" in harness.last_text(chat)
    await harness.send_private(ben, "Shorter")
    await _press(harness, ben, "With my name")
    assert [idea.text for idea in await stored_ideas(harness, round_)] == ["Shorter"]


async def test_pressing_the_name_choice_twice_adds_one_idea(harness):
    round_ = await open_round(harness)
    ben = harness.residents[0]
    await harness.send_private(ben, f"/start idea-{round_.id}")
    await harness.send_private(ben, "Once only")
    chat = harness.telegram.private_chat(ben)
    choices = dict(buttons(last_bot_message(harness, chat)))
    message = await _press(harness, ben, "With my name")
    assert buttons(message) == []  # the choice is made, the buttons gone; a stale client still shows them
    await harness.press(ben, message["message_id"], choices["Anonymously"], chat=chat)
    (idea,) = await stored_ideas(harness, round_)
    assert idea.anonymous is False


async def test_plain_private_messages_without_a_draft_are_left_alone(harness):
    ben = harness.residents[0]
    await harness.send_private(ben, "hello")
    assert harness.texts(harness.telegram.private_chat(ben)) == []
