"""Answers, not silence: a misspelt command, an idea replied to the wrong message, /thank written
the other way round, a group command in private, /credits in plain words; and a reversed entry
is counted, thanked and drawn nowhere."""

from __future__ import annotations

import pytest

from bot.domain.rounds import Stage
from tests.handlers.test_public_page import _folder, _group
from tests.support.credit_helpers import confirmed_entry, entries, plain
from tests.support.ideas_helpers import open_round, stored_ideas

# ------------------------------------------------------------------ unknown and misspelt commands


@pytest.mark.parametrize(("sent", "answer"), [
    ("/setings", "I don't know /setings — did you mean /settings?"),
    ("/idaes", "I don't know /idaes — did you mean /ideas?"),
    ("/xyzzy", "I don't know /xyzzy. Send /help to see what I can do."),
])  # fmt: skip
async def test_an_unknown_command_in_private_gets_the_closest_one(harness, sent, answer):
    ben = harness.residents[0]
    await harness.send_private(ben, sent)
    assert harness.last_text(harness.telegram.private_chat(ben)) == answer


async def test_an_unknown_command_addressed_to_the_bot_in_the_group_gets_the_closest_one(harness):
    await harness.send(harness.residents[0], "/setings@coprod_test_bot")
    assert harness.last_text() == "I don't know /setings — did you mean /settings?"


async def test_an_unknown_command_in_arabic(harness):
    await harness.send(harness.facilitator, "/settings language ar")
    await harness.send(harness.residents[0], "/setings@coprod_test_bot")
    assert harness.last_text() == "لا أعرف /setings — هل قصدت /settings؟"


async def test_a_bare_unknown_command_in_the_group_may_be_another_bot_s_and_is_left_alone(harness):
    await harness.send(harness.residents[0], "/help")
    sent = len(harness.texts())
    await harness.send(harness.residents[0], "/setings")
    await harness.send(harness.residents[0], "/weather@other_bot")
    assert len(harness.texts()) == sent


async def test_a_known_command_is_never_answered_as_unknown(harness):
    ben = harness.residents[0]
    await harness.send_private(ben, "/board")
    assert "I don't know" not in harness.last_text(harness.telegram.private_chat(ben))


# ------------------------------------------------------------------ an idea replied to the wrong message


async def test_an_idea_replied_to_the_which_round_question_gets_a_hint_once_a_minute(harness):
    await open_round(harness, "First?")
    await open_round(harness, "Second?")
    ben = harness.residents[0]
    await harness.send(ben, "/idea A bench")
    question = harness.telegram.sent()[-1]
    asked = next(m["message_id"] for m in harness.telegram.bot_messages(harness.group.id) if m["text"] == question["text"])
    await harness.send(ben, "A tree", reply_to=asked)
    assert harness.last_text() == ("That was not added as an idea. To add one, reply to the message of the round it is "
                                   "for (#1 and #2), or send /idea followed by your idea.")  # fmt: skip
    sent = len(harness.texts())
    await harness.send(ben, "A pond", reply_to=asked)
    assert len(harness.texts()) == sent  # once a minute
    harness.advance(minutes=1)
    await harness.send(ben, "A pond", reply_to=asked)
    assert len(harness.texts()) == sent + 1


async def test_an_idea_replied_to_a_neighbour_s_idea_gets_a_hint(harness):
    round_ = await open_round(harness, "Where?")
    ben, chloe = harness.residents[:2]
    idea = await harness.send(ben, "By the pond", reply_to=round_.prompt_message_id)
    await harness.send(chloe, "Under the oak", reply_to=idea)
    assert harness.last_text().startswith("That was not added as an idea. To add one, reply to the message of round #1")
    assert [idea.text for idea in await stored_ideas(harness, round_)] == ["By the pond"]
    await harness.send(ben, "Also the oak", reply_to=idea)  # another member: their own hint
    assert harness.last_text().startswith("That was not added as an idea.")


async def test_a_reply_to_a_results_post_says_no_round_takes_ideas(harness):
    from tests.handlers.test_outcomes import closed_round

    await closed_round(harness, ["By the pond"], [0])
    results = next(m["message_id"] for m in harness.telegram.bot_messages(harness.group.id)
                   if m.get("text", "").startswith("<b>Results of round #1"))  # fmt: skip
    await harness.send(harness.residents[1], "A tree", reply_to=results)
    assert harness.last_text() == "No round is collecting ideas right now, so nothing was added."


async def test_the_hint_in_arabic(harness):
    await harness.send(harness.facilitator, "/settings language ar")
    round_ = await open_round(harness, "أين؟")
    idea = await harness.send(harness.residents[0], "قرب البركة", reply_to=round_.prompt_message_id)
    await harness.send(harness.residents[1], "تحت البلوطة", reply_to=idea)
    assert harness.last_text().startswith("لم يُضَف هذا كفكرة.")


async def test_a_reply_to_a_neighbour_s_idea_once_ideas_closed_is_a_conversation(harness):
    round_ = await open_round(harness, "Where?")
    idea = await harness.send(harness.residents[0], "By the pond", reply_to=round_.prompt_message_id)
    await harness.send(harness.facilitator, "/vote")
    sent = len(harness.texts())
    await harness.send(harness.residents[1], "Good idea!", reply_to=idea)
    assert len(harness.texts()) == sent


# ------------------------------------------------------------------ /thank the other way round


async def test_thank_without_the_at_suggests_the_form_meant(harness):
    ben, chloe = harness.residents[:2]
    await harness.send(ben, "/help")
    await harness.send(chloe, "/thank ben 1h")
    assert plain(harness.last_text()) == ("Did you mean /thank @ben 1 hour? Put @ before their username, or reply to "
                                          "one of their messages with /thank 1 hour.")  # fmt: skip
    assert await entries(harness) == []


@pytest.mark.parametrize("command", ["/thank 1h @ben", "/thank @ben 1h", "/thank 1 hour @ben for the gate"])
async def test_thank_with_the_time_before_or_after_the_name(harness, command):
    ben, chloe = harness.residents[:2]
    await confirmed_entry(harness, chloe, ben)  # Chloe has credit to give
    await harness.send(ben, "/help")
    await harness.send(chloe, command)
    thanks = (await entries(harness))[-1]
    assert (thanks.from_member, thanks.to_member, thanks.minutes) == (chloe.id, ben.id, 60)


# ------------------------------------------------------------------ group commands in private


async def test_a_group_command_in_private_says_which_group_to_use_it_in(harness):
    ben = harness.residents[0]
    await harness.send(ben, "/help")
    await harness.send_private(ben, "/rounds")
    assert plain(harness.last_text(harness.telegram.private_chat(ben))) == (
        "/rounds works in your group chat (Chapel Street neighbours): send it there, and I will answer in the group.")


async def test_a_group_command_in_private_from_someone_in_no_group_says_to_add_the_bot(harness):
    stranger = harness.telegram.person(999, "Zed", language_code="en")
    await harness.send_private(stranger, "/rounds")
    assert "Add me to your group" in harness.last_text(harness.telegram.private_chat(stranger))


# ------------------------------------------------------------------ /credits in plain words


async def test_credits_say_what_the_numbers_mean(harness):
    ben, chloe = harness.residents[:2]
    await confirmed_entry(harness, ben, chloe, "/log 3h litter pick")
    await confirmed_entry(harness, chloe, ben, "/log 1h leaflets")
    await harness.send(ben, "/thank @chloe 1h for the leaflets")
    await harness.send(ben, "/credits")
    assert harness.last_text() == "You have given 3 hours to neighbours and received 1 hour of help; balance +2 hours."


async def test_credits_in_arabic(harness):
    ben, chloe = harness.residents[:2]
    await harness.send(harness.facilitator, "/settings language ar")
    await confirmed_entry(harness, ben, chloe, "/log 3h litter pick")
    await harness.send(ben, "/credits")
    assert harness.last_text().startswith("أعطيت الجيران 3 ساعات؛ الرصيد +3 ساعات")


# ------------------------------------------------------------------ a reversed entry counts nowhere


async def test_a_reversed_entry_is_not_counted_thanked_or_drawn(harness):
    ben, chloe = harness.residents[:2]
    await harness.send(harness.facilitator, "/settings public on")
    round_ = await open_round(harness, "Where?")
    await harness.send(ben, "By the pond", reply_to=round_.prompt_message_id)
    kept = await confirmed_entry(harness, ben, chloe, "/log 1h for #1 leaflets")
    wrong = await confirmed_entry(harness, chloe, ben, "/log 5h for #1 logged twice")
    await harness.send(harness.facilitator, f"/reverse {wrong.id} logged twice")
    await harness.send(harness.facilitator, "/summary")
    [summary] = [text for text in harness.texts() if "What happened since" in text]
    assert "1 hour of volunteering confirmed, by 1 neighbour." in summary
    assert "Thank you, \u2068Ben\u2069 (1 hour)!" in summary and "Chloe" not in summary
    assert "1 hour given to round #1" in summary
    captions = [photo["caption"] for photo in harness.telegram.sent("sendPhoto")]
    assert any("1 hour" in caption for caption in captions) and not any("6 hours" in c or "5 hours" in c for c in captions)
    page = (_folder(harness, await _group(harness)) / "index.html").read_text()
    assert "1 hour of volunteering confirmed in all" in page and "Chloe" not in page
    assert kept.minutes == 60 and (await entries(harness))[-1].reverses == wrong.id


async def test_rounds_and_stage_unchanged_by_hints(harness):
    """A hint changes nothing: the round still collects ideas."""
    round_ = await open_round(harness, "Where?")
    idea = await harness.send(harness.residents[0], "By the pond", reply_to=round_.prompt_message_id)
    await harness.send(harness.residents[1], "Under the oak", reply_to=idea)
    from tests.support.round_helpers import current

    assert (await current(harness, round_)).stage is Stage.IDEAS


async def test_thank_without_the_at_in_arabic(harness):
    ben, chloe = harness.residents[:2]
    await harness.send(harness.facilitator, "/settings language ar")
    await harness.send(ben, "/help")
    await harness.send(chloe, "/thank ben ساعتان")
    assert plain(harness.last_text()).startswith("هل قصدت /thank @ben ساعتان؟")
    assert await entries(harness) == []


async def test_a_group_command_in_private_in_the_member_s_own_language(harness):
    omar = harness.telegram.person(310, "Omar", username="omar", language_code="ar")
    harness.telegram.join(harness.group, omar)
    await harness.send(omar, "/help")
    await harness.send_private(omar, "/rounds")
    assert plain(harness.last_text(harness.telegram.private_chat(omar))) == (
        "يعمل /rounds في محادثة مجموعتك (Chapel Street neighbours): أرسله هناك وسأجيب في المجموعة.")
