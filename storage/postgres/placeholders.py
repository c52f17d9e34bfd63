"""SQLite's placeholders in PostgreSQL's terms: ``?`` and ``:name`` become ``$1``, ``$2``...

The queries in ``storage/`` are written once, with SQLite's placeholders; asyncpg knows only
numbered ones. A question mark or a colon inside a string literal, a quoted name or a comment
is left alone, and so is PostgreSQL's ``::`` cast. Each name gets one number however often it
appears, so ``:round`` used three times is one parameter.
"""

from __future__ import annotations

import functools
import re

# A quoted literal or name, a comment, a cast, or a placeholder; everything else is copied.
_TOKEN = re.compile(
    r"""
    (?P<skip>'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|/\*.*?\*/|::)
    | (?P<positional>\?)
    | :(?P<name>[A-Za-z_][A-Za-z0-9_]*)
    """,
    re.VERBOSE | re.DOTALL,
)


@functools.lru_cache(maxsize=4096)
def translate(sql: str) -> tuple[str, tuple[str, ...]]:
    """``(statement with $n, the names of the named parameters in number order)``; the names
    are empty for a statement with ``?`` only. Mixing both kinds is refused."""
    names: dict[str, int] = {}
    positional = 0

    def number(match: re.Match[str]) -> str:
        nonlocal positional
        if match.group("skip") is not None:
            return match.group("skip")
        if match.group("positional") is not None:
            positional += 1
            return f"${positional}"
        name = match.group("name")
        names.setdefault(name, len(names) + 1)
        return f"${names[name]}"

    statement = _TOKEN.sub(number, sql)
    if positional and names:
        raise ValueError("a statement uses either ? or :name placeholders, not both")
    return statement, tuple(names)
