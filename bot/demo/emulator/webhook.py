"""Telegram's side of a webhook, for the emulator server: each update POSTed until answered.

Once the bot has called ``setWebhook``, :class:`WebhookDelivery` sends every pending update to
the URL it named, with ``X-Telegram-Bot-Api-Secret-Token``, and keeps it pending until the
answer is a 2xx, trying again shortly after any other answer or a refused connection, as
Telegram does. One chat's updates go one at a time and in order; different chats' go side by
side, up to ``max_connections`` at once. With ``duplicate_every`` = n, every n-th delivered
update is delivered a second time, as Telegram does when it did not see an answer.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from bot.demo.emulator.server import EmulatorServer

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WORKERS = 8  # delivery threads; a webhook's max_connections caps how many are used
RETRY_AFTER = 0.05  # seconds before an update that was not accepted is tried again
TIMEOUT = 30.0


def lane(update: dict[str, Any]) -> Hashable:
    """The chat (or poll) an update belongs to; updates of one lane are delivered in order."""
    for key in ("message", "edited_message", "channel_post", "my_chat_member", "chat_member"):
        if key in update:
            return ("chat", update[key]["chat"]["id"])
    if "callback_query" in update and "message" in update["callback_query"]:
        return ("chat", update["callback_query"]["message"]["chat"]["id"])
    if "poll" in update:
        return ("poll", update["poll"]["id"])
    if "poll_answer" in update:
        return ("poll", update["poll_answer"]["poll_id"])
    return ("update", update["update_id"])


class WebhookDelivery:
    """Delivery threads for one :class:`~bot.demo.emulator.server.EmulatorServer`."""

    def __init__(self, server: EmulatorServer, *, duplicate_every: int | None = None) -> None:
        self._server = server
        self.duplicate_every = duplicate_every
        self.deliveries: list[tuple[int, int]] = []  # (update_id, HTTP status or 0 for no answer), in order
        self.duplicates = 0  # updates sent a second time on purpose
        self._in_flight: set[Hashable] = set()
        self._retry_at: dict[int, float] = {}  # id() of a pending update -> when it may be tried again
        self._once: set[int] = set()  # update ids accepted at least once
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        """Start the delivery threads (once). Their HTTP clients are made here, in the caller's
        thread, so the threads import nothing: Python 3.11 compiling modules in two threads at
        once can fail ("AST constructor recursion depth mismatch")."""
        if self._threads:
            return
        for number in range(WORKERS):
            http = httpx.Client(timeout=TIMEOUT)
            thread = threading.Thread(target=self._work, args=(number, http), name=f"webhook-{number}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def join(self) -> None:
        for thread in self._threads:
            thread.join(timeout=5)

    def _work(self, number: int, http: httpx.Client) -> None:
        with http:
            while True:
                taken = self._take(number)
                if taken is None:
                    return
                update, hook = taken
                status = self._post(http, update, hook)
                self._done(update, status)

    def _take(self, number: int) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """The next update this worker may deliver, waiting for one; None once the server stops."""
        condition = self._server.condition
        with condition:
            while True:
                if self._server.stopping:
                    return None
                hook = self._server.telegram.webhook
                if hook is not None and number < hook["max_connections"]:
                    update, wait = self._next()
                    if update is not None:
                        self._in_flight.add(lane(update))
                        return update, hook
                else:
                    wait = None
                condition.wait(timeout=wait if wait is not None else 1.0)

    def _next(self) -> tuple[dict[str, Any] | None, float | None]:
        """The first pending update of a lane not in flight and due; else the seconds until one is."""
        seen: set[Hashable] = set()
        now, soonest = time.monotonic(), None
        for update in self._server.telegram.pending_updates:
            key = lane(update)
            if key in seen or key in self._in_flight:
                seen.add(key)
                continue
            seen.add(key)
            due = self._retry_at.get(id(update), 0.0)
            if due <= now:
                return update, None
            soonest = due - now if soonest is None else min(soonest, due - now)
        return None, soonest

    def _post(self, http: httpx.Client, update: dict[str, Any], hook: dict[str, Any]) -> int:
        headers = {SECRET_HEADER: hook["secret_token"]} if hook.get("secret_token") else {}
        try:
            return http.post(hook["url"], json=update, headers=headers).status_code
        except httpx.HTTPError:
            return 0  # refused, reset or timed out: not delivered

    def _done(self, update: dict[str, Any], status: int) -> None:
        condition = self._server.condition
        with condition:
            self._in_flight.discard(lane(update))
            self.deliveries.append((update["update_id"], status))
            pending = self._server.telegram.pending_updates
            if 200 <= status < 300:
                self._retry_at.pop(id(update), None)
                place = next((index for index, queued in enumerate(pending) if queued is update), None)
                if place is not None:  # not yet taken by an earlier answer
                    del pending[place]
                    if update["update_id"] not in self._once:  # a duplicate is not counted, nor sent again
                        self._once.add(update["update_id"])
                        if self.duplicate_every and len(self._once) % self.duplicate_every == 0:
                            pending.append(dict(update))  # the same update again, as after a lost answer
                            self.duplicates += 1
            else:
                self._retry_at[id(update)] = time.monotonic() + RETRY_AFTER
            condition.notify_all()
