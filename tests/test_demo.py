"""SPEC §2: ``python -m bot demo`` plays a whole co-production story against the emulator."""

from __future__ import annotations

import asyncio
import io
import logging

import pytest

from bot import cli, demo, i18n, logs
from bot.demo_script import STEPS


@pytest.fixture(scope="module")
def played(tmp_path_factory):
    """One fast run of the demo in English, shared by the checks below (it is the slow part).

    Logging is configured as ``python -m bot`` configures it, at INFO, into a buffer.
    """
    output = tmp_path_factory.mktemp("demo-output")
    stream, log = io.StringIO(), io.StringIO()
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    logs.configure("INFO", demo.DEMO_TOKEN, log)
    try:
        scene = asyncio.run(
            demo.play(language="en", timezone="Europe/London", output=output, stream=stream, speed=0)
        )
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
    return scene, stream.getvalue(), log.getvalue(), output


def test_every_step_of_the_story_is_played(played):
    scene, _text, _records, _output = played
    assert scene.skipped == []
    assert scene.played == [step.key for step in STEPS]


def test_the_bot_made_no_call_real_telegram_would_refuse(played):
    scene, *_ = played
    assert scene.telegram.violations == []


def test_transcript_shows_the_welcome(played):
    _scene, text, *_ = played
    assert "Fatima adds the bot to the group" in text
    assert "Bot: Hello, neighbours!" in text


def test_transcript_ends_with_what_you_saw_and_how_to_run_it_for_real(played):
    _scene, text, *_ = played
    tail = text[text.index("What you just saw") :]
    assert "Run it for real" in tail and "TELEGRAM_BOT_TOKEN" in tail and "docker compose" in tail
    assert "Not shown" not in text


def test_no_personal_message_text_and_no_token_in_logs_at_info(played):
    scene, _text, logged, _output = played
    assert "event=membership" in logged
    assert demo.DEMO_TOKEN not in logged
    for (_chat, _id), message in scene.telegram.messages.items():
        if message["from"]["id"] != scene.telegram.bot.id and message.get("text", "").strip():
            if not message["text"].startswith("/"):
                assert message["text"] not in logged


def test_demo_command_plays_in_another_language(capsys, tmp_path):
    status = cli.main(["demo", "--language", "pl", "--speed", "0", "--output", str(tmp_path)])
    out = capsys.readouterr().out
    assert status == 0
    polish = i18n.translator("pl")
    assert polish._("Hello, neighbours! I help this group plan and decide things together.") in out
    assert polish._("What you just saw") in out
    assert "Hello, neighbours!" not in out
    assert "TELEGRAM_BOT_TOKEN" in out


def test_demo_refuses_a_negative_speed(capsys, tmp_path):
    status = cli.main(["demo", "--speed", "-1", "--output", str(tmp_path)])
    assert status == cli.EXIT_CONFIG
    assert "--speed" in capsys.readouterr().err
