"""Command line: ``coprod-bot [flags] [run|backup PATH|health|demo|check|export|site|migrate-to-postgres]``.

Every option is also an environment variable (see ``--help``). Bad configuration is one
line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import storage
from bot.app import build_application
from bot.cli import group_export, ledger_check, migrate, site
from bot.demo import run as demo_runner
from bot.domain.errors import ConfigError
from bot.runtime import logs
from bot.runtime.config import OPTIONS, Config, load_config
from bot.runtime.updates.polling import PollingSource
from bot.runtime.updates.serve import serve
from bot.runtime.updates.source import UpdateSource

EXIT_CONFIG = 2
EXIT_UNHEALTHY = 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coprod-bot",
        description="Telegram bot for neighbourhood co-production. "
        "Each option can also be set by the environment variable shown.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    for variable, flag, default, help_text in OPTIONS:
        shown = "" if default is None else f" (default: {default})"
        parser.add_argument(flag, metavar="VALUE", help=f"{help_text}; env {variable}{shown}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", help="run the bot, with long polling or a webhook (the default)")
    backup = commands.add_parser("backup", help="write a consistent copy of the live database")
    backup.add_argument("path", type=Path, help="where to write the copy")
    commands.add_parser(
        "health",
        help="exit 0 if the database opens and its migrations are current, 1 otherwise",
        description="Check that the database (COPROD_DB) opens and its schema is current. "
        "Exit status: 0 healthy, 1 unhealthy (one line says why), 2 bad configuration.",
    )
    demo = commands.add_parser(
        "demo",
        help="play a whole co-production round against a built-in Telegram emulator (no token, no network)",
        description="Simulated neighbours use the real bot through a local Telegram emulator, with "
        "time sped up; the conversation is printed as a chat transcript.",
    )
    demo.add_argument("--language", metavar="CODE", default=argparse.SUPPRESS,
                      help="language of the group and of the transcript (default: COPROD_LANGUAGE or en)")
    demo.add_argument("--speed", metavar="N", type=float, default=1.0,
                      help="how fast to play: 2 is twice as fast, 0 prints at once (default: 1)")
    demo.add_argument("--output", metavar="DIR", default=str(demo_runner.DEFAULT_OUTPUT),
                      help="folder for the images and files the bot sends (default: %(default)s)")
    ledger_check.add_commands(commands)
    group_export.add_commands(commands)
    site.add_commands(commands)
    migrate.add_commands(commands)
    return parser


def _run(options: argparse.Namespace) -> int:
    config = load_config(vars(options))
    logs.configure(config.log_level, config.secrets)
    application = build_application(config)
    asyncio.run(serve(application, update_source(config)))
    return 0


def update_source(config: Config) -> UpdateSource:
    """A webhook when one is configured, else long polling."""
    if config.webhook is None:
        return PollingSource()
    from bot.runtime.updates.webhook import WebhookSource  # aiohttp is needed only by those who use it

    return WebhookSource(config.webhook)


def _backup(options: argparse.Namespace) -> int:
    config = load_config(vars(options), need_token=False)
    if options.path.exists():
        raise ConfigError(f"{options.path} already exists; choose a new file for the backup")

    async def copy() -> None:
        database = await storage.open_database(config.database)
        try:
            await database.backup_to(options.path)
        finally:
            await database.close()

    asyncio.run(copy())
    print(f"backup written to {options.path}")
    return 0


def _demo(options: argparse.Namespace) -> int:
    if options.speed < 0:
        raise ConfigError("--speed must be 0 (no pauses) or more")
    with tempfile.TemporaryDirectory() as scratch:
        flags = {**vars(options), "db": str(Path(scratch) / "demo.sqlite3")}
        config = load_config(flags, need_token=False)
    logs.configure("WARNING", [demo_runner.DEMO_TOKEN])
    return demo_runner.run(options, config)


def database_problem(path: Path) -> str | None:
    """Why the database at ``path`` cannot serve the bot, or None when it can."""
    try:
        version, wanted = storage.schema_versions(path)
    except storage.UnusableDatabase as error:
        return f"cannot read the database at {storage.shown(path)}: {error}"
    if version is None:
        return f"no database at {storage.shown(path)} (the bot creates it when it first starts)"
    if version < wanted:
        return f"database schema is version {version}, this bot needs {wanted}: start the bot to migrate it"
    if version > wanted:
        return f"database schema is version {version}, newer than this bot ({wanted}): upgrade the bot"
    return None


def _health(options: argparse.Namespace) -> int:
    config = load_config(vars(options), need_token=False)
    problem = database_problem(config.database)
    if problem is not None:
        print(f"coprod-bot: unhealthy: {problem}", file=sys.stderr)
        return EXIT_UNHEALTHY
    print(f"healthy: database schema version {storage.schema_versions(config.database)[1]}")
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "run": _run,
    "backup": _backup,
    "health": _health,
    "demo": _demo,
    "check": ledger_check.check,
    "export": group_export.export_group,
    "site": site.build_sites,
    "migrate-to-postgres": migrate.migrate_to_postgres,
}


def main(argv: Sequence[str] | None = None) -> int:
    options = _parser().parse_args(argv)
    try:
        return COMMANDS[options.command or "run"](options)
    except ConfigError as error:
        print(f"coprod-bot: {error}", file=sys.stderr)
        return EXIT_CONFIG
    except storage.UnusableDatabase as error:  # corrupt, locked, unwritable: a tool cannot heal it
        print(f"coprod-bot: cannot use the database ({error})", file=sys.stderr)
        return EXIT_CONFIG
