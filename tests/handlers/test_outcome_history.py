"""Outcomes as a history: statuses (also in the group's language), append-only updates,
/review and the review reminder, with a fake clock."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain.deadline_kinds import DeadlineKind
from bot.runtime.deadlines import run_due
from storage import IntegrityError, deadlines, voting
from tests.handlers.test_outcomes import closed_round


async def history(harness, round_):
    async with harness.db.read() as conn:
        return await voting.outcome_history(conn, round_.id)


async def test_updates_are_kept_in_order_with_their_status(harness):
    round_ = await closed_round(harness, ["Fix the bench", "Plant bulbs"], [1, 1, 0])
    await harness.send(harness.facilitator, "/outcome 1 The council agreed to plant bulbs")
    assert "Status: planned" in harness.last_text()
    await harness.send(harness.facilitator, "/outcome 1 40% Half the bulbs are in")
    assert "Status: in progress (40%)" in harness.last_text()
    await harness.send(harness.facilitator, "/outcome 1 Volunteers came on Saturday")
    assert "Status: in progress (40%)" in harness.last_text()  # no status: it stays as it was
    await harness.send(harness.facilitator, "/outcome 1 done: All 200 bulbs planted")
    assert "Status: done" in harness.last_text()
    updates = await history(harness, round_)
    assert [(u.status, u.progress) for u in updates] == [
        ("planned", None), ("in_progress", 40), ("in_progress", 40), ("done", None)
    ]
    assert updates[-1].text == "All 200 bulbs planted"


@pytest.mark.parametrize("percent", ["0%", "100%"])
async def test_progress_at_its_edges_is_recorded(harness, percent):
    round_ = await closed_round(harness, ["Fix the bench"], [0])
    await harness.send(harness.facilitator, f"/outcome 1 {percent} Work on the bench")
    [update] = await history(harness, round_)
    assert update.progress == int(percent[:-1])


@pytest.mark.parametrize("percent", ["101%", "-1%", "140%", "-5%", "40.5%"])
async def test_progress_beyond_its_edges_is_refused(harness, percent):
    round_ = await closed_round(harness, ["Fix the bench"], [0])
    await harness.send(harness.facilitator, f"/outcome 1 {percent} Work on the bench")
    assert "is not a progress I can record" in harness.last_text()
    assert await history(harness, round_) == []


@pytest.mark.parametrize("text", ["/outcome 1 finishd: bench fixed", "/outcome 1 finishd"])
async def test_unknown_status_word_is_refused(harness, text):
    round_ = await closed_round(harness, ["Fix the bench"], [0])
    await harness.send(harness.facilitator, text)
    assert "“\u2068finishd\u2069” is not a status" in harness.last_text()
    assert "planned, in progress, a percentage such as 40%, half done, done or dropped" in harness.last_text()
    assert await history(harness, round_) == []


@pytest.mark.parametrize("text", ["/outcome 1 done", "/outcome 1 40%", "/outcome 1 dropped:"])
async def test_status_without_text_is_refused(harness, text):
    round_ = await closed_round(harness, ["Fix the bench"], [0])
    await harness.send(harness.facilitator, text)
    assert "Please write what happened" in harness.last_text()
    assert await history(harness, round_) == []


async def test_on_an_open_round_or_by_a_resident_nothing_changes(harness):
    round_ = await closed_round(harness, ["Fix the bench"], [0])
    await harness.send(harness.residents[0], "/outcome 1 done Bench fixed")
    assert "only the group's facilitators" in harness.last_text()
    await harness.send(harness.residents[0], "/review 1 2w")
    assert "only the group's facilitators" in harness.last_text()
    assert await history(harness, round_) == []


async def test_status_in_the_groups_language_is_understood(harness):
    round_ = await closed_round(harness, ["Fix the bench"], [0])
    await harness.send(harness.facilitator, "/settings language pl")
    await harness.send(harness.facilitator, "/outcome 1 zrobione Ławka naprawiona")
    [update] = await history(harness, round_)
    assert update.status == "done" and update.text == "Ławka naprawiona"


async def test_updates_are_append_only_in_the_database(harness):
    round_ = await closed_round(harness, ["Fix the bench"], [0])
    await harness.send(harness.facilitator, "/outcome 1 Bench ordered")
    [update] = await history(harness, round_)
    with pytest.raises(IntegrityError, match="append-only"):
        async with harness.db.transaction() as conn:
            await conn.execute("UPDATE outcomes SET text = 'changed' WHERE id = ?", (update.id,))
    with pytest.raises(IntegrityError, match="append-only"):
        async with harness.db.transaction() as conn:
            await conn.execute("DELETE FROM outcomes WHERE id = ?", (update.id,))


async def review_row(harness, round_):
    async with harness.db.read() as conn:
        return await deadlines.get(conn, DeadlineKind.OUTCOME_REVIEW, round_.id)


async def test_review_is_due_30_days_after_the_last_update_and_reminds_once(harness):
    round_ = await closed_round(harness, ["Fix the bench"], [0])
    await harness.send(harness.facilitator, "/outcome 1 Bench ordered")
    due = (await review_row(harness, round_)).due_at
    assert due - harness.clock.now() == dt.timedelta(days=30)
    harness.advance(days=29, hours=23)
    await run_due(harness.app)
    assert "waiting for an update" not in harness.last_text()
    harness.advance(hours=1)
    await run_due(harness.app)
    assert "Round #1 \u2068What should we do with the empty lot?\u2069 is waiting for an update" in harness.last_text()
    assert "/outcome 1" in harness.last_text()
    sent = len(harness.texts())
    harness.advance(days=2)
    await run_due(harness.app)
    assert len(harness.texts()) == sent


async def test_no_review_once_done_or_dropped(harness):
    round_ = await closed_round(harness, ["Fix the bench"], [0])
    await harness.send(harness.facilitator, "/outcome 1 Bench ordered")
    await harness.send(harness.facilitator, "/outcome 1 dropped The council said no")
    assert (await review_row(harness, round_)).done_at is not None
    await harness.send(harness.facilitator, "/review 1 2w")
    assert "needs no more updates" in harness.last_text()
    harness.advance(days=31)
    await run_due(harness.app)
    assert "waiting for an update" not in harness.last_text()


async def test_review_moves_the_reminder(harness):
    await closed_round(harness, ["Fix the bench"], [0])
    await harness.send(harness.facilitator, "/outcome 1 Bench ordered")
    await harness.send(harness.facilitator, "/review 1 2w")
    assert "The next update on round #1 is due Monday 16 November at 09:00" in harness.last_text()
    await harness.send(harness.facilitator, "/review 1 2026-12-01")
    assert "due Tuesday 1 December at 09:00" in harness.last_text()
    harness.advance(days=28)  # past the first date (16 November), before the new one
    await run_due(harness.app)
    assert "waiting for an update" not in harness.last_text()
    harness.advance(days=1)
    await run_due(harness.app)
    assert "waiting for an update" in harness.last_text()


@pytest.mark.parametrize(
    ("when", "answer"),
    [("2026-11-01", "has already passed"), ("yesterday", "not a time I understand"),
     ("2026-13-01", "not a date on the calendar"), ("0d", "has passed"), ("next year", "not a time I understand"),
     ("", "Write the round number")],
)  # fmt: skip
async def test_review_in_the_past_or_unreadable_is_refused(harness, when, answer):
    round_ = await closed_round(harness, ["Fix the bench"], [0])
    await harness.send(harness.facilitator, "/outcome 1 Bench ordered")
    before = await review_row(harness, round_)
    await harness.send(harness.facilitator, f"/review 1 {when}".strip())
    assert answer in harness.last_text()
    assert await review_row(harness, round_) == before


async def test_review_on_an_open_round_is_refused(harness):
    from tests.support.round_helpers import round_with_ideas

    await round_with_ideas(harness, ["Fix the bench"])
    await harness.send(harness.facilitator, "/review 1 2w")
    assert harness.last_text() == "Round #1 is not closed yet."
