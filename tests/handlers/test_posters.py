"""/poster [N]: a facilitator gets a round's printable poster (PDF) and its preview (PNG) in
the group's language; every other case is refused with a short answer and nothing sent."""

from __future__ import annotations

import io

import pypdfium2
import pytest
import zxingcpp
from PIL import Image

from bot.domain import callbacks
from bot.flows.rounds import deep_link
from bot.render.print_text import FONTS_DIR, SCRIPT_FONTS
from storage import groups, rounds
from tests.support.ideas_helpers import end_ideas_stage, open_round

pytestmark = pytest.mark.skipif(not (FONTS_DIR / SCRIPT_FONTS["ur"]).exists(), reason="fonts-noto-core not installed")


def _files(harness) -> tuple[list[dict], list[dict]]:
    return harness.telegram.sent("sendDocument", harness.group.id), harness.telegram.sent("sendPhoto", harness.group.id)


def _pdf_text(document: dict) -> str:
    _name, data = document["document"]
    page = pypdfium2.PdfDocument(data)[0]
    return page.get_textpage().get_text_range()


async def _choose_group_language(harness, language: str) -> None:
    await harness.add_bot()
    welcome = next(
        message_id for (chat_id, message_id), message in harness.telegram.messages.items()
        if chat_id == harness.group.id and "reply_markup" in message
    )  # fmt: skip
    await harness.press(harness.facilitator, welcome, callbacks.encode("language", language))
    async with harness.db.read() as conn:
        assert (await groups.get_by_chat(conn, harness.group.id)).language == language


async def test_facilitator_gets_the_newest_collecting_rounds_poster_and_its_preview(harness):
    await open_round(harness, "Where should the bench go?")
    round_ = await open_round(harness, "What should we do with the empty lot?")
    await harness.send(harness.facilitator, "/poster")
    [document], [photo] = _files(harness)
    assert document["document"][0] == "poster-round-2.pdf"
    assert document["caption"] == "A poster of round #2 to print on A4 and put up where neighbours pass by."
    assert photo["caption"] == "What the poster of round #2 looks like."
    text = _pdf_text(document)
    assert "Round #2" in text and "What should we do with the empty lot?" in text
    assert "No Telegram? Give your idea to one of the group's facilitators" in text.replace("\r\n", " ")
    image = Image.open(io.BytesIO(photo["photo"][1]))
    link = deep_link(harness.app.bot.username, round_)
    assert [code.text for code in zxingcpp.read_barcodes(image)] == [link]


async def test_poster_with_a_number_is_of_that_round(harness):
    await open_round(harness, "Where should the bench go?")
    await open_round(harness, "What should we do with the empty lot?")
    await harness.send(harness.facilitator, "/poster #1")
    [document], [_photo] = _files(harness)
    assert document["document"][0] == "poster-round-1.pdf"
    assert "Where should the bench go?" in _pdf_text(document)


async def test_poster_speaks_the_groups_language(harness):
    await _choose_group_language(harness, "pl")
    await open_round(harness, "Co zrobić z pustą działką?")
    await harness.send(harness.facilitator, "/poster")
    [document], [photo] = _files(harness)
    assert document["caption"].startswith("Plakat rundy #1")
    assert photo["caption"].startswith("Tak wygląda plakat rundy #1")
    text = _pdf_text(document)
    assert "Runda #1" in text and "Termin zgłaszania pomysłów:" in text


async def test_resident_cannot_make_a_poster(harness):
    await open_round(harness)
    await harness.send(harness.residents[0], "/poster")
    assert harness.last_text().startswith("Sorry, only the group's facilitators")
    assert _files(harness) == ([], [])


async def test_poster_without_a_collecting_round_is_refused(harness):
    await harness.send(harness.facilitator, "/poster")
    assert harness.last_text().startswith("No round is collecting ideas")
    round_ = await open_round(harness)
    await end_ideas_stage(harness, round_)
    harness.advance(minutes=2)  # the same refusal within a minute is only a reaction
    await harness.send(harness.facilitator, "/poster")
    assert harness.last_text().startswith("No round is collecting ideas")
    assert _files(harness) == ([], [])


@pytest.mark.parametrize("closed", [True, False])
async def test_poster_of_a_voting_or_closed_round_is_refused(harness, closed):
    round_ = await open_round(harness)
    await end_ideas_stage(harness, round_)
    if closed:
        async with harness.db.transaction() as conn:
            await rounds.close(conn, round_.id, now=harness.clock.now(), voter_count=0)
    await harness.send(harness.facilitator, "/poster 1")
    assert harness.last_text().startswith("Round #1 is no longer collecting ideas")
    assert _files(harness) == ([], [])


@pytest.mark.parametrize(("argument", "answer"), [
    ("7", "There is no round #7 in this group."),
    ("three", "“\u2068three\u2069” is not a round number. Write it like 3."),
    ("1 2", "“\u20681 2\u2069” is not a round number. Write it like 3."),
    ("-1", "“\u2068-1\u2069” is not a round number. Write it like 3."),
])  # fmt: skip
async def test_poster_with_an_unknown_or_bad_number_is_refused(harness, argument, answer):
    await open_round(harness)
    await harness.send(harness.facilitator, f"/poster {argument}")
    assert harness.last_text() == answer
    assert _files(harness) == ([], [])
