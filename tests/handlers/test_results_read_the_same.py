"""Results read the same everywhere: "1st · idea 7 · words" in the results, the chart and its
caption, the private notices, the summary, /rounds and the page; ties in words with /runoff
offered for a tie for first; no votes at all is one line."""

from __future__ import annotations

from bot.domain.rounds import Kind, Stage
from bot.runtime.deadlines import run_due
from storage import groups, rounds
from tests.handlers.test_notices import private_texts
from tests.handlers.test_public_page import _folder, _group
from tests.support.round_helpers import current, poll_ids, round_with_ideas


async def _voted(harness, ideas, ballots, *, language="en"):
    """A round of ``ideas`` voted on (resident i ticks ``ballots[i]``) and closed."""
    if language != "en":
        await harness.send(harness.facilitator, f"/settings language {language}")
    round_ = await round_with_ideas(harness, ideas)
    async with harness.db.transaction() as conn:
        await groups.update_settings(conn, round_.group_id, language=language)
    await harness.send(harness.facilitator, "/vote")
    [poll_id] = await poll_ids(harness, round_)
    for person, ticked in zip(harness.residents, ballots, strict=False):
        await harness.vote(person, poll_id, ticked)
    await harness.send(harness.facilitator, "/close now")
    return round_


def _results(harness) -> str:
    return next(text for text in reversed(harness.texts()) if "Results of round" in text or "نتائج الجولة" in text)


async def test_a_tie_for_first_is_said_in_words_and_offers_a_run_off(harness):
    await _voted(harness, ["Bench", "Tree", "Pond"], [[0, 1], [0, 1], [2]])
    results = _results(harness)
    assert "tied for 1st · idea 1 · \u2068Bench\u2069 — 2 votes, 67%" in results
    assert "tied for 1st · idea 2 · \u2068Tree\u2069 — 2 votes, 67%" in results
    assert "3rd · idea 3 · \u2068Pond\u2069 — 1 vote, 33%" in results
    assert results.endswith("Ideas 1 and 2 are tied for first place. Facilitators can settle it with a short "
                            "run-off vote: /runoff 1")  # fmt: skip
    [photo] = harness.telegram.sent("sendPhoto")
    assert "tied for 1st · idea 1 · Bench: 2 votes (67%)." in photo["caption"]


async def test_no_tie_for_first_offers_no_run_off(harness):
    await _voted(harness, ["Bench", "Tree", "Pond"], [[0], [0, 1], [2]])
    assert "/runoff" not in _results(harness)


async def test_runoff_opens_a_quick_poll_of_the_ideas_tied_for_first(harness):
    await _voted(harness, ["Bench", "Tree", "Pond"], [[0, 1], [0, 1], [2]])
    await harness.send(harness.facilitator, "/runoff 1")
    group = await _group(harness)
    async with harness.db.read() as conn:
        [runoff] = await rounds.open_rounds(conn, group.id)
        options = await rounds.ideas(conn, runoff.id)
    assert (runoff.kind, runoff.stage) == (Kind.POLL, Stage.VOTING)
    assert runoff.question == "Run-off of round #1: What should we do with the empty lot?"
    assert [idea.text for idea in options] == ["Bench", "Tree"]
    assert [o["text"] for o in harness.telegram.sent("sendPoll")[-1]["options"]] == ["1. Bench", "2. Tree"]


async def test_runoff_takes_its_own_length(harness):
    await _voted(harness, ["Bench", "Tree"], [[0, 1]])
    await harness.send(harness.facilitator, "/runoff 1 1d")
    group = await _group(harness)
    async with harness.db.read() as conn:
        [runoff] = await rounds.open_rounds(conn, group.id)
    assert runoff.voting_minutes == 24 * 60


async def test_runoff_without_a_tie_or_on_an_open_round_is_refused(harness):
    await _voted(harness, ["Bench", "Tree"], [[0], [0]])
    await harness.send(harness.facilitator, "/runoff 1")
    assert harness.last_text() == "Round #1 has no tie for first place, so there is nothing to run off."
    await harness.send(harness.facilitator, "/runoff")
    assert "Write the number of the round whose first place is tied" in harness.last_text()
    await harness.send(harness.residents[0], "/runoff 1")
    assert "only the group's facilitators" in harness.last_text()
    await round_with_ideas(harness, ["x"])
    await harness.send(harness.facilitator, "/runoff 2")
    assert harness.last_text() == "Round #2 is not closed yet."


async def test_nobody_voting_is_one_line_everywhere(harness):
    await harness.send(harness.facilitator, "/settings public on")
    await _voted(harness, ["Bench", "Tree", "Pond", "Bins", "Lights"], [])
    results = _results(harness)
    assert results.splitlines()[-1] == "Nobody voted." and "0 votes" not in results
    await harness.send(harness.residents[0], "/rounds")
    assert "Nobody voted." in harness.last_text()
    page = (_folder(harness, await _group(harness)) / "round-1.html").read_text()
    assert "Nobody voted." in page and "0%" not in page
    await harness.send(harness.facilitator, "/summary")
    [summary] = [text for text in harness.texts() if "What happened since" in text]
    assert "Nobody voted." in summary and "0 votes" not in summary


async def test_nobody_voting_in_arabic(harness):
    await _voted(harness, ["مقعد", "شجرة"], [], language="ar")
    assert _results(harness).splitlines()[-1] == "لم يصوّت أحد."


async def test_places_and_idea_numbers_read_the_same_in_arabic(harness):
    await _voted(harness, ["مقعد", "شجرة"], [[1], [1], [0]], language="ar")
    results = _results(harness)
    assert "المركز 1 · الفكرة 2 · \u2068شجرة\u2069" in results and "المركز 2 · الفكرة 1 · \u2068مقعد\u2069" in results


async def test_the_page_and_the_summary_name_places_and_ideas_the_same_way(harness):
    await harness.send(harness.facilitator, "/settings public on")
    await _voted(harness, ["Bench", "Tree"], [[1], [1], [0]])
    page = (_folder(harness, await _group(harness)) / "round-1.html").read_text()
    assert '<td class="number">1st</td><td>idea 2 · <bdi>Tree</bdi></td>' in page
    await harness.send(harness.facilitator, "/summary")
    [summary] = [text for text in harness.texts() if "What happened since" in text]
    assert "1st · idea 2 · \u2068Tree\u2069 — 2 votes" in summary and "2nd · idea 1 · \u2068Bench\u2069 — 1 vote" in summary


async def test_the_private_notice_names_the_place_and_the_idea(harness):
    ben = harness.residents[0]
    await harness.send_private(ben, "/start")
    await harness.send(ben, "/rounds")  # seen in the group: a current member, who may be told
    round_ = await round_with_ideas(harness, [])
    async with harness.db.transaction() as conn:
        from bot.domain.rounds import fold

        for text in ("Bench", "Tree"):
            await rounds.add_idea(conn, round_id=round_.id, text=text, folded=fold(text), author_id=ben.id,
                                  anonymous=False, now=harness.clock.now())  # fmt: skip
    await harness.send(harness.facilitator, "/vote")
    [poll_id] = await poll_ids(harness, round_)
    await harness.vote(harness.residents[1], poll_id, [1])
    await harness.send(harness.facilitator, "/close now")
    await run_due(harness.app)
    notice = private_texts(harness, ben)[-1]
    assert "Your idea: 1st · idea 2 · Tree, 1 vote." in notice and "Your idea: 2nd · idea 1 · Bench, 0 votes." in notice
    assert (await current(harness, round_)).stage is Stage.CLOSED


async def test_a_tie_for_first_in_arabic_offers_the_run_off(harness):
    await _voted(harness, ["مقعد", "شجرة"], [[0, 1]], language="ar")
    results = _results(harness)
    assert "المركز 1 بالتساوي · الفكرة 1 · \u2068مقعد\u2069" in results
    assert results.endswith("/runoff 1")
