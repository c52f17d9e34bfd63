"""What every handler may use: settings, the clock, the database, the admin cache.

These are services, not state: the database is the only source of truth, so nothing here
needs to survive a restart.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from bot.runtime.acknowledge import Acknowledgements
from bot.runtime.clock import Clock
from bot.runtime.config import Config
from bot.runtime.hints import Hints
from bot.runtime.refusals import Refusals
from bot.runtime.roles import AdminCache
from bot.runtime.updates.applied import AppliedUpdates
from bot.runtime.updates.faults import DeferredUpdates
from storage import Database
from storage.members import Sightings

DEADLINES_AT_ONCE = 8  # deadline jobs running their action at the same time (bot.runtime.deadlines)


@dataclass
class Services:
    config: Config
    clock: Clock
    admins: AdminCache
    database: Database | None = field(default=None)
    acknowledgements: Acknowledgements = field(default_factory=Acknowledgements)
    sightings: Sightings = field(default_factory=Sightings)  # skips rewriting unchanged members
    applied: AppliedUpdates = field(default_factory=AppliedUpdates)  # spares the replay guard's read
    deferred: DeferredUpdates = field(default_factory=DeferredUpdates)  # updates to apply again later
    refusals: Refusals = field(default_factory=Refusals)  # a repeated refusal gets a reaction
    page_writes: asyncio.Lock = field(default_factory=asyncio.Lock)  # public page builds and removals, one at a time
    scrub_when_applied: set[int] = field(default_factory=set)  # update ids: checkpoint the log once recorded
    deadline_slots: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(DEADLINES_AT_ONCE))
    hints: Hints = field(default_factory=Hints)  # an unasked hint at most once a minute per member

    @property
    def db(self) -> Database:
        if self.database is None:
            raise RuntimeError("the application is not initialized: database not open")
        return self.database
