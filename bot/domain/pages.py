"""Listings in a group take at most a few messages; the rest is on the next page.

A group gets about 20 bot messages a minute, shared by everyone in it. One ``/ideas`` of a
round with 200 long ideas would take most of that minute, so a listing (``/ideas``,
``/ledger``, ``/rounds``) sends at most :data:`MESSAGES_PER_PAGE` messages per command; the
last message of a page says how to get the next one (``/ideas 3 page 2``). Pure: the caller
renders the lines and the "next page" hint, this module packs and cuts them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.domain.errors import DomainError, Quoted
from bot.domain.i18n import N_
from bot.domain.numbers import MAX_DIGITS, parse_number
from bot.domain.text_limits import pack_messages

MESSAGES_PER_PAGE = 3
PAGE_WORD = "page"

NOT_A_PAGE = N_("“{value}” is not a page number. Write it like {example}.")
NO_SUCH_PAGE = N_("There is no page {page}: the last page is {count}. Write it like {example}.")
PAGE_MISSING = N_("Write the page number after “page”, like {example}.")


def split_page(args: Sequence[str], example: str) -> tuple[list[str], int]:
    """``[... "page", N]`` at the end of a command's arguments: the other arguments and N
    (1 when no page is asked for). ``example`` is the command to copy when N is not a number."""
    words = list(args)
    if words and words[-1].lower() == PAGE_WORD:
        raise DomainError(PAGE_MISSING, example=example)
    if len(words) < 2 or words[-2].lower() != PAGE_WORD:
        return words, 1
    page = parse_number(words[-1])
    if page is None:
        raise DomainError(NOT_A_PAGE, value=Quoted(words[-1]), example=example)
    return words[:-2], page


def page_of(
    blocks: Sequence[str],
    page: int,
    *,
    limit: int,
    measure: Callable[[str], int],
    next_hint: Callable[[int], str],
    example: str,
) -> list[str]:
    """The messages of page ``page`` (from 1) of ``blocks`` packed into messages of at most
    ``limit`` units; every page but the last ends with ``next_hint(page + 1)``.

    When everything fits in one page it is packed as tightly as it goes; otherwise each
    message keeps room for the hint, so adding it never pushes a message over ``limit``.
    """
    messages = pack_messages(blocks, limit, measure)
    if len(messages) > MESSAGES_PER_PAGE:
        room = measure(next_hint(10**MAX_DIGITS - 1)) + 1
        messages = pack_messages(blocks, limit - room, measure)
    pages = [messages[start : start + MESSAGES_PER_PAGE] for start in range(0, len(messages), MESSAGES_PER_PAGE)]
    if not pages:
        return []
    if not 1 <= page <= len(pages):
        raise DomainError(NO_SUCH_PAGE, page=page, count=len(pages), example=example)
    chosen = list(pages[page - 1])
    if page < len(pages):
        chosen[-1] = chosen[-1] + "\n" + next_hint(page + 1)
    return chosen
