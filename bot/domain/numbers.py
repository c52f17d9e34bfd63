"""The numbers people write for rounds, ideas and ledger entries: ``3`` or ``#3``.

One parser for every command, so ``/ideas``, ``/withdraw``, ``/reverse`` and the deep link
agree on what is a number: ASCII digits only (``²`` and other Unicode digits pass
``str.isdigit`` but are no number of ours), one optional ``#``, at least 1, and short enough
for SQLite's integers (a 30-digit "number" is refused, not sent to the database).
"""

from __future__ import annotations

MAX_DIGITS = 9  # nothing the bot numbers comes near a billion


def parse_number(text: str) -> int | None:
    """The number written as ``text``, or None if it is not one."""
    digits = text.removeprefix("#")
    if not digits.isascii() or not digits.isdigit() or len(digits) > MAX_DIGITS:
        return None
    value = int(digits)
    return value if value >= 1 else None
