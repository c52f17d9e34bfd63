"""Paper ballots (/paper), and a round that takes part in every way: online ideas, an
assisted idea, a voice idea labelled after a reminder, online votes and paper ballots."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

from bot.domain.decisions import Tally
from bot.domain.decisions.approval import rank
from bot.domain.errors import DomainError
from bot.domain.inclusion import MAX_PAPER_VOTERS, parse_paper
from bot.domain.rounds import Stage
from bot.runtime import deadlines
from storage import groups, paper, rounds
from tests.support.round_helpers import current, poll_ids

VOICE = {"file_id": "vo1", "file_unique_id": "uv1", "duration": 12}


async def _open(harness, command="/round 2h 1h Where should the bench go?"):
    await harness.send(harness.facilitator, command)
    async with harness.db.read() as conn:
        group = await groups.get_by_chat(conn, harness.group.id)
        return (await rounds.open_rounds(conn, group.id))[-1]


async def _tallies(harness, round_):
    async with harness.db.read() as conn:
        return await paper.history(conn, round_.id)


async def test_a_round_everyone_took_part_in_counts_paper_with_online_votes(harness):
    round_ = await _open(harness)
    ben, chloe, dawid, ewa = harness.residents[:4]
    for resident, idea in zip((ben, chloe, dawid), ("Bus stop", "Park", "Library"), strict=True):
        await harness.send(resident, idea, reply_to=round_.prompt_message_id)
    await harness.send(harness.facilitator, "/assist Maria: By the chapel", reply_to=round_.prompt_message_id)
    voice = await harness.send(ewa, None, reply_to=round_.prompt_message_id, voice=VOICE)
    harness.advance(minutes=90)
    await deadlines.run_due(harness.app)
    assert "voice idea 5 has no words yet" in next(text for text in harness.texts() if "so far;" in text)
    await harness.send(ewa, "/label Under the oak", reply_to=voice)

    await harness.send(harness.facilitator, "/paper 1 1=9 4=3 voters=10")
    await harness.send(harness.facilitator, "/paper 1 1=4 4=8 5=2 voters=10")
    assert "This replaces the previous paper tally" in harness.last_text()
    harness.advance(minutes=30)
    await deadlines.run_due(harness.app)  # voting opens
    [poll] = harness.telegram.sent("sendPoll")
    assert [o["text"] for o in poll["options"]][3:] == ["4. By the chapel", "5. Under the oak"]
    [poll_id] = await poll_ids(harness, round_)
    await harness.vote(ben, poll_id, [0, 4])
    await harness.vote(chloe, poll_id, [0])
    await harness.vote(dawid, poll_id, [3])
    await harness.vote(ewa, poll_id, [4])
    await harness.send(harness.facilitator, "/close now")
    closed = await current(harness, round_)
    assert (closed.stage, closed.voter_count, closed.paper_voters) == (Stage.CLOSED, 14, 10)

    results = next(text for text in harness.texts() if "Results of round #1" in text)
    assert "14 neighbours voted. (4 online, 10 on paper)" in results
    assert "1st · idea 4 · \u2068By the chapel\u2069 — \u2068Maria\u2069 (via \u2068Fatima\u2069) — 9 votes, 64% (1 online, 25%; 8 on paper, 80%)" in results
    assert "2nd · idea 1 · \u2068Bus stop\u2069 — 6 votes, 43% (2 online, 50%; 4 on paper, 40%)" in results
    assert "3rd · idea 5 · \u2068Under the oak\u2069 — 4 votes, 29% (2 online, 50%; 2 on paper, 20%)" in results

    await harness.send(harness.residents[0], "/rounds")
    assert "14 voters (4 online, 10 on paper)" in harness.last_text()
    await harness.send(harness.facilitator, "/summary")
    summary = next(text for text in reversed(harness.texts()) if "Rounds closed" in text)
    assert "14 neighbours voted (4 online, 10 on paper)" in summary
    assert "⁨By the chapel⁩ — 9 votes (1 online, 8 on paper)" in summary

    await harness.send(harness.facilitator, "/export")
    (params,) = harness.telegram.sent("sendDocument", harness.group.id)
    with zipfile.ZipFile(io.BytesIO(params["document"][1])) as archive:
        tables = {name: list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig")))) for name in archive.namelist()}
    assisted = [r for r in tables["ideas.csv"] if r["assisted_for"]]
    assert [(r["idea"], r["assisted_for"], r["entered_by"]) for r in assisted] == [("4", "Maria", "Fatima")]
    assert [r["voice"] for r in tables["ideas.csv"]] == ["0", "0", "0", "0", "1"]
    history = [(r["entry"], r["idea"], r["votes"], r["voters"], r["entered_by"], r["counted"]) for r in tables["paper_ballots.csv"]]
    assert history == [
        ("1", "1", "9", "10", "Fatima", "0"), ("1", "4", "3", "10", "Fatima", "0"),
        ("2", "1", "4", "10", "Fatima", "1"), ("2", "4", "8", "10", "Fatima", "1"), ("2", "5", "2", "10", "Fatima", "1"),
    ]  # fmt: skip
    assert all(r["entered_at"] for r in tables["paper_ballots.csv"])
    votes = {r["idea"]: (r["votes"], r["paper_votes"]) for r in tables["votes.csv"]}
    assert votes["4"] == ("9", "8") and votes["1"] == ("6", "4")
    assert tables["rounds.csv"][0]["paper_voters"] == "10"


async def test_paper_in_the_voting_stage_counts_too(harness):
    round_ = await _open(harness)
    await harness.send(harness.residents[0], "Bus stop", reply_to=round_.prompt_message_id)
    await harness.send(harness.facilitator, "/vote")
    await harness.send(harness.facilitator, "/paper 1 1=3 voters=5")
    assert harness.last_text() == "Paper ballots of round #1: 5 voters. idea 1: 3"
    await harness.send(harness.facilitator, "/close now")
    assert "5 neighbours voted. (0 online, 5 on paper)" in next(t for t in harness.texts() if "Results of" in t)


async def test_paper_on_a_closed_round_is_refused(harness):
    round_ = await _open(harness)
    await harness.send(harness.residents[0], "Bus stop", reply_to=round_.prompt_message_id)
    await harness.send(harness.facilitator, "/vote")
    await harness.send(harness.facilitator, "/close now")
    await harness.send(harness.facilitator, "/paper 1 1=3 voters=5")
    assert "Round #1 is closed: paper ballots are entered while it is open" in harness.last_text()
    assert await _tallies(harness, round_) == []


async def test_paper_by_a_resident_is_refused(harness):
    round_ = await _open(harness)
    await harness.send(harness.residents[0], "Bus stop", reply_to=round_.prompt_message_id)
    await harness.send(harness.residents[0], "/paper 1 1=3 voters=5")
    assert "only the group's facilitators" in harness.last_text()
    assert await _tallies(harness, round_) == []


@pytest.mark.parametrize(
    ("written", "answer"),
    [
        ("/paper", "Write the round number, each idea's paper votes"),
        ("/paper 1", "Write the round number, each idea's paper votes"),
        ("/paper one 1=3 voters=5", "is not a round number"),
        ("/paper 1 1=3", "Write how many people voted on paper"),
        ("/paper 1 1=three voters=5", "“\u20681=three\u2069” is not IDEA=COUNT"),
        ("/paper 1 1:3 voters=5", "“\u20681:3\u2069” is not IDEA=COUNT"),
        ("/paper 1 x=3 voters=5", "“\u2068x=3\u2069” is not IDEA=COUNT"),
        ("/paper 1 1= voters=5", "“\u20681=\u2069” is not IDEA=COUNT"),
        ("/paper 1 1=-2 voters=5", "“\u20681=-2\u2069”: a count cannot be negative"),
        ("/paper 1 1=3 voters=-5", "a count cannot be negative"),
        ("/paper 1 1=3 1=2 voters=5", "Idea 1 is written twice"),
        ("/paper 1 1=3 voters=5 voters=6", "Write voters=V once"),
        ("/paper 1 1=6 voters=5", "Idea 1 has 6 paper votes, more than the 5 paper voters"),
        ("/paper 1 1=3 2=1 voters=5", "Round #1 has no idea 2. Nothing was changed."),
        ("/paper 7 1=3 voters=5", "There is no round #7 in this group."),
    ],
)
async def test_bad_paper_tallies_are_refused_and_change_nothing(harness, written, answer):
    round_ = await _open(harness)
    await harness.send(harness.residents[0], "Bus stop", reply_to=round_.prompt_message_id)
    await harness.send(harness.facilitator, written)
    assert answer in harness.last_text()
    assert await _tallies(harness, round_) == []


async def test_paper_message_replayed_enters_one_tally(harness):
    round_ = await _open(harness)
    await harness.send(harness.residents[0], "Bus stop", reply_to=round_.prompt_message_id)
    update = harness.telegram.message_update(harness.group, harness.facilitator, "/paper 1 1=3 voters=5")
    await harness.deliver(update)
    await harness.deliver(update)
    assert len(await _tallies(harness, round_)) == 1


async def test_paper_tallies_are_append_only(harness):
    round_ = await _open(harness)
    await harness.send(harness.residents[0], "Bus stop", reply_to=round_.prompt_message_id)
    await harness.send(harness.facilitator, "/paper 1 1=3 voters=5")
    with pytest.raises(Exception, match="append-only"):
        async with harness.db.transaction() as conn:
            await conn.execute("UPDATE paper_tallies SET voters = 50")
    with pytest.raises(Exception, match="append-only"):
        async with harness.db.transaction() as conn:
            await conn.execute("DELETE FROM paper_votes")


def test_paper_limits_at_their_edges():
    assert parse_paper(["1", "1=5", "voters=5"]).votes == {1: 5}
    assert parse_paper(["1", "1=0", "voters=0"]).voters == 0
    assert parse_paper(["1", f"voters={MAX_PAPER_VOTERS}"]).voters == MAX_PAPER_VOTERS
    with pytest.raises(DomainError):
        parse_paper(["1", f"voters={MAX_PAPER_VOTERS + 1}"])
    with pytest.raises(DomainError):
        parse_paper(["1", "1=6", "voters=5"])
    assert parse_paper(["#2", "VOTERS=3", "#1=2"]).votes == {1: 2}


def test_results_keep_the_online_and_paper_split_for_a_chart():
    results = rank([Tally(1, 1, "a", 27, paper=15), Tally(2, 2, "b", 10, paper=0)], voters=50, paper_voters=20)
    first = results.placings[0]
    assert (first.tally.online, first.tally.paper, results.online_voters, results.paper_voters) == (12, 15, 30, 20)
    assert (first.share, first.online_share, first.paper_share) == (27 / 50, 12 / 30, 15 / 20)


# ---------------------------------------------------- paper votes follow the ideas they count


async def _three_ideas_on_paper(harness, tally: str):
    """Round 1 with Ben's "Bus stop", Chloe's "Park" and Dawid's "Library", and ``tally`` on paper."""
    round_ = await _open(harness)
    ben, chloe, dawid = harness.residents[:3]
    sent = {}
    for resident, idea in zip((ben, chloe, dawid), ("Bus stop", "Park", "Library"), strict=True):
        sent[idea] = await harness.send(resident, idea, reply_to=round_.prompt_message_id)
    await harness.send(harness.facilitator, f"/paper 1 {tally}")
    return round_, sent


async def _counted(harness, round_) -> dict[int, int]:
    """Idea number -> paper votes in the tally that counts."""
    async with harness.db.read() as conn:
        numbers = {idea.id: idea.number for idea in await rounds.ideas(conn, round_.id)}
    latest = (await _tallies(harness, round_))[-1]
    return {numbers[idea_id]: votes for idea_id, votes in latest.votes.items()}


async def _results(harness, round_) -> str:
    harness.advance(hours=2)
    await deadlines.run_due(harness.app)  # voting opens
    await harness.send(harness.facilitator, "/close now")
    return next(text for text in harness.texts() if "Results of round #1" in text)


async def test_merging_moves_the_paper_votes_to_the_kept_idea_when_the_ballots_say_how_many(harness):
    round_, _sent = await _three_ideas_on_paper(harness, "1=0 2=8 3=5 voters=10")
    await harness.send(harness.facilitator, "/merge 1 2")
    assert "On paper, idea 1 now has 8 votes." in harness.last_text()
    assert await _counted(harness, round_) == {1: 8, 3: 5}
    assert [tally.voters for tally in await _tallies(harness, round_)] == [10, 10]
    await harness.send(harness.facilitator, "/export")
    (params,) = harness.telegram.sent("sendDocument", harness.group.id)
    with zipfile.ZipFile(io.BytesIO(params["document"][1])) as archive:
        history = list(csv.DictReader(io.StringIO(archive.read("paper_ballots.csv").decode("utf-8-sig"))))
    assert [(r["entry"], r["idea"], r["votes"], r["reason"], r["counted"]) for r in history] == [
        ("1", "1", "0", "entered", "0"), ("1", "2", "8", "entered", "0"), ("1", "3", "5", "entered", "0"),
        ("2", "1", "8", "merged", "1"), ("2", "3", "5", "merged", "1"),
    ]  # fmt: skip
    results = await _results(harness, round_)
    assert "1st · idea 1 · \u2068Bus stop\u2069 — 8 votes, 80%" in results
    assert "10 neighbours voted. (0 online, 10 on paper)" in results


@pytest.mark.parametrize(("tally", "merged"), [("1=10 2=4 voters=10", 10), ("1=3 2=0 voters=10", 3)])
async def test_merging_counts_a_ballot_that_ticked_both_once(harness, tally, merged):
    round_, _sent = await _three_ideas_on_paper(harness, tally)
    await harness.send(harness.facilitator, "/merge 1 2")
    assert "is folded into idea 1" in harness.last_text()
    assert (await _counted(harness, round_))[1] == merged


async def test_a_merge_whose_paper_votes_cannot_be_told_apart_is_refused(harness):
    round_, _sent = await _three_ideas_on_paper(harness, "1=2 2=8 3=5 voters=10")
    await harness.send(harness.facilitator, "/merge 1 2")
    refusal = harness.last_text()
    assert "Ideas 1 and 2 both have paper votes" in refusal and "Nothing was changed." in refusal
    assert "/paper 1" in refusal
    async with harness.db.read() as conn:
        assert (await rounds.idea_by_number(conn, round_.id, 2)).merged_into is None
    assert len(await _tallies(harness, round_)) == 1
    await harness.send(harness.facilitator, "/paper 1 1=9 2=0 3=5 voters=10")  # counted again, as one idea
    await harness.send(harness.facilitator, "/merge 1 2")
    assert "is folded into idea 1" in harness.last_text()
    assert await _counted(harness, round_) == {1: 9, 2: 0, 3: 5}


async def test_withdrawing_an_idea_with_paper_votes_tells_the_facilitator_to_enter_the_tally_again(harness):
    round_, _sent = await _three_ideas_on_paper(harness, "1=2 2=8 3=5 voters=10")
    await harness.send(harness.residents[1], "/withdraw 2")
    answer = harness.last_text()
    assert "Idea 2 is withdrawn from round #1." in answer
    assert "Its 8 paper votes no longer count" in answer and "/paper 1" in answer
    assert await _counted(harness, round_) == {1: 2, 3: 5}
    assert [tally.reason for tally in await _tallies(harness, round_)] == ["entered", "withdrawn"]


async def test_an_idea_whose_words_change_loses_the_paper_votes_cast_for_the_old_words(harness):
    round_, sent = await _three_ideas_on_paper(harness, "1=2 2=8 3=5 voters=10")
    await harness.deliver(harness.telegram.edit_update(harness.group, sent["Library"], "A skate park"))
    notice = harness.last_text()
    assert "Idea 3 now says something else" in notice and "its 5 paper votes no longer count" in notice
    assert "/paper 1" in notice
    assert await _counted(harness, round_) == {1: 2, 2: 8}
    await harness.deliver(harness.telegram.edit_update(harness.group, sent["Park"], "park"))  # the same words
    assert await _counted(harness, round_) == {1: 2, 2: 8}
    results = await _results(harness, round_)
    assert "1st · idea 2 · \u2068park\u2069 — 8 votes" in results
    assert "\u2068A skate park\u2069 — 0 votes" in results
    assert "10 neighbours voted. (0 online, 10 on paper)" in results
