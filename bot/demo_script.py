"""The demo's story: one week of a neighbourhood group co-producing a decision.

Each :class:`Step` names the bot commands it needs; a step whose commands this build does
not have is not played and is listed at the end instead (never faked). The residents
write in their own languages; the bot answers each of them in private in theirs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.i18n import N_

if TYPE_CHECKING:
    from bot.demo import Scene


@dataclass(frozen=True)
class Step:
    key: str
    title: str  # N_-marked; translated when shown
    needs: frozenset[str]
    play: Callable[[Scene, Cast], Awaitable[None]]
    saw: str | None = None  # N_-marked: the step's line in "what you just saw"


class Cast:
    """The neighbours. Their ``language_code`` is what their Telegram app is set to."""

    def __init__(self, scene: Scene) -> None:
        self.fatima = scene.person("Fatima", "en")  # the community worker, the group's admin
        self.ben = scene.person("Ben", "en")
        self.dawid = scene.person("Dawid", "pl")
        self.ayesha = scene.person("Ayesha", "ur")
        self.omar = scene.person("Omar", "ar")
        self.lucia = scene.person("Lucía", "es")
        self.tiago = scene.person("Tiago", "pt")
        self.residents = [self.ben, self.dawid, self.ayesha, self.omar, self.lucia, self.tiago]
        scene.found_group(self.fatima)
        self.round_prompt: int | None = None
        self.ben_message: int | None = None


async def _welcome(scene: Scene, cast: Cast) -> None:
    await scene.add_bot(cast.fatima)


STEPS: tuple[Step, ...] = (
    Step("welcome", N_("The bot joins the group and says hello"), frozenset(), _welcome),
)

async def neighbourhood(scene: Scene) -> None:
    """Play every step this build supports, then say what was shown and how to run it for real."""
    t, transcript = scene.t, scene.transcript
    await transcript.write(t._("Demo: the co-production bot in a neighbourhood group chat."))
    await transcript.write(
        t._("Simulated neighbours talk to the real bot through a local Telegram emulator. "
            "No token, no network; days pass in seconds.")  # fmt: skip
    )
    cast = Cast(scene)
    available = scene.commands()
    for step in STEPS:
        if not step.needs <= available:
            scene.skipped.append(step.key)
            continue
        await transcript.heading(t._(step.title))
        await step.play(scene, cast)
        scene.played.append(step.key)
    await transcript.heading(t._("What you just saw"))
    for step in STEPS:
        if step.key in scene.played and step.saw:
            await transcript.write("• " + t._(step.saw))
    if scene.skipped:
        await transcript.write(t._("Not shown, because this version cannot do it yet:"))
        for step in STEPS:
            if step.key in scene.skipped:
                await transcript.write("• " + t._(step.title))
    await transcript.heading(t._("Run it for real"))
    await transcript.write(
        t._("Create a bot with @BotFather, add it to your group as an administrator, then:")
    )
    await transcript.write("    TELEGRAM_BOT_TOKEN=123456:ABC... python -m bot")
    await transcript.write(t._("or with Docker: docker compose up -d (see the README)."))
