"""``coprod-bot site [--group CHAT_ID]``: rebuild the public pages from the database.

The bot rebuilds a group's page after each change it shows; this command rebuilds every
page that is on (or one group's) after an upgrade changed the templates, after the site
folder was lost or moved, or to check what the bot would write. It also removes the folder
of any page that is off, should turning it off have failed to. It prints where each page
went: ``COPROD_SITE_URL/<folder>/`` when that is set, else the index file's path.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
from pathlib import Path

from bot.cli.database import group_by_chat, open_database
from bot.domain.errors import ConfigError
from bot.flows import site
from bot.render import site_files
from bot.runtime.clock import SystemClock
from bot.runtime.config import Config, load_config
from storage import Database, groups


def add_commands(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "site",
        help="rebuild every group's public page (or one group's) and print where each went",
        description="Rebuild the static public page of every group whose page is on "
        "(/settings public on), under COPROD_SITE_DIR, and remove the folder of any page that is off. "
        "Exit status: 0 built, 2 bad configuration or no such public group.",
    )
    command.add_argument("--group", type=int, metavar="ID",
                         help="only this group: its Telegram chat id (a negative number)")  # fmt: skip


async def _rebuild(options: argparse.Namespace, config: Config) -> tuple[list[str], list[str]]:
    """A line per page removed, and a line per page built."""
    database = await open_database(options)
    now = SystemClock().now()
    try:
        removed: list[str] = []
        if options.group is not None:
            group = await group_by_chat(database, options.group)
            if not group.public_page:
                raise ConfigError(f"group {group.chat_id} has its public page off (/settings public on turns it on)")
            ids = [group.id]
        else:
            ids = await _public_ids(database)
            removed = await _remove_hidden(database, config.site_dir)
        return removed, [await _built(database, config, group_id, now) for group_id in ids]
    finally:
        await database.close()


async def _public_ids(database: Database) -> list[int]:
    async with database.read() as conn:
        return await groups.public_ids(conn)


async def _remove_hidden(database: Database, site_dir: Path) -> list[str]:
    async with database.read() as conn:
        tokens = await groups.hidden_site_tokens(conn)
    folders = [site_files.group_folder(site_dir, token) for token in tokens]
    return [f"removed {folder} (its page is off)" for folder in folders
            if await asyncio.to_thread(site_files.remove, folder)]  # fmt: skip


async def _built(database: Database, config: Config, group_id: int, now: dt.datetime) -> str:
    try:
        built = await site.rebuild(database, config.site_dir, group_id, now)
    except OSError as error:
        raise ConfigError(f"cannot write the public pages under {config.site_dir}: {error.strerror}") from None
    async with database.read() as conn:
        group = await groups.get(conn, group_id)
    if built is None:
        raise ConfigError(f"group {group.chat_id} turned its public page off while it was being built")
    target, changed = built
    where = site.page_address(config.site_url, group) or str(target.resolve() / "index.html")
    return f"group {group.chat_id}: {where} (files changed: {changed})"


def build_sites(options: argparse.Namespace) -> int:
    config = load_config(vars(options), need_token=False)
    removed, built = asyncio.run(_rebuild(options, config))
    for line in removed + built:
        print(line)
    print(f"public pages built: {len(built)} under {config.site_dir}")
    return 0
