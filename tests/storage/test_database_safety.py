"""The database file is owner-only, and ``backup`` copies it consistently while the bot runs."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sqlite3
import stat
from pathlib import Path

from bot import cli
from storage import open_database
from tests.support.databases import sqlite_only

TABLES = ("groups", "members", "rounds", "ideas", "ledger_entries")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def counts(path: Path) -> dict[str, int]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}


async def test_database_file_is_created_owner_only_whatever_the_umask(tmp_path):
    path = tmp_path / "data" / "coprod.sqlite3"
    previous = os.umask(0)  # SQLite alone would create it world-readable now
    try:
        database = await open_database(path)
        await database.close()
    finally:
        os.umask(previous)
    assert mode(path) == 0o600


@sqlite_only
async def test_backup_taken_while_the_bot_runs_restores_and_passes_check(harness, tmp_path, capsys):
    await harness.add_bot()
    await harness.send(harness.facilitator, "/round What should we do with the empty lot?")
    prompt = max(message_id for (chat, message_id) in harness.telegram.messages if chat == harness.group.id)
    for resident in harness.residents[:3]:
        await harness.send(resident, f"A garden, says {resident.first_name}", reply_to=prompt)
    ben, chloe = harness.residents[:2]
    await harness.send(ben, "/log 2h litter pick on Chapel St")
    [confirm] = [button["callback_data"] for params in harness.telegram.sent() if params.get("reply_markup")
                 for row in params["reply_markup"]["inline_keyboard"] for button in row
                 if "confirm" in button.get("callback_data", "")]  # fmt: skip
    logged = max(message_id for (chat, message_id) in harness.telegram.messages if chat == harness.group.id)
    await harness.press(chloe, logged, confirm)

    live = Path(harness.app.services.config.database)
    backup = tmp_path / "backups" / "coprod-backup.sqlite3"
    async with harness.db.transaction() as conn:  # the bot is mid-write while the copy is taken
        await conn.execute("UPDATE groups SET title = 'half-written' WHERE chat_id = ?", (harness.group.id,))
        status = await asyncio.to_thread(cli.main, ["--db", str(live), "backup", str(backup)])
    assert status == 0
    assert mode(backup) == 0o600

    restored = tmp_path / "restored.sqlite3"
    shutil.copyfile(backup, restored)
    capsys.readouterr()
    assert await asyncio.to_thread(cli.main, ["--db", str(restored), "check"]) == 0
    assert "discrepancies: 0" in capsys.readouterr().out
    assert await asyncio.to_thread(cli.main, ["--db", str(restored), "health"]) == 0
    copied = counts(restored)
    assert copied["ideas"] == 3 and copied["ledger_entries"] >= 1
    assert copied == counts(live)
    with contextlib.closing(sqlite3.connect(restored)) as conn:
        assert conn.execute("SELECT title FROM groups").fetchall() == [("Chapel Street neighbours",)]
