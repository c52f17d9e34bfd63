"""Hours for a round: /log 2h for #3 links volunteered time to a round; its outcome, /rounds,
summaries and the ledger export show it."""

from __future__ import annotations

import io
import zipfile

import pytest

from bot.runtime import deadlines
from storage import groups
from tests.handlers.test_outcomes import closed_round
from tests.handlers.test_summaries import _summaries
from tests.support.credit_helpers import confirm, entries, log_entry


def read_zip(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}


async def test_hours_for_a_round_show_with_its_outcome_rounds_and_export(harness):
    ben, chloe, dawid = harness.residents[:3]
    round_ = await closed_round(harness, ["Fix the bench"], [0])
    first, _ = await log_entry(harness, ben, "/log 2h for #1 sanding the bench")
    second, _ = await log_entry(harness, chloe, "/log 1h30m FOR #1 painting")
    await log_entry(harness, dawid, "/log 1h for the kids' party")  # "for" without a round: only a note
    await confirm(harness, chloe, first)
    await confirm(harness, ben, second)
    stored = await entries(harness)
    assert [(e.round_id, e.note) for e in stored] == [
        (round_.id, "sanding the bench"), (round_.id, "painting"), (None, "for the kids' party"),
    ]
    await harness.send(harness.facilitator, "/outcome 1 Bench fixed")
    assert "3 hours 30 minutes given to it by 2 neighbours" in harness.last_text()
    await harness.send(ben, "/rounds")
    assert "3 hours 30 minutes given to it by 2 neighbours" in harness.last_text()
    await harness.send(harness.facilitator, "/export")
    (params,) = harness.telegram.sent("sendDocument", harness.group.id)
    files = read_zip(params["document"][1])
    assert files["ledger.csv"].splitlines()[0].endswith(",reverses,round")
    assert files["ledger.csv"].splitlines()[1].endswith(",1")
    assert files["outcomes.csv"].splitlines()[1].startswith("1,What should we do with the empty lot?,planned,,Bench fixed,")


async def test_pending_hours_are_not_counted_yet(harness):
    await closed_round(harness, ["Fix the bench"], [0])
    await log_entry(harness, harness.residents[0], "/log 2h for #1 sanding the bench")
    await harness.send(harness.facilitator, "/outcome 1 Bench fixed")
    assert "given to it" not in harness.last_text()


@pytest.mark.parametrize("text, answer", [
    ("/log 2h for #99 sanding", "There is no round #99 in this group."),
    ("/log 2h for #x sanding", "is not a round number"),
    ("/log 2h for #1", "Please say what you did"),
])  # fmt: skip
async def test_log_for_a_missing_round_is_refused(harness, text, answer):
    await closed_round(harness, ["Fix the bench"], [0])
    await harness.send(harness.residents[0], text)
    assert answer in harness.last_text()
    assert await entries(harness) == []


async def test_log_for_a_round_of_another_group_is_refused(harness):
    await closed_round(harness, ["Fix the bench"], [0])
    other = harness.telegram.group(-1009999, "Other street", owner=harness.facilitator)
    harness.telegram.join(other, *harness.residents)
    await harness.send(harness.residents[0], "/log 2h for #1 sanding", chat=other)
    assert harness.last_text(other) == "There is no round #1 in this group."
    async with harness.db.read() as conn:
        group = await groups.get_by_chat(conn, other.id)
        from storage import ledger

        assert await ledger.group_entries(conn, group.id) == []


async def test_summary_lists_updates_overdue_outcomes_and_hours_for_rounds(harness):
    ben, chloe = harness.residents[:2]
    await closed_round(harness, ["Fix the bench"], [0])
    await closed_round(harness, ["Plant bulbs"], [0])
    await harness.send(harness.facilitator, "/outcome 1 40% Bench half sanded")
    await harness.send(harness.facilitator, "/outcome 2 Bulbs ordered")
    await harness.send(harness.facilitator, "/review 2 1d")
    entry, _ = await log_entry(harness, ben, "/log 2h for #1 sanding the bench")
    await confirm(harness, chloe, entry)
    harness.advance(days=2)
    await deadlines.run_due(harness.app)
    await harness.send(harness.facilitator, "/summary")
    [summary] = _summaries(harness.texts())
    assert "#1 \u2068What should we do with the empty lot?\u2069 (in progress (40%)): \u2068Bench half sanded\u2069" in summary
    assert "Waiting for an update" in summary
    assert "#2 \u2068What should we do with the empty lot?\u2069: /outcome 2" in summary
    assert "2 hours given to round #1" in summary
