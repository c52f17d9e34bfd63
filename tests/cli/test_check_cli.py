"""``python -m bot check`` proves every ledger balances; ``export`` writes a group's zip."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import stat
import zipfile

import pytest

from bot import cli
from bot.domain import ledger
from bot.domain.ledger import EntryStatus
from bot.runtime import config
from storage import groups, members, open_database
from storage import ledger as stored

NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
CHAT_ID = -1001234
BEN, CHLOE = 201, 202


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    for variable, *_rest in config.OPTIONS:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.chdir(tmp_path)


async def _books(path, *tampering: str) -> None:
    """A group where Ben volunteered 2 hours (confirmed by Chloe) and Chloe thanked Ben 1 hour.

    ``tampering`` statements then run with the ledger's guards off, as a hand edit would.
    """
    database = await open_database(path)
    async with database.transaction() as conn:
        group, _ = await groups.ensure(
            conn, CHAT_ID, title="Chapel Street", language="en", timezone="Europe/London", now=NOW
        )
        for user_id, name in ((BEN, "Ben"), (CHLOE, "Chloe")):
            await members.seen(conn, user_id=user_id, first_name=name, last_name=None, username=None,
                               language_code="en", now=NOW, group_id=group.id)  # fmt: skip
        entry = await stored.add(
            conn, ledger.volunteering(group_id=group.id, member=BEN, minutes=120, note="litter pick", now=NOW)
        )
        await stored.decide(conn, entry.id, EntryStatus.CONFIRMED, by=CHLOE, now=NOW)
        await stored.add(
            conn,
            ledger.thanks(group_id=group.id, giver=CHLOE, helper=BEN, minutes=60, note="", giver_balance=0,
                          floor_minutes=-600, now=NOW),
        )  # fmt: skip
    if tampering:
        async with database.transaction() as conn:
            await conn.execute("PRAGMA ignore_check_constraints = ON")
            await conn.execute("DROP TRIGGER ledger_entries_only_decided")
            for statement in tampering:
                await conn.execute(statement)
    await database.close()


def books(tmp_path, *tampering: str):
    path = tmp_path / "coprod.sqlite3"
    asyncio.run(_books(path, *tampering))
    return path


def run(capsys, *argv) -> tuple[int, str, str]:
    status = cli.main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_check_passes_on_a_clean_ledger(tmp_path, capsys):
    path = books(tmp_path)
    status, out, _ = run(capsys, "--db", path, "check")
    assert status == 0 and "ledger check passed: groups audited: 1, discrepancies: 0" in out


def test_check_names_an_entry_confirmed_by_its_own_logger(tmp_path, capsys):
    path = books(tmp_path, f"UPDATE ledger_entries SET confirmed_by = {BEN} WHERE id = 1")
    status, out, _ = run(capsys, "--db", path, "check")
    assert status == 1 and "discrepancies: 1" in out
    assert "discrepancy: group -1001234 (Chapel Street): entry #1 was confirmed by the member who logged it" in out


def test_check_names_a_confirmed_entry_without_confirmer(tmp_path, capsys):
    path = books(tmp_path, "UPDATE ledger_entries SET confirmed_by = NULL WHERE id = 2")
    status, out, _ = run(capsys, "--db", path, "check")
    assert status == 1 and "entry #2 is confirmed without a confirmer" in out


def confirmed_row(kind: str, giver, taker, minutes: int, reverses=None) -> str:
    """An INSERT of a confirmed entry, bypassing every rule (``None`` is the community)."""
    values = ", ".join(
        "NULL" if value is None else repr(value)
        for value in (kind, giver, taker, minutes, "confirmed", CHLOE, NOW.isoformat(), CHLOE, NOW.isoformat(), reverses)
    )
    return (
        "INSERT INTO ledger_entries (group_id, kind, from_member, to_member, minutes, status, "
        f"confirmed_by, decided_at, created_by, created_at, reverses) VALUES (1, {values})"
    )


def test_check_finds_credits_that_no_volunteering_backs(tmp_path, capsys):
    path = books(tmp_path, confirmed_row("thanks", None, CHLOE, 600))
    status, out, _ = run(capsys, "--db", path, "check")
    assert status == 1 and "members hold 720 min but 120 min of volunteering stands confirmed" in out


def test_check_finds_a_reversal_that_does_not_mirror_its_entry(tmp_path, capsys):
    path = books(tmp_path, confirmed_row("reversal", BEN, None, 30, reverses=1))
    status, out, _ = run(capsys, "--db", path, "check")
    assert status == 1 and "entry #3 does not mirror entry #1" in out


def test_check_without_a_database_is_a_clear_error(tmp_path, capsys):
    status, _, err = run(capsys, "--db", tmp_path / "missing.sqlite3", "check")
    assert status == 2 and "no database at" in err and "Traceback" not in err


def test_export_writes_the_groups_zip(tmp_path, capsys):
    path = books(tmp_path)
    target = tmp_path / "chapel.zip"
    status, out, _ = run(capsys, "--db", path, "export", "--group", CHAT_ID, target)
    assert status == 0 and "export written" in out
    with zipfile.ZipFile(target) as archive:
        ledger_csv = archive.read("ledger.csv").decode("utf-8-sig")
    assert "the community,Ben,120" in ledger_csv and "Chloe,Ben,60" in ledger_csv


def test_export_of_an_unknown_group_or_onto_an_existing_file_is_refused(tmp_path, capsys):
    path = books(tmp_path)
    status, _, err = run(capsys, "--db", path, "export", "--group", -42, tmp_path / "x.zip")
    assert status == 2 and "no group with chat id -42" in err
    status, _, err = run(capsys, "--db", path, "export", "--group", CHAT_ID, path)
    assert status == 2 and "already exists" in err


def test_export_neutralises_formulas_in_every_csv(tmp_path, capsys):
    path = books(tmp_path, "UPDATE members SET first_name = '=cmd|'' /C calc''!A0' WHERE user_id = 201")
    target = tmp_path / "chapel.zip"
    assert run(capsys, "--db", path, "export", "--group", CHAT_ID, target)[0] == 0
    with zipfile.ZipFile(target) as archive:
        ledger_csv = archive.read("ledger.csv").decode("utf-8-sig")
    assert "the community,'=cmd|' /C calc'!A0,120" in ledger_csv


def test_export_file_is_owner_only_whatever_the_umask(tmp_path, capsys):
    path = books(tmp_path)
    target = tmp_path / "chapel.zip"
    previous = os.umask(0o022)
    try:
        assert run(capsys, "--db", path, "export", "--group", CHAT_ID, target)[0] == 0
    finally:
        os.umask(previous)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_export_into_a_missing_folder_is_a_clear_error(tmp_path, capsys):
    status, _, err = run(capsys, "--db", books(tmp_path), "export", "--group", CHAT_ID, tmp_path / "no" / "x.zip")
    assert status == 2 and "cannot write the export" in err and "Traceback" not in err


def test_check_covers_exchanges_and_names_one_that_does_not_net_to_zero(tmp_path, capsys):
    exchange = (
        "INSERT INTO ledger_entries (group_id, kind, from_member, to_member, minutes, status, confirmed_by,"
        " decided_at, created_by, created_at) VALUES (1, 'exchange', {frm}, 201, 60, 'confirmed', {by},"
        " '2026-11-02T09:00:00+00:00', 201, '2026-11-02T09:00:00+00:00')"
    )
    status, out, _ = run(capsys, "--db", books(tmp_path, exchange.format(frm=CHLOE, by=CHLOE)), "check")
    assert status == 0 and "discrepancies: 0" in out
    status, out, _ = run(capsys, "--db", books(tmp_path / "b", exchange.format(frm="NULL", by=BEN)), "check")
    assert status == 1 and "exchange that does not net to zero" in out
