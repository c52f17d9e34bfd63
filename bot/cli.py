"""Command line: ``coprod-bot [flags] [run|backup PATH]``.

Every option is also an environment variable (see ``--help``). Bad configuration is one
line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from telegram import Update

from bot import config, logs
from bot.app import build_application
from bot.errors import ConfigError
from storage.database import Database

EXIT_CONFIG = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coprod-bot",
        description="Telegram bot for neighbourhood co-production. "
        "Each option can also be set by the environment variable shown.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    for variable, flag, default, help_text in config.OPTIONS:
        shown = "" if default is None else f" (default: {default})"
        parser.add_argument(flag, metavar="VALUE", help=f"{help_text}; env {variable}{shown}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", help="run the bot with long polling (the default)")
    backup = commands.add_parser("backup", help="write a consistent copy of the live database")
    backup.add_argument("path", type=Path, help="where to write the copy")
    return parser


def _run(options: argparse.Namespace) -> int:
    settings = config.load(vars(options))
    logs.configure(settings.log_level, settings.token)
    application = build_application(settings)
    application.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


def _backup(options: argparse.Namespace) -> int:
    settings = config.load(vars(options), need_token=False)
    if options.path.exists():
        raise ConfigError(f"{options.path} already exists; choose a new file for the backup")

    async def copy() -> None:
        database = await Database.open(settings.database)
        try:
            await database.backup_to(options.path)
        finally:
            await database.close()

    asyncio.run(copy())
    print(f"backup written to {options.path}")
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"run": _run, "backup": _backup}


def main(argv: Sequence[str] | None = None) -> int:
    options = _parser().parse_args(argv)
    try:
        return COMMANDS[options.command or "run"](options)
    except ConfigError as error:
        print(f"coprod-bot: {error}", file=sys.stderr)
        return EXIT_CONFIG
