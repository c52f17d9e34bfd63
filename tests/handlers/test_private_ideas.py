"""Private ideas: the deep link under a prompt and /idea in a private chat, with
the choice of being named or anonymous; drafts wait in the database, not in memory."""

from __future__ import annotations

from bot.domain import i18n
from handlers.private_ideas import NOT_A_MEMBER
from storage import idea_drafts, members
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
    await harness.send_private(ben, f"/start idea-{round_.link_token}")
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
    await harness.send_private(ben, f"/start idea-{round_.link_token}")
    await harness.send_private(ben, "y" * 1200)
    assert "keep it within 1000 characters" in harness.last_text(chat)
    await harness.send_private(ben, "Shorter")
    await _press(harness, ben, "With my name")
    assert [idea.text for idea in await stored_ideas(harness, round_)] == ["Shorter"]


async def test_pressing_the_name_choice_twice_adds_one_idea(harness):
    round_ = await open_round(harness)
    ben = harness.residents[0]
    await harness.send_private(ben, f"/start idea-{round_.link_token}")
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


async def test_a_non_member_cannot_use_the_link_and_learns_nothing_of_the_group(harness):
    round_ = await open_round(harness)
    stranger = harness.telegram.person(999, "Obcy", language_code="pl")
    chat = harness.telegram.private_chat(stranger)
    await harness.send(stranger, f"/start idea-{round_.link_token}", chat=chat)
    (answer,) = harness.texts(chat)
    assert i18n.translator("pl")._(NOT_A_MEMBER) in answer
    assert "Pomysły możesz wysyłać tylko do grup, do których należysz." in answer
    assert "Chapel Street" not in answer and "empty lot" not in answer and "#1" not in answer
    await harness.send(stranger, "A car park", chat=chat)
    assert harness.texts(chat) == [answer]
    assert await stored_ideas(harness, round_) == []
    async with harness.db.read() as conn:
        assert await idea_drafts.private_draft(conn, stranger.id, chat.id) is None
        assert await members.group_ids(conn, stranger.id) == []


async def test_a_member_who_never_posted_is_asked_about_once_and_remembered(harness):
    round_ = await open_round(harness)
    reader = harness.residents[3]  # in the group, silent until now
    chat = harness.telegram.private_chat(reader)
    await harness.send_private(reader, f"/start idea-{round_.link_token}")
    assert "Your idea for round #1 in \u2068Chapel Street neighbours\u2069" in harness.last_text(chat)
    asked = harness.telegram.sent("getChatMember")
    assert [(int(call["chat_id"]), int(call["user_id"])) for call in asked] == [(harness.group.id, reader.id)]
    async with harness.db.read() as conn:
        assert await members.group_ids(conn, reader.id) == [round_.group_id]
    await harness.send_private(reader, "Benches by the bus stop")
    await _press(harness, reader, "Anonymously")
    (idea,) = await stored_ideas(harness, round_)
    assert idea.text == "Benches by the bus stop"
    assert len(harness.telegram.sent("getChatMember")) == 1  # the yes was remembered


async def test_someone_who_left_the_group_is_refused(harness):
    round_ = await open_round(harness)
    gone = harness.residents[4]
    harness.telegram.leave(harness.group, gone)
    await harness.send_private(gone, f"/start idea-{round_.link_token}")
    assert "You can only send ideas to groups you belong to." in harness.last_text(harness.telegram.private_chat(gone))


async def test_a_draft_from_an_old_link_is_checked_again_when_the_idea_is_stored(harness):
    round_ = await open_round(harness)
    stranger = harness.telegram.person(999, "Stranger", language_code="en")
    chat = harness.telegram.private_chat(stranger)
    await harness.send(stranger, "/start", chat=chat)
    async with harness.db.transaction() as conn:  # as the numeric link left it before the upgrade
        await idea_drafts.start_private(
            conn, author_id=stranger.id, chat_id=chat.id, round_id=round_.id,
            text=None, message_id=None, now=harness.clock.now(),
        )  # fmt: skip
    await harness.send(stranger, "A car park", chat=chat)
    message = last_bot_message(harness, chat)
    await harness.press(stranger, message["message_id"], dict(buttons(message))["Anonymously"], chat=chat)
    assert await stored_ideas(harness, round_) == []
    answers = [data["text"] for data in harness.telegram.sent("answerCallbackQuery") if data.get("text")]
    assert answers == ["You can only send ideas to groups you belong to."]


async def test_the_round_id_no_longer_opens_the_private_idea(harness):
    round_ = await open_round(harness)
    ben = harness.residents[0]
    await harness.send(ben, "/help")
    await harness.send_private(ben, f"/start idea-{round_.id}")
    assert "can't find the round" in harness.last_text(harness.telegram.private_chat(ben))
    assert len(round_.link_token) >= 20 and str(round_.id) != round_.link_token
