"""Rules of the time bank, as pure domain: no Telegram, no database."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bot.domain import i18n, ledger
from bot.domain.errors import DomainError
from bot.domain.ledger import EntryDraft, EntryKind, EntryStatus, LedgerEntry
from bot.domain.records import Member

NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
BEN, CHLOE, FATIMA = 201, 202, 101


def stored(draft: EntryDraft, entry_id: int, **changes) -> LedgerEntry:
    """``draft`` as storage would return it, with ``changes`` applied."""
    fields = {field.name: getattr(draft, field.name) for field in dataclasses.fields(EntryDraft)}
    decided = draft.created_at if draft.status is EntryStatus.CONFIRMED else None
    entry = LedgerEntry(id=entry_id, rejected_by=None, decided_at=decided, message_id=None, **fields)
    return dataclasses.replace(entry, **changes)


def logged(entry_id: int = 1, member: int = BEN, minutes: int = 120, **changes) -> LedgerEntry:
    draft = ledger.volunteering(group_id=1, member=member, minutes=minutes, note="litter pick", now=NOW)
    return stored(draft, entry_id, **changes)


def confirmed(entry_id: int = 1, member: int = BEN, minutes: int = 120, by: int = CHLOE) -> LedgerEntry:
    return logged(entry_id, member, minutes, status=EntryStatus.CONFIRMED, confirmed_by=by, decided_at=NOW)


def thanked(entry_id: int, giver: int, helper: int, minutes: int) -> LedgerEntry:
    draft = ledger.thanks(group_id=1, giver=giver, helper=helper, minutes=minutes, note="",
                          giver_balance=0, floor_minutes=-600, now=NOW)  # fmt: skip
    return stored(draft, entry_id)


# ------------------------------------------------------------------ making entries


def test_volunteering_comes_from_the_community_and_waits_a_week():
    entry = logged()
    assert entry.from_member is None and entry.to_member == BEN
    assert entry.status is EntryStatus.PENDING
    assert entry.lapses_at == NOW + dt.timedelta(days=7)


@pytest.mark.parametrize("text", ["", "   "])
def test_volunteering_needs_a_description(text):
    with pytest.raises(DomainError, match="say what you did"):
        ledger.check_note(text, required=True)


def test_overlong_description_is_refused_with_the_limit():
    with pytest.raises(DomainError) as refused:
        ledger.check_note("x" * 301, required=True)
    assert refused.value.params == {"length": 301, "limit": 300}


def test_thanks_counts_at_once_and_moves_credits_between_members():
    entry = thanked(1, CHLOE, BEN, 60)
    assert entry.status is EntryStatus.CONFIRMED and entry.confirmed_by == CHLOE
    assert ledger.balances([entry]) == {BEN: 60, CHLOE: -60}


def test_nobody_thanks_themselves():
    with pytest.raises(DomainError, match="thank yourself"):
        thanked(1, BEN, BEN, 60)


@pytest.mark.parametrize(
    ("balance", "floor", "room"), [(0, -600, 600), (-540, -600, 60), (-600, -600, 0), (-700, -600, 0), (90, 0, 90)]
)
def test_thanks_room_is_what_is_left_above_the_floor(balance, floor, room):
    assert ledger.thanks_room(balance, floor) == room


def test_thanks_beyond_the_floor_never_reaches_the_ledger():
    with pytest.raises(ValueError, match="floor"):
        ledger.thanks(group_id=1, giver=BEN, helper=CHLOE, minutes=61, note="",
                      giver_balance=-540, floor_minutes=-600, now=NOW)  # fmt: skip


# ------------------------------------------------------------------ confirm and reject


def test_logger_cannot_confirm_their_own_entry():
    with pytest.raises(DomainError, match="own entry"):
        ledger.require_can_confirm(logged(), BEN, NOW)


def test_any_other_member_can_confirm():
    ledger.require_can_confirm(logged(), CHLOE, NOW)


@pytest.mark.parametrize(
    ("status", "message"),
    [(EntryStatus.CONFIRMED, "already confirmed"), (EntryStatus.REJECTED, "was rejected"), (EntryStatus.LAPSED, "lapsed")],
)
def test_decided_entry_cannot_be_confirmed_again(status, message):
    with pytest.raises(DomainError, match=message):
        ledger.require_can_confirm(logged(status=status), CHLOE, NOW)


def test_entry_lapses_exactly_seven_days_after_it_was_logged():
    entry = logged()
    assert not ledger.is_lapsed(entry, NOW + dt.timedelta(days=7, seconds=-1))
    assert ledger.is_lapsed(entry, NOW + dt.timedelta(days=7))
    with pytest.raises(DomainError, match="lapsed"):
        ledger.require_can_confirm(entry, CHLOE, NOW + dt.timedelta(days=7))


def test_confirmed_entry_never_lapses():
    assert not ledger.is_lapsed(confirmed(), NOW + dt.timedelta(days=30))


def test_only_facilitators_reject_and_only_pending_entries():
    with pytest.raises(DomainError, match="facilitators"):
        ledger.require_can_reject(logged(), facilitator=False, now=NOW)
    ledger.require_can_reject(logged(), facilitator=True, now=NOW)
    with pytest.raises(DomainError, match="already confirmed"):
        ledger.require_can_reject(confirmed(), facilitator=True, now=NOW)


# ------------------------------------------------------------------------ reversal


def test_reversal_mirrors_a_confirmed_entry():
    draft = ledger.reversal(confirmed(), None, by=FATIMA, why="logged twice", now=NOW)
    assert (draft.kind, draft.from_member, draft.to_member, draft.minutes, draft.reverses) == (
        EntryKind.REVERSAL, BEN, None, 120, 1,
    )  # fmt: skip
    assert draft.status is EntryStatus.CONFIRMED and draft.confirmed_by == FATIMA


def test_reversal_refuses_pending_reversed_and_reversal_entries():
    with pytest.raises(DomainError, match="not confirmed"):
        ledger.reversal(logged(), None, by=FATIMA, why="x", now=NOW)
    first = stored(ledger.reversal(confirmed(), None, by=FATIMA, why="x", now=NOW), 2)
    with pytest.raises(DomainError, match="already reversed") as refused:
        ledger.reversal(confirmed(), first, by=FATIMA, why="x", now=NOW)
    assert refused.value.params == {"entry": 1, "reversal": 2}
    with pytest.raises(DomainError, match="itself a reversal"):
        ledger.reversal(first, None, by=FATIMA, why="x", now=NOW)


# ------------------------------------------------------------------------ balances


def test_account_counts_given_received_and_pending():
    undo = stored(ledger.reversal(thanked(3, BEN, CHLOE, 30), None, by=FATIMA, why="x", now=NOW), 4)
    entries = [confirmed(1), thanked(2, CHLOE, BEN, 60), thanked(3, BEN, CHLOE, 30), undo, logged(5)]
    account = ledger.account(entries, BEN)
    assert account == ledger.Account(balance=180, given=180, received=0, pending=1)
    assert ledger.account(entries, CHLOE) == ledger.Account(balance=-60, given=0, received=60, pending=0)


def test_minted_and_contributors_leave_out_reversed_volunteering():
    undo = stored(ledger.reversal(confirmed(2, CHLOE, 60, by=BEN), None, by=FATIMA, why="x", now=NOW), 3)
    entries = [confirmed(1), confirmed(2, CHLOE, 60, by=BEN), undo, logged(4, minutes=600)]
    assert ledger.minted(entries) == 120
    assert ledger.contributors(entries) == {BEN}
    assert ledger.volunteered_since(entries, NOW + dt.timedelta(seconds=1)) == 0


# ------------------------------------------------------------------------ the audit


def test_audit_of_clean_books_is_empty():
    entries = [confirmed(1), thanked(2, CHLOE, BEN, 60)]
    assert ledger.audit(entries, ledger.balances(entries)) == []


def test_audit_names_a_balance_shown_that_differs_from_the_sum():
    entries = [confirmed(1)]
    assert ledger.audit(entries, {BEN: 60}) == [
        "member 201: balance shown 60 min but confirmed entries sum to 120 min"
    ]


def test_audit_names_self_confirmed_volunteering():
    entries = [confirmed(1, by=BEN)]
    assert ledger.audit(entries, ledger.balances(entries)) == ["entry #1 was confirmed by the member who logged it"]


def test_audit_names_a_reversal_of_an_entry_that_never_counted():
    undo = stored(ledger.reversal(confirmed(), None, by=FATIMA, why="x", now=NOW), 2)
    entries = [logged(1, status=EntryStatus.REJECTED, rejected_by=FATIMA), undo]
    problems = ledger.audit(entries, ledger.balances(entries))
    assert "entry #2 reverses entry #1, which never counted" in problems


# --------------------------------------------------------------------------- names


def member(**changes) -> Member:
    base = Member(user_id=BEN, first_name="Ben", last_name="Okafor", username="ben", language_code="en",
                  language_override=None, hidden=False, forgotten=False)  # fmt: skip
    return dataclasses.replace(base, **changes)


def test_public_names_respect_privacy_and_forgetting():
    t = i18n.translator("en")
    assert ledger.neighbour_name(t, member()) == "Ben Okafor"
    assert ledger.neighbour_name(t, member(hidden=True)) == "a neighbour"
    assert member(hidden=True).display_name == "Ben Okafor"  # hidden in public only: the name is kept
    assert ledger.neighbour_name(t, member(forgotten=True)) == "a former member"
    assert ledger.neighbour_name(t, None) == "a former member"
