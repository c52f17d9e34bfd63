"""``/cancel N``: a facilitator cancels a round (with a reason), or a member takes down their
need or offer (a facilitator may take down any).

Rounds and needs and offers are numbered separately, so ``/cancel 3`` could mean either. When
both a round and a posting numbered N could be meant by the sender (a facilitator, a round
still open, a posting still on the board that they may take down), the bot asks which with
buttons; when only one fits, it is that one. ``/cancel round 3 reason`` or ``/cancel need 3``
says it outright (this is what the buttons write out).
"""

from __future__ import annotations

from telegram.ext import filters

from bot.domain.errors import DomainError
from bot.domain.i18n import N_, Translator
from bot.domain.needs import Posting, PostingKind, PostingStatus
from bot.domain.numbers import parse_number
from bot.domain.records import Choice
from bot.domain.rounds import Round, check_reason, require_open
from bot.domain.text_limits import shorten
from bot.flows import corrections
from bot.flows.needs import take_down
from bot.runtime.menu import Where
from handlers.common import BUTTON_QUESTION_LENGTH, AskWhich, Feature, Turn, command_text, round_label
from storage import needs as stored_needs
from storage import rounds as stored_rounds

feature = Feature()

CANCEL_USAGE = N_("Please give the number to cancel, for example: /cancel 3 the council decided already")

_ROUND_WORDS = N_("round")
_POSTING_WORDS = N_("need|offer")


def _kind_word(t: Translator, word: str) -> str | None:
    """``round`` or ``posting`` for the word before the number (in English or the group's language)."""
    folded = word.casefold()
    for kind, message in (("round", _ROUND_WORDS), ("posting", _POSTING_WORDS)):
        written = {part.strip().casefold() for text in (message, t._(message)) for part in text.split("|")}
        if folded in written:
            return kind
    return None


def _cancel_args(turn: Turn) -> tuple[str | None, int, str]:
    """``[round|need|offer] N [reason]``: what is meant (None: either), its number, the reason."""
    parts = command_text(turn).split(maxsplit=1)
    kind = _kind_word(turn.t, parts[0]) if parts else None
    if kind is not None:
        parts = parts[1].split(maxsplit=1) if len(parts) > 1 else []
    number = parse_number(parts[0]) if parts else None
    if number is None:
        raise DomainError(CANCEL_USAGE)
    return kind, number, parts[1] if len(parts) > 1 else ""


@feature.command(
    "cancel", Where.GROUP, menu=N_("Cancel a round, or take down a need or offer"), filters=filters.UpdateType.MESSAGE
)
async def cancel_command(turn: Turn) -> None:
    kind, number, reason = _cancel_args(turn)
    facilitator = await turn.is_facilitator()
    async with turn.db.read() as conn:
        round_ = await stored_rounds.by_number(conn, turn.group.id, number)
        posting = await stored_needs.in_group(conn, turn.group.id, number)
    round_fits = kind != "posting" and facilitator and round_ is not None and round_.stage.open
    posting_fits = kind != "round" and posting is not None and posting.status is PostingStatus.OPEN and (
        facilitator or posting.author == turn.person_id)  # fmt: skip
    if round_fits and posting_fits:
        raise AskWhich(N_("#{number} is both a round and a need or offer. Which do you want to cancel?"), [
            Choice(round_label(turn.t, round_), f"/cancel round {number} {reason}".rstrip()),
            Choice(_posting_label(turn.t, posting), f"/cancel {posting.kind.value} {number} {reason}".rstrip()),
        ], number=number)  # fmt: skip
    if kind == "round" or round_fits or (kind is None and posting is None and round_ is not None):
        await _cancel_round(turn, round_, number, reason)
    elif posting is not None:
        person = turn.require_person()
        await take_down(turn.context.application, turn.group, posting, by=person.id, facilitator=facilitator)
        await turn.reply(turn.t._("#{number} is taken down.", number=posting.id))
    elif kind == "posting":
        raise DomainError(N_("There is no need or offer #{number} in this group."), number=number)
    else:
        raise DomainError(N_("There is no round, need or offer #{number} in this group."), number=number)


def _posting_label(t: Translator, posting: Posting) -> str:
    text = shorten(posting.text, BUTTON_QUESTION_LENGTH)
    if posting.kind is PostingKind.NEED:
        return t._("Need #{number}: {what}", number=posting.id, what=text)
    return t._("Offer #{number}: {what}", number=posting.id, what=text)


async def _cancel_round(turn: Turn, round_: Round | None, number: int, reason: str) -> None:
    await turn.require_facilitator()
    if round_ is None:
        raise DomainError(N_("There is no round #{number} in this group."), number=number)
    require_open(round_)
    cancelled = await corrections.cancel_round(
        turn.context.application, round_, check_reason(reason, number), by=turn.person_id, source=turn.source
    )
    if cancelled is not None:
        await turn.reply(turn.t._(
            "Round #{number} is cancelled: {reason}\nNothing will be decided in it; everyone who took part will be told.",
            number=cancelled.number, reason=turn.t.user_text(cancelled.cancel_reason or ""),
        ))  # fmt: skip
