"""The database the operator configured, as the command-line tools open it.

A tool reads an existing database and never creates one: a mistyped ``COPROD_DB`` is one
line naming it, not a new empty file.
"""

from __future__ import annotations

import argparse

import storage
from bot.domain.errors import ConfigError
from bot.domain.records import Group
from bot.runtime.config import load_config
from storage import Database, groups


async def open_database(options: argparse.Namespace) -> Database:
    """The configured database, migrated; :class:`ConfigError` if there is none."""
    config = load_config(vars(options), need_token=False)
    if storage.schema_versions(config.database)[0] is None:
        raise ConfigError(f"no database at {storage.shown(config.database)}")
    return await storage.open_database(config.database)


async def group_by_chat(database: Database, chat_id: int) -> Group:
    async with database.read() as conn:
        group = await groups.get_by_chat(conn, chat_id)
    if group is None:
        raise ConfigError(f"no group with chat id {chat_id}")
    return group
