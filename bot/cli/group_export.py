"""``coprod-bot export --group ID PATH``: one group's records as the zip a facilitator gets
with ``/export``, written owner-only."""

from __future__ import annotations

import argparse
import asyncio
import os
from pathlib import Path

from bot.cli.database import group_by_chat, open_database
from bot.domain import export, i18n
from bot.domain.errors import ConfigError
from storage import export as stored_export


def add_commands(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser("export", help="write one group's data as a zip of CSV files")
    command.add_argument("--group", required=True, type=int, metavar="ID",
                         help="the group's Telegram chat id (a negative number)")  # fmt: skip
    command.add_argument("path", type=Path, help="where to write the zip")


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
