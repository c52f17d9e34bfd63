"""The domain keeps Telegram's limits as its own numbers; they must stay the Bot API's."""

from __future__ import annotations

from telegram.constants import MessageLimit, PollLimit

from bot.domain import text_limits


def test_the_limits_are_telegrams_as_python_telegram_bot_states_them():
    assert text_limits.MESSAGE_LENGTH == MessageLimit.MAX_TEXT_LENGTH
    assert text_limits.CAPTION_LENGTH == MessageLimit.CAPTION_LENGTH
    assert text_limits.POLL_QUESTION_LENGTH == PollLimit.MAX_QUESTION_LENGTH
    assert text_limits.POLL_OPTION_LENGTH == PollLimit.MAX_OPTION_LENGTH
    assert text_limits.POLL_OPTIONS == PollLimit.MAX_OPTION_NUMBER


def test_shorten_counts_telegrams_units_and_keeps_within_the_limit():
    assert text_limits.shorten("a  b\nc", 10) == "a b c"
    assert text_limits.shorten("😀" * 10, 9) == "😀" * 4 + "…"
    assert text_limits.telegram_length(text_limits.shorten("😀" * 10, 9)) == 9


def _more(count: int) -> str:
    return f"+{count}"


def test_fit_lines_keeps_every_line_that_fits_exactly_at_the_limit():
    head, lines = ["h" * 10], ["a" * 10, "b" * 10]
    exact = 10 + 1 + 10 + 1 + 10
    fitted = text_limits.fit_lines(head, lines, exact, text_limits.telegram_length, _more)
    assert fitted == "\n".join(head + lines)


def test_fit_lines_one_unit_short_leaves_the_last_line_out_and_says_how_many():
    head, lines = ["h" * 10], ["a" * 10, "b" * 10]
    exact = 10 + 1 + 10 + 1 + 10
    fitted = text_limits.fit_lines(head, lines, exact - 1, text_limits.telegram_length, _more)
    assert fitted == "h" * 10 + "\n" + "a" * 10 + "\n+1"
    assert text_limits.telegram_length(fitted) <= exact - 1


def test_fit_lines_counts_telegram_units_and_keeps_room_for_the_more_line():
    lines = ["😀" * 5] * 100  # 10 units each
    fitted = text_limits.fit_lines(["head"], lines, 100, text_limits.telegram_length, _more)
    assert text_limits.telegram_length(fitted) <= 100
    shown = fitted.count("😀" * 5)
    assert fitted.endswith(f"+{100 - shown}") and shown == 8
