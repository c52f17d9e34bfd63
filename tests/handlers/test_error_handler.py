"""One application error handler logs the unexpected with context and tells the member."""

from __future__ import annotations

import logging

import pytest
from telegram.error import BadRequest, ChatMigrated, Forbidden, TimedOut

from handlers import groups


def broken(error: Exception):
    def welcome_text(_t: object) -> str:
        raise error

    return welcome_text


async def test_a_bug_is_logged_with_its_context_and_the_member_told(harness, monkeypatch, caplog):
    monkeypatch.setattr(groups, "welcome_text", broken(RuntimeError("a bug")))
    with caplog.at_level(logging.ERROR):
        await harness.send(harness.residents[0], "/help")
    [record] = [record for record in caplog.records if "event=handler_error" in record.getMessage()]
    assert f"chat_id={harness.group.id}" in record.getMessage() and "error=RuntimeError" in record.getMessage()
    assert record.exc_info is not None
    assert harness.last_text() == "Sorry, something went wrong on my side. Please try again in a moment."


async def test_the_apology_speaks_the_groups_language(harness, monkeypatch):
    await harness.send(harness.facilitator, "/settings language pl")
    monkeypatch.setattr(groups, "welcome_text", broken(RuntimeError("a bug")))
    await harness.send(harness.residents[0], "/help")
    apology = harness.last_text()
    assert apology != "Sorry, something went wrong on my side. Please try again in a moment."
    assert any(letter in apology for letter in "ąęłńóśźżć")


async def test_the_apology_in_private_speaks_the_members_language(harness, monkeypatch):
    dawid = harness.telegram.person(301, "Dawid", language_code="pl")
    monkeypatch.setattr(groups, "welcome_text", broken(RuntimeError("a bug")))
    await harness.send_private(dawid, "/help")
    apology = harness.last_text(harness.telegram.private_chat(dawid))
    assert apology != "Sorry, something went wrong on my side. Please try again in a moment."
    assert any(letter in apology for letter in "ąęłńóśźżć")


@pytest.mark.parametrize(
    ("error", "event"),
    [
        (Forbidden("Forbidden: bot was kicked from the supergroup chat"), "event=telegram_refused"),
        (BadRequest("Message to be replied not found"), "event=telegram_refused"),
        (ChatMigrated(-1009999), "event=telegram_refused"),
        (TimedOut(), "event=telegram_unreachable"),
    ],
)
async def test_telegram_failures_are_one_warning_and_no_apology(harness, monkeypatch, caplog, error, event):
    monkeypatch.setattr(groups, "welcome_text", broken(error))
    with caplog.at_level(logging.WARNING):
        await harness.send(harness.residents[0], "/help")
    warnings = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert len(warnings) == 1 and event in warnings[0].getMessage() and warnings[0].exc_info is None
    assert harness.texts() == []
