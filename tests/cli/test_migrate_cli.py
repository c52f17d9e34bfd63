"""``python -m bot migrate-to-postgres SQLITE_FILE URL`` moves a group's whole history, checked."""

from __future__ import annotations

import asyncio

import pytest

from bot import cli
from bot.app import build_application
from bot.demo.emulator.request import EmulatorRequest
from bot.runtime import instance
from storage import groups, ledger, rounds, shown, transfer
from tests.support.credit_helpers import confirmed_entry
from tests.support.databases import postgres_only
from tests.support.harness import Harness, make_config
from tests.support.ideas_helpers import open_round

pytestmark = postgres_only


async def history_on_sqlite(path, telegram, clock) -> None:
    """A group with a round of ideas (one merged into a later one), hours, thanks and a need."""
    app = build_application(make_config(path), request=EmulatorRequest(telegram), clock=clock, rate_limiter=False)
    async with app:
        harness = Harness(app, telegram, clock)
        ben, chloe, dawid = harness.residents[:3]
        await harness.add_bot()
        round_ = await open_round(harness)
        for person, text in ((ben, "A bench"), (chloe, "Plant trees"), (dawid, "A bench please")):
            await harness.send(person, text, reply_to=round_.prompt_message_id)
        await harness.send(harness.facilitator, "/merge 1 3")
        await confirmed_entry(harness, ben, chloe)
        await harness.send(chloe, "/thank 1h for the gate", reply_to=(await harness.send(ben, "thanks all")))
        await harness.send(dawid, "/need 1h help carrying a sofa")


def migrate(capsys, *arguments) -> tuple[int, str, str]:
    status = cli.main(["migrate-to-postgres", *map(str, arguments)])
    out, err = capsys.readouterr()
    return status, out, err


async def test_the_whole_history_is_copied_and_both_sides_agree(database, tmp_path, telegram, clock, capsys):
    path = tmp_path / "old.sqlite3"
    await history_on_sqlite(path, telegram, clock)
    before = await counted(path)

    status, out, _err = await asyncio.to_thread(migrate, capsys, path, database)
    assert status == 0, out
    assert "both sides agree" in out and "ledger check on PostgreSQL: groups audited: 1, discrepancies: 0" in out
    assert await counted(database) == before
    assert before["ideas"] == 3 and before["ledger_entries"] >= 2 and before["postings"] == 1

    # the bot goes on from where it was, on PostgreSQL: numbers and ids continue after the copied ones
    app = build_application(make_config(database, site_dir=tmp_path / "site"), request=EmulatorRequest(telegram),
                            clock=clock, rate_limiter=False)  # fmt: skip
    async with app:
        harness = Harness(app, telegram, clock)
        async with harness.db.read() as conn:
            group = await groups.get_by_chat(conn, harness.group.id)
            [round_] = await rounds.open_rounds(conn, group.id)
            merged = [idea for idea in await rounds.ideas(conn, round_.id) if idea.merged_into is not None]
            old_entries = await ledger.group_entries(conn, group.id)
        assert len(merged) == 1
        await harness.send(harness.residents[3], "A mural", reply_to=round_.prompt_message_id)
        await confirmed_entry(harness, harness.residents[3], harness.residents[4])
        async with harness.db.read() as conn:
            numbers = [idea.number for idea in await rounds.ideas(conn, round_.id)]
            new_entries = await ledger.group_entries(conn, group.id)
        assert numbers == [1, 2, 3, 4]
        assert new_entries[-1].id > max(entry.id for entry in old_entries)


async def counted(address) -> dict[str, int]:
    from storage import open_database

    database = await open_database(address)
    try:
        return await transfer.counts(database)
    finally:
        await database.close()


async def test_a_target_that_already_holds_data_is_refused_and_left_alone(database, tmp_path, telegram, clock, capsys):
    path = tmp_path / "old.sqlite3"
    await history_on_sqlite(path, telegram, clock)
    assert (await asyncio.to_thread(migrate, capsys, path, database))[0] == 0
    before = await counted(database)
    status, _out, err = await asyncio.to_thread(migrate, capsys, path, database)
    assert status == cli.EXIT_CONFIG and "is not empty" in err and err.count("\n") == 1
    assert await counted(database) == before


async def test_a_running_bot_on_the_file_is_refused(database, tmp_path, telegram, clock, capsys):
    path = tmp_path / "old.sqlite3"
    await history_on_sqlite(path, telegram, clock)
    with instance.only_instance(path):
        status, _out, err = await asyncio.to_thread(migrate, capsys, path, database)
    assert status == cli.EXIT_CONFIG and "already running" in err
    assert not any((await counted(database)).values())


@pytest.mark.parametrize("source", ["missing.sqlite3", "postgresql://somewhere/db"])
def test_a_source_that_is_no_sqlite_database_is_one_line(database, tmp_path, capsys, source):
    status, _out, err = migrate(capsys, source if "://" in source else tmp_path / source, database)
    assert status == cli.EXIT_CONFIG and err.count("\n") == 1 and "Traceback" not in err


def test_a_target_that_is_no_postgresql_url_is_one_line(tmp_path, capsys):
    status, _out, err = migrate(capsys, tmp_path / "old.sqlite3", tmp_path / "new.sqlite3")
    assert status == cli.EXIT_CONFIG and "not a PostgreSQL URL" in err


def test_a_password_is_never_shown():
    assert shown("postgresql://coprod:s3cret@db.example.org:5432/coprod") == "postgresql://coprod:***@db.example.org:5432/coprod"
    assert shown("postgresql://coprod@db/coprod") == "postgresql://coprod@db/coprod"
