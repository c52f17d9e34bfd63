"""``python -m bot demo``: the real bot, a local Telegram and simulated neighbours, as a chat transcript.

The demo builds the same ``Application`` that runs in production
(:func:`bot.app.build_application`) and points it at the emulator
(:class:`bot.demo.emulator.telegram.FakeTelegram`) served over loopback HTTP
(:mod:`bot.demo.emulator.server`), so the real request path runs. A fake clock makes days pass
in an instant: time stops at each deadline on the way and carries it out with
:func:`bot.runtime.deadlines.run_due`, as the job queue would.

:class:`Scene` is what the scenario (:mod:`bot.demo.script`) acts through: people send
messages, reply, press buttons and vote; after each action everything the bot did through
the Bot API is rendered as chat lines by :class:`Transcript`. Images and files the bot
sends are saved to the output folder. The framing lines (who speaks, "what you just saw")
go through gettext like everything the bot says.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
import tempfile
from pathlib import Path
from typing import Any, TextIO

from bot.app import build_application
from bot.demo.emulator.server import EmulatorServer
from bot.demo.emulator.telegram import FakeTelegram
from bot.demo.scene import BASE_PAUSE, Scene, Transcript
from bot.demo.script import neighbourhood
from bot.domain import i18n
from bot.runtime.clock import FakeClock
from bot.runtime.config import Config

DEMO_TOKEN = "123456:DEMO-token-for-the-local-emulator-only"
# A Monday morning: the round opens at 10:00.
DEMO_START = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)
DEFAULT_OUTPUT = Path("demo-output")
# Seconds between transcript lines at speed 1: slow enough to read along.

# Bot API calls that change nothing a member sees.


async def play(
    *,
    language: str,
    timezone: str,
    output: Path,
    stream: TextIO,
    speed: float = 1.0,
) -> Scene:
    """Play the scenario against the real bot; returns the finished scene (transcript included)."""
    t = i18n.translator(language)
    transcript = Transcript(t, stream, pause=BASE_PAUSE / speed if speed > 0 else 0.0)
    clock = FakeClock(DEMO_START)
    telegram = FakeTelegram(clock=clock, bot_username="coprod_demo_bot", files_dir=output.resolve())
    with tempfile.TemporaryDirectory(prefix="coprod-demo-") as folder, EmulatorServer(telegram) as server:
        config = Config(
            token=DEMO_TOKEN,
            api_url=server.url,
            database=Path(folder) / "demo.sqlite3",
            language=language,
            timezone=timezone,
        )
        # No rate limiter: it paces by the real clock, and days pass here in seconds.
        app = build_application(config, clock=clock, rate_limiter=False)
        async with app:
            scene = Scene(app, server, clock, transcript, t._("Chapel Street neighbours"))
            await neighbourhood(scene)
    return scene


def run(options: Any, config: Config) -> int:
    """The ``demo`` subcommand: play to stdout (steps this build cannot play are listed)."""
    output = Path(options.output)
    output.mkdir(parents=True, exist_ok=True)
    asyncio.run(
        play(
            language=config.language,
            timezone=config.timezone,
            output=output,
            stream=sys.stdout,
            speed=options.speed,
        )
    )
    return 0
