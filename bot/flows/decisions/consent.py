"""Consent proposals in the chat: the proposal message and its buttons, positions and reasons.

``/consent`` (or a resident's supported ``/propose consent``) opens a round straight in
voting, with the proposal as its question and the quorum worked out from the group's
setting. Its message carries four buttons (Agree, Abstain, Object, Block), the counts and
the latest reasons, and is edited as positions change (at most every few seconds, as a
round's prompt is). Object and Block ask for a reason: privately when the member has a
private chat with the bot, otherwise by a reply to the proposal message. Closing freezes
the counts and the verdict (:mod:`bot.domain.decisions.consent`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.domain import callbacks, i18n
from bot.domain.deadline_kinds import DeadlineKind, reminder_due
from bot.domain.decisions import Decision, Method, Position, Reason
from bot.domain.decisions.consent import (
    ASKS_REASON,
    LATEST_REASONS,
    POSITIONS,
    Quorum,
    Stance,
    check_reason,
    counted,
    decide,
)
from bot.domain.durations import whole_minutes
from bot.domain.errors import DomainError
from bot.domain.i18n import N_, Translator
from bot.domain.notices import ACTIVE_WITHIN
from bot.domain.records import Group, Source
from bot.domain.rounds import Idea, Kind, Round, Stage, voting_deadline
from bot.flows.decision_words import position_word, positions_line, quorum_line, reason_line, rule_line
from bot.runtime import deadlines
from bot.runtime.acknowledge import best_effort
from bot.runtime.application import CoprodApplication
from bot.runtime.limiter import best_effort_args
from storage import Connection, groups, members, rounds
from storage import consent as stored

log = logging.getLogger(__name__)

CLOSED = N_("Consent proposal #{number} is not open any more.")


class Consent:
    """:class:`~bot.flows.decisions.DecisionMethod` for consent proposals."""

    async def open_vote(self, app: CoprodApplication, group: Group, round_: Round, standing: Sequence[Idea]) -> None:
        if round_.voting_message_id is not None:
            return
        t = i18n.translator(group.language)
        async with app.services.db.read() as conn:
            text = await message_text(conn, t, group, round_, app.services.clock.now())
        message = await app.bot.send_message(group.chat_id, text, reply_markup=keyboard(t, round_))
        async with app.services.db.transaction() as conn:
            await rounds.set_voting_message(conn, round_.id, message.message_id)

    async def end_vote(self, app: CoprodApplication, round_: Round) -> None:
        """Write the proposal message one last time, without its buttons."""
        await _edit_message(app, round_.id, closing=True)

    async def count(self, conn: Connection, round_: Round) -> Decision:
        terms = await stored.terms(conn, round_.id)
        stances = await stored.stances(conn, round_.id)
        return decide(round_.question, counted(stances), terms.quorum, await _reasons(conn, stances))

    async def freeze(self, conn: Connection, round_: Round, decision: Decision) -> None:
        (placing,) = decision.placings
        await stored.freeze(conn, round_.id, dict(placing.tally.positions), decision.verdict)

    async def frozen(self, conn: Connection, round_: Round) -> Decision:
        terms = await stored.terms(conn, round_.id)
        reasons = await _reasons(conn, await stored.stances(conn, round_.id))
        return decide(round_.question, terms.counts or {}, terms.quorum, reasons, frozen=terms.verdict)

    async def voters_so_far(self, conn: Connection, round_: Round) -> int:
        return await stored.taking_part(conn, round_.id)

    async def votable(self, conn: Connection, round_: Round, standing: Sequence[Idea]) -> list[Idea]:
        return []  # the proposal itself is what members decide on

    def knows_voters(self, group: Group) -> bool:
        return True  # every position is a button pressed by a known member

    async def replied(self, app: CoprodApplication, round_: Round, *, member_id: int | None, text: str | None,
                      source: Source) -> bool:  # fmt: skip
        """A reply to the proposal message is the member's reason for their position."""
        if member_id is None:
            raise DomainError(N_("Please give your reason from your own account."))
        await give_reason(app, round_.id, member_id, text)
        return True

    async def answered_privately(self, app: CoprodApplication, member_id: int, text: str | None) -> int | None:
        async with app.services.db.read() as conn:
            round_id = await stored.reason_awaited(conn, member_id)
        if round_id is None:
            return None
        return (await give_reason(app, round_id, member_id, text)).number


CONSENT = Consent()


async def _reasons(conn: Connection, stances: Sequence[Stance]) -> tuple[Reason, ...]:
    """The reasons given, newest first, each with the name the group may see."""
    given = [stance for stance in stances if stance.reason]
    people = await members.names(conn, {stance.user_id for stance in given})
    return tuple(
        Reason(stance.position, people[stance.user_id].public_name if stance.user_id in people else "", stance.reason,
               stance.changed_at)
        for stance in given
    )  # fmt: skip


# ------------------------------------------------------------------------ opening


async def open_consent(
    app: CoprodApplication, group: Group, proposal: str, *, voting_ends_at: dt.datetime | None, created_by: int | None,
    source: Source | None, amends: int | None = None,
) -> Round:  # fmt: skip
    """Put a proposal to the group: a round straight in voting with its quorum stated.

    The ``source`` message (the /consent, or the supported proposal's message) opens one
    round: replayed after a crash, it posts the proposal only if it was not posted yet."""
    services = app.services
    now = services.clock.now()
    ends_at = voting_ends_at or voting_deadline(now, group.vote_minutes)
    minutes = whole_minutes(ends_at - now)
    async with services.db.transaction() as conn:
        round_ = await rounds.by_source(conn, source) if source else None
        if round_ is None:
            round_ = await rounds.create(
                conn, group_id=group.id, question=proposal, created_by=created_by, now=now, ideas_ends_at=None,
                voting_minutes=minutes, voting_ends_at=ends_at, kind=Kind.POLL,
                method=Method.CONSENT, source=source,
            )  # fmt: skip
            quorum = Quorum.parse(group.quorum)
            active = await stored.active_members(conn, group.id, now - ACTIVE_WITHIN)
            await stored.create(conn, round_.id, quorum=quorum.needed(active), setting=quorum.text, active=active,
                                amends=amends)  # fmt: skip
            await deadlines.plan(
                app, conn, group_id=group.id, kind=DeadlineKind.VOTING_END, ref_id=round_.id,
                due_at=round_.voting_ends_at, remind_at=reminder_due(now, round_.voting_ends_at),
            )  # fmt: skip
    if round_.stage is Stage.VOTING:
        await CONSENT.open_vote(app, group, round_, ())
    async with services.db.read() as conn:
        return await rounds.get(conn, round_.id)


# ------------------------------------------------------------------------ the message


def keyboard(t: Translator, round_: Round) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(position_word(t, position), callback_data=callbacks.encode(callbacks.Action.CONSENT, round_.id, position.value))
        for position in POSITIONS
    ]])  # fmt: skip


async def message_text(conn: Connection, t: Translator, group: Group, round_: Round, now: dt.datetime,
                       *, closing: bool = False) -> str:  # fmt: skip
    """The proposal as the group reads it: the rule and quorum, how to take part, the counts
    and the latest reasons."""
    terms = await stored.terms(conn, round_.id)
    stances = await stored.stances(conn, round_.id)
    reasons = await _reasons(conn, stances)
    decision = decide(round_.question, counted(stances), terms.quorum, reasons)
    heading = t._("<b>Consent proposal #{number}</b>", number=round_.number)
    if terms.amends is not None:
        amended = await rounds.get(conn, terms.amends)
        heading += " " + t._("(it amends proposal #{number})", number=amended.number)
    lines = [heading, t.user_text(round_.question), "", rule_line(t),
             quorum_line(t, terms.quorum, Quorum.parse(terms.quorum_setting).percent, terms.active_members)]
    if closing or round_.stage is not Stage.VOTING:
        lines.append(t._("Voting has ended: the result follows."))
    else:
        ends = round_.voting_ends_at or now
        lines.append(t._("Press Agree, Abstain, Object or Block below; Object and Block ask for your reason. "
                         "You can change your position until {when} ({relative}).",
                         when=t.when(ends, group.timezone), relative=t.relative(ends - now)))  # fmt: skip
    (placing,) = decision.placings
    lines += ["", positions_line(t, placing.tally)]
    if reasons:
        lines += [t._("Latest reasons:")] + [reason_line(t, reason) for reason in reasons[:LATEST_REASONS]]
        if len(reasons) > LATEST_REASONS:
            lines.append(t._("All {count} reasons: /reasons {number}", count=t.number(len(reasons)), number=round_.number))
    if not closing and round_.stage is Stage.VOTING:
        lines.append(t._("To give or change your reason, reply to this message."))
    return "\n".join(lines)


async def _edit_message(app: CoprodApplication, round_id: int, *, closing: bool = False) -> None:
    """Write the proposal message as it stands (without buttons once voting is over)."""
    async with app.services.db.read() as conn:
        round_ = await rounds.get(conn, round_id)
        group = await groups.get(conn, round_.group_id)
        if round_.voting_message_id is None:
            return
        t = i18n.translator(group.language)
        text = await message_text(conn, t, group, round_, app.services.clock.now(), closing=closing)
    still_open = round_.stage is Stage.VOTING and not closing
    markup = keyboard(t, round_) if still_open else None
    if still_open:
        await app.bot.edit_message_text(text, chat_id=group.chat_id, message_id=round_.voting_message_id,
                                        reply_markup=markup, **best_effort_args(app.bot))  # fmt: skip
        return
    await best_effort("consent-closed", app.bot.edit_message_text(
        text, chat_id=group.chat_id, message_id=round_.voting_message_id))  # fmt: skip


async def rewrite_naming(app: CoprodApplication, member_id: int) -> int:
    """Write again the open proposals whose message shows a reason of the member (who asked
    to be forgotten: the reason now reads as a neighbour's); how many were edited."""
    async with app.services.db.read() as conn:
        round_ids = await stored.reasons_open_by(conn, member_id)
    edited = 0
    for round_id in round_ids:
        try:
            await _edit_message(app, round_id)
        except TelegramError as error:
            log.info("event=unname_not_edited round=%s error=%s", round_id, type(error).__name__)
            continue
        edited += 1
    return edited


def message_changed(app: CoprodApplication, round_id: int) -> None:
    """Positions or reasons changed: edit the proposal message soon, once however many change meanwhile."""
    app.services.acknowledgements.refresh_later(app, f"consent:{round_id}", lambda: _edit_message(app, round_id))


# ------------------------------------------------------------------------ positions and reasons


@dataclass(frozen=True, slots=True)
class Taken:
    """A member's position as it now stands: whether it changed and how its reason is asked for."""

    round: Round
    changed: bool
    asked_privately: bool


async def take_position(
    app: CoprodApplication, group_id: int, round_id: int, member_id: int, position: Position
) -> Taken:
    """The member's position from now on, while the proposal (of the group ``group_id``, where
    the button was pressed) is open; Object and Block ask for a reason privately when the
    bot can write to the member."""
    services = app.services
    now = services.clock.now()
    async with services.db.transaction() as conn:
        round_ = await rounds.find(conn, round_id)
        if round_ is None or round_.method is not Method.CONSENT or round_.group_id != group_id:
            raise DomainError(N_("I can't find this proposal any more."))
        _require_open(round_, now)
        member = await members.get(conn, member_id)
        ask = position in ASKS_REASON and member is not None and member.reachable
        changed = await stored.take_position(conn, round_.id, member_id, position, now=now, ask_reason=ask)
        group = await groups.get(conn, round_.group_id)
    if changed:
        message_changed(app, round_.id)
    asked = changed and ask and await _ask_reason(app, group, round_, member, position)
    return Taken(round_, changed, asked)


async def _ask_reason(app: CoprodApplication, group: Group, round_: Round, member, position: Position) -> bool:  # noqa: ANN001
    """Ask the member privately why they object or block; False if Telegram would not deliver it."""
    t = i18n.translator(i18n.chosen_language(member.language_override, member.language_code, group.language))
    question = {
        Position.DISAGREE: t._("You object to consent proposal #{number} in {group}:", number=round_.number,
                               group=t.user_text(group.title)),
        Position.BLOCK: t._("You block consent proposal #{number} in {group}:", number=round_.number,
                            group=t.user_text(group.title)),
    }[position]  # fmt: skip
    text = "\n".join((question, t.user_text(round_.question), "",
                      t._("Why? Write your reason here as your next message. The group sees it with your name, "
                          "unless you hid your name with /privacy.")))  # fmt: skip
    try:
        await app.bot.send_message(member.user_id, text)
    except (Forbidden, BadRequest) as error:
        log.info("event=reason_not_asked round=%s error=%s", round_.id, type(error).__name__)
        return False
    return True


async def give_reason(app: CoprodApplication, round_id: int, member_id: int, text: str | None) -> Round:
    """The reason for the member's position, while the proposal is open."""
    reason = check_reason(text)
    services = app.services
    async with services.db.transaction() as conn:
        round_ = await rounds.get(conn, round_id)
        _require_open(round_, services.clock.now())
        if not await stored.give_reason(conn, round_.id, member_id, reason, services.clock.now()):
            raise DomainError(N_("First choose your position with the buttons under the proposal; then reply with your reason."))
    message_changed(app, round_.id)
    return round_


def _require_open(round_: Round, now: dt.datetime) -> None:
    """Positions and reasons are taken until the deadline, even before its job has run."""
    if round_.stage is not Stage.VOTING or (round_.voting_ends_at is not None and now >= round_.voting_ends_at):
        raise DomainError(CLOSED, number=round_.number)


async def all_reasons(conn: Connection, round_: Round) -> tuple[Reason, ...]:
    """Every reason given on the proposal, newest first (for /reasons)."""
    return await _reasons(conn, await stored.stances(conn, round_.id))
