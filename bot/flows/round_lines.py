"""A round at a glance, in words: where it stands, what it decided, what became of it.

``/rounds``, the public page (its index and each round's page) and the council report say
a round's status and decision with these functions, so they read the same everywhere.
The decision is read from the round's :class:`~bot.domain.decisions.Decision` only, never
from its method: a method that fills another part of the record is said here once, for
every place. ``quote`` marks what members wrote: ``t.user_text`` (escaped and isolated) in a
Telegram message, :func:`~bot.domain.member_text.isolated` on the page and in the report,
whose templates and PDF escape or draw text themselves.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.domain.decisions import Decision, Placing
from bot.domain.i18n import N_, Translator
from bot.domain.outcomes import status_text
from bot.domain.placings import idea_name
from bot.domain.rounds import Stage
from bot.domain.site import PublicOutcome, PublicRound
from bot.domain.text_limits import shorten
from bot.flows import decision_words
from bot.flows.common_ground_lines import common_ground_line

Quote = Callable[[str], str]

WINNERS_SHOWN = 5  # tied first places named in one line; the rest are counted
WINNER_LENGTH = 150  # Telegram units of each one's text; the full texts are in the results

# A round's status for a reader who was not there.
STATUS_WORDS = {
    Stage.IDEAS: N_("open"),
    Stage.VOTING: N_("voting"),
    Stage.CLOSED: N_("decided"),
    Stage.CANCELLED: N_("cancelled"),
}


def round_status(t: Translator, stage: Stage) -> str:
    """"open", "voting", "decided" or "cancelled"."""
    return t._(STATUS_WORDS[stage])


def winners_line(t: Translator, results: Decision, quote: Quote | None = None) -> str:
    """What the group chose: the first place by its number and words ("idea 7 · …"), ties in
    words, each shortened and at most :data:`WINNERS_SHOWN` of them, so a round of long tied
    ideas still fits a message."""
    quote = quote or t.user_text
    said = decision_words.decision_line(t, results, WINNER_LENGTH, quote)  # a verdict, or what a budget funded
    if said is not None:
        return said
    if results.common_ground is not None:
        return common_ground_line(t, results.common_ground, quote)
    winners = results.winners
    if not results.voters:
        return t._("Nobody voted.")
    if not winners:
        return t._("No idea received votes.")
    if len(winners) == 1:
        return t.ngettext("Chosen: {idea} ({count} vote)", "Chosen: {idea} ({count} votes)", winners[0].tally.votes,
                          idea=_winner(t, winners[0], quote))  # fmt: skip
    ideas = "; ".join(_winner(t, placing, quote) for placing in winners[:WINNERS_SHOWN])
    more = len(winners) - WINNERS_SHOWN
    if more > 0:
        ideas += "; " + t.ngettext("{count} more idea", "{count} more ideas", more)
    return t.ngettext(
        "Tied for first: {ideas} ({count} vote each)",
        "Tied for first: {ideas} ({count} votes each)",
        winners[0].tally.votes,
        ideas=ideas,
    )


def _winner(t: Translator, placing: Placing, quote: Quote) -> str:
    """"idea 7 · words", the words shortened; a voice idea never given words by its number."""
    words = quote(shorten(placing.tally.text, WINNER_LENGTH)) if placing.tally.text else ""
    return idea_name(t, placing.tally.number, words)


def decision_line(t: Translator, round_: PublicRound, timezone: str, quote: Quote) -> str:
    """The round's decision in one sentence, or where it stands while it has none: collecting
    ideas or voting until when, or cancelled and why."""
    if round_.stage is Stage.CLOSED and round_.decision is not None:
        return winners_line(t, round_.decision, quote)
    if round_.stage is Stage.CANCELLED:
        if round_.cancel_reason:
            return t._("Cancelled: {reason}", reason=quote(round_.cancel_reason))
        return t._("Cancelled without a decision.")
    if round_.deadline is None:
        return t._("Not decided yet.")
    until = t.when(round_.deadline, timezone)
    if round_.stage is Stage.IDEAS:
        return t._("Collecting ideas until {when}; not decided yet.", when=until)
    return t._("Voting until {when}; not decided yet.", when=until)


def outcome_status(t: Translator, outcome: PublicOutcome | None) -> str:
    """The outcome's current status ("in progress (40%)"), or that nothing is recorded yet."""
    if outcome is None:
        return t._("no update yet")
    return status_text(t, outcome.status, outcome.progress)
