"""Voice ideas: a voice message, video note or audio sent as a reply to a round's message
is an idea without words until its author or a facilitator gives them with /label."""

from __future__ import annotations

import pytest

from bot.demo.emulator.spec import ApiViolation
from bot.domain.errors import DomainError
from bot.domain.inclusion import MAX_LABEL_LENGTH, check_label, message_link
from bot.runtime import deadlines
from storage import groups, rounds
from tests.support.ideas_helpers import open_round, reactions, stored_ideas

VOICE = {"file_id": "vo1", "file_unique_id": "uv1", "duration": 12, "mime_type": "audio/ogg"}
VIDEO_NOTE = {"file_id": "vn1", "file_unique_id": "uvn1", "length": 240, "duration": 9}
AUDIO = {"file_id": "au1", "file_unique_id": "ua1", "duration": 40, "title": "My idea", "mime_type": "audio/mpeg"}


async def _voice_round(harness, **content):
    round_ = await open_round(harness)
    message_id = await harness.send(harness.residents[0], None, reply_to=round_.prompt_message_id, **(content or {"voice": VOICE}))
    return round_, message_id


@pytest.mark.parametrize("content", [{"voice": VOICE}, {"video_note": VIDEO_NOTE}, {"audio": AUDIO}])
async def test_voice_video_note_or_audio_reply_is_an_idea_acknowledged_like_any(harness, content):
    round_, message_id = await _voice_round(harness, **content)
    (idea,) = await stored_ideas(harness, round_)
    assert (idea.voice, idea.text, idea.needs_words, idea.author_id) == (True, "", True, harness.residents[0].id)
    assert [int(r["message_id"]) for r in reactions(harness)] == [message_id]


def test_the_emulator_refuses_a_voice_message_telegram_would_never_send(harness):
    with pytest.raises(ApiViolation, match="Voice: missing required field"):
        harness.telegram.message_update(harness.group, harness.residents[0], None, voice={"file_id": "x"})
    with pytest.raises(ApiViolation, match="VideoNote: missing required field"):
        harness.telegram.message_update(harness.group, harness.residents[0], None, video_note={**VOICE})


async def test_a_voice_idea_is_listed_as_needing_words_until_labelled(harness):
    round_, message_id = await _voice_round(harness)
    await harness.send(harness.residents[1], "/ideas")
    assert "1. voice idea from \u2068Ben\u2069, needs words" in harness.last_text()
    await harness.send(harness.residents[0], "/label A bench by the bus stop", reply_to=message_id)
    assert "Voice idea 1 of round #1 goes to the vote as: \u2068A bench by the bus stop\u2069" in harness.last_text()
    await harness.send(harness.residents[1], "/ideas")
    assert "1. \u2068A bench by the bus stop\u2069 — \u2068Ben\u2069" in harness.last_text()


async def test_a_facilitator_may_label_and_a_second_label_replaces_the_first(harness):
    round_, message_id = await _voice_round(harness)
    await harness.send(harness.residents[0], "/label Bench", reply_to=message_id)
    await harness.send(harness.facilitator, "/label A bench by the bus stop", reply_to=message_id)
    (idea,) = await stored_ideas(harness, round_)
    assert idea.text == "A bench by the bus stop"


async def test_label_by_someone_else_is_refused(harness):
    round_, message_id = await _voice_round(harness)
    await harness.send(harness.residents[1], "/label Mine now", reply_to=message_id)
    assert "Only the idea's author or a facilitator can give it words" in harness.last_text()
    assert (await stored_ideas(harness, round_))[0].text == ""


async def test_label_on_a_text_idea_or_without_a_reply_is_refused(harness):
    round_ = await open_round(harness)
    text_idea = await harness.send(harness.residents[0], "Plant trees", reply_to=round_.prompt_message_id)
    await harness.send(harness.residents[0], "/label Trees", reply_to=text_idea)
    assert "/label works as a reply to a voice idea" in harness.last_text()
    await harness.send(harness.residents[0], "/label Trees")
    assert "Reply to a voice idea with /label" in harness.last_text()
    assert [idea.text for idea in await stored_ideas(harness, round_)] == ["Plant trees"]


async def test_label_over_the_limit_or_empty_is_refused(harness):
    round_, message_id = await _voice_round(harness)
    await harness.send(harness.residents[0], "/label " + "x" * (MAX_LABEL_LENGTH + 1), reply_to=message_id)
    assert f"{MAX_LABEL_LENGTH + 1} characters long; please keep it within {MAX_LABEL_LENGTH}" in harness.last_text()
    await harness.send(harness.residents[0], "/label", reply_to=message_id)
    assert "Reply to a voice idea with /label" in harness.last_text()
    assert (await stored_ideas(harness, round_))[0].text == ""
    await harness.send(harness.residents[0], "/label " + "x" * MAX_LABEL_LENGTH, reply_to=message_id)
    assert (await stored_ideas(harness, round_))[0].text == "x" * MAX_LABEL_LENGTH


def test_label_limits_at_their_edges():
    assert check_label("  a   bench ") == "a bench"
    assert len(check_label("x" * MAX_LABEL_LENGTH)) == MAX_LABEL_LENGTH
    with pytest.raises(DomainError):
        check_label("x" * (MAX_LABEL_LENGTH + 1))


async def test_label_once_voting_opened_is_refused(harness):
    round_, message_id = await _voice_round(harness)
    await harness.send(harness.facilitator, "/vote")
    await harness.send(harness.residents[0], "/label Bench", reply_to=message_id)
    assert harness.last_text() == "Round #1 is not collecting ideas any more."


async def test_unlabelled_voice_idea_goes_to_the_vote_linked_from_the_voting_message(harness):
    round_, message_id = await _voice_round(harness)
    await harness.send(harness.residents[1], "Plant trees", reply_to=round_.prompt_message_id)
    await harness.send(harness.facilitator, "/vote")
    [poll] = harness.telegram.sent("sendPoll")
    assert [option["text"] for option in poll["options"]] == ["1. Voice idea 1 by Ben", "2. Plant trees"]
    ballot = next(p["text"] for p in harness.telegram.sent("sendMessage", harness.group.id) if "Voting is open" in p["text"])
    assert f'1. Voice idea 1 by \u2068Ben\u2069 (<a href="https://t.me/c/1234/{message_id}">listen</a>)' in ballot


async def test_in_a_basic_group_the_bot_replies_to_the_voice_idea_instead_of_linking(harness):
    basic = harness.telegram.group(-4321, "Elm Court", owner=harness.facilitator, kind="group")
    harness.telegram.join(basic, *harness.residents)
    await harness.send(harness.facilitator, "/round Where should the bench go?", chat=basic)
    prompt = max(message_id for (chat, message_id) in harness.telegram.messages if chat == basic.id)
    voice = await harness.send(harness.residents[0], None, chat=basic, reply_to=prompt, voice=VOICE)
    await harness.send(harness.facilitator, "/vote", chat=basic)
    ballot = next(text for text in harness.texts(basic) if "Voting is open" in text)
    assert "t.me/c/" not in ballot and "1. Voice idea 1 by \u2068Ben\u2069" in ballot
    pointer = [p for p in harness.telegram.sent("sendMessage", basic.id) if "listen to it here" in p["text"]]
    assert [int(p["reply_parameters"]["message_id"]) for p in pointer] == [voice]


async def test_ideas_reminder_tells_facilitators_of_voice_ideas_without_words(harness):
    await harness.send(harness.facilitator, "/round 2h 1h Where should the bench go?")
    round_ = (await _current_round(harness))
    await harness.send(harness.residents[0], None, reply_to=round_.prompt_message_id, voice=VOICE)
    await harness.send(harness.residents[1], None, reply_to=round_.prompt_message_id, audio=AUDIO)
    harness.advance(minutes=90)
    await deadlines.run_due(harness.app)
    reminder = next(text for text in harness.texts() if "so far;" in text)
    assert "For facilitators: voice ideas 1 and 2 have no words yet" in reminder


async def test_labelled_voice_ideas_are_not_in_the_reminder(harness):
    await harness.send(harness.facilitator, "/round 2h 1h Where should the bench go?")
    round_ = (await _current_round(harness))
    voice = await harness.send(harness.residents[0], None, reply_to=round_.prompt_message_id, voice=VOICE)
    await harness.send(harness.residents[0], "/label Bench", reply_to=voice)
    harness.advance(minutes=90)
    await deadlines.run_due(harness.app)
    reminder = next(text for text in harness.texts() if "so far;" in text)
    assert "voice idea" not in reminder


async def test_two_voice_ideas_are_not_flagged_as_the_same(harness):
    round_, _ = await _voice_round(harness)
    await harness.send(harness.residents[1], None, reply_to=round_.prompt_message_id, voice={**VOICE, "file_unique_id": "v2"})
    assert "looks the same" not in harness.last_text()
    assert len(await stored_ideas(harness, round_)) == 2


def test_message_links_exist_for_supergroups_only():
    assert message_link(-1001234567, 42) == "https://t.me/c/1234567/42"
    assert message_link(-4321, 42) is None


async def _current_round(harness):
    async with harness.db.read() as conn:
        group = await groups.get_by_chat(conn, harness.group.id)
        return (await rounds.open_rounds(conn, group.id))[-1]

