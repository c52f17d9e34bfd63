"""The memory of answered refusals: one answer a minute per refusal, and bounded."""

from __future__ import annotations

import datetime as dt

from bot.runtime import refusals
from bot.runtime.refusals import ANSWER_EVERY, Refusals

NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def test_answered_once_a_minute_per_chat_member_command_and_words():
    seen = Refusals()
    assert seen.answer_now(1, 7, "/ideas", "no", NOW)
    assert not seen.answer_now(1, 7, "/ideas", "no", NOW + ANSWER_EVERY - dt.timedelta(seconds=1))
    assert seen.answer_now(2, 7, "/ideas", "no", NOW)
    assert seen.answer_now(1, 8, "/ideas", "no", NOW)
    assert seen.answer_now(1, 7, "/rounds", "no", NOW)
    assert seen.answer_now(1, 7, "/ideas", "other", NOW)
    assert seen.answer_now(1, 7, "/ideas", "no", NOW + ANSWER_EVERY)


def test_old_refusals_are_forgotten_and_the_memory_is_bounded(monkeypatch):
    monkeypatch.setattr(refusals, "KEPT", 5)
    seen = Refusals()
    for member in range(5):
        seen.answer_now(1, member, "/x", "no", NOW)
    seen.answer_now(1, 99, "/x", "no", NOW + ANSWER_EVERY)
    assert len(seen._answered) == 1  # the five a minute old are gone
    for member in range(10):
        seen.answer_now(1, member, "/x", "no", NOW + ANSWER_EVERY)
    assert len(seen._answered) == 5
