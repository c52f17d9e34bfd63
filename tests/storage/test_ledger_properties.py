"""Property: whatever neighbours do to the time bank, its books stay balanced.

Hypothesis plays random sequences of logs, confirms, rejects, thanks, needs met through
the time bank (an exchange), reversals, forgets and waiting against the domain rules and the real SQLite storage, the way the handlers
do. A plain model says what each step should do; after every step the stored ledger must
agree with it and pass the same audit ``python -m bot check`` runs.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.domain import ledger, needs
from bot.domain.errors import DomainError
from bot.domain.ledger import EntryKind, EntryStatus
from bot.domain.needs import PostingKind, PostingStatus
from bot.domain.records import Source
from storage import Database, groups, members, open_database
from storage import ledger as stored
from storage import needs as stored_needs

START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
FLOOR = -600
FACILITATOR = 1
PEOPLE = (1, 2, 3, 4)

person = st.sampled_from(PEOPLE)
amount = st.integers(min_value=15, max_value=720)
which = st.integers(min_value=0, max_value=30)  # an entry by position; out of range = missing
step = st.one_of(
    st.tuples(st.just("log"), person, amount),
    st.tuples(st.just("confirm"), which, person),
    st.tuples(st.just("reject"), which, person),
    st.tuples(st.just("thank"), person, person, amount),
    st.tuples(st.just("exchange"), person, person, amount, person),  # helped, helper, minutes, who confirms
    st.tuples(st.just("reverse"), which),
    st.tuples(st.just("forget"), person),
    st.tuples(st.just("wait"), st.integers(min_value=0, max_value=8)),
)


@dataclass
class Model:
    """What the books should say, kept the simplest possible way."""

    balances: dict[int, int] = field(default_factory=dict)
    minted: int = 0

    def move(self, giver: int | None, taker: int | None, minutes: int) -> None:
        if giver is None:
            self.minted += minutes
        else:
            self.balances[giver] = self.balances.get(giver, 0) - minutes
        if taker is None:
            self.minted -= minutes
        else:
            self.balances[taker] = self.balances.get(taker, 0) + minutes


class Books:
    """One group's time bank on a real database, driven as the handlers drive it."""

    def __init__(self, database: Database, group_id: int) -> None:
        self.db = database
        self.group_id = group_id
        self.now = START
        self.model = Model()
        self.messages = 0  # the source message of each need

    async def entry(self, position: int):
        async with self.db.read() as conn:
            entries = await stored.group_entries(conn, self.group_id)
        return entries[position] if position < len(entries) else None

    async def log(self, member: int, minutes: int) -> None:
        draft = ledger.volunteering(group_id=self.group_id, member=member, minutes=minutes, note="help", now=self.now)
        async with self.db.transaction() as conn:
            await stored.add(conn, draft)

    async def confirm(self, position: int, presser: int) -> None:
        entry = await self.entry(position)
        should = (
            entry is not None and entry.kind is EntryKind.VOLUNTEERING and entry.status is EntryStatus.PENDING
            and self.now < entry.lapses_at and presser != entry.to_member
        )  # fmt: skip
        done = await self._decide(entry, EntryStatus.CONFIRMED, presser, facilitator=False)
        assert done == should
        if done:
            self.model.move(None, entry.to_member, entry.minutes)

    async def reject(self, position: int, presser: int) -> None:
        entry = await self.entry(position)
        should = (
            entry is not None and entry.kind is EntryKind.VOLUNTEERING and entry.status is EntryStatus.PENDING
            and self.now < entry.lapses_at and presser == FACILITATOR
        )  # fmt: skip
        assert await self._decide(entry, EntryStatus.REJECTED, presser, facilitator=presser == FACILITATOR) == should

    async def _decide(self, entry, status: EntryStatus, presser: int, *, facilitator: bool) -> bool:
        if entry is None or entry.kind is not EntryKind.VOLUNTEERING:
            return False
        try:
            async with self.db.transaction() as conn:
                if status is EntryStatus.CONFIRMED:
                    ledger.require_can_confirm(entry, presser, self.now)
                else:
                    ledger.require_can_reject(entry, facilitator=facilitator, now=self.now)
                return await stored.decide(conn, entry.id, status, by=presser, now=self.now)
        except DomainError:
            return False

    async def thank(self, giver: int, helper: int, minutes: int) -> None:
        async with self.db.transaction() as conn:
            balance = await stored.balance(conn, self.group_id, giver)
        should = giver != helper and minutes <= balance - FLOOR
        try:
            ledger.require_not_self(giver, helper)
            if minutes > ledger.thanks_room(balance, FLOOR):
                raise DomainError("beyond the floor")
            draft = ledger.thanks(group_id=self.group_id, giver=giver, helper=helper, minutes=minutes, note="",
                                  giver_balance=balance, floor_minutes=FLOOR, now=self.now)  # fmt: skip
        except DomainError:
            assert not should
            return
        assert should
        async with self.db.transaction() as conn:
            await stored.add(conn, draft)
            assert await stored.balance(conn, self.group_id, giver) >= FLOOR
        self.model.move(giver, helper, minutes)

    async def exchange(self, helped: int, helper: int, minutes: int, presser: int) -> None:
        """``helped`` posts a need, ``helper`` presses I can help and sends /done, ``presser``
        confirms: the hours move helped -> helper, only if the helped confirm and stay above the floor."""
        async with self.db.transaction() as conn:
            self.messages += 1
            posting = await stored_needs.add(
                conn, group_id=self.group_id, kind=PostingKind.NEED, author=helped, minutes=minutes, text="help",
                now=self.now, lapses_at=self.now + needs.lapse_after(PostingKind.NEED), source=Source(-100, self.messages),
            )  # fmt: skip
            try:
                needs.require_can_answer(posting, helper, None, self.now)
            except DomainError:
                assert helper == helped, "only one's own need cannot be answered"
                return
            assert await stored_needs.move(conn, posting.id, PostingStatus.OPEN, PostingStatus.TAKEN, now=self.now)
            connection = await stored_needs.connect(conn, posting.id, helper=helper, helped=helped, now=self.now)
            balance = await stored.balance(conn, self.group_id, helped)
            if ledger.floor_refusal(minutes, balance, FLOOR):  # /done refuses what the floor would not allow
                assert balance - minutes < FLOOR
                return
            assert await stored_needs.propose(conn, connection.id, minutes=minutes, by=helper)
        await self._confirm_exchange(connection.id, presser)

    async def _confirm_exchange(self, connection_id: int, presser: int) -> None:
        """The Confirm button, as the handler checks it, pressed by ``presser`` and then pressed again."""
        for attempt in range(2):
            async with self.db.transaction() as conn:
                connection = await stored_needs.connection(conn, connection_id)
                should = attempt == 0 and presser == connection.helped
                try:
                    needs.require_can_confirm(connection, presser)
                except DomainError:
                    assert not should
                    continue
                balance = await stored.balance(conn, self.group_id, presser)
                if ledger.floor_refusal(connection.minutes, balance, FLOOR):
                    continue  # the balance fell since /done (say, a reversal): still refused
                assert should
                entry = await stored.add(conn, ledger.exchange(
                    group_id=self.group_id, helped=connection.helped, helper=connection.helper,
                    minutes=connection.minutes, note="help", proposed_by=connection.helper, now=self.now,
                ))  # fmt: skip
                assert await stored_needs.settle(conn, connection.id, entry.id)
                assert await stored.balance(conn, self.group_id, connection.helped) >= FLOOR
            self.model.move(connection.helped, connection.helper, connection.minutes)

    async def reverse(self, position: int) -> None:
        entry = await self.entry(position)
        if entry is None:
            return
        try:
            async with self.db.transaction() as conn:
                existing = await stored.reversal_of(conn, entry.id)
                draft = ledger.reversal(entry, existing, by=FACILITATOR, why="correction", now=self.now)
                await stored.add(conn, draft)
        except DomainError:
            assert entry.kind is EntryKind.REVERSAL or existing is not None or not entry.counts
            return
        self.model.move(entry.to_member, entry.from_member, entry.minutes)

    async def forget(self, member: int) -> None:
        async with self.db.transaction() as conn:
            await members.forget(conn, member, self.now)

    async def wait(self, days: int) -> None:
        """Time passes and every lapse deadline due is served (the rule is the domain's)."""
        self.now += dt.timedelta(days=days)
        async with self.db.transaction() as conn:
            for entry in await stored.group_entries(conn, self.group_id):
                if entry.status is EntryStatus.PENDING and ledger.is_lapsed(entry, self.now):
                    assert await stored.decide(conn, entry.id, EntryStatus.LAPSED, by=None, now=self.now)

    async def check_invariants(self) -> None:
        async with self.db.read() as conn:
            entries = await stored.group_entries(conn, self.group_id)
            balances = await stored.balances(conn, self.group_id)
        assert ledger.audit(entries, balances) == []
        assert {member: minutes for member, minutes in balances.items() if minutes} == {
            member: minutes for member, minutes in self.model.balances.items() if minutes
        }
        assert sum(balances.values()) == self.model.minted == ledger.minted(entries)
        for member in PEOPLE:  # /credits in private sums only the member's own entries
            async with self.db.read() as conn:
                own = await stored.member_entries(conn, member)
            assert ledger.account(own, member) == ledger.account(entries, member)
            async with self.db.read() as conn:  # /thank's floor check reads one member's balance
                assert await stored.balance(conn, self.group_id, member) == balances.get(member, 0)
        for entry in entries:
            if entry.kind is EntryKind.VOLUNTEERING and entry.counts:
                assert entry.confirmed_by not in (None, entry.created_by)
            if entry.kind is EntryKind.EXCHANGE:  # between two members, authorised by the one it costs
                assert None not in (entry.from_member, entry.to_member) and entry.from_member != entry.to_member
                assert entry.confirmed_by == entry.from_member


async def play(steps: list[tuple]) -> None:
    database = await open_database(":memory:")
    try:
        async with database.transaction() as conn:
            group, _ = await groups.ensure(conn, -100, title="Chapel", language="en", timezone="Europe/London", now=START)
            for member in PEOPLE:
                await members.seen(conn, user_id=member, first_name=f"N{member}", last_name=None,
                                   username=f"n{member}", language_code="en", now=START, group_id=group.id)  # fmt: skip
        books = Books(database, group.id)
        for name, *args in steps:
            await getattr(books, name)(*args)
            await books.check_invariants()
    finally:
        await database.close()


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(step, max_size=30))
@example(
    [("log", 2, 120), ("confirm", 0, 2), ("confirm", 0, 3), ("confirm", 0, 2), ("log", 3, 60),
     ("reject", 1, 2), ("reject", 1, 1), ("thank", 3, 2, 600), ("thank", 3, 2, 15), ("reverse", 0),
     ("reverse", 0), ("reverse", 3), ("forget", 2), ("log", 4, 30), ("wait", 7), ("confirm", 4, 1)]
)
@example(
    [("exchange", 2, 3, 60, 2), ("exchange", 2, 2, 60, 2), ("exchange", 3, 4, 30, 4), ("exchange", 4, 1, 720, 4),
     ("exchange", 4, 1, 15, 4), ("reverse", 0), ("exchange", 3, 2, 600, 3), ("exchange", 3, 2, 15, 3)]
)  # fmt: skip
def test_any_sequence_of_ledger_actions_keeps_the_books_balanced(steps):
    asyncio.run(play(steps))
