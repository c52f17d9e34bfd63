"""``coprod-bot check``: audit every group's time bank.

Each group's ledger is checked with :func:`bot.domain.ledger.audit`; the command exits 1
naming each discrepancy, 0 when every group balances.
"""

from __future__ import annotations

import argparse
import asyncio

from bot.cli.database import open_database
from bot.domain import ledger
from storage import Database, groups
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
