"""Private notices (placeholder while outcomes land)."""

from __future__ import annotations

from bot.domain.records import Deadline
from bot.runtime.application import CoprodApplication


async def deliver_due(app: CoprodApplication, deadline: Deadline) -> None:
    return None


async def outcome_updated(app, group, round_, outcome) -> None:
    return None
