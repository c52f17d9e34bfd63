"""What each way of deciding is called where rounds are listed for readers who were not there.

The public page's index and the council report name a round's method ("approval round",
"quick poll", "statements round", "consent proposal", "participatory budget") from the round's stored ``method`` through this one
mapping, so a new method is named by adding its line here.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.domain.decisions import Method
from bot.domain.i18n import N_, Translator
from bot.domain.rounds import Kind

METHOD_NAMES: Mapping[Method, str] = {
    Method.APPROVAL: N_("approval round"),
    Method.STATEMENTS: N_("statements round"),
    Method.CONSENT: N_("consent proposal"),
    Method.BUDGET: N_("participatory budget"),
}
# A method that also runs on fixed options, straight to the vote (``/poll``), has a name for that too.
POLL_NAMES: Mapping[Method, str] = {
    Method.APPROVAL: N_("quick poll"),
}


def method_name(t: Translator, method: Method, kind: Kind = Kind.ROUND) -> str:
    """"approval round", "quick poll", "statements round" in the reader's language."""
    name = POLL_NAMES.get(method) if kind is Kind.POLL else None
    return t._(name or METHOD_NAMES[method])
