"""One way to name an idea's place in a result, everywhere it is shown.

The results message, the chart and its caption, the private notices, summaries, ``/rounds``
and the public page all say a place as a rank in words and an idea by its number and its
words: "1st · idea 7 · A shaded bench", "tied for 2nd · idea 3 · …". A bare number never
means a rank in one place and an idea in another.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.decisions import Decision, Placing
from bot.domain.i18n import Translator


def place(t: Translator, rank: int, tied: bool) -> str:
    """"1st", or "tied for 1st" when others share the place."""
    ordinal = t.ordinal(rank)
    return t._("tied for {place}", place=ordinal) if tied else ordinal


def idea_name(t: Translator, number: int, words: str) -> str:
    """"idea 7 · A shaded bench" (``words`` as the caller shows them: escaped, isolated or plain)."""
    return t._("idea {number} · {idea}", number=t.number(number), idea=words) if words else t._(
        "idea {number}", number=t.number(number))  # fmt: skip


def ranked(t: Translator, rank: int, tied: bool, number: int, words: str) -> str:
    """"1st · idea 7 · A shaded bench"."""
    return t._("{place} · {idea}", place=place(t, rank, tied), idea=idea_name(t, number, words))


def placed(t: Translator, placing: Placing, words: str) -> str:
    """A placing of a decision, as :func:`ranked` says it."""
    return ranked(t, placing.rank, placing.tied, placing.tally.number, words)


def tie_for_first(t: Translator, decision: Decision, round_number: int) -> str | None:
    """The line that tells facilitators how to settle a tie for first place, or None."""
    tied: Sequence[Placing] = decision.winners
    if len(tied) < 2:
        return None
    return t._(
        "Ideas {ideas} are tied for first place. Facilitators can settle it with a short run-off vote: /runoff {number}",
        ideas=t.list_of([t.number(placing.tally.number) for placing in tied]), number=round_number,
    )  # fmt: skip
