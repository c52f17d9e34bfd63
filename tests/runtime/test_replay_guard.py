"""The replay guard reads ``processed_updates`` only for ids that may be in it (bot/runtime/updates/guard.py)."""

from __future__ import annotations

from telegram import Update

from bot.app import build_application
from bot.demo.emulator.request import EmulatorRequest
from bot.runtime.updates.applied import AppliedUpdates
from bot.runtime.updates.inbox import Inbox
from storage import inbox as stored
from tests.support.databases import postgres_only
from tests.support.harness import make_config


async def test_ids_above_the_highest_applied_one_cannot_have_been_applied(harness):
    async with harness.db.transaction() as conn:
        await stored.mark_processed(conn, 40, harness.clock.now())
    applied = AppliedUpdates()
    assert await applied.includes(harness.db, 40)
    assert not await applied.includes(harness.db, 12)  # at or below the ceiling: asked, and not there
    async with harness.db.transaction() as conn:
        await stored.mark_processed(conn, 41, harness.clock.now())
    assert not await applied.includes(harness.db, 41)  # above the ceiling: not even asked
    applied.recorded(41)
    assert await applied.includes(harness.db, 41)


@postgres_only
async def test_on_a_shared_database_an_id_another_replica_applied_is_found_above_the_ceiling(harness):
    applied = AppliedUpdates(shared=True)
    async with harness.db.transaction() as conn:
        await stored.mark_processed(conn, 40, harness.clock.now())
    assert await applied.includes(harness.db, 40)
    async with harness.db.transaction() as conn:  # another replica applies 41
        await stored.mark_processed(conn, 41, harness.clock.now())
    assert await applied.includes(harness.db, 41)


async def test_update_applied_before_a_restart_is_skipped_after_it(harness, tmp_path, telegram, clock):
    update = harness.telegram.message_update(harness.group, harness.residents[0], "/help")
    inbox = Inbox(harness.app)
    await inbox.receive([Update.de_json(update, harness.app.bot)])
    await inbox.apply_pending()
    await harness.app.shutdown()

    restarted = build_application(
        make_config(harness.app.services.config.database, site_dir=tmp_path / "site"), request=EmulatorRequest(telegram), clock=clock, rate_limiter=False
    )
    async with restarted:
        await restarted.process_update(Update.de_json(update, restarted.bot))
    assert sum("Three ways to start" in text for text in harness.texts()) == 1
    await harness.app.initialize()


async def test_an_update_queued_in_the_inbox_below_the_ceiling_is_answered_without_a_read(harness, monkeypatch):
    async with harness.db.transaction() as conn:
        await stored.mark_processed(conn, 40, harness.clock.now())
    applied = AppliedUpdates()
    assert not await applied.includes(harness.db, 12)  # reads the ceiling, then asks about 12
    reads = []

    async def counted(conn, update_id):
        reads.append(update_id)
        return False

    monkeypatch.setattr(stored, "is_processed", counted)
    applied.queued(30)  # another chat's lane got ahead: 30 waits below the ceiling
    assert not await applied.includes(harness.db, 30)
    assert reads == []
    applied.recorded(30)
    assert not await applied.includes(harness.db, 30)
    assert reads == [30]  # applied now: no longer known to be pending, so it is asked again
