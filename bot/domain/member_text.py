"""Text members write, made safe to store and show: no Unicode direction controls.

The bot wraps member text in a first-strong isolate so a left-to-right name stays in place
inside a right-to-left sentence. Embeddings, overrides and isolates inside the text
(U+202A–U+202E, U+2066–U+2069) could close that isolate early or reverse the rest of the
line (``"Ben\\u2069\\u202e"``), so they are removed wherever member text enters the bot.
"""

from __future__ import annotations

DIRECTION_CONTROLS = frozenset(
    [chr(code) for code in range(0x202A, 0x202F)] + [chr(code) for code in range(0x2066, 0x206A)]
)
_REMOVE = str.maketrans(dict.fromkeys(DIRECTION_CONTROLS))


def without_direction_controls(text: str) -> str:
    """``text`` with every embedding, override and isolate control removed."""
    return text.translate(_REMOVE)


def isolated(text: str) -> str:
    """``text`` as a run of its own direction inside other words (first-strong isolate):
    a Latin idea in an Arabic sentence keeps its own order, and its ellipsis stays at its end."""
    return f"\u2068{without_direction_controls(text)}\u2069"


def clean_name(text: str | None) -> str | None:
    """A name from Telegram as the bot keeps it (``None`` stays ``None``)."""
    return None if text is None else without_direction_controls(text)
