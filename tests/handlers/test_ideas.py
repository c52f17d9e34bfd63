"""Ideas in the group: by reply and /idea, edits, /ideas, /withdraw, /merge,
near-duplicates, and acknowledgements that never flood the group."""

from __future__ import annotations

from telegram.constants import MessageLimit

from bot.demo.emulator.telegram import TelegramError
from bot.domain.rounds import IdeaStatus, fold
from bot.runtime.acknowledge import REACTION_BURST
from storage import rounds
from tests.support.ideas_helpers import (
    buttons,
    end_ideas_stage,
    last_bot_message,
    open_round,
    prompt_edits,
    reactions,
    statuses,
    stored_ideas,
)

PHOTO = [{"file_id": "ph1", "file_unique_id": "u1", "width": 800, "height": 600}]
STICKER = {"file_id": "st1", "file_unique_id": "u2", "type": "regular", "width": 512, "height": 512,
           "is_animated": False, "is_video": False}  # fmt: skip


async def test_reply_to_prompt_adds_idea_acknowledged_by_reaction_not_reply(harness):
    round_ = await open_round(harness)
    sent_before = len(harness.telegram.sent())
    ben = harness.residents[0]
    message_id = await harness.send(ben, "A community garden", reply_to=round_.prompt_message_id)
    (idea,) = await stored_ideas(harness, round_)
    assert (idea.number, idea.text, idea.author_id, idea.anonymous) == (1, "A community garden", ben.id, False)
    assert len(harness.telegram.sent()) == sent_before
    (reaction,) = reactions(harness)
    assert int(reaction["message_id"]) == message_id


async def test_caption_of_a_photo_counts_as_an_idea(harness):
    round_ = await open_round(harness)
    await harness.send(harness.residents[0], None, reply_to=round_.prompt_message_id, photo=PHOTO, caption="Benches like these")
    assert [idea.text for idea in await stored_ideas(harness, round_)] == ["Benches like these"]


async def test_sticker_reply_to_prompt_gets_a_hint_and_adds_nothing(harness):
    round_ = await open_round(harness)
    await harness.send(harness.residents[0], None, reply_to=round_.prompt_message_id, sticker=STICKER)
    assert "reply to the round's message with text" in harness.last_text()
    assert await stored_ideas(harness, round_) == []


async def test_replies_to_other_messages_are_not_ideas(harness):
    round_ = await open_round(harness)
    first = await harness.send(harness.residents[0], "Hello all")
    await harness.send(harness.residents[1], "Hi Ben", reply_to=first)
    assert await stored_ideas(harness, round_) == []


async def test_same_update_delivered_twice_adds_one_idea(harness):
    round_ = await open_round(harness)
    update = harness.telegram.message_update(
        harness.group, harness.residents[0], "Plant fruit trees", reply_to=round_.prompt_message_id
    )
    await harness.deliver(update)
    await harness.deliver(update)
    assert len(await stored_ideas(harness, round_)) == 1
    assert len(reactions(harness)) == 1


async def test_idea_over_the_limit_is_refused_with_the_limit(harness):
    round_ = await open_round(harness)
    await harness.send(harness.residents[0], "x" * 1001, reply_to=round_.prompt_message_id)
    assert "1001 characters long; please keep it within 1000 characters" in harness.last_text()
    assert await stored_ideas(harness, round_) == []


async def test_empty_idea_is_refused(harness):
    round_ = await open_round(harness)
    await harness.send(harness.residents[0], "/idea")
    assert "That idea is empty" in harness.last_text()
    assert await stored_ideas(harness, round_) == []


async def test_idea_with_no_open_round_is_refused(harness):
    await harness.send(harness.residents[0], "/idea A skate park")
    assert "No round is collecting ideas right now" in harness.last_text()


async def test_idea_command_adds_to_the_only_open_round(harness):
    round_ = await open_round(harness)
    await harness.send(harness.residents[0], "/idea A skate park")
    assert [idea.text for idea in await stored_ideas(harness, round_)] == ["A skate park"]
    assert len(reactions(harness)) == 1


async def test_reply_after_ideas_closed_is_refused(harness):
    round_ = await open_round(harness)
    await end_ideas_stage(harness, round_)
    await harness.send(harness.residents[0], "Too late?", reply_to=round_.prompt_message_id)
    assert "Round #1 is not collecting ideas any more" in harness.last_text()
    assert await stored_ideas(harness, round_) == []


async def test_with_several_rounds_a_reply_picks_the_round(harness):
    first = await open_round(harness, "First?")
    second = await open_round(harness, "Second?")
    await harness.send(harness.residents[0], "/idea For the first", reply_to=first.prompt_message_id)
    assert [idea.text for idea in await stored_ideas(harness, first)] == ["For the first"]
    assert await stored_ideas(harness, second) == []


async def test_with_several_rounds_the_author_picks_with_buttons(harness):
    first = await open_round(harness, "First?")
    second = await open_round(harness, "Second?")
    ben, chloe = harness.residents[:2]
    await harness.send(ben, "/idea A mural")
    question = last_bot_message(harness)
    assert "Which round is this idea for?" in harness.last_text()
    choices = dict(buttons(question))
    assert set(choices) == {"#1: First?", "#2: Second?"}
    await harness.press(chloe, question["message_id"], choices["#2: Second?"])
    assert await stored_ideas(harness, second) == []
    await harness.press(ben, question["message_id"], choices["#2: Second?"])
    (idea,) = await stored_ideas(harness, second)
    assert (idea.text, idea.author_id) == ("A mural", ben.id)
    assert await stored_ideas(harness, first) == []
    assert "Added to round #2 as idea 1" in question["text"]
    await harness.press(ben, question["message_id"], choices["#1: First?"])
    assert await stored_ideas(harness, first) == []
    answers = [params.get("text", "") for params in harness.telegram.sent("answerCallbackQuery")]
    assert any("Only the person who wrote this idea" in text for text in answers)
    assert any("already been added" in text for text in answers)


async def test_editing_the_message_updates_the_idea_while_ideas_are_open(harness):
    round_ = await open_round(harness)
    message_id = await harness.send(harness.residents[0], "A comunity garden", reply_to=round_.prompt_message_id)
    await harness.deliver(harness.telegram.edit_update(harness.group, message_id, "A community garden"))
    assert [idea.text for idea in await stored_ideas(harness, round_)] == ["A community garden"]
    await end_ideas_stage(harness, round_)
    await harness.deliver(harness.telegram.edit_update(harness.group, message_id, "Something else"))
    assert [idea.text for idea in await stored_ideas(harness, round_)] == ["A community garden"]


async def test_editing_an_idea_command_keeps_the_text_without_the_command(harness):
    round_ = await open_round(harness)
    message_id = await harness.send(harness.residents[0], "/idea Fix the bench")
    await harness.deliver(harness.telegram.edit_update(harness.group, message_id, "/idea Fix both benches"))
    assert [idea.text for idea in await stored_ideas(harness, round_)] == ["Fix both benches"]


async def test_ideas_lists_ideas_numbered_with_authors_escaped(harness):
    round_ = await open_round(harness)
    ben, chloe = harness.residents[:2]
    await harness.send(ben, "Fish & chips <b>night</b>", reply_to=round_.prompt_message_id)
    await harness.send(chloe, "A book swap", reply_to=round_.prompt_message_id)
    await harness.send(harness.residents[2], "/ideas")
    text = harness.last_text()
    assert "Round #1" in text
    assert "1. \u2068Fish & chips <b>night</b>\u2069 — \u2068Ben\u2069" in text
    assert "2. \u2068A book swap\u2069 — \u2068Chloe\u2069" in text
    assert "Fish &amp; chips &lt;b&gt;" in harness.telegram.sent()[-1]["text"]


async def test_ideas_hides_the_name_of_anonymous_ideas(harness):
    round_ = await open_round(harness)
    async with harness.db.transaction() as conn:
        await rounds.add_idea(conn, round_id=round_.id, text="Quiet idea", folded=fold("Quiet idea"), author_id=None, anonymous=True,
                              now=harness.clock.now())  # fmt: skip
    await harness.send(harness.residents[0], "/ideas 1")
    assert "1. \u2068Quiet idea\u2069 — anonymous" in harness.last_text()


async def test_ideas_of_a_missing_round_or_a_bad_number_is_refused(harness):
    await harness.send(harness.residents[0], "/ideas")
    assert "No round is open right now" in harness.last_text()
    await harness.send(harness.residents[0], "/ideas 9")
    assert "There is no round #9" in harness.last_text()
    await harness.send(harness.residents[0], "/ideas soon")
    assert "“\u2068soon\u2069” is not a round number" in harness.last_text()
    await harness.send(harness.residents[0], "/ideas 0")  # as /vote 0 and /outcome 0 answer
    assert "“\u20680\u2069” is not a round number" in harness.last_text()


async def test_long_idea_lists_are_split_within_telegrams_limit(harness):
    round_ = await open_round(harness)
    for index in range(10):
        await harness.send(harness.residents[index % 6], f"{index} " + "&" * 990, reply_to=round_.prompt_message_id)
    before = len(harness.texts())
    await harness.send(harness.residents[0], "/ideas")
    listing = harness.texts()[before:]
    assert len(listing) >= 3
    assert all(len(text) <= MessageLimit.MAX_TEXT_LENGTH for text in listing)
    assert sum(text.count("&" * 990) for text in listing) == 10


async def test_author_withdraws_own_idea(harness):
    round_ = await open_round(harness)
    ben = harness.residents[0]
    await harness.send(ben, "A skate park", reply_to=round_.prompt_message_id)
    await harness.send(ben, "/withdraw 1")
    assert "Idea 1 is withdrawn from round #1" in harness.last_text()
    assert await statuses(harness, round_) == [IdeaStatus.WITHDRAWN]


async def test_non_facilitator_cannot_withdraw_someone_elses_idea(harness):
    round_ = await open_round(harness)
    ben, chloe = harness.residents[:2]
    await harness.send(ben, "A skate park", reply_to=round_.prompt_message_id)
    await harness.send(chloe, "/withdraw 1")
    assert "Only the idea's author or a facilitator" in harness.last_text()
    assert await statuses(harness, round_) == [IdeaStatus.STANDING]
    await harness.send(harness.facilitator, "/withdraw 1")
    assert await statuses(harness, round_) == [IdeaStatus.WITHDRAWN]


async def test_withdraw_bad_arguments_are_refused(harness):
    await harness.send(harness.residents[0], "/withdraw 1")
    assert "No round is collecting ideas" in harness.last_text()
    round_ = await open_round(harness)
    await harness.send(harness.residents[0], "/withdraw")
    assert "e.g. /withdraw 4" in harness.last_text()
    await harness.send(harness.residents[0], "/withdraw 3")
    assert "Round #1 has no idea 3" in harness.last_text()
    async with harness.db.transaction() as conn:
        await rounds.add_idea(conn, round_id=round_.id, text="x", folded=fold("x"), author_id=None, anonymous=True, now=harness.clock.now())
    await end_ideas_stage(harness, round_)
    await harness.send(harness.facilitator, "/withdraw 1", reply_to=round_.prompt_message_id)
    assert "not collecting ideas any more" in harness.last_text()
    assert await statuses(harness, round_) == [IdeaStatus.STANDING]


async def test_facilitator_merges_duplicates_and_both_authors_stay_credited(harness):
    round_ = await open_round(harness)
    ben, chloe = harness.residents[:2]
    await harness.send(ben, "Fix the bench!", reply_to=round_.prompt_message_id)
    await harness.send(chloe, "fix the  bench", reply_to=round_.prompt_message_id)
    assert "Idea 2 looks the same as idea 1: keep both, or /withdraw 2" in harness.last_text()
    await harness.send(harness.facilitator, "/ideas")
    assert "idea 2 and idea 1: /merge 1 2" in harness.last_text()
    await harness.send(harness.facilitator, "/merge 1 2")
    assert "Idea 2 is folded into idea 1" in harness.last_text()
    kept, folded = await stored_ideas(harness, round_)
    assert kept.status is IdeaStatus.STANDING
    assert (folded.status, folded.merged_into) == (IdeaStatus.MERGED, kept.id)
    await harness.send(harness.residents[2], "/ideas")
    assert "1. \u2068Fix the bench!\u2069 — \u2068Ben\u2069, \u2068Chloe\u2069" in harness.last_text()
    assert "2." not in harness.last_text()


async def test_residents_do_not_see_the_facilitators_duplicate_list(harness):
    round_ = await open_round(harness)
    await harness.send(harness.residents[0], "Fix the bench", reply_to=round_.prompt_message_id)
    await harness.send(harness.residents[1], "Fix the bench.", reply_to=round_.prompt_message_id)
    await harness.send(harness.residents[2], "/ideas")
    assert "/merge" not in harness.last_text()


async def test_bad_merges_are_refused_and_change_nothing(harness):
    round_ = await open_round(harness)
    await harness.send(harness.residents[0], "A mural", reply_to=round_.prompt_message_id)
    await harness.send(harness.residents[1], "A garden", reply_to=round_.prompt_message_id)
    for command, answer in [
        ("/merge 1 1", "cannot be merged into itself"),
        ("/merge 1 7", "Round #1 has no idea 7"),
        ("/merge 1", "e.g. /merge 2 4"),
        ("/merge one two", "“\u2068one\u2069” is not a number"),
    ]:
        await harness.send(harness.facilitator, command)
        assert answer in harness.last_text()
    await harness.send(harness.residents[0], "/merge 1 2")
    assert "only the group's facilitators" in harness.last_text()
    assert {idea.status for idea in await stored_ideas(harness, round_)} == {IdeaStatus.STANDING}


async def test_five_ideas_get_five_reactions_and_one_debounced_count_edit(harness):
    round_ = await open_round(harness)
    for index, resident in enumerate(harness.residents[:5]):
        await harness.send(resident, f"Idea number {index}", reply_to=round_.prompt_message_id)
    assert len(reactions(harness)) == 5
    assert prompt_edits(harness, round_) == []
    assert harness.app.job_queue.get_jobs_by_name(f"acknowledge:prompt:{round_.id}")
    await harness.app.services.acknowledgements.flush()
    (edit,) = prompt_edits(harness, round_)
    assert "5 ideas so far" in edit["text"]
    assert "1 idea so far" not in edit["text"]


async def test_a_burst_of_ideas_skips_reactions_but_keeps_every_idea(harness):
    round_ = await open_round(harness)
    for index in range(30):
        await harness.send(harness.residents[index % 6], f"Burst idea {index}", reply_to=round_.prompt_message_id)
    assert len(await stored_ideas(harness, round_)) == 30
    assert len(reactions(harness)) == REACTION_BURST
    harness.advance(minutes=1)
    await harness.send(harness.residents[0], "A calmer idea", reply_to=round_.prompt_message_id)
    assert len(reactions(harness)) == REACTION_BURST + 1


async def test_a_failed_reaction_is_dropped_not_retried(harness, monkeypatch):
    round_ = await open_round(harness)

    def flood(params):
        raise TelegramError(429, "Too Many Requests: retry after 5", retry_after=5)

    monkeypatch.setattr(harness.telegram, "_api_setMessageReaction", flood)
    await harness.send(harness.residents[0], "Still counts", reply_to=round_.prompt_message_id)
    assert len(await stored_ideas(harness, round_)) == 1
    assert len(reactions(harness)) == 1
    await harness.send(harness.residents[1], "/ideas")
    assert "Still counts" in harness.last_text()


async def test_the_scheduled_count_job_edits_the_prompt_once(harness):
    round_ = await open_round(harness)
    for resident in harness.residents[:3]:
        await harness.send(resident, f"Idea from {resident.first_name}", reply_to=round_.prompt_message_id)
    (job,) = harness.app.job_queue.get_jobs_by_name(f"acknowledge:prompt:{round_.id}")
    await job.run(harness.app)
    (edit,) = prompt_edits(harness, round_)
    assert "3 ideas so far" in edit["text"]
    assert await harness.app.services.acknowledgements.flush() == 0


async def test_no_count_edit_once_the_round_has_moved_on(harness):
    round_ = await open_round(harness)
    await harness.send(harness.residents[0], "Late count", reply_to=round_.prompt_message_id)
    await end_ideas_stage(harness, round_)
    await harness.app.services.acknowledgements.flush()
    assert prompt_edits(harness, round_) == []
