"""The time bank: ledger entries, who may decide them, and what balances are.

Pure domain, no Telegram and no SQL. One hour volunteered is one credit for everyone.
Volunteering is minted by the community (``from_member`` is ``None``) once a neighbour
other than the logger confirms it; thanks move credits between two members; a reversal
mirrors a confirmed entry to cancel it. Balances are never stored: they are the sum of
confirmed entries, and :func:`audit` is what ``python -m bot check`` runs to prove the
books balance.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.domain.errors import DomainError, within_limit
from bot.domain.i18n import N_, Translator
from bot.domain.member_text import without_direction_controls
from bot.domain.records import Member

LAPSE_AFTER = dt.timedelta(days=7)
MAX_NOTE_LENGTH = 300
RECENT_ENTRIES = 10


class EntryKind(enum.StrEnum):
    VOLUNTEERING = "volunteering"  # time given to the community, confirmed by a neighbour
    THANKS = "thanks"  # credits moved from a thanker to a helper
    REVERSAL = "reversal"  # cancels one confirmed entry by mirroring it
    EXCHANGE = "exchange"  # a need or offer met: hours from the helped to the helper, confirmed by the helped


class EntryStatus(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    LAPSED = "lapsed"


@dataclass(frozen=True, slots=True)
class EntryDraft:
    """An entry about to be appended; storage gives it an id."""

    group_id: int
    kind: EntryKind
    from_member: int | None
    to_member: int | None
    minutes: int
    note: str
    status: EntryStatus
    created_by: int
    created_at: dt.datetime
    confirmed_by: int | None = None
    lapses_at: dt.datetime | None = None
    reverses: int | None = None
    round_id: int | None = None  # volunteering given to a round (/log 2h for #3 ...)


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    id: int
    group_id: int
    kind: EntryKind
    from_member: int | None
    to_member: int | None
    minutes: int
    note: str
    status: EntryStatus
    confirmed_by: int | None
    rejected_by: int | None
    decided_at: dt.datetime | None
    created_by: int
    created_at: dt.datetime
    lapses_at: dt.datetime | None
    reverses: int | None
    message_id: int | None
    round_id: int | None = None

    @property
    def counts(self) -> bool:
        return self.status is EntryStatus.CONFIRMED

    def effect_on(self, user_id: int) -> int:
        """Minutes this entry adds to (or takes from) ``user_id``'s balance once confirmed."""
        if user_id == self.to_member:
            return self.minutes
        if user_id == self.from_member:
            return -self.minutes
        return 0

    @property
    def people(self) -> set[int]:
        """Every member the entry names (giver, receiver, confirmer, rejecter), to look their names up."""
        return {
            member
            for member in (self.from_member, self.to_member, self.confirmed_by, self.rejected_by)
            if member is not None
        }


# ----------------------------------------------------------------------- making entries


def check_note(text: str, *, required: bool) -> str:
    return within_limit(
        " ".join(without_direction_controls(text).split()),
        MAX_NOTE_LENGTH,
        empty=N_("Please say what you did after the time, for example: /log 2h litter pick on Chapel St")
        if required
        else None,
        too_long=N_("That description is {length} characters long; please keep it within {limit}."),
    )


def volunteering(
    *, group_id: int, member: int, minutes: int, note: str, now: dt.datetime, round_id: int | None = None
) -> EntryDraft:
    """Time a member gave the community: pending until a neighbour confirms it."""
    return EntryDraft(
        group_id=group_id,
        kind=EntryKind.VOLUNTEERING,
        from_member=None,
        to_member=member,
        minutes=minutes,
        note=note,
        status=EntryStatus.PENDING,
        created_by=member,
        created_at=now,
        lapses_at=now + LAPSE_AFTER,
        round_id=round_id,
    )


def thanks_room(balance: int, floor_minutes: int) -> int:
    """How many minutes a member may still give away without going below the floor."""
    return max(balance - floor_minutes, 0)


def require_not_self(giver: int, helper: int) -> None:
    if giver == helper:
        raise DomainError(N_("You can't thank yourself, but it was kind of you to help!"))


def thanks(
    *,
    group_id: int,
    giver: int,
    helper: int,
    minutes: int,
    note: str,
    giver_balance: int,
    floor_minutes: int,
    now: dt.datetime,
) -> EntryDraft:
    """Credits from ``giver`` to ``helper``; counts at once, since the giver authorises it.

    The handler refuses a thanks beyond the floor first, naming the amounts in the
    reader's language; the ``ValueError`` here is the last line, not the first.
    """
    require_not_self(giver, helper)
    if floor_refusal(minutes, giver_balance, floor_minutes):
        raise ValueError("a thanks may not take the giver below the group's floor")
    return _transfer(EntryKind.THANKS, group_id=group_id, payer=giver, payee=helper, minutes=minutes,
                     note=note, created_by=giver, now=now)  # fmt: skip


def floor_refusal(minutes: int, balance: int, floor_minutes: int) -> bool:
    """Whether moving ``minutes`` away from a member would take them below the floor."""
    return minutes > thanks_room(balance, floor_minutes)


def exchange(
    *, group_id: int, helped: int, helper: int, minutes: int, note: str, proposed_by: int, now: dt.datetime
) -> EntryDraft:
    """Hours the helped member confirmed for help received; counts at once.

    The helped member authorises it by confirming, so they are its confirmer; whoever sent
    ``/done`` is its creator. The caller has checked the floor.
    """
    if helped == helper:
        raise ValueError("an exchange is between two members")
    return _transfer(EntryKind.EXCHANGE, group_id=group_id, payer=helped, payee=helper, minutes=minutes,
                     note=note, created_by=proposed_by, now=now)  # fmt: skip


def _transfer(
    kind: EntryKind, *, group_id: int, payer: int, payee: int, minutes: int, note: str, created_by: int,
    now: dt.datetime,
) -> EntryDraft:  # fmt: skip
    """Hours moved from ``payer`` to ``payee`` with the payer's consent: confirmed by them at once."""
    return EntryDraft(
        group_id=group_id,
        kind=kind,
        from_member=payer,
        to_member=payee,
        minutes=minutes,
        note=note,
        status=EntryStatus.CONFIRMED,
        created_by=created_by,
        created_at=now,
        confirmed_by=payer,
    )


def exchanges(entries: Iterable[LedgerEntry]) -> list[LedgerEntry]:
    """Exchanges that still stand (confirmed and not reversed)."""
    return [entry for entry in standing_entries(entries) if entry.kind is EntryKind.EXCHANGE]


def reversal(entry: LedgerEntry, existing: LedgerEntry | None, *, by: int, why: str, now: dt.datetime) -> EntryDraft:
    """The entry that cancels ``entry``: same minutes, the other way, counted at once."""
    if entry.kind is EntryKind.REVERSAL:
        raise DomainError(N_("Entry #{entry} is itself a reversal and cannot be reversed."), entry=entry.id)
    if existing is not None:
        raise DomainError(
            N_("Entry #{entry} was already reversed by entry #{reversal}."),
            entry=entry.id,
            reversal=existing.id,
        )
    if entry.status is not EntryStatus.CONFIRMED:
        raise DomainError(
            N_("Entry #{entry} does not count (it is not confirmed), so there is nothing to reverse."),
            entry=entry.id,
        )
    return EntryDraft(
        group_id=entry.group_id,
        kind=EntryKind.REVERSAL,
        from_member=entry.to_member,
        to_member=entry.from_member,
        minutes=entry.minutes,
        note=why,
        status=EntryStatus.CONFIRMED,
        created_by=by,
        created_at=now,
        confirmed_by=by,
        reverses=entry.id,
    )


# ------------------------------------------------------------------ deciding entries


_NOT_PENDING = {
    EntryStatus.CONFIRMED: N_("Entry #{entry} is already confirmed."),
    EntryStatus.REJECTED: N_("Entry #{entry} was rejected, so it can't be confirmed."),
    EntryStatus.LAPSED: N_("Entry #{entry} lapsed: nobody confirmed it within {period}."),
}


def is_lapsed(entry: LedgerEntry, now: dt.datetime) -> bool:
    """A pending entry nobody confirmed within :data:`LAPSE_AFTER` no longer can be."""
    return entry.status is EntryStatus.LAPSED or (
        entry.status is EntryStatus.PENDING and entry.lapses_at is not None and now >= entry.lapses_at
    )


def _require_pending(entry: LedgerEntry, now: dt.datetime) -> None:
    status = EntryStatus.LAPSED if is_lapsed(entry, now) else entry.status
    if status is not EntryStatus.PENDING:
        raise DomainError(_NOT_PENDING[status], entry=entry.id, period=LAPSE_AFTER)


def require_can_confirm(entry: LedgerEntry, presser: int, now: dt.datetime) -> None:
    """Anyone but the logger may confirm a pending entry, facilitators included."""
    _require_pending(entry, now)
    if presser == entry.created_by:
        raise DomainError(N_("You can't confirm your own entry: another neighbour has to."))


def require_can_reject(entry: LedgerEntry, *, facilitator: bool, now: dt.datetime) -> None:
    if not facilitator:
        raise DomainError(N_("Only the group's facilitators can reject an entry."))
    _require_pending(entry, now)


# ----------------------------------------------------------------------- balances


@dataclass(frozen=True, slots=True)
class Account:
    """One member's standing in one group's time bank."""

    balance: int
    given: int  # time they gave: confirmed volunteering and thanks received, minus reversals
    received: int  # help they thanked others for, minus reversals
    pending: int  # entries of theirs waiting for a confirmation


def balances(entries: Iterable[LedgerEntry]) -> dict[int, int]:
    """Every member's balance: the sum of the confirmed entries that touch them."""
    totals: Counter[int] = Counter()
    for entry in entries:
        if entry.counts:
            if entry.to_member is not None:
                totals[entry.to_member] += entry.minutes
            if entry.from_member is not None:
                totals[entry.from_member] -= entry.minutes
    return dict(totals)


def _reversed_ids(entries: Iterable[LedgerEntry]) -> set[int]:
    return {entry.reverses for entry in entries if entry.counts and entry.reverses is not None}


def standing_entries(entries: Iterable[LedgerEntry]) -> list[LedgerEntry]:
    """Confirmed entries that still count: not reversals, and not reversed."""
    entries = list(entries)
    cancelled = _reversed_ids(entries)
    return [
        entry
        for entry in entries
        if entry.counts and entry.kind is not EntryKind.REVERSAL and entry.id not in cancelled
    ]


def account(entries: Iterable[LedgerEntry], user_id: int) -> Account:
    entries = list(entries)
    standing = standing_entries(entries)
    return Account(
        balance=sum(entry.effect_on(user_id) for entry in entries if entry.counts),
        given=sum(entry.minutes for entry in standing if entry.to_member == user_id),
        received=sum(entry.minutes for entry in standing if entry.from_member == user_id),
        pending=sum(
            1 for entry in entries if entry.status is EntryStatus.PENDING and entry.created_by == user_id
        ),
    )


def minted(entries: Iterable[LedgerEntry]) -> int:
    """Credits in circulation: confirmed volunteering that has not been reversed."""
    return sum(entry.minutes for entry in standing_entries(entries) if entry.kind is EntryKind.VOLUNTEERING)


def contributors(entries: Iterable[LedgerEntry]) -> set[int]:
    return {
        entry.to_member
        for entry in standing_entries(entries)
        if entry.kind is EntryKind.VOLUNTEERING and entry.to_member is not None
    }


def volunteered_since(entries: Iterable[LedgerEntry], since: dt.datetime | None) -> int:
    """Minutes of standing volunteering logged since ``since`` (all of it for ``None``)."""
    return sum(
        entry.minutes
        for entry in standing_entries(entries)
        if entry.kind is EntryKind.VOLUNTEERING and (since is None or entry.created_at >= since)
    )


# ------------------------------------------------------------------------- the audit


def audit(entries: Iterable[LedgerEntry], reported: Mapping[int, int]) -> list[str]:
    """Every way one group's ledger fails to balance, in plain words for an operator.

    ``reported`` is the balance per member as the bot shows it (computed by SQL); it must
    equal the domain's sum of confirmed entries. Empty when the books are clean.
    """
    entries = list(entries)
    by_id = {entry.id: entry for entry in entries}
    problems: list[str] = []
    expected = balances(entries)
    for member in sorted(set(expected) | set(reported)):
        if expected.get(member, 0) != reported.get(member, 0):
            problems.append(
                f"member {member}: balance shown {reported.get(member, 0)} min "
                f"but confirmed entries sum to {expected.get(member, 0)} min"
            )
    held = sum(expected.values())
    community = sum(
        (entry.minutes if entry.to_member is None else 0) - (entry.minutes if entry.from_member is None else 0)
        for entry in entries
        if entry.counts
    )
    if held + community != 0:
        problems.append(f"transfers do not net to zero: members hold {held} min, the community {community} min")
    standing = minted(entries)
    if held != standing:
        problems.append(f"members hold {held} min but {standing} min of volunteering stands confirmed")
    for entry in entries:
        problems.extend(_entry_problems(entry, by_id))
    return problems


def _entry_problems(entry: LedgerEntry, by_id: Mapping[int, LedgerEntry]) -> list[str]:
    problems = []
    label = f"entry #{entry.id}"
    if entry.counts and entry.confirmed_by is None:
        problems.append(f"{label} is confirmed without a confirmer")
    if entry.counts and entry.kind is EntryKind.VOLUNTEERING and entry.confirmed_by == entry.created_by:
        problems.append(f"{label} was confirmed by the member who logged it")
    if entry.kind is EntryKind.EXCHANGE:
        if entry.from_member is None or entry.to_member is None:
            problems.append(f"{label} is an exchange that does not net to zero between two members")
        elif entry.counts and entry.confirmed_by != entry.from_member:
            problems.append(f"{label} is an exchange not confirmed by the member it takes from")
    if entry.kind is EntryKind.REVERSAL:
        original = by_id.get(entry.reverses)
        if original is None:
            problems.append(f"{label} reverses entry #{entry.reverses}, which is not in this group")
        elif (original.from_member, original.to_member, original.minutes) != (
            entry.to_member,
            entry.from_member,
            entry.minutes,
        ):
            problems.append(f"{label} does not mirror entry #{original.id}, which it reverses")
        elif not original.counts:
            problems.append(f"{label} reverses entry #{original.id}, which never counted")
    return problems


# --------------------------------------------------------------------------- names


def neighbour_name(t: Translator, member: Member | None) -> str:
    """How a member is named in public: forgotten and hidden members are not named."""
    if member is None or member.forgotten:
        return t._("a former member")
    if member.hidden:
        return t._("a neighbour")
    if member.display_name:
        return member.display_name
    return f"@{member.username}" if member.username else t._("a neighbour")
