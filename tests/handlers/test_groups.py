"""Joining, leaving, migrating, and who counts as a facilitator."""

from __future__ import annotations

from bot.domain.rounds import Stage
from bot.flows.voting import close_voting
from bot.runtime.roles import CACHE_FOR
from storage import groups, voting
from tests.support.round_helpers import current, poll_ids, round_with_ideas


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


def upgrade_to_supergroup(telegram, old: int, new: int) -> None:
    """What Telegram does: the history moves to the new id, and the old one refuses every call."""
    telegram.chats[new] = telegram.chats[old]
    for (chat_id, message_id), message in list(telegram.messages.items()):
        if chat_id == old:
            telegram.messages[(new, message_id)] = message
    telegram.poll_messages = {poll: (new if chat == old else chat, message)
                              for poll, (chat, message) in telegram.poll_messages.items()}  # fmt: skip
    telegram.migrated[old] = new


async def test_migration_mid_vote_closes_the_round_in_the_new_chat(harness):
    round_ = await round_with_ideas(harness, ["Fix the bench", "Plant bulbs"])
    await harness.send(harness.facilitator, "/vote")
    [poll_id] = await poll_ids(harness, round_)
    await harness.vote(harness.residents[0], poll_id, [1])
    new_id = -1009999
    upgrade_to_supergroup(harness.telegram, harness.group.id, new_id)
    assert await close_voting(harness.app, await current(harness, round_))  # the deadline, before any service message
    assert (await current(harness, round_)).stage is Stage.CLOSED
    assert harness.telegram.polls[poll_id]["is_closed"] is True
    results = [params for name, params in harness.telegram.calls if name == "sendMessage"][-1]
    assert results["chat_id"] == new_id and "Results of round #1" in results["text"]
    async with harness.db.read() as conn:
        assert (await groups.get_by_chat(conn, new_id)).id == round_.group_id
        assert {poll.chat_id for poll in await voting.polls(conn, round_.id)} == {new_id}


async def test_migration_service_message_moves_the_polls_too(harness):
    round_ = await round_with_ideas(harness, ["Fix the bench", "Plant bulbs"])
    await harness.send(harness.facilitator, "/vote")
    new_id = -1009999
    harness.telegram.chats[new_id] = harness.telegram.chats[harness.group.id]
    await harness.send(harness.facilitator, None, migrate_to_chat_id=new_id)
    async with harness.db.read() as conn:
        assert {poll.chat_id for poll in await voting.polls(conn, round_.id)} == {new_id}


async def test_a_demoted_admin_cannot_close_as_soon_as_telegram_says_so(harness):
    round_ = await round_with_ideas(harness, ["Fix the bench", "Plant bulbs"])
    chloe = harness.residents[1]
    await harness.deliver(harness.telegram.admin_change_update(harness.group, harness.facilitator, chloe, promoted=True))
    await harness.send(chloe, "/vote")  # the admin list is read, and cached, with Chloe in it
    assert (await current(harness, round_)).stage is Stage.VOTING
    await harness.deliver(harness.telegram.admin_change_update(harness.group, harness.facilitator, chloe, promoted=False))
    await harness.send(chloe, "/close now")
    assert "only the group's facilitators" in harness.last_text()
    assert (await current(harness, round_)).stage is Stage.VOTING


async def test_without_a_chat_member_update_a_demotion_counts_when_the_cache_expires(harness):
    round_ = await round_with_ideas(harness, ["Fix the bench", "Plant bulbs"])
    chloe = harness.residents[1]
    harness.group.admins.add(chloe.id)
    await harness.send(chloe, "/vote")
    harness.group.admins.discard(chloe.id)  # the bot is not an admin: Telegram tells it nothing
    harness.advance(seconds=CACHE_FOR.total_seconds())
    await harness.send(chloe, "/close now")
    assert "only the group's facilitators" in harness.last_text()
    assert (await current(harness, round_)).stage is Stage.VOTING
