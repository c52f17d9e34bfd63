"""Hostile input: random and adversarial updates never crash the bot.

Hypothesis feeds the real ``Application`` (one per test run, its state building up over
the examples) with huge texts, right-to-left and zero-width characters, HTML-looking text,
commands for other bots, every command with garbage arguments, forged callback data,
edits of messages the bot never saw, polls it never sent, unknown update types, and the
bot being removed and re-added. After every example: no exception reached the
application's error handlers, the emulator saw no call real Telegram would refuse, and
the database is whole (foreign keys, integrity, every ledger balancing).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram.ext import CommandHandler

from bot.app import build_application
from bot.cli.ledger_check import discrepancies
from bot.demo.emulator.request import EmulatorRequest
from bot.demo.emulator.telegram import FakeTelegram
from bot.runtime import deadlines
from bot.runtime.clock import FakeClock
from tests.support.databases import on_postgres
from tests.support.harness import Harness, make_config, reference_spec

EXAMPLES = int(os.environ.get("COPROD_FUZZ_EXAMPLES", "200"))  # CI's bound; raise it to dig deeper
ANONYMOUS_ADMIN = 1087968824  # Telegram's GroupAnonymousBot

WEIRD = [
    "\u202e", "\u200b", "\u200d", "\u200f", "\u2066", "\u2069", "\ufeff", "\u0301",
    "مرحبا", "שלום", "اردو", "<b>", "</i>", "<a href='x'>", "&amp;", "&", "<", ">", "&lt;",
    "\n", "\t", " ", "👩‍👩‍👧", "🏳️‍🌈", "-1", "0", "1h", "1.5h", "90m", "13h", "-2h", "99999999999999999999",
    "1e309", "NaN", "@coprod_test_bot", "@other_bot", "@", "v1:", ";", "#1", "all", "off",
    "weekly mon 09:00", "Europe/London", "Mars/Olympus", "pl", "xx",
]  # fmt: skip

texts = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(WEIRD), max_size=12).map("".join),
    st.builds(lambda piece, times: (piece * times)[:4096], st.sampled_from([*WEIRD, "a", "idea "]),
              st.integers(800, 5000)),
)  # fmt: skip
words = st.lists(st.one_of(st.sampled_from(WEIRD), st.text(min_size=1, max_size=12)), max_size=5).map(" ".join)
actors = st.sampled_from(["facilitator", "resident", "stranger", "anonymous admin"])
callback_data = st.one_of(
    st.text(max_size=64),
    st.builds(lambda action, ref: f"v1:{action}:{ref}",
              st.sampled_from(["confirm", "reject", "support", "idea_round", "settings", "forget", "language", "x"]),
              st.one_of(st.integers(-5, 10**12).map(str), st.text(max_size=20))),
)  # fmt: skip


def command_texts(commands: list[str]) -> st.SearchStrategy[str]:
    return st.builds(
        lambda command, suffix, arguments: f"/{command}{suffix} {arguments}".rstrip(),
        st.sampled_from([*commands, "start", "nonsense"]),
        st.sampled_from(["", "@coprod_test_bot", "@other_bot"]),
        st.one_of(words, texts),
    )


def actions(commands: list[str]) -> st.SearchStrategy[tuple]:
    """One hostile thing happening; interpreted by :class:`Adversary`."""
    reply_picks = st.one_of(st.none(), st.integers(0, 10**6))
    command = st.tuples(st.just("message"), actors, st.booleans(), command_texts(commands), reply_picks)
    return st.one_of(
        command, command, command, command,  # commands are where most of the parsing is
        st.tuples(st.just("message"), actors, st.booleans(), texts, reply_picks),
        st.tuples(st.just("message"), actors, st.just(False), texts, st.integers(0, 10**6)),
        st.tuples(st.just("no text"), actors, st.sampled_from(["photo", "sticker"]), texts, reply_picks),
        st.tuples(st.just("edit"), st.integers(0, 10**6), texts),
        st.tuples(st.just("edit unknown"), actors, st.integers(10**5, 10**9), texts),
        st.tuples(st.just("press"), actors, st.integers(0, 10**6), callback_data),
        st.tuples(st.just("vote"), actors, st.integers(0, 10**6), st.lists(st.integers(0, 11), max_size=4, unique=True)),
        st.tuples(st.just("forged poll"), st.text(min_size=1, max_size=20), st.integers(-3, 50)),
        st.tuples(st.just("unknown update"), st.text(min_size=1, max_size=20),
                  st.dictionaries(st.text(max_size=10), st.one_of(st.integers(), st.text(max_size=20)), max_size=3)),
        st.tuples(st.just("membership"), st.booleans()),
    )  # fmt: skip


class Adversary:
    """Turns a drawn action into the update Telegram would deliver (or a forged one)."""

    def __init__(self, harness: Harness) -> None:
        self.h = harness
        self.telegram = harness.telegram
        self.stranger = self.telegram.person(999, "\u202eStranger", language_code="ar")
        self.anonymous = self.telegram.person(ANONYMOUS_ADMIN, "Group", username="GroupAnonymousBot", is_bot=True)

    def person(self, actor: str):
        return {"facilitator": self.h.facilitator, "resident": self.h.residents[0],
                "stranger": self.stranger, "anonymous admin": self.anonymous}[actor]  # fmt: skip

    def existing(self, chat_id: int, pick: int | None, *, by_bot: bool = False) -> int | None:
        ids = sorted(message_id for (chat, message_id), message in self.telegram.messages.items()
                     if chat == chat_id and (not by_bot or message["from"]["id"] == self.telegram.bot.id))  # fmt: skip
        return None if pick is None or not ids else ids[pick % len(ids)]

    def updates(self, action: tuple) -> list[dict[str, Any]]:
        kind, *details = action
        return getattr(self, "_" + kind.replace(" ", "_"))(*details)

    def _message(self, actor: str, private: bool, text: str, reply_pick: int | None) -> list[dict[str, Any]]:
        person = self.person(actor)
        chat = self.telegram.private_chat(person) if private and actor != "anonymous admin" else self.h.group
        sender_chat = self.h.group if actor == "anonymous admin" else None
        reply_to = self.existing(chat.id, reply_pick)
        return [self.telegram.message_update(chat, person, text or " ", reply_to=reply_to, sender_chat=sender_chat)]

    def _no_text(self, actor: str, kind: str, caption: str, reply_pick: int | None) -> list[dict[str, Any]]:
        media: dict[str, Any] = (
            {"photo": [{"file_id": "p1", "file_unique_id": "u1", "width": 10, "height": 10}], "caption": caption[:1024]}
            if kind == "photo"
            else {"sticker": {"file_id": "s1", "file_unique_id": "u2", "type": "regular", "width": 512,
                              "height": 512, "is_animated": False, "is_video": False}}
        )  # fmt: skip
        reply_to = self.existing(self.h.group.id, reply_pick, by_bot=True)
        return [self.telegram.message_update(self.h.group, self.person(actor), reply_to=reply_to, **media)]

    def _edit(self, pick: int, text: str) -> list[dict[str, Any]]:
        message_id = self.existing(self.h.group.id, pick)
        return [] if message_id is None else [self.telegram.edit_update(self.h.group, message_id, text or " ")]

    def _edit_unknown(self, actor: str, message_id: int, text: str) -> list[dict[str, Any]]:
        message = {"message_id": message_id, "date": 1_790_000_000, "edit_date": 1_790_000_100,
                   "chat": self.h.group.as_chat(), "from": self.person(actor).as_user(), "text": text or " "}  # fmt: skip
        return [self.telegram.raw_update({"edited_message": message})]

    def _press(self, actor: str, pick: int, data: str) -> list[dict[str, Any]]:
        message_id = self.existing(self.h.group.id, pick, by_bot=True)
        if message_id is None:
            return []
        return [self.telegram.callback_update(self.h.group, self.person(actor), message_id, data)]

    def _vote(self, actor: str, pick: int, options: list[int]) -> list[dict[str, Any]]:
        polls = sorted(self.telegram.polls)
        if not polls:
            return []
        poll = self.telegram.polls[polls[pick % len(polls)]]
        chosen = [index for index in options if index < len(poll["options"])]
        return self.telegram.vote_updates(self.person(actor), poll["id"], chosen)

    def _forged_poll(self, poll_id: str, votes: int) -> list[dict[str, Any]]:
        poll = {"id": poll_id, "question": "Forged?", "total_voter_count": votes, "is_closed": votes % 2 == 0,
                "options": [{"persistent_id": f"{poll_id}-0", "text": "yes", "voter_count": votes}],
                "is_anonymous": False, "type": "regular", "allows_multiple_answers": True,
                "allows_revoting": True, "members_only": False}  # fmt: skip
        answer = {"poll_id": poll_id, "user": self.stranger.as_user(), "option_ids": [0],
                  "option_persistent_ids": [f"{poll_id}-0"]}  # fmt: skip
        return [self.telegram.raw_update({"poll": poll}), self.telegram.raw_update({"poll_answer": answer})]

    def _unknown_update(self, name: str, content: dict[str, Any]) -> list[dict[str, Any]]:
        return [self.telegram.raw_update({"future_" + name: content})]

    def _membership(self, joined: bool) -> list[dict[str, Any]]:
        return [self.telegram.membership_update(self.h.group, self.h.facilitator, joined=joined)]


async def database_is_whole(harness: Harness) -> None:
    if not on_postgres:  # PostgreSQL checks every foreign key as it is written, and has no quick_check
        async with harness.db.read() as conn:
            assert await conn.fetch_all("PRAGMA foreign_key_check") == []
            assert (await conn.fetch_one("PRAGMA quick_check"))[0] == "ok"
    _groups, problems = await discrepancies(harness.db)
    assert problems == []


# Charts of ideas in scripts (or control characters) DejaVu Sans lacks draw boxes: cosmetic, not a crash.
def test_hostile_updates_never_crash_half_write_or_make_invalid_calls(database):
    clock = FakeClock()
    telegram = FakeTelegram(reference_spec(), clock=clock)
    app = build_application(
        make_config(database), request=EmulatorRequest(telegram), clock=clock, rate_limiter=False
    )
    reported: list[BaseException] = []

    async def spy(_update: object, context: Any) -> None:
        reported.append(context.error)

    app.add_error_handler(spy)
    commands = sorted({command for handlers in app.handlers.values() for handler in handlers
                       if isinstance(handler, CommandHandler) for command in handler.commands})  # fmt: skip

    with asyncio.Runner() as runner:
        runner.run(app.initialize())
        harness = Harness(app, telegram, clock)
        adversary = Adversary(harness)
        runner.run(harness.add_bot())
        runner.run(harness.send(harness.facilitator, "/round What should we do with the empty lot?"))
        runner.run(harness.send(harness.facilitator, "/round Where should the bench go?"))

        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
        @given(st.lists(actions(commands), min_size=1, max_size=4))
        def hostile(drawn: list[tuple]) -> None:
            reported.clear()
            telegram.violations.clear()
            for action in drawn:
                for update in adversary.updates(action):
                    runner.run(harness.deliver(update))
                    assert reported == [], f"{reported[0]!r} reached the error handler for {str(update)[:400]}"
                    assert telegram.violations == []
            clock.advance(dt.timedelta(hours=1))  # over the run, stages end and deadlines fire
            runner.run(deadlines.run_due(app))
            assert reported == [] and telegram.violations == []
            runner.run(database_is_whole(harness))

        try:
            hostile()
        finally:
            runner.run(app.shutdown())
