"""The operator's view of the books: ``coprod-bot check`` and ``coprod-bot export``.

``check`` audits every group's ledger with :func:`bot.domain.ledger.audit` and exits 1 naming
each discrepancy (0 when every group balances); ``export`` writes the same zip of CSV
files a facilitator gets with ``/export``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from pathlib import Path

import storage
from bot.domain import export, i18n, ledger
from bot.domain.errors import ConfigError
from bot.domain.records import Group
from bot.runtime import config
from storage import Database, groups
from storage import export as stored_export
from storage import ledger as stored_ledger

EXIT_DISCREPANCY = 1


def add_commands(commands: argparse._SubParsersAction) -> None:
    commands.add_parser(
        "check",
        help="verify every group's ledger balances; exit 1 naming each discrepancy",
        description="Audit every group's time bank: transfers net to zero, balances equal the sum "
        "of confirmed entries, every confirmed entry has a confirmer other than its logger, every "
        "reversal mirrors its entry. Exit status: 0 clean, 1 discrepancies (each printed).",
    )
    command = commands.add_parser("export", help="write one group's data as a zip of CSV files")
    command.add_argument("--group", required=True, type=int, metavar="ID",
                         help="the group's Telegram chat id (a negative number)")  # fmt: skip
    command.add_argument("path", type=Path, help="where to write the zip")


async def open_database(options: argparse.Namespace) -> Database:
    settings = config.load(vars(options), need_token=False)
    if storage.schema_versions(settings.database)[0] is None:
        raise ConfigError(f"no database at {settings.database}")
    return await storage.open_database(settings.database)


async def discrepancies(database: Database) -> tuple[int, list[str]]:
    """How many groups were audited, and every discrepancy found, each naming its group."""
    found = []
    async with database.read() as conn:
        group_ids = await stored_ledger.group_ids(conn)
        for group_id in group_ids:
            group = await groups.get(conn, group_id)
            entries = await stored_ledger.group_entries(conn, group_id)
            reported = await stored_ledger.balances(conn, group_id)
            found += [
                f"group {group.chat_id} ({group.title}): {problem}"
                for problem in ledger.audit(entries, reported)
            ]
    return len(group_ids), found


def check(options: argparse.Namespace) -> int:
    async def audit() -> tuple[int, list[str]]:
        database = await open_database(options)
        try:
            return await discrepancies(database)
        finally:
            await database.close()

    audited, found = asyncio.run(audit())
    for problem in found:
        print(f"discrepancy: {problem}")
    if found:
        print(f"ledger check failed: groups audited: {audited}, discrepancies: {len(found)}")
        return EXIT_DISCREPANCY
    print(f"ledger check passed: groups audited: {audited}, discrepancies: 0")
    return 0


async def group_by_chat(database: Database, chat_id: int) -> Group:
    async with database.read() as conn:
        group = await groups.get_by_chat(conn, chat_id)
    if group is None:
        raise ConfigError(f"no group with chat id {chat_id}")
    return group


def _write_private(path: Path, content: bytes) -> None:
    """Write a new file owner-only (0600), like the database and its backups: an export holds
    every member's ideas and hours. Created exclusively, so an existing file is never replaced."""
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        raise ConfigError(f"{path} already exists; choose a new file for the export") from None
    except OSError as error:
        raise ConfigError(f"cannot write the export to {path}: {error.strerror}") from None
    with os.fdopen(descriptor, "wb") as file:
        file.write(content)


def export_group(options: argparse.Namespace) -> int:
    if options.path.exists():
        raise ConfigError(f"{options.path} already exists; choose a new file for the export")

    async def write() -> None:
        database = await open_database(options)
        try:
            group = await group_by_chat(database, options.group)
            async with database.read() as conn:
                records = await stored_export.group_records(conn, group.id)
        finally:
            await database.close()
        _write_private(options.path, export.group_zip(records, i18n.translator(group.language)))

    asyncio.run(write())
    print(f"export written to {options.path}")
    return 0
