"""Acknowledgements never wait behind, or delay, real messages.

Through the real :class:`~bot.runtime.limiter.FairRateLimiter`: a reaction or a count edit goes
out only if the limits have room right now, and is dropped, not queued or retried, otherwise.
"""

from __future__ import annotations

import pytest
from telegram import ReactionTypeEmoji

from bot.app import build_application
from bot.demo.emulator.request import EmulatorRequest
from bot.demo.emulator.telegram import TelegramError
from bot.runtime.acknowledge import REACTION, Acknowledgements
from bot.runtime.limiter import (
    BEST_EFFORT,
    FairRateLimiter,
    NoCapacityNow,
)
from bot.runtime.limiter import (
    BEST_EFFORT_RESERVE as GROUP_RESERVE,
)
from tests.support.harness import Harness, make_config
from tests.support.ideas_helpers import (
    open_round,
    prompt_edits,
    reactions,
    stored_ideas,
)


@pytest.fixture
async def limited(database, telegram, clock):
    """The harness, but calls go through the real limiter; the group may get a message more
    than the reserve a best-effort call must leave it."""
    limiter = FairRateLimiter(first_backoff=0.001, group_limit=GROUP_RESERVE + 1)
    app = build_application(
        make_config(database), request=EmulatorRequest(telegram), clock=clock, rate_limiter=limiter
    )
    async with app:
        yield Harness(app, telegram, clock)
    assert telegram.violations == [], "the bot made calls real Telegram would refuse"


async def react(harness, message_id: int) -> bool:
    return await Acknowledgements().react(harness.app.bot, harness.group.id, message_id, harness.clock.now())


async def test_with_room_in_the_limits_a_reaction_goes_out(limited):
    message_id = await limited.send(limited.residents[0], "Hello neighbours")
    assert await react(limited, message_id)
    (reaction,) = reactions(limited)
    assert int(reaction["message_id"]) == message_id


async def test_a_spent_group_budget_drops_a_reaction_at_once_and_real_messages_still_go_out(limited):
    message_id = await limited.send(limited.residents[0], "Hello neighbours")
    await limited.app.bot.send_message(limited.group.id, "A real answer")  # leaves only the reserve
    with pytest.raises(NoCapacityNow):
        await limited.app.bot.set_message_reaction(
            limited.group.id, message_id, [ReactionTypeEmoji(REACTION)], rate_limit_args=BEST_EFFORT
        )
    assert not await react(limited, message_id)
    for number in range(GROUP_RESERVE):  # the reserve is whole: the dropped reactions took none of it
        await limited.app.bot.send_message(limited.group.id, f"Real message {number}")
    assert reactions(limited) == []
    assert sum(text.startswith(("A real answer", "Real message")) for text in limited.texts()) == GROUP_RESERVE + 1


@pytest.mark.parametrize(
    "refusal",
    [TelegramError(429, "Too Many Requests: retry after 1", retry_after=1), TelegramError(502, "Bad Gateway")],
    ids=["flood wait", "network error"],
)
async def test_a_failed_reaction_is_not_retried(limited, monkeypatch, refusal):
    message_id = await limited.send(limited.residents[0], "Hello neighbours")

    def refuse(params):
        raise refusal

    monkeypatch.setattr(limited.telegram, "_api_setMessageReaction", refuse)
    assert not await react(limited, message_id)
    assert len(reactions(limited)) == 1


async def test_a_count_edit_is_dropped_when_the_group_has_only_its_reserve_left(limited):
    round_ = await open_round(limited)  # the prompt leaves the group only its reserve
    await limited.send(limited.residents[0], "A community fridge", reply_to=round_.prompt_message_id)
    assert await limited.app.services.acknowledgements.flush() == 0
    assert prompt_edits(limited, round_) == []
    assert len(await stored_ideas(limited, round_)) == 1
