"""Undo and correct, through the real Application: /edit, /extend, /cancel (a round, or a need or
offer), /vote and /close asking which round, a repeated /vote, closing early with a button."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain.deadline_kinds import DeadlineKind
from bot.domain.needs import PostingStatus
from bot.domain.rounds import ChangeKind, Stage
from bot.runtime.deadlines import run_due
from storage import deadlines, groups, round_changes, rounds
from tests.handlers.test_notices import private_texts
from tests.support.ideas_helpers import open_round, stored_ideas
from tests.support.needs_helpers import post, postings
from tests.support.round_helpers import current, poll_ids

QUESTION = "Where should the bench go?"


async def _changes(harness, round_):
    async with harness.db.read() as conn:
        return await round_changes.of_round(conn, round_.id)


async def _deadline(harness, kind, round_):
    async with harness.db.read() as conn:
        return await deadlines.get(conn, kind, round_.id)


async def _arabic(harness):
    await harness.send(harness.facilitator, "/settings language ar")


# ------------------------------------------------------------------ /edit


async def test_edit_changes_the_question_and_the_prompt_keeps_the_ideas_and_the_old_words(harness):
    round_ = await open_round(harness, "Where should the bentch go?")
    await harness.send(harness.residents[0], "By the pond", reply_to=round_.prompt_message_id)
    await harness.send(harness.facilitator, f"/edit 1 {QUESTION}")
    assert harness.last_text() == f"Round #1 now asks: \u2068{QUESTION}\u2069\nIts ideas stay as they are."
    edited = await current(harness, round_)
    assert edited.question == QUESTION
    prompt = harness.telegram.messages[(harness.group.id, round_.prompt_message_id)]["text"]
    assert QUESTION in prompt and "bentch" not in prompt and "1 idea so far" in prompt
    assert [idea.text for idea in await stored_ideas(harness, round_)] == ["By the pond"]
    [change] = await _changes(harness, round_)
    assert (change.kind, change.was, change.became) == (ChangeKind.QUESTION, "Where should the bentch go?", QUESTION)
    assert change.changed_by == harness.facilitator.id


async def test_edit_in_arabic(harness):
    await _arabic(harness)
    round_ = await open_round(harness, "أين نضع المقعد")
    await harness.send(harness.facilitator, "/edit 1 أين نضع المقعد الجديد؟")
    assert harness.last_text().startswith("تسأل الجولة #1 الآن: \u2068أين نضع المقعد الجديد؟\u2069")
    assert (await current(harness, round_)).question == "أين نضع المقعد الجديد؟"


@pytest.mark.parametrize(
    ("who", "command", "answer"),
    [
        ("resident", f"/edit 1 {QUESTION}", "only the group's facilitators"),
        ("facilitator", "/edit", "Write the round's number and its new question"),
        ("facilitator", "/edit 1", "Write the round's number and its new question"),
        ("facilitator", "/edit one Where?", "is not a round number"),
        ("facilitator", "/edit 9 Where?", "There is no round #9 in this group."),
        ("facilitator", "/edit 1 " + "q" * 301, "301 characters long; please keep it within 300"),
    ],
)
async def test_bad_edits_change_nothing(harness, who, command, answer):
    round_ = await open_round(harness)
    await harness.send(harness.residents[0] if who == "resident" else harness.facilitator, command)
    assert answer in harness.last_text()
    assert (await current(harness, round_)).question == round_.question
    assert await _changes(harness, round_) == []


async def test_edit_at_the_length_limit_is_accepted(harness):
    round_ = await open_round(harness)
    await harness.send(harness.facilitator, "/edit 1 " + "q" * 300)
    assert (await current(harness, round_)).question == "q" * 300


async def test_edit_once_voting_opened_is_refused(harness):
    round_ = await open_round(harness)
    await harness.send(harness.residents[0], "By the pond", reply_to=round_.prompt_message_id)
    await harness.send(harness.facilitator, "/vote")
    await harness.send(harness.facilitator, f"/edit 1 {QUESTION}")
    assert "Round #1 is already voting, so its question stays as neighbours saw it" in harness.last_text()
    assert (await current(harness, round_)).question == round_.question


# ------------------------------------------------------------------ /extend


async def test_extend_adds_a_length_to_the_ideas_deadline_and_moves_its_reminder(harness):
    round_ = await open_round(harness)  # ideas close Thursday 5 November at 09:00
    await harness.send(harness.facilitator, "/extend 1 2d")
    assert harness.last_text() == "Round #1: ideas now close Saturday 7 November at 09:00 (in 5 days)."
    moved = await current(harness, round_)
    assert moved.ideas_ends_at == round_.ideas_ends_at + dt.timedelta(days=2)
    assert (await _deadline(harness, DeadlineKind.IDEAS_END, round_)).due_at == moved.ideas_ends_at
    reminder = await _deadline(harness, DeadlineKind.REMINDER_IDEAS, round_)
    assert reminder.due_at == moved.ideas_ends_at - dt.timedelta(days=1)
    prompt = harness.telegram.messages[(harness.group.id, round_.prompt_message_id)]["text"]
    assert "Saturday 7 November at 09:00" in prompt
    [change] = await _changes(harness, round_)
    assert change.kind is ChangeKind.DEADLINE
    harness.advance(days=3)
    await run_due(harness.app)
    assert (await current(harness, round_)).stage is Stage.IDEAS  # the old deadline no longer fires


async def test_extend_to_a_moment_sets_the_deadline_in_words_people_use(harness):
    round_ = await open_round(harness)
    await harness.send(harness.facilitator, "/extend 1 Friday 18:00")
    assert harness.last_text() == "Round #1: ideas now close Friday 6 November at 18:00 (in 4 days)."
    assert (await current(harness, round_)).ideas_ends_at == dt.datetime(2026, 11, 6, 18, tzinfo=dt.UTC)


async def test_extend_in_arabic(harness):
    await _arabic(harness)
    round_ = await open_round(harness)
    await harness.send(harness.facilitator, "/extend 1 يومان")
    assert (await current(harness, round_)).ideas_ends_at == round_.ideas_ends_at + dt.timedelta(days=2)
    assert harness.last_text().startswith("الجولة #1: يُغلق باب الأفكار الآن")


async def test_extend_moves_the_voting_deadline_while_voting(harness):
    round_ = await open_round(harness)
    await harness.send(harness.residents[0], "By the pond", reply_to=round_.prompt_message_id)
    await harness.send(harness.facilitator, "/vote")
    await harness.send(harness.facilitator, "/extend 1 1d")
    voting = await current(harness, round_)
    assert harness.last_text() == "Round #1: voting now closes Thursday 5 November at 09:00 (in 3 days)."
    assert (await _deadline(harness, DeadlineKind.VOTING_END, round_)).due_at == voting.voting_ends_at
    harness.advance(days=2, hours=23)
    await run_due(harness.app)
    assert (await current(harness, round_)).stage is Stage.VOTING
    harness.advance(hours=1)
    await run_due(harness.app)
    assert (await current(harness, round_)).stage is Stage.CLOSED


@pytest.mark.parametrize(("when", "moves"), [("1m", True), ("8w", False), ("2026-12-28 09:00", True),
                                             ("2026-12-28 09:01", False)])  # fmt: skip
async def test_extend_keeps_the_deadline_within_eight_weeks_of_now(harness, when, moves):
    round_ = await open_round(harness)
    await harness.send(harness.facilitator, f"/extend 1 {when}")
    assert ((await current(harness, round_)).ideas_ends_at != round_.ideas_ends_at) is moves


@pytest.mark.parametrize(
    ("command", "answer"),
    [("/extend 1", "Write the round's number and when its stage should end"),
     ("/extend 1 3d2d", "is not a time I understand"), ("/extend 1 today 08:00", "has already passed"),
     ("/extend 9 2d", "There is no round #9")],
)  # fmt: skip
async def test_bad_extensions_change_nothing(harness, command, answer):
    round_ = await open_round(harness)
    await harness.send(harness.facilitator, command)
    assert answer in harness.last_text()
    assert await current(harness, round_) == round_


async def test_extend_of_a_closed_round_is_refused(harness):
    from tests.handlers.test_outcomes import closed_round

    await closed_round(harness, ["By the pond"], [0])
    await harness.send(harness.facilitator, "/extend 1 2d")
    assert "already has its results" in harness.last_text()


# ------------------------------------------------------------------ /cancel a round


async def test_cancel_closes_the_round_without_results_and_tells_everyone_who_took_part(harness):
    ben, chloe = harness.residents[:2]
    harness.telegram.private_chat(ben)
    await harness.send_private(ben, "/start")
    round_ = await open_round(harness, QUESTION)
    await harness.send(ben, "By the pond", reply_to=round_.prompt_message_id)
    await harness.send(chloe, "/rounds")
    await harness.send(harness.facilitator, "/cancel 1 the council has decided already")
    assert harness.last_text() == ("Round #1 is cancelled: \u2068the council has decided already\u2069\n"
                                   "Nothing will be decided in it; everyone who took part will be told.")  # fmt: skip
    cancelled = await current(harness, round_)
    assert cancelled.stage is Stage.CANCELLED and cancelled.cancel_reason == "the council has decided already"
    prompt = harness.telegram.messages[(harness.group.id, round_.prompt_message_id)]["text"]
    assert "This round was cancelled" in prompt and "?start=" not in prompt
    assert (await _deadline(harness, DeadlineKind.IDEAS_END, round_)).done_at is not None
    await run_due(harness.app)
    assert f"Round #1 {QUESTION} was cancelled: the council has decided already" in private_texts(harness, ben)[-1]
    await harness.send(chloe, "/rounds")
    assert "No rounds yet" in harness.last_text()  # it left /rounds
    harness.advance(days=5)
    await run_due(harness.app)
    assert (await current(harness, round_)).stage is Stage.CANCELLED  # no stage deadline fires
    await harness.send(ben, "Another idea", reply_to=round_.prompt_message_id)
    assert harness.last_text() == "Round #1 was cancelled."


async def test_cancel_while_voting_stops_the_polls(harness):
    round_ = await open_round(harness)
    await harness.send(harness.residents[0], "By the pond", reply_to=round_.prompt_message_id)
    await harness.send(harness.facilitator, "/vote")
    await harness.send(harness.facilitator, "/cancel 1 wrong question")
    [poll_id] = await poll_ids(harness, round_)
    assert harness.telegram.polls[poll_id]["is_closed"] is True
    assert (await current(harness, round_)).stage is Stage.CANCELLED
    assert not any("Results of round #1" in text for text in harness.texts())


async def test_cancel_in_arabic(harness):
    await _arabic(harness)
    round_ = await open_round(harness)
    await harness.send(harness.facilitator, "/cancel 1 سؤال خاطئ")
    assert harness.last_text().startswith("أُلغيت الجولة #1: \u2068سؤال خاطئ\u2069")
    assert (await current(harness, round_)).stage is Stage.CANCELLED


@pytest.mark.parametrize(
    ("who", "command", "answer"),
    [
        ("facilitator", "/cancel 1", "Please say why round #1 is cancelled"),
        ("facilitator", "/cancel", "Please give the number to cancel"),
        ("facilitator", "/cancel 1 " + "r" * 301, "301 characters long; please keep it within 300"),
        ("resident", "/cancel 1 I don't like it", "only the group's facilitators"),
        ("facilitator", "/cancel 9 why", "There is no round, need or offer #9 in this group."),
    ],
)
async def test_bad_cancellations_change_nothing(harness, who, command, answer):
    round_ = await open_round(harness)
    await harness.send(harness.residents[0] if who == "resident" else harness.facilitator, command)
    assert answer in harness.last_text()
    assert (await current(harness, round_)).stage is Stage.IDEAS


async def test_a_reason_at_its_limit_is_accepted(harness):
    round_ = await open_round(harness)
    await harness.send(harness.facilitator, "/cancel 1 " + "r" * 300)
    assert (await current(harness, round_)).stage is Stage.CANCELLED


async def test_a_round_with_its_results_cannot_be_cancelled(harness):
    from tests.handlers.test_outcomes import closed_round

    await closed_round(harness, ["By the pond"], [0])
    await harness.send(harness.facilitator, "/cancel 1 too late")
    assert "already has its results" in harness.last_text()


async def test_a_cancelled_round_shows_as_cancelled_on_the_page_and_leaves_the_summary(harness):
    from tests.handlers.test_public_page import _folder, _group

    await harness.send(harness.facilitator, "/settings public on")
    round_ = await open_round(harness, QUESTION)
    await harness.send(harness.facilitator, "/cancel 1 wrong question")
    page = (_folder(harness, await _group(harness)) / "round-1.html").read_text()
    assert "cancelled" in page
    await harness.send(harness.facilitator, "/summary")
    assert "Open rounds" not in harness.last_text()
    assert (await current(harness, round_)).stage is Stage.CANCELLED


# ------------------------------------------------------------------ /cancel N: a round or a need or offer


async def test_cancel_asks_which_when_both_a_round_and_a_posting_could_be_meant(harness):
    round_ = await open_round(harness)
    need = await post(harness, harness.facilitator, "/need 1h a ladder")
    assert round_.number == need.id == 1
    await harness.send(harness.facilitator, "/cancel 1 not needed")
    assert harness.last_text() == "#1 is both a round and a need or offer. Which do you want to cancel?"
    assert harness.asked() == [f"#1: {round_.question}", "Need #1: a ladder"]
    await harness.press_button(harness.facilitator, "Need #1")
    assert [posting.status for posting in await postings(harness)] == [PostingStatus.CANCELLED]
    assert (await current(harness, round_)).stage is Stage.IDEAS


async def test_cancel_asks_which_and_the_round_button_cancels_the_round_with_the_reason(harness):
    round_ = await open_round(harness)
    await post(harness, harness.residents[0], "/need 1h a ladder")  # a facilitator may take any down
    await harness.send(harness.facilitator, "/cancel 1 wrong question")
    await harness.press_button(harness.facilitator, "#1:")
    cancelled = await current(harness, round_)
    assert (cancelled.stage, cancelled.cancel_reason) == (Stage.CANCELLED, "wrong question")
    assert [posting.status for posting in await postings(harness)] == [PostingStatus.OPEN]


async def test_a_resident_cancelling_their_need_is_not_asked_about_the_round(harness):
    round_ = await open_round(harness)
    await post(harness, harness.residents[0], "/need 1h a ladder")
    await harness.send(harness.residents[0], "/cancel 1")
    assert harness.last_text() == "#1 is taken down."
    assert (await current(harness, round_)).stage is Stage.IDEAS


@pytest.mark.parametrize("command", ["/cancel round 1 wrong question", "/cancel need 1"])
async def test_saying_which_cancels_it_without_asking(harness, command):
    round_ = await open_round(harness)
    await post(harness, harness.facilitator, "/need 1h a ladder")
    await harness.send(harness.facilitator, command)
    round_cancelled = (await current(harness, round_)).stage is Stage.CANCELLED
    need_cancelled = (await postings(harness))[0].status is PostingStatus.CANCELLED
    assert (round_cancelled, need_cancelled) == ("round" in command, "need" in command)
    assert not any("Which do you want to cancel?" in text for text in harness.texts())


# ------------------------------------------------------------------ /vote and /close: which round


async def _two_collecting(harness):
    first = await open_round(harness, "First question?")
    second = await open_round(harness, "Second question?")
    for round_ in (first, second):
        await harness.send(harness.residents[0], "An idea", reply_to=round_.prompt_message_id)
    return first, second


async def test_vote_with_several_rounds_collecting_asks_which(harness):
    first, second = await _two_collecting(harness)
    await harness.send(harness.facilitator, "/vote")
    assert harness.last_text() == "Several rounds are collecting ideas. Which one should start voting?"
    assert harness.asked() == ["#1: First question?", "#2: Second question?"]
    assert (await current(harness, first)).stage is (await current(harness, second)).stage is Stage.IDEAS
    await harness.press_button(harness.facilitator, "#1")
    assert (await current(harness, first)).stage is Stage.VOTING
    assert (await current(harness, second)).stage is Stage.IDEAS


async def test_a_second_vote_within_a_minute_never_moves_another_round(harness):
    first, second = await _two_collecting(harness)
    await harness.send(harness.facilitator, "/vote 2")
    harness.advance(seconds=59)
    await harness.send(harness.facilitator, "/vote")
    assert harness.last_text() == ("Round #2 started voting a moment ago. To start the vote of another round too, "
                                   "write its number, for example /vote 1.")  # fmt: skip
    assert (await current(harness, first)).stage is Stage.IDEAS
    harness.advance(seconds=1)
    await harness.send(harness.facilitator, "/vote")  # a minute later it is a new /vote: the one round left
    assert (await current(harness, first)).stage is Stage.VOTING


async def test_vote_as_a_reply_to_a_round_s_message_moves_that_round(harness):
    first, second = await _two_collecting(harness)
    await harness.send(harness.facilitator, "/vote", reply_to=first.prompt_message_id)
    assert (await current(harness, first)).stage is Stage.VOTING
    assert (await current(harness, second)).stage is Stage.IDEAS


async def test_close_asks_to_confirm_with_a_button(harness):
    round_ = await open_round(harness)
    await harness.send(harness.residents[0], "An idea", reply_to=round_.prompt_message_id)
    await harness.send(harness.facilitator, "/vote")
    await harness.send(harness.facilitator, "/close")
    assert harness.last_text() == ("Close round #1 now? Voting was to stay open until Wednesday 4 November at 09:00; "
                                   "0 neighbours have voted so far.")  # fmt: skip
    assert (await current(harness, round_)).stage is Stage.VOTING
    await harness.press_button(harness.residents[0], "Close it now")  # not theirs to press
    assert (await current(harness, round_)).stage is Stage.VOTING
    await harness.press_button(harness.facilitator, "Close it now")
    assert (await current(harness, round_)).stage is Stage.CLOSED
    assert "Results of round #1" in harness.last_text()


async def test_close_with_several_rounds_voting_asks_which_and_the_button_closes_it(harness):
    first, second = await _two_collecting(harness)
    await harness.send(harness.facilitator, "/vote 1")
    await harness.send(harness.facilitator, "/vote 2")
    await harness.send(harness.facilitator, "/close")
    assert harness.last_text() == "Several rounds are voting. Which one should close?"
    await harness.press_button(harness.facilitator, "#2")
    assert (await current(harness, second)).stage is Stage.CLOSED
    assert (await current(harness, first)).stage is Stage.VOTING


async def test_close_asks_in_arabic(harness):
    await _arabic(harness)
    round_ = await open_round(harness)
    await harness.send(harness.residents[0], "فكرة", reply_to=round_.prompt_message_id)
    await harness.send(harness.facilitator, "/vote")
    await harness.send(harness.facilitator, "/close")
    assert harness.last_text().startswith("هل تغلق الجولة #1 الآن؟")
    await harness.press_button(harness.facilitator, "أغلقها الآن")
    assert (await current(harness, round_)).stage is Stage.CLOSED


async def test_groups_table_is_untouched_by_a_question(harness):
    """Asking which round changes nothing until a button is pressed."""
    await _two_collecting(harness)
    async with harness.db.read() as conn:
        before = await rounds.open_rounds(conn, (await groups.get_by_chat(conn, harness.group.id)).id)
    await harness.send(harness.facilitator, "/vote")
    async with harness.db.read() as conn:
        assert await rounds.open_rounds(conn, before[0].group_id) == before


async def test_vote_asks_which_round_in_arabic(harness):
    await _arabic(harness)
    first, second = await _two_collecting(harness)
    await harness.send(harness.facilitator, "/vote")
    assert harness.last_text() == "عدة جولات تستقبل الأفكار. أيها يبدأ التصويت؟"
    await harness.press_button(harness.facilitator, "#2")
    assert (await current(harness, second)).stage is Stage.VOTING
    assert (await current(harness, first)).stage is Stage.IDEAS


async def test_saying_need_never_cancels_a_round_of_that_number(harness):
    round_ = await open_round(harness)
    await harness.send(harness.facilitator, "/cancel need 1")
    assert harness.last_text() == "There is no need or offer #1 in this group."
    assert (await current(harness, round_)).stage is Stage.IDEAS
