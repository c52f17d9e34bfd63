"""``coprod-bot migrate-to-postgres SQLITE_FILE URL``: move a bot's whole history to PostgreSQL.

Every row of every table is copied (storage/transfer.py) into an empty PostgreSQL database,
in one transaction; then both sides are checked as ``coprod-bot check`` checks a ledger, and
compared: the same rows in every table, the same balance for every member of every group.
The bot must be stopped meanwhile (the SQLite file's lock is held during the copy), and is
started again with ``COPROD_DB`` set to the URL.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

import storage
from bot.cli.ledger_check import discrepancies
from bot.domain.errors import ConfigError
from bot.runtime import instance
from storage import Database, shown, transfer
from storage import ledger as stored_ledger

EXIT_MISMATCH = 1


def add_commands(commands: argparse._SubParsersAction) -> None:
    migrate = commands.add_parser(
        "migrate-to-postgres",
        help="copy a SQLite database into an empty PostgreSQL database, then check both sides agree",
        description="Copy every group's whole history from SQLITE_FILE into the empty PostgreSQL database "
        "at URL (postgresql://user:password@host/database), then audit both ledgers and compare every "
        "table's rows and every balance. Stop the bot first. Exit status: 0 copied and checked, "
        "1 the two sides differ (each difference printed), 2 bad arguments.",
    )
    migrate.add_argument("sqlite_file", type=Path, metavar="SQLITE_FILE")
    migrate.add_argument("url", metavar="URL")


async def balances(database: Database) -> dict[int, dict[int, int]]:
    """Every member's balance in every group with a ledger."""
    async with database.read() as conn:
        return {group_id: await stored_ledger.balances(conn, group_id) for group_id in await stored_ledger.group_ids(conn)}


async def _migrate(source_path: Path, url: str) -> list[str]:
    source = await storage.open_database(source_path)
    try:
        target = await storage.open_database(url)
    except storage.UnusableDatabase as error:
        await source.close()
        raise ConfigError(f"cannot use the PostgreSQL database at {shown(url)} ({error})") from None
    try:
        try:
            copied = await transfer.copy_all(source, target)
        except transfer.TargetNotEmpty:
            raise ConfigError(f"the PostgreSQL database at {shown(url)} is not empty; give an empty one") from None
        print("copied: " + ", ".join(f"{table} {count}" for table, count in copied.items() if count))
        return await _differences(source, target)
    finally:
        await target.close()
        await source.close()


async def _differences(source: Database, target: Database) -> list[str]:
    found = []
    before, after = await transfer.counts(source), await transfer.counts(target)
    found += [f"table {table}: {before[table]} rows in SQLite, {after[table]} in PostgreSQL"
              for table in transfer.TABLES if before[table] != after[table]]  # fmt: skip
    for side, database in (("SQLite", source), ("PostgreSQL", target)):
        audited, problems = await discrepancies(database)
        found += [f"{side}: {problem}" for problem in problems]
        print(f"ledger check on {side}: groups audited: {audited}, discrepancies: {len(problems)}")
    if await balances(source) != await balances(target):
        found.append("the members' balances differ")
    return found


def migrate_to_postgres(options: argparse.Namespace) -> int:
    path, url = options.sqlite_file, options.url
    if not storage.is_server(url):
        raise ConfigError(f"{storage.shown(url)!r} is not a PostgreSQL URL (postgresql://user:password@host/database)")
    if storage.is_server(str(path)) or storage.schema_versions(path)[0] is None:
        raise ConfigError(f"no SQLite database at {path}")
    with instance.only_instance(path):  # the bot must not write while its history is copied
        differences = asyncio.run(_migrate(path, url))
    for difference in differences:
        print(f"difference: {difference}")
    if differences:
        print(f"migration check failed: {len(differences)} differences; keep using {path}")
        return EXIT_MISMATCH
    print(f"migration checked: both sides agree. Start the bot with COPROD_DB={shown(url)}")
    return 0
