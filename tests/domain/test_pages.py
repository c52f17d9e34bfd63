"""Listings are cut into pages of at most three messages, each within the length limit."""

from __future__ import annotations

import pytest

from bot.domain.errors import DomainError
from bot.domain.pages import MESSAGES_PER_PAGE, page_of, split_page

LIMIT = 60
PER_MESSAGE = 3  # blocks of 19 characters: 19 * 3 + 2 = 59


def hint(page: int) -> str:
    return f"more: p{page}"


def pages(blocks: list[str], page: int) -> list[str]:
    return page_of(blocks, page, limit=LIMIT, measure=len, next_hint=hint, example="/x page 2")


def blocks(count: int) -> list[str]:
    """Blocks of 19 characters, :data:`PER_MESSAGE` to a message."""
    return [f"line {index:04d} of the list"[:19] for index in range(count)]


@pytest.mark.parametrize("count", [PER_MESSAGE * MESSAGES_PER_PAGE - 1, PER_MESSAGE * MESSAGES_PER_PAGE])
def test_a_listing_up_to_three_messages_is_one_page_without_a_hint(count):
    messages = pages(blocks(count), 1)
    assert len(messages) == MESSAGES_PER_PAGE
    assert "\n".join(messages).split("\n") == blocks(count)
    assert all(len(message) <= LIMIT for message in messages)


def test_one_line_more_than_three_messages_is_paged_with_a_hint_on_the_last_message():
    listing = blocks(PER_MESSAGE * MESSAGES_PER_PAGE + 1)
    first = pages(listing, 1)
    assert len(first) == MESSAGES_PER_PAGE
    assert first[-1].endswith("more: p2")
    assert all(len(message) <= LIMIT for message in first)
    shown = [line for message in first for line in message.split("\n") if not line.startswith("more")]
    rest = [line for page in range(2, 10) for message in _or_empty(listing, page) for line in message.split("\n")]
    assert [line for line in shown + rest if not line.startswith("more")] == listing


def _or_empty(listing: list[str], page: int) -> list[str]:
    try:
        return pages(listing, page)
    except DomainError:
        return []


def test_last_page_has_no_hint_and_the_page_after_it_is_refused():
    listing = blocks(PER_MESSAGE * MESSAGES_PER_PAGE + 1)
    last = 1
    while True:
        try:
            messages = pages(listing, last + 1)
        except DomainError as error:
            assert error.params["count"] == last and error.params["page"] == last + 1
            break
        last += 1
    assert not pages(listing, last)[-1].endswith(f"p{last + 1}")
    assert last >= 2 and messages


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], ([], 1)),
        (["3"], (["3"], 1)),
        (["3", "page", "2"], (["3"], 2)),
        (["PAGE", "#4"], ([], 4)),
        (["page", "999999999"], ([], 999_999_999)),
    ],
)
def test_page_words_are_split_off(args, expected):
    assert split_page(args, "/x page 2") == expected


@pytest.mark.parametrize("bad", ["0", "²", "-1", "1234567890", "two", "1.5", "x" * 5000])
def test_bad_page_numbers_are_refused(bad):
    with pytest.raises(DomainError) as refused:
        split_page(["3", "page", bad], "/x page 2")
    assert refused.value.params["example"] == "/x page 2"


def test_page_without_a_number_is_refused():
    with pytest.raises(DomainError):
        split_page(["3", "page"], "/x page 2")
