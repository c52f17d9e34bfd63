"""A round-robin HTTP proxy in front of bot replicas, as nginx or Caddy would be in production.

Each request goes to the next replica in turn; a replica that refuses the connection (it was
killed) is skipped for the next, as nginx's ``proxy_next_upstream error`` does. A request
that reached a replica which then died gets no answer (``502``), so Telegram (the emulator)
sends it again.
"""

from __future__ import annotations

import itertools
import threading
from collections import Counter
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx


class RoundRobinProxy:
    def __init__(self, upstreams: list[str]) -> None:
        self.upstreams = upstreams
        self.served: Counter[str] = Counter()  # answered requests per replica
        self._turn = itertools.cycle(range(len(upstreams)))
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self._local = threading.local()

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> RoundRobinProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def forward(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        http = getattr(self._local, "http", None)
        if http is None:
            http = self._local.http = httpx.Client(timeout=30)
        with self._lock:
            first = next(self._turn)
        for offset in range(len(self.upstreams)):
            upstream = self.upstreams[(first + offset) % len(self.upstreams)]
            try:
                answer = http.request(method, upstream + path, headers=headers, content=body)
            except httpx.ConnectError:
                continue  # that replica is down: the next one
            except httpx.HTTPError:
                return HTTPStatus.BAD_GATEWAY, b"upstream failed"
            with self._lock:
                self.served[upstream] += 1
            return answer.status_code, answer.content
        return HTTPStatus.BAD_GATEWAY, b"no upstream"


def _handler_for(proxy: RoundRobinProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base signature
            return None

        def do_GET(self) -> None:
            self._pass("GET")

        def do_POST(self) -> None:
            self._pass("POST")

        def _pass(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {name: value for name, value in self.headers.items()
                       if name.lower() not in ("host", "content-length", "connection")}  # fmt: skip
            status, content = proxy.forward(method, self.path, headers, body)
            self.send_response(status)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

    return Handler
