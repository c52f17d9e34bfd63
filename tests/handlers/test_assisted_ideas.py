"""Assisted ideas: a facilitator enters an idea for a neighbour who is not in the chat,
credited "NAME (via FACILITATOR)" in the listing, the ballot, the results and the export."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

from bot.domain.errors import DomainError
from bot.domain.inclusion import MAX_ASSISTED_NAME_LENGTH, parse_assist
from bot.domain.rounds import MAX_IDEA_LENGTH, Stage
from tests.support.ideas_helpers import open_round, reactions, stored_ideas
from tests.support.round_helpers import current, poll_ids


async def test_assist_as_a_reply_to_the_prompt_adds_the_neighbours_idea(harness):
    round_ = await open_round(harness)
    message_id = await harness.send(harness.facilitator, "/assist Maria: A bench by the bus stop", reply_to=round_.prompt_message_id)
    (idea,) = await stored_ideas(harness, round_)
    assert (idea.text, idea.assisted_name, idea.author_id) == ("A bench by the bus stop", "Maria", harness.facilitator.id)
    assert [int(r["message_id"]) for r in reactions(harness)] == [message_id]


async def test_assist_with_a_round_number_needs_no_reply(harness):
    round_ = await open_round(harness)
    await harness.send(harness.facilitator, "/assist #1 Mr Okafor: Fix the lift")
    (idea,) = await stored_ideas(harness, round_)
    assert (idea.text, idea.assisted_name) == ("Fix the lift", "Mr Okafor")


async def test_assisted_idea_is_listed_as_name_via_facilitator(harness):
    round_ = await open_round(harness)
    await harness.send(harness.residents[0], "Plant trees", reply_to=round_.prompt_message_id)
    await harness.send(harness.facilitator, "/assist 1 Maria: A bench")
    await harness.send(harness.residents[0], "/ideas")
    listing = harness.last_text()
    assert "2. \u2068A bench\u2069 — \u2068Maria\u2069 (via \u2068Fatima\u2069)" in listing


async def test_assisted_idea_is_voted_on_and_credited_in_ballot_and_results(harness):
    round_ = await open_round(harness)
    await harness.send(harness.residents[0], "Plant trees", reply_to=round_.prompt_message_id)
    await harness.send(harness.facilitator, "/assist 1 Maria: A bench")
    await harness.send(harness.facilitator, "/vote")
    ballot = harness.texts()[-1]
    assert "2. \u2068A bench\u2069 — \u2068Maria\u2069 (via \u2068Fatima\u2069)" in ballot
    [poll] = harness.telegram.sent("sendPoll")
    assert [option["text"] for option in poll["options"]] == ["1. Plant trees", "2. A bench"]
    [poll_id] = await poll_ids(harness, round_)
    await harness.vote(harness.residents[1], poll_id, [1])
    await harness.send(harness.facilitator, "/close now")
    assert (await current(harness, round_)).stage is Stage.CLOSED
    results = next(text for text in harness.texts() if "Results of round #1" in text)
    assert "1st · idea 2 · \u2068A bench\u2069 — \u2068Maria\u2069 (via \u2068Fatima\u2069) — 1 vote" in results


async def test_export_flags_the_assisted_idea_with_who_entered_it_and_when(harness):
    round_ = await open_round(harness)
    await harness.send(harness.residents[0], "Plant trees", reply_to=round_.prompt_message_id)
    await harness.send(harness.facilitator, "/assist 1 Maria: A bench")
    await harness.send(harness.facilitator, "/export")
    (params,) = harness.telegram.sent("sendDocument", harness.group.id)
    with zipfile.ZipFile(io.BytesIO(params["document"][1])) as archive:
        rows = list(csv.DictReader(io.StringIO(archive.read("ideas.csv").decode("utf-8-sig"))))
    assert [(r["author"], r["assisted_for"], r["entered_by"]) for r in rows] == [
        ("Ben", "", ""),
        ("Maria (via Fatima)", "Maria", "Fatima"),
    ]
    assert rows[1]["created_at"].startswith(harness.clock.now().date().isoformat())


async def test_resident_cannot_assist(harness):
    round_ = await open_round(harness)
    await harness.send(harness.residents[0], "/assist Maria: A bench", reply_to=round_.prompt_message_id)
    assert "only the group's facilitators" in harness.last_text()
    assert await stored_ideas(harness, round_) == []


@pytest.mark.parametrize(
    ("written", "answer"),
    [
        ("/assist", "Write the neighbour's name, a colon and their idea"),
        ("/assist Maria A bench", "Write the neighbour's name, a colon and their idea"),
        ("/assist : A bench", "Write the neighbour's name before the colon"),
        ("/assist Maria:", "Write the neighbour's idea after the colon"),
        ("/assist Maria:    ", "Write the neighbour's idea after the colon"),
    ],
)
async def test_assist_without_a_name_or_an_idea_is_refused(harness, written, answer):
    round_ = await open_round(harness)
    await harness.send(harness.facilitator, written, reply_to=round_.prompt_message_id)
    assert answer in harness.last_text()
    assert await stored_ideas(harness, round_) == []


async def test_assist_neither_replying_nor_numbered_is_refused(harness):
    round_ = await open_round(harness)
    await harness.send(harness.facilitator, "/assist Maria: A bench")
    assert "as a reply to the round's message" in harness.last_text()
    assert await stored_ideas(harness, round_) == []


async def test_assist_on_a_round_no_longer_collecting_is_refused(harness):
    round_ = await open_round(harness)
    await harness.send(harness.residents[0], "Plant trees", reply_to=round_.prompt_message_id)
    await harness.send(harness.facilitator, "/vote")
    await harness.send(harness.facilitator, "/close now")
    await harness.send(harness.facilitator, "/assist 1 Maria: A bench")
    assert harness.last_text() == "Round #1 is not collecting ideas any more."
    assert len(await stored_ideas(harness, round_)) == 1


async def test_assist_on_an_unknown_round_is_refused(harness):
    await open_round(harness)
    await harness.send(harness.facilitator, "/assist 9 Maria: A bench")
    assert harness.last_text() == "There is no round #9 in this group."


def test_assisted_name_and_idea_limits_at_their_edges():
    name = "M" * MAX_ASSISTED_NAME_LENGTH
    assert parse_assist(f"{name}: idea").name == name
    with pytest.raises(DomainError) as refused:
        parse_assist(f"{name}M: idea")
    assert refused.value.params == {"length": MAX_ASSISTED_NAME_LENGTH + 1, "limit": MAX_ASSISTED_NAME_LENGTH}
    assert len(parse_assist("Maria: " + "x" * MAX_IDEA_LENGTH).text) == MAX_IDEA_LENGTH
    with pytest.raises(DomainError):
        parse_assist("Maria: " + "x" * (MAX_IDEA_LENGTH + 1))


def test_a_colon_in_the_idea_stays_in_the_idea_and_a_leading_number_is_the_round():
    assert parse_assist("3 Maria: Meet at 10:30") == parse_assist("#3   Maria :Meet at 10:30")
    assisted = parse_assist("3 Maria: Meet at 10:30")
    assert (assisted.round_number, assisted.name, assisted.text) == (3, "Maria", "Meet at 10:30")
    assert parse_assist("Maria: 2 benches").round_number is None


# ------------------------------------------- an assisted neighbour's name and their consent


def _page(harness, group_site_token: str, name: str = "round-1.html") -> str:
    from bot.flows import site

    return (site.folder(harness.app, group_site_token) / name).read_text()


async def _site_token(harness) -> str:
    from storage import groups

    async with harness.db.read() as conn:
        return (await groups.get_by_chat(conn, harness.group.id)).site_token


async def test_the_public_page_names_an_assisted_neighbour_only_where_they_agreed(harness):
    await harness.send(harness.facilitator, "/settings public on")
    round_ = await open_round(harness)
    await harness.send(harness.facilitator, "/assist 1 Maria: A bench by the bus stop")
    await harness.send(harness.facilitator, "/assist 1 Mr Okafor (agreed): Fix the lift")
    [bench, lift] = await stored_ideas(harness, round_)
    assert (bench.assisted_name, bench.assisted_agreed) == ("Maria", False)
    assert (lift.assisted_name, lift.assisted_agreed) == ("Mr Okafor", True)
    await harness.send(harness.facilitator, "/settings timezone Europe/Warsaw")  # rebuilds the page
    page = _page(harness, await _site_token(harness))
    assert "a neighbour (via \u2068Fatima\u2069)" in page and "Maria" not in page
    assert "\u2068Mr Okafor\u2069 (via \u2068Fatima\u2069)" in page
    await harness.send(harness.residents[0], "/ideas")  # inside the group the name stays
    assert "1. \u2068A bench by the bus stop\u2069 — \u2068Maria\u2069 (via \u2068Fatima\u2069)" in harness.last_text()
    await harness.send(harness.facilitator, "/summary")
    assert not any("Maria" in text for text in harness.texts() if "What happened since" in text)


@pytest.mark.parametrize(("language", "marker"), [("pl", "(zgoda)"), ("pl", "(Agreed)"), ("ar", "(موافق)"), ("ur", "(رضامند)")])
async def test_the_agreed_marker_is_written_in_the_groups_language_or_in_english(harness, language, marker):
    round_ = await open_round(harness)
    await harness.send(harness.facilitator, f"/settings language {language}")
    await harness.send(harness.facilitator, f"/assist 1 Maria {marker}: A bench")
    [idea] = await stored_ideas(harness, round_)
    assert (idea.assisted_name, idea.assisted_agreed) == ("Maria", True)


async def test_brackets_that_are_no_marker_stay_part_of_the_name(harness):
    round_ = await open_round(harness)
    await harness.send(harness.facilitator, "/assist 1 Maria (flat 4): A bench")
    [idea] = await stored_ideas(harness, round_)
    assert (idea.assisted_name, idea.assisted_agreed) == ("Maria (flat 4)", False)


async def test_a_facilitator_forgets_an_assisted_neighbours_name_on_their_request(harness, tmp_path):
    await harness.send(harness.facilitator, "/settings public on")
    round_ = await open_round(harness)
    await harness.send(harness.facilitator, "/assist 1 Wilhelmina Quist (agreed): A bench")
    await harness.send(harness.facilitator, "/assist 1 wilhelmina  quist: Fix the lift")
    await harness.send(harness.facilitator, "/assist 1 Maria: Plant trees")
    await harness.send(harness.facilitator, "/forget Wilhelmina Quist")
    assert "removed from 2 ideas" in harness.last_text()
    ideas = await stored_ideas(harness, round_)
    assert [(idea.assisted_name, idea.assisted_agreed) for idea in ideas] == [("", False), ("", False), ("Maria", False)]
    await harness.send(harness.residents[0], "/ideas")
    listing = harness.last_text()
    assert "1. \u2068A bench\u2069 — a neighbour (via \u2068Fatima\u2069)" in listing and "Wilhelmina" not in listing
    page = _page(harness, await _site_token(harness))
    assert "Wilhelmina" not in page and "A bench" in page
    await harness.send(harness.facilitator, "/export")
    (params,) = harness.telegram.sent("sendDocument", harness.group.id)
    with zipfile.ZipFile(io.BytesIO(params["document"][1])) as archive:
        rows = list(csv.DictReader(io.StringIO(archive.read("ideas.csv").decode("utf-8-sig"))))
    assert [r["author"] for r in rows] == ["a neighbour (via Fatima)"] * 2 + ["Maria (via Fatima)"]
    for path in tmp_path.iterdir():
        if path.name.startswith("coprod.sqlite3"):
            assert b"Wilhelmina" not in path.read_bytes() and b"wilhelmina" not in path.read_bytes(), path.name


@pytest.mark.parametrize("command", ["/forget Nobody", "/forget", "/forget    "])
async def test_forgetting_a_name_that_was_never_entered_changes_nothing(harness, command):
    round_ = await open_round(harness)
    await harness.send(harness.facilitator, "/assist 1 Maria: A bench")
    await harness.send(harness.facilitator, command)
    assert "Nothing was changed" in harness.last_text() or "/forget Maria" in harness.last_text()
    [idea] = await stored_ideas(harness, round_)
    assert idea.assisted_name == "Maria"


async def test_residents_cannot_forget_an_assisted_name(harness):
    round_ = await open_round(harness)
    await harness.send(harness.facilitator, "/assist 1 Maria: A bench")
    await harness.send(harness.residents[0], "/forget Maria")
    assert "only the group's facilitators" in harness.last_text()
    [idea] = await stored_ideas(harness, round_)
    assert idea.assisted_name == "Maria"
