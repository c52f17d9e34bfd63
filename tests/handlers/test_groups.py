"""Joining, leaving, migrating, and who counts as a facilitator."""

from __future__ import annotations

from storage import groups


async def test_bot_says_hello_once_when_added_to_a_group(harness):
    await harness.add_bot()
    await harness.add_bot()
    hellos = [text for text in harness.texts() if "Three ways to start" in text]
    assert len(hellos) == 1
    assert "/round" in hellos[0] and "/propose" in hellos[0] and "/log" in hellos[0]


async def test_removal_marks_group_inactive_and_keeps_it(harness):
    await harness.add_bot()
    await harness.deliver(
        harness.telegram.membership_update(harness.group, harness.facilitator, joined=False)
    )
    async with harness.db.read() as conn:
        group = await groups.get_by_chat(conn, harness.group.id)
    assert group is not None and group.active is False


async def test_supergroup_migration_keeps_the_group_under_its_new_id(harness):
    await harness.add_bot()
    new_id = -1009999
    harness.telegram.chats[new_id] = harness.telegram.chats[harness.group.id]
    await harness.send(harness.facilitator, None, migrate_to_chat_id=new_id)
    async with harness.db.read() as conn:
        assert await groups.get_by_chat(conn, harness.group.id) is None
        moved = await groups.get_by_chat(conn, new_id)
    assert moved is not None and moved.title == "Chapel Street neighbours"


async def test_help_answers_in_private_and_in_groups(harness):
    resident = harness.residents[0]
    await harness.send_private(resident, "/help")
    assert "Three ways to start" in harness.last_text(harness.telegram.private_chat(resident))
    await harness.send(resident, "/help@coprod_test_bot")
    assert "Three ways to start" in harness.last_text()
