"""Telegram's limits on what a bot sends, and measuring and fitting text within them.

Telegram counts lengths in UTF-16 code units (an emoji can take two), and in an HTML
message only the visible text counts. The limits are the Bot API's own figures, kept here
so the pure rules need no Telegram library (``tests/domain/test_text_limits.py`` checks
them against python-telegram-bot's constants).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence

MESSAGE_LENGTH = 4096  # a text message
CAPTION_LENGTH = 1024  # a photo's or a document's caption
POLL_QUESTION_LENGTH = 300
POLL_OPTION_LENGTH = 100
POLL_OPTIONS = 12  # options in one poll

ELLIPSIS = "…"


def telegram_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def shorten(text: str, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` (Telegram units) with "…" if it was longer."""
    line = " ".join(text.split())
    if telegram_length(line) <= limit:
        return line
    room = limit - telegram_length(ELLIPSIS)
    while telegram_length(line) > room:
        line = line[:-1]
    return line.rstrip() + ELLIPSIS


_TAG = re.compile(r"<[^>]+>")


def visible_length(text: str) -> int:
    """What Telegram counts of an HTML message: the text without tags, entities decoded."""
    return telegram_length(html.unescape(_TAG.sub("", text)))


def pack_messages(
    blocks: Sequence[str], limit: int, measure: Callable[[str], int] = telegram_length
) -> list[str]:
    """Join ``blocks`` (lines) into as few messages as keep each within ``limit``.

    ``measure`` gives the length Telegram will count for a block (for HTML, the visible
    text). A block is never split, so callers keep blocks below the limit.
    """
    messages: list[str] = []
    current: list[str] = []
    size = 0
    for block in blocks:
        length = measure(block)
        if current and size + 1 + length > limit:
            messages.append("\n".join(current))
            current, size = [], 0
        size += length + (1 if current else 0)
        current.append(block)
    if current:
        messages.append("\n".join(current))
    return messages


def fit_lines(
    head: Sequence[str], lines: Sequence[str], limit: int, measure: Callable[[str], int],
    more: Callable[[int], str],
) -> str:  # fmt: skip
    """``head`` and as many of ``lines`` as fit in one message of ``limit`` units, one per
    line, then ``more(n)`` for the ``n`` left out; ``head`` and each line are within their
    own limits by construction, so only how many lines go in is decided here."""
    text = "\n".join(head)
    for shown, line in enumerate(lines):
        rest = len(lines) - shown - 1
        candidate = text + "\n" + line
        ending = candidate if rest == 0 else candidate + "\n" + more(rest)
        if measure(ending) > limit:
            return text + "\n" + more(len(lines) - shown)
        text = candidate
    return text
