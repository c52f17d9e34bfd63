"""Scheduled summaries, /summary, and summaries across a restart."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from bot.app import build_application
from bot.demo.emulator.request import EmulatorRequest
from bot.domain import callbacks
from bot.domain.deadline_kinds import DeadlineKind
from bot.domain.ledger import EntryDraft, EntryKind, EntryStatus
from bot.flows import summaries
from bot.runtime import deadlines, scheduling
from storage import deadlines as stored_deadlines
from storage import groups, ledger, to_db
from tests.support.credit_helpers import entries

MONDAY_9 = dt.datetime(2026, 11, 9, 9, 0, tzinfo=dt.UTC)  # the fake clock starts a week before


def _summaries(texts: list[str]) -> list[str]:
    return [text for text in texts if text.startswith("What happened since")]


async def _group(harness):
    async with harness.db.read() as conn:
        return await groups.get_by_chat(conn, harness.group.id)


async def _open_round_with_ideas(harness) -> None:
    await harness.send(harness.facilitator, "/round 10d 2d Where should the new bench go?")
    for resident, idea in zip(harness.residents[:2], ("By the bus stop", "In the park"), strict=True):
        await harness.send(resident, f"/idea {idea}")


async def test_weekly_summary_posts_the_week_and_plans_the_next(harness):
    await _open_round_with_ideas(harness)
    harness.clock.set(MONDAY_9)
    assert await deadlines.run_due(harness.app) >= 1
    [summary] = _summaries(harness.texts())
    assert "#1" in summary and "Where should the new bench go?" in summary
    assert "2 ideas from 2 neighbours" in summary
    group = await _group(harness)
    assert group.last_summary_at == MONDAY_9
    async with harness.db.read() as conn:
        following = await stored_deadlines.get(conn, DeadlineKind.SUMMARY, group.id)
    assert following.due_at == MONDAY_9 + dt.timedelta(days=7) and following.done_at is None


async def test_a_week_in_which_nothing_happened_posts_nothing(harness):
    await harness.send(harness.facilitator, "/help")
    harness.clock.set(MONDAY_9)
    await deadlines.run_due(harness.app)
    assert _summaries(harness.texts()) == []
    assert (await _group(harness)).last_summary_at == MONDAY_9


async def test_summary_names_volunteers_and_draws_hours_per_week(harness):
    await harness.send(harness.residents[0], "/help")
    group = await _group(harness)
    ben = harness.residents[0].id
    async with harness.db.transaction() as conn:
        await ledger.add(conn, EntryDraft(
            group_id=group.id, kind=EntryKind.VOLUNTEERING, from_member=None, to_member=ben, minutes=150,
            note="litter pick", status=EntryStatus.CONFIRMED, created_by=ben, confirmed_by=harness.facilitator.id,
            created_at=harness.clock.now() + dt.timedelta(days=1)))  # fmt: skip
    harness.clock.set(MONDAY_9)
    await deadlines.run_due(harness.app)
    [summary] = _summaries(harness.texts())
    assert "2 hours 30 minutes of volunteering confirmed, by 1 neighbour" in summary
    assert "Thank you, \u2068Ben\u2069 (2 hours 30 minutes)!" in summary
    assert [sent.method for sent in harness.telegram.files] == ["sendPhoto"]


async def test_summary_command_posts_the_period_so_far_without_ending_it(harness):
    await _open_round_with_ideas(harness)
    await harness.send(harness.facilitator, "/summary")
    assert len(_summaries(harness.texts())) == 1
    assert (await _group(harness)).last_summary_at is None


async def test_summary_command_says_when_nothing_happened(harness):
    await harness.send(harness.facilitator, "/summary")
    assert harness.last_text().startswith("Nothing new since")


async def test_non_facilitator_cannot_ask_for_a_summary(harness):
    await _open_round_with_ideas(harness)
    await harness.send(harness.residents[3], "/summary")
    assert "only the group's facilitators" in harness.last_text()
    assert _summaries(harness.texts()) == []


async def test_summary_missed_while_down_is_posted_once(tmp_path, telegram, clock, harness):
    await _open_round_with_ideas(harness)
    config = harness.app.services.config
    await harness.app.shutdown()  # the bot goes down with the round open ...
    clock.set(MONDAY_9 + dt.timedelta(days=15, hours=3))  # ... and misses three Mondays
    restarted = build_application(config, request=EmulatorRequest(telegram), clock=clock, rate_limiter=False)
    async with restarted:
        assert len(_summaries(telegram.texts(harness.group.id))) == 1
        async with restarted.services.db.read() as conn:
            group = await groups.get_by_chat(conn, harness.group.id)
            following = await stored_deadlines.get(conn, DeadlineKind.SUMMARY, group.id)
        assert following.due_at == MONDAY_9 + dt.timedelta(days=21)
        await deadlines.run_due(restarted)
    assert len(_summaries(telegram.texts(harness.group.id))) == 1


async def test_start_up_plans_a_summary_only_for_a_group_without_one(harness):
    await harness.add_bot()
    group = await _group(harness)
    moved = MONDAY_9 + dt.timedelta(hours=5)
    async with harness.db.transaction() as conn:
        await stored_deadlines.set_due(conn, group_id=group.id, kind=DeadlineKind.SUMMARY, ref_id=group.id,
                                       due_at=moved)  # fmt: skip
    await summaries.plan_missing(harness.app)
    await scheduling.catch_up(harness.app)
    async with harness.db.read() as conn:
        assert (await stored_deadlines.get(conn, DeadlineKind.SUMMARY, group.id)).due_at == moved  # kept

    async with harness.db.transaction() as conn:
        await stored_deadlines.finish(conn, DeadlineKind.SUMMARY, group.id, harness.clock.now())
    await summaries.plan_missing(harness.app)
    await scheduling.catch_up(harness.app)
    async with harness.db.read() as conn:
        planned = await stored_deadlines.get(conn, DeadlineKind.SUMMARY, group.id)
    assert planned.done_at is None and planned.due_at == MONDAY_9  # the next Monday 09:00 after joining


async def test_summary_telegram_refuses_is_kept_for_the_next_one(harness):
    await _open_round_with_ideas(harness)
    chat = harness.telegram.chats.pop(harness.group.id)  # Telegram answers "chat not found"
    harness.clock.set(MONDAY_9)
    await deadlines.run_due(harness.app)
    group = await _group(harness)
    assert group.last_summary_at is None  # the period is not lost ...
    async with harness.db.read() as conn:
        following = await stored_deadlines.get(conn, DeadlineKind.SUMMARY, group.id)
    assert following.due_at == MONDAY_9 + dt.timedelta(days=7)  # ... and the next summary still comes
    harness.telegram.chats[chat.id] = chat
    harness.clock.set(following.due_at)
    await deadlines.run_due(harness.app)
    refused, posted = _summaries(harness.texts())  # the emulator records the refused call too
    assert posted.startswith("What happened since Monday 2 November")


async def test_summary_of_a_closed_round_lists_its_leading_ideas_with_a_chart(harness):
    await harness.send(harness.facilitator, "/round 1h 1h Which day for the litter pick?")
    for resident, idea in zip(harness.residents[:2], ("Saturday", "Sunday"), strict=True):
        await harness.send(resident, f"/idea {idea}")
    harness.advance(hours=1)
    await deadlines.run_due(harness.app)
    assert len(harness.telegram.sent("sendPoll")) == 1
    poll_id = next(iter(harness.telegram.polls))
    for resident in harness.residents[:3]:
        await harness.vote(resident, poll_id, [0])
    harness.advance(hours=1)
    await deadlines.run_due(harness.app)
    photos_before = len(harness.telegram.files)
    await harness.send(harness.facilitator, "/summary")
    [summary] = _summaries(harness.texts())
    assert "Rounds closed" in summary
    assert "\u2068Saturday\u2069 — 3 votes" in summary and "\u2068Sunday\u2069 — 0 votes" in summary
    assert len(harness.telegram.files) == photos_before + 1


async def _closed_round(harness) -> None:
    """Round #1, asked, voted on and closed within the first two hours."""
    await harness.send(harness.facilitator, "/round 1h 1h Which day for the litter pick?")
    await harness.send(harness.residents[0], "/idea Saturday")
    harness.advance(hours=1)
    await deadlines.run_due(harness.app)
    await harness.vote(harness.residents[1], next(iter(harness.telegram.polls)), [0])
    harness.advance(hours=1)
    await deadlines.run_due(harness.app)


async def test_what_is_done_in_the_same_second_as_a_summary_is_in_it_and_not_in_the_next(harness):
    ben, chloe, dawid = harness.residents[:3]
    await _closed_round(harness)
    await harness.send(harness.facilitator, "/round 30d 2d Where should the new bench go?")
    await harness.send(ben, "/log 2h litter pick on Chapel St")
    harness.clock.set(MONDAY_9)  # the summary is due now; all of this happens in its second
    await harness.send(chloe, "/idea By the bus stop")
    entry = (await entries(harness))[-1]
    await harness.press(chloe, entry.message_id, callbacks.encode(callbacks.Action.CREDIT_CONFIRM, entry.id))
    await harness.send(harness.facilitator, "/outcome 1 We picked litter on Saturday.")

    await harness.send(harness.facilitator, "/summary")
    harness.clock.set(MONDAY_9 + dt.timedelta(milliseconds=500))
    await deadlines.run_due(harness.app)
    asked, scheduled = _summaries(harness.texts())
    for summary in (asked, scheduled):
        assert "1 idea from 1 neighbour" in summary
        assert "2 hours of volunteering confirmed, by 1 neighbour" in summary
        assert "We picked litter on Saturday." in summary

    await harness.send(dawid, "/log 1h fixed the bench")
    entry = (await entries(harness))[-1]
    await harness.press(chloe, entry.message_id, callbacks.encode(callbacks.Action.CREDIT_CONFIRM, entry.id))
    harness.clock.set(MONDAY_9 + dt.timedelta(days=7))
    await deadlines.run_due(harness.app)
    [*_reported, following] = _summaries(harness.texts())
    assert "1 hour of volunteering confirmed, by 1 neighbour" in following
    assert "We picked litter" not in following


@given(st.lists(st.datetimes(timezones=st.just(dt.UTC)), min_size=2))
def test_stored_moments_sort_as_the_moments_do_to_the_microsecond(moments):
    """Periods are compared as stored text: a fraction of a second must sort correctly."""
    assert sorted(moments, key=to_db) == sorted(moments)


async def test_summary_of_a_voting_round_counts_its_voters_so_far(harness):
    await harness.send(harness.facilitator, "/round 1h 1d Which day for the litter pick?")
    for resident, idea in zip(harness.residents[:2], ("Saturday", "Sunday"), strict=True):
        await harness.send(resident, f"/idea {idea}")
    harness.advance(hours=1)
    await deadlines.run_due(harness.app)
    poll_id = next(iter(harness.telegram.polls))
    for resident in harness.residents[:3]:
        await harness.vote(resident, poll_id, [0])
    await harness.send(harness.facilitator, "/summary")
    [summary] = _summaries(harness.texts())
    assert "voting until" in summary and "3 neighbours have voted so far" in summary


async def test_summary_lists_each_closed_round_with_its_own_ideas(harness):
    for question, ideas, choice in (("Which day?", ("Saturday", "Sunday"), 1), ("Which park?", ("North", "South"), 0)):
        await harness.send(harness.facilitator, f"/round 1h 1h {question}")
        for resident, idea in zip(harness.residents[:2], ideas, strict=True):
            await harness.send(resident, f"/idea {idea}")
        harness.advance(hours=1)
        await deadlines.run_due(harness.app)
        await harness.vote(harness.residents[0], list(harness.telegram.polls)[-1], [choice])
        harness.advance(hours=1)
        await deadlines.run_due(harness.app)
    await harness.send(harness.facilitator, "/summary")
    [summary] = _summaries(harness.texts())
    day, park = summary.split("Which day?")[1].split("Which park?")
    assert day.index("Sunday") < day.index("Saturday") and "North" not in day and "Saturday" not in park
    assert park.index("North") < park.index("South")
