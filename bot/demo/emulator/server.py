"""The emulated Telegram behind real loopback HTTP, for end-to-end tests and benchmarks.

:class:`EmulatorServer` serves the Bot API (``POST /bot<token>/<method>``, form-encoded,
JSON or multipart bodies, decoded into the same parameters
:func:`bot.demo.emulator.request.call_parameters` gives in-process) from one
:class:`~bot.demo.emulator.telegram.FakeTelegram`, so the bot runs its real HTTP path (httpx).
``getUpdates`` long-polls: with a ``timeout`` it waits until an update arrives.

Simulated people act through a small control API, ``POST /emulator/<action>`` with a JSON
object of arguments (people and chats named by id), so a test can drive a server running
in another process; :class:`EmulatorClient` is its Python side. Faults can be injected per
Bot API method (an error answer such as 429 with ``retry_after``, 400 or 403, a stalled
answer that makes the client time out, or a dropped connection).

Once the bot calls ``setWebhook``, updates are POSTed to it instead
(:mod:`bot.demo.emulator.webhook`), with the secret, until it answers 2xx.

Run it alone with ``python -m bot.demo.emulator.server --port 8081`` (``--flood-limits`` to answer
429 beyond Telegram's rates): it prints its Bot API base URL on the first line of stdout and
serves until SIGINT or SIGTERM.
"""

from __future__ import annotations

import argparse
import email.parser
import email.policy
import json
import signal
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

import httpx

from bot.demo.emulator.flood import FloodLimits
from bot.demo.emulator.spec import BotApiSpec
from bot.demo.emulator.telegram import Chat, FakeTelegram, Person
from bot.demo.emulator.webhook import WebhookDelivery

T = TypeVar("T")


@dataclass
class Fault:
    """What the next ``times`` calls of one method get instead of a normal answer.

    ``status`` and ``description`` make an error answer (``retry_after`` adds Telegram's
    ``parameters.retry_after``); ``stall`` seconds of silence first make a client with a
    shorter read timeout time out; ``drop`` closes the connection without an answer.
    """

    status: int = 500
    description: str = "Internal Server Error"
    retry_after: int | None = None
    times: int = 1
    stall: float = 0.0
    drop: bool = False

    def answer(self) -> dict[str, Any]:
        answer: dict[str, Any] = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            answer["parameters"] = {"retry_after": self.retry_after}
        return answer


def decode_form_field(spec: BotApiSpec, method: str, name: str, raw: str) -> Any:
    """A form field as the Bot API reads it: JSON unless the reference says plain ``String``."""
    signature = spec.methods.get(method)
    if signature is not None and signature.is_plain_string(name):
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def decode_body(spec: BotApiSpec, method: str, content_type: str, body: bytes, query: str = "") -> dict[str, Any]:
    """The call's parameters, uploads as ``(filename, bytes)`` like the in-process transport."""
    fields: list[tuple[str, str]] = urllib.parse.parse_qsl(query, keep_blank_values=True)
    params: dict[str, Any] = {}
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type == "application/json" and body:
        params.update(json.loads(body))
    elif media_type == "multipart/form-data":
        header = f"Content-Type: {content_type}\r\n\r\n".encode()
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(header + body)
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True) or b""
            if part.get_filename() is not None:
                params[name] = (part.get_filename(), payload)
            else:
                fields.append((name, payload.decode("utf-8")))
    elif body:
        fields.extend(urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    for name, raw in fields:
        params[name] = decode_form_field(spec, method, name, raw)
    return params


def _jsonable(value: Any) -> Any:
    """Recorded parameters for the control API: uploads become their name and size."""
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], bytes):
        return {"filename": value[0], "size": len(value[1])}
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    return value


class Control:
    """The control API's actions: simulated people acting, and reading back what the bot did.

    Every action runs under the server's lock and wakes long-polling ``getUpdates``.
    """

    def __init__(self, server: EmulatorServer) -> None:
        self._server = server
        self._telegram = server.telegram

    def _person(self, user_id: int) -> Person:
        return self._telegram.bot if user_id == self._telegram.bot.id else self._telegram.people[user_id]

    def _chat(self, chat_id: int) -> Chat:
        return self._telegram.chats[chat_id]

    def person(self, user_id: int, first_name: str, **details: Any) -> dict[str, Any]:
        return self._telegram.person(user_id, first_name, **details).as_user()

    def group(self, chat_id: int, title: str, owner: int, admins: tuple[int, ...] = ()) -> dict[str, Any]:
        chat = self._telegram.group(
            chat_id, title, owner=self._person(owner), admins=tuple(self._person(a) for a in admins)
        )
        return chat.as_chat()

    def private_chat(self, user_id: int) -> dict[str, Any]:
        return self._telegram.private_chat(self._person(user_id)).as_chat()

    def message(
        self, chat_id: int, sender: int, text: str | None = None, reply_to: int | None = None,
        sender_chat: int | None = None, **content: Any,
    ) -> dict[str, Any]:
        """A person sends a message; returns the update."""
        return self._telegram.message_update(
            self._chat(chat_id), self._person(sender), text, reply_to=reply_to,
            sender_chat=self._chat(sender_chat) if sender_chat is not None else None, **content,
        )

    def messages(self, burst: list[dict[str, Any]]) -> list[int]:
        """Many messages at once (a flood); returns their message ids."""
        return [self.message(**message)["message"]["message_id"] for message in burst]

    def edit(self, chat_id: int, message_id: int, text: str) -> dict[str, Any]:
        return self._telegram.edit_update(self._chat(chat_id), message_id, text)

    def press(self, chat_id: int, presser: int, message_id: int, data: str) -> dict[str, Any]:
        return self._telegram.callback_update(self._chat(chat_id), self._person(presser), message_id, data)

    def vote(self, voter: int, poll_id: str, option_ids: list[int]) -> list[dict[str, Any]]:
        return self._telegram.vote_updates(self._person(voter), poll_id, option_ids)

    def membership(self, chat_id: int, actor: int, joined: bool, admin: bool = False) -> dict[str, Any]:
        return self._telegram.membership_update(self._chat(chat_id), self._person(actor), joined=joined, admin=admin)

    def admin_change(self, chat_id: int, actor: int, subject: int, promoted: bool) -> dict[str, Any]:
        return self._telegram.admin_change_update(
            self._chat(chat_id), self._person(actor), self._person(subject), promoted=promoted
        )

    def update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue a raw update as given (its ``update_id`` is assigned here)."""
        return self._telegram.raw_update({key: value for key, value in update.items() if key != "update_id"})

    def calls(self, method: str | None = None, since: int = 0) -> list[list[Any]]:
        return [
            [name, _jsonable(params)]
            for name, params in self._telegram.calls[since:]
            if method is None or name == method
        ]

    def sent(self, method: str = "sendMessage", chat_id: int | None = None) -> list[dict[str, Any]]:
        return _jsonable(self._telegram.sent(method, chat_id))

    def texts(self, chat_id: int | None = None) -> list[str]:
        return self._telegram.texts(chat_id)

    def bot_messages(self, chat_id: int) -> list[dict[str, Any]]:
        """The bot's messages in one chat, oldest first (to reply to a prompt, press a button)."""
        return self._telegram.bot_messages(chat_id)

    def violations(self) -> list[str]:
        return list(self._telegram.violations)

    def pending(self) -> int:
        return len(self._telegram.pending_updates)

    def flood_refused(self) -> int:
        """Calls the flood limits answered with 429 (none without ``--flood-limits``)."""
        limits = self._telegram.flood_limits
        return limits.refused if limits is not None else 0

    def worst_minute(self, chat_id: int) -> int:
        """The most calls the flood limits accepted into ``chat_id`` in any 60 seconds."""
        limits = self._telegram.flood_limits
        return limits.worst_minute(chat_id) if limits is not None else 0

    def inject(self, method: str, **fault: Any) -> None:
        self._server.inject(method, Fault(**fault))

    def duplicate_every(self, every: int | None) -> None:
        """Deliver every ``every``-th update a second time by webhook (None: never)."""
        self._server.webhook.duplicate_every = every

    def deliveries(self) -> list[list[int]]:
        """Each webhook delivery so far: ``[update_id, HTTP status]`` (0: no answer)."""
        return [list(delivery) for delivery in self._server.webhook.deliveries]

    def wait(self, method: str, count: int, timeout: float = 10.0) -> int:
        """Block until the bot has made ``count`` calls of ``method``; returns how many it made."""
        self._server.wait_for(lambda: len(self._telegram.sent(method)) >= count, timeout)
        return len(self._telegram.sent(method))


class EmulatorServer:
    """A :class:`FakeTelegram` on ``127.0.0.1``; start in a thread, or run as a process."""

    def __init__(self, telegram: FakeTelegram, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.telegram = telegram
        self._condition = threading.Condition()
        self._faults: dict[str, list[Fault]] = {}
        self.refused: list[tuple[str, dict[str, Any]]] = []  # calls answered by a fault
        self._stopping = False
        self._httpd = ThreadingHTTPServer((host, port), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None
        self.control = Control(self)
        self.webhook = WebhookDelivery(self)  # its threads idle until the bot calls setWebhook

    @property
    def condition(self) -> threading.Condition:
        """Held while the emulated Telegram changes; notified after every change."""
        return self._condition

    @property
    def stopping(self) -> bool:
        return self._stopping

    @property
    def url(self) -> str:
        """The Bot API base URL, for ``COPROD_API_URL`` (the token is appended)."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/bot"

    @property
    def control_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/emulator"

    def start(self) -> EmulatorServer:
        self.webhook.start()
        self._thread = threading.Thread(target=self.serve_forever, name="emulator-server", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._httpd.serve_forever(poll_interval=0.1)

    def stop(self) -> None:
        with self._condition:
            self._stopping = True
            self._condition.notify_all()
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.webhook.join()

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def act(self, action: Callable[[FakeTelegram], T]) -> T:
        """Run ``action`` on the emulated Telegram under the lock, then wake long polls."""
        with self._condition:
            result = action(self.telegram)
            self._condition.notify_all()
            return result

    def inject(self, method: str, fault: Fault) -> None:
        with self._condition:
            self._faults.setdefault(method, []).append(fault)

    def wait_for(self, predicate: Callable[[], bool], timeout: float) -> bool:
        with self._condition:
            return self._condition.wait_for(lambda: self._stopping or predicate(), timeout)

    def _take_fault(self, method: str) -> Fault | None:
        faults = self._faults.get(method)
        if not faults:
            return None
        fault = faults[0]
        fault.times -= 1
        if fault.times <= 0:
            faults.pop(0)
        return fault

    def answer(self, method: str, params: dict[str, Any]) -> dict[str, Any] | Fault:
        """Telegram's answer to one call, a :class:`Fault` to act out, waiting when long-polling."""
        with self._condition:
            fault = self._take_fault(method)
            if fault is not None:
                self.refused.append((method, params))
                return fault if fault.stall or fault.drop else fault.answer()
            answer = self.telegram.handle(method, params)
            self._condition.notify_all()
            timeout = float(params.get("timeout") or 0) if method == "getUpdates" else 0
            if answer.get("ok") and answer["result"] == [] and timeout > 0:
                self._condition.wait_for(lambda: self._stopping or bool(self.telegram.pending_updates), timeout)
                answer = self.telegram.handle(method, params)
            return answer

    def run_control(self, action: str, arguments: dict[str, Any]) -> Any:
        if action.startswith("_") or not callable(getattr(Control, action, None)):
            raise KeyError(action)
        if action == "wait":
            return self.control.wait(**arguments)
        return self.act(lambda _telegram: getattr(self.control, action)(**arguments))


def _handler_for(server: EmulatorServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out as two writes; with Nagle's algorithm the body then waits
        # for the client's delayed ACK, about 40 ms per call on loopback.
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base signature
            return None

        def do_GET(self) -> None:
            self.do_POST()

        def do_POST(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = url.path.strip("/").split("/")
            if len(parts) == 2 and parts[0] == "emulator":
                self._control(parts[1], body)
            elif len(parts) == 2 and parts[0].startswith("bot"):
                self._bot_api(parts[1], self.headers.get("Content-Type", ""), body, url.query)
            else:
                self._send(HTTPStatus.NOT_FOUND, {"ok": False, "error_code": 404, "description": "Not Found"})

        def _bot_api(self, method: str, content_type: str, body: bytes, query: str) -> None:
            try:
                params = decode_body(server.telegram.spec, method, content_type, body, query)
            except (ValueError, UnicodeDecodeError) as error:
                self._send(HTTPStatus.BAD_REQUEST, {"ok": False, "error_code": 400,
                                                    "description": f"Bad Request: {error}"})  # fmt: skip
                return
            answer = server.answer(method, params)
            if isinstance(answer, Fault):
                if answer.stall:
                    time.sleep(answer.stall)
                if answer.drop:
                    self.close_connection = True
                    return
                answer = answer.answer()
            self._send(HTTPStatus.OK if answer["ok"] else answer["error_code"], answer)

        def _control(self, action: str, body: bytes) -> None:
            try:
                result = server.run_control(action, json.loads(body or b"{}"))
            except (KeyError, TypeError, ValueError) as error:
                self._send(HTTPStatus.BAD_REQUEST, {"ok": False, "description": repr(error)})
                return
            self._send(HTTPStatus.OK, {"ok": True, "result": result})

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            try:
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up (an abandoned long poll)

    return Handler


class EmulatorClient:
    """The control API from Python: ``client.message(chat_id=..., sender=..., text=...)``.

    Each attribute is the :class:`Control` action of that name; arguments go as JSON.
    """

    def __init__(self, control_url: str, *, timeout: float = 30.0) -> None:
        self._url = control_url.rstrip("/")
        self._http = httpx.Client(timeout=timeout)

    def __getattr__(self, action: str) -> Callable[..., Any]:
        if action.startswith("_"):
            raise AttributeError(action)

        def call(**arguments: Any) -> Any:
            response = self._http.post(f"{self._url}/{action}", json=arguments)
            answer = response.json()
            if not answer["ok"]:
                raise RuntimeError(f"emulator {action}: {answer['description']}")
            return answer["result"]

        return call

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> EmulatorClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.demo.emulator.server", description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--bot-username", default="coprod_test_bot")
    parser.add_argument("--flood-limits", action="store_true",
                        help="answer 429 beyond Telegram's rates (30 calls a second, 20 a minute per group)")
    options = parser.parse_args(argv)
    telegram = FakeTelegram(
        bot_username=options.bot_username, flood_limits=FloodLimits() if options.flood_limits else None
    )
    server = EmulatorServer(telegram, host=options.host, port=options.port)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.stop).start())
    print(server.url, flush=True)
    server.webhook.start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
