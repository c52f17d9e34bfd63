"""One reading of "#N" for rounds, ideas and ledger entries."""

from __future__ import annotations

import pytest

from bot.domain.numbers import MAX_DIGITS, parse_number


@pytest.mark.parametrize(("text", "number"), [("3", 3), ("#3", 3), ("1", 1), ("9" * MAX_DIGITS, int("9" * MAX_DIGITS))])
def test_numbers_as_people_write_them(text, number):
    assert parse_number(text) == number


@pytest.mark.parametrize(
    "text", ["", "#", "##3", "0", "#0", "00", "-1", "3a", "²", "٣", "３", "1" * (MAX_DIGITS + 1), "1" * 30]
)
def test_anything_else_is_not_a_number(text):
    assert parse_number(text) is None
