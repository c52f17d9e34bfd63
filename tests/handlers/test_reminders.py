"""One reminder per stage, with the counts so far; stages end on their own."""

from __future__ import annotations

import datetime as dt

from bot.domain.deadline_kinds import DeadlineKind
from bot.runtime import deadlines
from storage import deadlines as stored_deadlines
from storage import groups, rounds


def _reminders(texts: list[str]) -> list[str]:
    return [text for text in texts if "so far;" in text]


async def _round_with_ideas(harness, command: str) -> None:
    await harness.send(harness.facilitator, command)
    for resident, idea in zip(harness.residents[:3], ("Bus stop", "Park", "Library"), strict=True):
        await harness.send(resident, f"/idea {idea}")
    await harness.send(harness.residents[0], "/idea Church")


async def test_short_stage_is_reminded_at_three_quarters_with_the_counts(harness):
    await _round_with_ideas(harness, "/round 2h 1h Where should the bench go?")
    harness.advance(minutes=89)
    await deadlines.run_due(harness.app)
    assert _reminders(harness.texts()) == []
    harness.advance(minutes=1)
    await deadlines.run_due(harness.app)
    [reminder] = _reminders(harness.texts())
    assert "4 ideas from 3 neighbours so far; ideas close" in reminder
    assert "(in 30 minutes)" in reminder
    harness.advance(minutes=10)
    await deadlines.run_due(harness.app)
    assert len(_reminders(harness.texts())) == 1


async def test_long_stage_is_reminded_a_day_before(harness):
    await _round_with_ideas(harness, "/round 3d 2d Where should the bench go?")
    async with harness.db.read() as conn:
        group = await groups.get_by_chat(conn, harness.group.id)
        round_ = await rounds.by_number(conn, group.id, 1)
        reminder = await stored_deadlines.get(conn, DeadlineKind.REMINDER_IDEAS, round_.id)
    assert reminder.due_at == round_.ideas_ends_at - dt.timedelta(days=1)


async def test_each_stage_gets_its_own_reminder_and_ends_on_its_own(harness):
    await _round_with_ideas(harness, "/round 2h 1h Where should the bench go?")
    harness.advance(minutes=90)
    await deadlines.run_due(harness.app)  # ideas reminder
    harness.advance(minutes=30)
    await deadlines.run_due(harness.app)  # voting opens
    assert len(harness.telegram.sent("sendPoll")) == 1
    harness.advance(minutes=45)
    await deadlines.run_due(harness.app)
    reminders = _reminders(harness.texts())
    assert len(reminders) == 2 and "0 neighbours have voted so far; voting closes" in reminders[1]
    harness.advance(minutes=15)
    await deadlines.run_due(harness.app)
    assert len(harness.telegram.sent("stopPoll")) == 1


async def test_no_reminder_for_a_stage_a_facilitator_already_ended(harness):
    await _round_with_ideas(harness, "/round 2h 1h Where should the bench go?")
    await harness.send(harness.facilitator, "/vote")
    harness.advance(minutes=90)
    await deadlines.run_due(harness.app)
    assert not any("ideas close" in text for text in _reminders(harness.texts()))
