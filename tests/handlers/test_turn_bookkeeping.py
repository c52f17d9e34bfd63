"""Every update records its member and group; unchanged ones are not rewritten (handlers/common.py)."""

from __future__ import annotations

import datetime as dt

from storage import groups, members
from storage.members import SEEN_PRECISION, Sightings
from tests.handlers.test_privacy import forget, stored_member

NOW = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
BEN = ("Ben", None, "ben", "en")


def test_a_member_written_moments_ago_with_the_same_details_needs_no_write():
    sightings = Sightings()
    sightings.written(1, BEN, 10, NOW)
    assert sightings.unchanged(1, BEN, 10, NOW + dt.timedelta(minutes=5))
    assert sightings.unchanged(1, BEN, None, NOW)


def test_new_details_a_new_group_or_an_old_sighting_need_a_write():
    sightings = Sightings()
    assert not sightings.unchanged(1, BEN, 10, NOW)
    sightings.written(1, BEN, 10, NOW)
    assert not sightings.unchanged(1, ("Benjamin", None, "ben", "en"), 10, NOW)
    assert not sightings.unchanged(1, BEN, 11, NOW)
    assert not sightings.unchanged(1, BEN, 10, NOW + SEEN_PRECISION)


async def test_a_member_who_changes_their_name_is_stored_under_the_new_one(harness):
    ben = harness.residents[0]
    await harness.send(ben, "/ideas")
    ben.first_name, ben.username = "Benjamin", "benjamin"
    await harness.send(ben, "/ideas")
    member = await stored_member(harness, ben)
    assert (member.first_name, member.username) == ("Benjamin", "benjamin")


async def test_a_member_seen_again_after_an_hour_is_refreshed(harness):
    ben = harness.residents[0]
    await harness.send(ben, "/ideas")
    harness.advance(hours=2)
    await harness.send(ben, "/ideas")
    async with harness.db.read() as conn:
        row = await conn.fetch_one("SELECT last_seen_at FROM members WHERE user_id = ?", (ben.id,))
    assert dt.datetime.fromisoformat(row[0]) == harness.clock.now()


async def test_a_forgotten_member_who_writes_again_stays_forgotten(harness):
    ben = harness.residents[0]
    await harness.send(ben, "/ideas")
    await forget(harness, ben)
    ben.first_name = "Ben again"
    await harness.send(ben, "/ideas")
    member = await stored_member(harness, ben)
    assert member.forgotten and member.first_name == ""


async def test_a_renamed_group_is_stored_under_its_new_title(harness):
    await harness.send(harness.residents[0], "/ideas")
    harness.group.title = "Chapel Street and Mill Lane"
    await harness.send(harness.residents[0], "/ideas")
    async with harness.db.read() as conn:
        group = await groups.get_by_chat(conn, harness.group.id)
    assert group.title == "Chapel Street and Mill Lane"


async def test_a_member_seen_in_a_second_group_belongs_to_both(harness):
    ben = harness.residents[0]
    await harness.send(ben, "/ideas")
    other = harness.telegram.group(-1009999, "Mill Lane", owner=harness.facilitator)
    await harness.send(ben, "/ideas", chat=other)
    async with harness.db.read() as conn:
        assert len(await members.group_ids(conn, ben.id)) == 2
