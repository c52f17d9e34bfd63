"""Statements rounds end to end in the real Application: /statements, statements added as ideas,
private voting one statement at a time, opinion groups kept up to date, the result in words,
the opinion map, each participant's notice of their own group, and the public page."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.demo.emulator.telegram import plain_text
from bot.domain.deadline_kinds import DeadlineKind
from bot.domain.decisions import Method
from bot.domain.decisions.opinions import Choice
from bot.domain.rounds import IdeaStatus, Stage
from bot.flows import site
from bot.flows.decisions.statements import recorded_votes
from bot.runtime.deadlines import run_due
from storage import deadlines, groups
from storage import rounds as stored_rounds
from storage import statements as stored
from tests.handlers.test_replay import replayed
from tests.support.credit_helpers import plain
from tests.support.ideas_helpers import buttons, last_bot_message
from tests.support.round_helpers import current
from tests.support.statements_helpers import open_statements, start_voting, vote_on, vote_shown

A, D, P = Choice.AGREE, Choice.DISAGREE, Choice.PASS
LIBRARY = "3d How should we use the old library?"
FIRST = ["Keep it a library", "Open a café in it", "Let the youth club use it", "Fix the roof first"]


async def _statements(harness, first=FIRST):
    await harness.add_bot()
    return await open_statements(harness, "\n".join([LIBRARY, *first]))


async def _ideas(harness, round_):
    async with harness.db.read() as conn:
        return await stored_rounds.ideas(conn, round_.id)


def _private(harness, person) -> str:
    return plain_text(last_bot_message(harness, harness.telegram.private_chat(person))["text"])


def _shown_number(harness, person) -> int | None:
    """The number of the statement a member's private voting message shows (None: the thanks)."""
    text = _private(harness, person)
    line = next((line for line in text.splitlines() if line.startswith("Statement ")), None)
    return int(line.removeprefix("Statement ").rstrip(":")) if line else None


async def _vote_by_number(harness, person, round_, choices: dict[int, Choice]) -> None:
    """``person`` opens the link and votes on each statement shown, by its number."""
    await start_voting(harness, person, round_)
    while (number := _shown_number(harness, person)) is not None:
        await vote_shown(harness, person, choices[number])


# ------------------------------------------------------------------------ opening


async def test_facilitator_opens_a_statements_round_with_first_statements(harness):
    round_ = await _statements(harness)
    assert (round_.method, round_.stage, round_.ideas_ends_at) == (Method.STATEMENTS, Stage.VOTING, None)
    assert round_.voting_ends_at - round_.voting_started_at == dt.timedelta(days=3)
    ideas = await _ideas(harness, round_)
    assert [idea.text for idea in ideas] == FIRST
    assert {idea.author_id for idea in ideas} == {harness.facilitator.id}
    message = plain_text(harness.telegram.messages[(harness.group.id, round_.voting_message_id)]["text"])
    assert "Statements round #1" in message
    assert f"https://t.me/{harness.app.bot.username}?start=st-{round_.link_token}" in message
    assert "reply to this message" in message and "at most 140 characters" in message
    assert "So far: 4 statements; 0 neighbours have voted." in message
    async with harness.db.read() as conn:
        ends = await deadlines.get(conn, DeadlineKind.VOTING_END, round_.id)
        reminder = await deadlines.get(conn, DeadlineKind.REMINDER_VOTING, round_.id)
    assert ends.due_at == round_.voting_ends_at and reminder.due_at == round_.voting_ends_at - dt.timedelta(days=1)


async def test_statements_round_without_a_duration_runs_for_the_groups_voting_time(harness):
    await harness.add_bot()
    round_ = await open_statements(harness, "What should the park be for?")
    async with harness.db.read() as conn:
        group = await groups.get_by_chat(conn, harness.group.id)
    assert round_.voting_minutes == group.vote_minutes and await _ideas(harness, round_) == []


async def test_only_a_facilitator_opens_a_statements_round(harness):
    await harness.add_bot()
    await harness.send(harness.residents[0], f"/statements {LIBRARY}")
    assert "only the group's facilitators" in harness.last_text()
    async with harness.db.read() as conn:
        group = await groups.get_by_chat(conn, harness.group.id)
        assert await stored_rounds.open_rounds(conn, group.id) == []


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("/statements", "Write the question after the command"),
        ("/statements 5d", "Write the question after the command"),
        ("/statements 5x What now?", "is not a time I understand"),
        ("/statements " + "q" * 301, "301 characters long; please keep it within 300"),
        ("/statements Park?\n" + "s" * 141, "141 characters long; please keep it within 140"),
    ],
)
async def test_a_statements_round_that_cannot_open_changes_nothing_and_says_how(harness, text, answer):
    await harness.add_bot()
    await harness.send(harness.facilitator, text)
    assert answer in harness.last_text()
    async with harness.db.read() as conn:
        group = await groups.get_by_chat(conn, harness.group.id)
        assert await stored_rounds.open_rounds(conn, group.id) == []


async def test_question_and_statements_at_their_limits_open_the_round(harness):
    await harness.add_bot()
    round_ = await open_statements(harness, "q" * 300 + "\n" + "s" * 140)
    assert len(round_.question) == 300
    assert [idea.text for idea in await _ideas(harness, round_)] == ["s" * 140]


async def test_replayed_statements_command_opens_one_round_and_posts_once(harness):
    await harness.add_bot()
    update = harness.telegram.message_update(harness.group, harness.facilitator, f"/statements {LIBRARY}\nKeep it")
    await replayed(harness, update, quietly=True)
    assert sum("Statements round #1" in text for text in harness.texts()) == 1


async def test_a_replayed_vote_changes_nothing(harness):
    round_ = await _statements(harness)
    ben = harness.residents[0]
    await start_voting(harness, ben, round_)
    chat = harness.telegram.private_chat(ben)
    message = last_bot_message(harness, chat)
    [agree] = [data for text, data in buttons(message) if text == "Agree"]
    update = harness.telegram.callback_update(chat, ben, message["message_id"], agree)
    await harness.deliver(update)
    once, _ = await recorded_votes(harness.app, round_)
    await harness.deliver(update)
    again, _ = await recorded_votes(harness.app, round_)
    assert again.tolist() == once.tolist() and len(once) == 1


# ------------------------------------------------------------------------ adding statements


async def test_members_add_statements_by_replying_and_with_idea(harness):
    round_ = await _statements(harness, first=[])
    ben, chloe = harness.residents[:2]
    await harness.send(ben, "More benches outside", reply_to=round_.voting_message_id)
    await harness.send(chloe, "/idea Longer opening hours")
    assert [(idea.text, idea.author_id) for idea in await _ideas(harness, round_)] == [
        ("More benches outside", ben.id), ("Longer opening hours", chloe.id)]
    await harness.app.services.acknowledgements.flush()
    [edit] = [p for p in harness.telegram.sent("editMessageText") if int(p["message_id"]) == round_.voting_message_id]
    assert "So far: 2 statements; 0 neighbours have voted." in edit["text"]


@pytest.mark.parametrize(("length", "added"), [(139, True), (140, True), (141, False)])
async def test_a_statement_is_at_most_140_characters(harness, length, added):
    round_ = await _statements(harness, first=[])
    await harness.send(harness.residents[0], "s" * length, reply_to=round_.voting_message_id)
    assert bool(await _ideas(harness, round_)) is added
    if not added:
        assert "141 characters long; please keep it within 140 characters" in harness.last_text()


async def test_a_voice_message_is_no_statement(harness):
    round_ = await _statements(harness, first=[])
    await harness.send(harness.residents[0], reply_to=round_.voting_message_id,
                       voice={"file_id": "v1", "file_unique_id": "u1", "duration": 3})  # fmt: skip
    assert "A statement needs words" in harness.last_text()
    assert await _ideas(harness, round_) == []


async def test_the_facilitator_seeds_past_the_cap_but_members_do_not(harness):
    await harness.add_bot()
    await harness.send(harness.facilitator, "/settings cap 2")
    round_ = await open_statements(harness, LIBRARY)
    ben = harness.residents[0]
    for number in range(1, 4):
        await harness.send(ben, f"Ben's statement {number}", reply_to=round_.voting_message_id)
    assert "limit of ideas per member in round #1 (2)" in harness.last_text()
    for number in range(1, 4):
        await harness.send(harness.facilitator, f"/idea Seed {number}")
    texts = [idea.text for idea in await _ideas(harness, round_)]
    assert texts == ["Ben's statement 1", "Ben's statement 2", "Seed 1", "Seed 2", "Seed 3"]


async def test_an_edited_statement_stays_as_it_was(harness):
    round_ = await _statements(harness, first=[])
    ben = harness.residents[0]
    message_id = await harness.send(ben, "More benches outside", reply_to=round_.voting_message_id)
    await harness.deliver(harness.telegram.edit_update(harness.group, message_id, "No benches at all"))
    assert "Statement 1 stays as it was" in harness.last_text()
    assert [idea.text for idea in await _ideas(harness, round_)] == ["More benches outside"]


async def test_a_withdrawn_statement_leaves_the_vote_with_its_votes(harness):
    round_ = await _statements(harness)
    ben = harness.residents[0]
    await _vote_by_number(harness, ben, round_, {1: A, 2: A, 3: D, 4: A})
    await harness.send(harness.facilitator, "/withdraw 2")
    assert "Idea 2 is withdrawn from round #1." in harness.last_text()
    async with harness.db.read() as conn:
        assert sorted(number for number in (await stored.tallies(conn, round_.id))) == [
            idea.id for idea in await stored_rounds.ideas(conn, round_.id) if idea.status is IdeaStatus.STANDING]


# ------------------------------------------------------------------------ private voting


async def test_a_member_votes_one_statement_at_a_time_least_voted_first(harness):
    round_ = await _statements(harness)
    ben, chloe = harness.residents[:2]
    await _vote_by_number(harness, ben, round_, {1: A, 2: D, 3: P, 4: A})
    assert "You have voted on all 4 statements so far. Thank you!" in _private(harness, ben)
    await harness.send(harness.residents[2], "Make it a museum", reply_to=round_.voting_message_id)
    await start_voting(harness, chloe, round_)
    assert _shown_number(harness, chloe) == 5  # nobody has voted on it yet
    message = last_bot_message(harness, harness.telegram.private_chat(chloe))
    assert [text for text, _ in buttons(message)] == ["Agree", "Disagree", "Pass"]
    assert "Do you agree? 5 statements to vote on, this one included." in plain_text(message["text"])
    await vote_shown(harness, chloe, A)
    assert _shown_number(harness, chloe) == 1
    async with harness.db.read() as conn:
        assert set((await stored.member_votes(conn, round_.id, ben.id)).values()) == {A, D, P}


async def test_new_statements_wait_behind_the_same_link(harness):
    round_ = await _statements(harness, first=["Keep it a library"])
    ben = harness.residents[0]
    await _vote_by_number(harness, ben, round_, {1: A})
    assert "You have voted on the one statement so far" in _private(harness, ben)
    await harness.send(harness.residents[1], "Open a café in it", reply_to=round_.voting_message_id)
    await start_voting(harness, ben, round_)
    assert _shown_number(harness, ben) == 2


async def test_a_member_goes_back_and_changes_a_vote(harness):
    round_ = await _statements(harness)
    ben = harness.residents[0]
    await _vote_by_number(harness, ben, round_, {1: A, 2: A, 3: A, 4: A})
    chat = harness.telegram.private_chat(ben)
    message = last_bot_message(harness, chat)
    [back] = [data for text, data in buttons(message) if text.endswith("Back")]
    await harness.press(ben, message["message_id"], back, chat=chat)
    last_voted = _shown_number(harness, ben)
    assert "Your vote: Agree. Press another button to change it." in _private(harness, ben)
    assert "✓ Agree" in [text for text, _ in buttons(last_bot_message(harness, chat))]
    await vote_shown(harness, ben, D)
    async with harness.db.read() as conn:
        mine = await stored.member_votes(conn, round_.id, ben.id)
        by_number = {idea.number: mine[idea.id] for idea in await stored_rounds.ideas(conn, round_.id)}
    assert by_number[last_voted] is D and list(by_number.values()).count(A) == 3
    assert "You have voted on all 4 statements" in _private(harness, ben)


async def test_back_before_the_first_vote_is_refused(harness):
    round_ = await _statements(harness)
    ben = harness.residents[0]
    await start_voting(harness, ben, round_)
    message = last_bot_message(harness, harness.telegram.private_chat(ben))
    assert not [text for text, _ in buttons(message) if text.endswith("Back")]
    await harness.press(ben, message["message_id"], f"v1:stback:{round_.id}:0", chat=harness.telegram.private_chat(ben))
    assert harness.telegram.sent("answerCallbackQuery")[-1]["text"] == "There is no earlier vote to go back to."


async def test_a_stranger_learns_nothing_from_the_link(harness):
    round_ = await _statements(harness)
    stranger = harness.telegram.person(999, "Stranger", language_code="en")
    await harness.send_private(stranger, f"/start st-{round_.link_token}")
    assert "Only members of the round's group can vote on its statements." in _private(harness, stranger)
    assert "library" not in _private(harness, stranger)
    await harness.send_private(stranger, "/start st-not-a-token")
    assert "I can't find the statements round this link is for" in _private(harness, stranger)


@pytest.mark.parametrize("data", ["v1:stvote:99999:a", "v1:stvote:{idea}:x", "v1:stvote:{idea}", "v1:stback:99999:0"])
async def test_forged_or_stale_buttons_change_nothing(harness, data):
    round_ = await _statements(harness)
    ben = harness.residents[0]
    await start_voting(harness, ben, round_)
    idea = (await _ideas(harness, round_))[0]
    message = last_bot_message(harness, harness.telegram.private_chat(ben))
    await harness.press(ben, message["message_id"], data.format(idea=idea.id), chat=harness.telegram.private_chat(ben))
    assert "not taking votes" in harness.telegram.sent("answerCallbackQuery")[-1]["text"]
    async with harness.db.read() as conn:
        assert await stored.voters(conn, round_.id) == 0


async def test_no_vote_after_the_close(harness):
    round_ = await _statements(harness)
    ben = harness.residents[0]
    await start_voting(harness, ben, round_)
    await harness.send(harness.facilitator, "/close now")
    await vote_shown(harness, ben, A)
    assert harness.telegram.sent("answerCallbackQuery")[-1]["text"] == (
        "Voting on round #1 has closed; the results are in the group.")
    await harness.send_private(ben, f"/start st-{round_.link_token}")
    assert "Voting on round #1 has closed" in _private(harness, ben)
    async with harness.db.read() as conn:
        assert await stored.voters(conn, round_.id) == 0


async def test_a_vote_on_a_withdrawn_statement_shows_the_next_one(harness):
    round_ = await _statements(harness)
    ben = harness.residents[0]
    await start_voting(harness, ben, round_)
    shown = _shown_number(harness, ben)
    await harness.send(harness.facilitator, f"/withdraw {shown}")
    await vote_shown(harness, ben, A)
    assert "withdrawn" in harness.telegram.sent("answerCallbackQuery")[-1]["text"]
    assert _shown_number(harness, ben) not in (None, shown)


# ------------------------------------------------------------------------ opinion groups


CAMPS = {  # two camps that agree on the roof
    "one": {1: A, 2: D, 3: D, 4: A},
    "two": {1: D, 2: A, 3: A, 4: A},
}


async def _two_camps(harness, round_):
    people = [harness.facilitator, *harness.residents]
    for person in people[:3]:
        await _vote_by_number(harness, person, round_, CAMPS["one"])
    for person in people[3:]:
        await _vote_by_number(harness, person, round_, CAMPS["two"])
    return people


async def test_groups_are_recomputed_as_votes_arrive_at_most_once_a_minute(harness):
    round_ = await _statements(harness)
    people = await _two_camps(harness, round_)
    async with harness.db.read() as conn:
        planned = await deadlines.get(conn, DeadlineKind.OPINION_GROUPS, round_.id)
    assert planned.due_at == round_.voting_started_at and planned.done_at is None  # due at the first vote
    assert await run_due(harness.app) == 1
    async with harness.db.read() as conn:
        first = await stored.opinion_map(conn, round_.id)
    assert first.group_count == 2 and len(first.members) == 7
    harness.advance(seconds=10)
    await vote_on(harness, people[0], (await _ideas(harness, round_))[0].id, D)  # a changed vote
    async with harness.db.read() as conn:
        planned = await deadlines.get(conn, DeadlineKind.OPINION_GROUPS, round_.id)
    assert planned.due_at == round_.voting_started_at + dt.timedelta(minutes=1)
    assert await run_due(harness.app) == 0  # not within the minute
    harness.advance(seconds=50)
    assert await run_due(harness.app) == 1
    await harness.app.services.acknowledgements.flush()
    edits = [p for p in harness.telegram.sent("editMessageText") if int(p["message_id"]) == round_.voting_message_id]
    async with harness.db.read() as conn:
        again = await stored.opinion_map(conn, round_.id)
    assert again.groups != first.groups  # the changed vote moved Fatima
    assert f"So far: 4 statements; 7 neighbours have voted; {again.group_count} opinion groups." in edits[-1]["text"]


async def test_the_result_says_what_each_group_agrees_on_and_what_almost_everyone_does(harness):
    round_ = await _statements(harness)
    await _two_camps(harness, round_)
    await harness.send(harness.facilitator, "/close now")
    assert (await current(harness, round_)).stage is Stage.CLOSED
    result = plain(plain_text(next(text for text in harness.texts() if "Results of round #1" in text)))
    assert "7 neighbours voted; the 7 who voted on 4 statements or more form 2 opinion groups." in result
    agreed = result.split("What almost everyone agrees on")[1].split("What divides")[0]
    assert "“Fix the roof first”: 100% of 7 votes agree" in agreed
    divides = result.split("What divides")[1].split("stands apart")[0]
    assert "“Keep it a library”: mostly agreed by Group B, mostly rejected by Group A" in divides
    assert "Group A (4 neighbours) stands apart from the others by:" in result
    assert "Group B (3 neighbours) stands apart from the others by:" in result
    assert "agreeing with “Keep it a library” (100% of the group)" in result
    for person in (harness.facilitator, *harness.residents):
        assert person.first_name not in result  # nobody is named, nobody's vote is shown
    [photo] = harness.telegram.sent("sendPhoto")
    assert "Opinion map of round #1" in photo["caption"] and "Group A (4 neighbours)." in photo["caption"]
    await harness.send(harness.residents[0], "/rounds")
    assert "Common ground: “\u2068Fix the roof first\u2069”" in harness.last_text()


async def test_each_participant_hears_privately_which_group_they_are_in(harness):
    round_ = await _statements(harness)
    people = await _two_camps(harness, round_)
    await harness.send(harness.facilitator, "/close now")
    await run_due(harness.app)
    one, two = people[0], people[3]
    assert "You are in Group B, with 2 other neighbours." in _private(harness, one)
    assert "You are in Group A, with 3 other neighbours." in _private(harness, two)
    assert "“\u2068Fix the roof first\u2069”: 100% of 7 votes agree" in _private(harness, two)
    assert "7 neighbours who took part in round #1 were told privately." in harness.last_text()


async def test_a_group_smaller_than_three_is_not_described(harness):
    round_ = await _statements(harness)
    people = [harness.facilitator, *harness.residents]
    for person in people[:5]:
        await _vote_by_number(harness, person, round_, CAMPS["one"])
    for person in people[5:]:
        await _vote_by_number(harness, person, round_, CAMPS["two"])
    await harness.send(harness.facilitator, "/close now")
    result = plain(plain_text(next(text for text in harness.texts() if "Results of round #1" in text)))
    assert "Group B (2 neighbours) is too small to be described." in result
    assert "Group B (2 neighbours) stands apart" not in result
    assert "What divides" not in result  # only one group is described: nothing to set against it
    await run_due(harness.app)
    assert "too small to be described" in _private(harness, people[6])
    [photo] = harness.telegram.sent("sendPhoto")
    assert "Groups too small to describe (2 neighbours)." in photo["caption"]


async def test_too_few_votes_for_groups_still_gives_a_result(harness):
    round_ = await _statements(harness)
    await _vote_by_number(harness, harness.residents[0], round_, {1: A, 2: A, 3: D, 4: A})
    await harness.send(harness.facilitator, "/close now")
    result = plain(plain_text(next(text for text in harness.texts() if "Results of round #1" in text)))
    assert "1 neighbour voted; too few voted on 4 statements or more to find opinion groups." in result
    assert harness.telegram.sent("sendPhoto") == []
    await run_due(harness.app)
    assert "Too few neighbours voted on enough statements for opinion groups." in _private(harness, harness.residents[0])


async def test_a_statements_round_nobody_added_to_says_so(harness):
    round_ = await _statements(harness, first=[])
    await harness.send(harness.facilitator, "/close now")
    assert "No statements were added, so there was nothing to vote on." in harness.last_text()
    assert (await current(harness, round_)).stage is Stage.CLOSED


async def test_the_public_page_shows_the_groups_and_the_map_without_names(harness):
    await harness.add_bot()
    await harness.send(harness.facilitator, "/settings public on")
    round_ = await open_statements(harness, "\n".join([LIBRARY, *FIRST]))
    await _two_camps(harness, round_)
    await harness.send(harness.facilitator, "/close now")
    async with harness.db.read() as conn:
        group = await groups.get_by_chat(conn, harness.group.id)
    folder = site.folder(harness.app, group.site_token)
    page = (folder / "round-1.html").read_text()
    assert "What almost everyone agrees on" in page and "Fix the roof first" in page
    assert "Group B (3 neighbours) stands apart from the others by:" in page
    assert "Statements, by consensus" in page
    [chart] = sorted(folder.glob("chart-1-*.svg"))
    svg = chart.read_text()
    assert svg.count("<circle") + svg.count("<rect x=") >= 7 and "Group A (4 neighbours)" in svg
    for person in harness.residents:
        assert person.first_name not in svg


@pytest.mark.parametrize(
    ("language", "heading", "agree", "your_group"),
    [
        ("en", "What almost everyone agrees on", "Agree", "You are in Group"),
        ("pl", "Na co zgadzają się prawie wszyscy", "Zgadzam się", "Jesteś w grupie"),
        ("ur", "جس پر تقریباً سب متفق ہیں", "متفق", "آپ گروپ"),
        ("ar", "ما يتفق عليه الجميع تقريبًا", "أوافق", "أنت في المجموعة"),
    ],
)
async def test_a_statements_round_speaks_every_language(harness, language, heading, agree, your_group):
    """The group's language in the group and on its map; each member's own in private."""
    await harness.add_bot()
    await harness.send(harness.facilitator, f"/settings language {language}")
    ben = harness.residents[0]
    await harness.send_private(ben, f"/language {language}")
    round_ = await open_statements(harness, "\n".join([LIBRARY, *FIRST]))
    await start_voting(harness, ben, round_)
    message = last_bot_message(harness, harness.telegram.private_chat(ben))
    assert [text for text, _ in buttons(message)][0] == agree
    await harness.send_private(ben, "/language en")
    await _two_camps(harness, round_)
    await harness.send_private(ben, f"/language {language}")
    await harness.send(harness.facilitator, "/close now")
    result = next(text for text in harness.texts() if "#1" in text and heading in text)
    if language != "en":
        for english in ("What almost everyone agrees on", "What divides", "stands apart", "neighbours voted"):
            assert english not in result
    [photo] = harness.telegram.sent("sendPhoto")
    assert language == "en" or "Opinion map" not in photo["caption"]
    await run_due(harness.app)
    assert your_group in _private(harness, ben)


async def test_a_statement_sent_privately_can_be_anonymous(harness):
    round_ = await _statements(harness, first=[])
    ben = harness.residents[0]
    await harness.send(ben, "/help")  # Ben takes part in the group
    await harness.send_private(ben, "/idea " + "s" * 141)
    assert "141 characters long; please keep it within 140" in _private(harness, ben)
    await harness.send_private(ben, "/idea Keep the reading room quiet")
    chat = harness.telegram.private_chat(ben)
    message = last_bot_message(harness, chat)
    await harness.press(ben, message["message_id"], dict(buttons(message))["Anonymously"], chat=chat)
    [idea] = await _ideas(harness, round_)
    assert (idea.text, idea.author_id, idea.anonymous) == ("Keep the reading room quiet", ben.id, True)


async def test_the_summary_counts_a_statements_rounds_voters(harness):
    round_ = await _statements(harness)
    for person in harness.residents[:2]:
        await _vote_by_number(harness, person, round_, {1: A, 2: A, 3: D, 4: P})
    await harness.send(harness.facilitator, "/summary")
    assert "#1 \u2068How should we use the old library?\u2069: voting until" in harness.last_text()
    assert "2 neighbours have voted so far" in harness.last_text()


async def test_a_members_own_votes_and_group_are_in_their_data(harness):
    import json

    from tests.handlers.test_privacy import private_document

    round_ = await _statements(harness)
    ben = harness.residents[0]
    await _vote_by_number(harness, ben, round_, {1: A, 2: D, 3: P, 4: A})
    await harness.send_private(ben, "/mydata")
    _, content = private_document(harness, ben)
    data = json.loads(content)
    assert sorted(vote["choice"] for vote in data["statement_votes"]) == [-1, 0, 1, 1]
    assert data["opinion_groups"] == []  # no groups yet: one voter
