"""Member text is safe wherever it goes: no direction control escapes the bot's isolates in a
message, and no export cell opens as a formula in a spreadsheet."""

from __future__ import annotations

import asyncio
import csv
import io
import itertools
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import build_application
from bot.demo.emulator.request import EmulatorRequest
from bot.demo.emulator.telegram import FakeTelegram
from bot.domain import i18n
from bot.domain.export import FORMULA_STARTS
from bot.domain.member_text import DIRECTION_CONTROLS
from storage import members
from tests.support.credit_helpers import entries
from tests.support.harness import Harness, make_config, reference_spec
from tests.support.ideas_helpers import open_round, stored_ideas

FSI, PDI = "\u2068", "\u2069"
DANGEROUS = "".join(sorted(DIRECTION_CONTROLS))


def isolates_hold(text: str) -> bool:
    """Only the bot's own isolates, each closed once and in order: nothing overrides, embeds or
    closes an isolate early."""
    depth = 0
    for char in text:
        if char == FSI:
            depth += 1
        elif char == PDI:
            depth -= 1
            if depth < 0:
                return False
        elif char in DIRECTION_CONTROLS:
            return False
    return depth == 0


def bot_texts(harness, since: int = 0) -> list[str]:
    """Every text the bot sent or edited in, from call number ``since`` on."""
    calls = harness.telegram.calls[since:]
    return [params["text"] for method, params in calls if "text" in params and method != "answerCallbackQuery"]


def export_cells(harness) -> list[str]:
    params = harness.telegram.sent("sendDocument", harness.group.id)[-1]
    with zipfile.ZipFile(io.BytesIO(params["document"][1])) as archive:
        return [
            cell
            for name in archive.namelist()
            for row in csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig")))
            for cell in row
        ]


async def test_direction_controls_are_removed_from_names_ideas_and_notes(harness):
    mallory = harness.telegram.person(301, "Ben\u2069\u202e", last_name="\u2066K", username="mallory", language_code="en")
    round_ = await open_round(harness, "Where \u202ashould the bench go?")
    await harness.send(mallory, "/idea A garden\u2069\u202e by the wall")
    await harness.send(mallory, "/log 2h litter \u2067pick")
    await harness.send(mallory, "/ideas")

    async with harness.db.read() as conn:
        member = await members.get(conn, mallory.id)
    assert (member.first_name, member.last_name) == ("Ben", "K")
    assert [idea.text for idea in await stored_ideas(harness, round_)] == ["A garden by the wall"]
    assert round_.question == "Where should the bench go?"
    assert (await entries(harness))[-1].note == "litter pick"
    listing = harness.last_text()
    assert f"1. {FSI}A garden by the wall{PDI} — {FSI}Ben K{PDI}" in listing
    assert all(isolates_hold(text) for text in bot_texts(harness))


def test_user_text_removes_direction_controls_stored_before_the_rule():
    assert i18n.translator("ar").user_text("Ben\u2069\u202e") == f"{FSI}Ben{PDI}"


# ------------------------------------------------------------------ property: any member text

pieces = st.one_of(
    st.sampled_from([*DANGEROUS, *FORMULA_STARTS, "<b>", "&", "مرحبا", "-1", "+44", " "]),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=6),
)
member_text = st.lists(pieces, min_size=1, max_size=8).map("".join)


def test_random_member_text_never_escapes_into_messages_or_export_cells(database):
    telegram = FakeTelegram(reference_spec())
    app = build_application(make_config(database), request=EmulatorRequest(telegram),
                            rate_limiter=False)  # fmt: skip
    user_ids = itertools.count(1000)
    with asyncio.Runner() as runner:
        runner.run(app.initialize())
        harness = Harness(app, telegram, app.services.clock)
        runner.run(harness.add_bot())
        runner.run(harness.send(harness.facilitator, "/round What should we do with the empty lot?"))

        @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
        @given(name=member_text, idea=member_text)
        def member_writes(name: str, idea: str) -> None:
            since = len(telegram.calls)
            person = telegram.person(next(user_ids), name, language_code="en")
            runner.run(harness.send(person, f"/idea {idea} {person.id}"))
            runner.run(harness.send(person, f"/log 1h {idea}"))
            runner.run(harness.send(person, "/ideas"))
            runner.run(harness.send(harness.facilitator, "/export"))
            assert all(isolates_hold(text) for text in bot_texts(harness, since))
            cells = export_cells(harness)
            assert any(cell.endswith(str(person.id)) for cell in cells), "the idea was stored and exported"
            for cell in cells:
                assert not set(cell) & DIRECTION_CONTROLS
                assert not cell.startswith(FORMULA_STARTS) or cell.lstrip("+-").replace(".", "", 1).isdigit()

        try:
            member_writes()
        finally:
            runner.run(app.shutdown())
