"""Local stand-ins that speak the real protocols: an SMTP server and GOV.UK Notify's email API.

Each runs in a thread on a free local port, so the mail backends under test open real connections
(no mock of the client): the SMTP backend's socket, the Notify client's HTTP request and its JWT.
"""

from __future__ import annotations

import json
import socket
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@dataclass
class Mailbox:
    port: int = 0
    messages: list[str] = field(default_factory=list)


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Enough of RFC 5321 for Django's SMTP backend: greeting, EHLO, MAIL, RCPT, DATA, QUIT."""

    def handle(self) -> None:
        box: Mailbox = self.server.mailbox  # type: ignore[attr-defined]
        self._say("220 localhost test SMTP")
        while line := self.rfile.readline():
            verb = line.decode("ascii", "replace").strip().split(" ")[0].upper()
            if verb == "EHLO":
                self._say("250-localhost\r\n250 8BITMIME")
            elif verb == "DATA":
                self._say("354 End data with <CR><LF>.<CR><LF>")
                box.messages.append(self._read_data())
                self._say("250 OK: queued")
            elif verb == "QUIT":
                self._say("221 Bye")
                return
            else:
                self._say("250 OK")

    def _read_data(self) -> str:
        lines: list[bytes] = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line)
        return b"".join(lines).decode("utf-8", "replace")

    def _say(self, text: str) -> None:
        self.wfile.write(f"{text}\r\n".encode())


@contextmanager
def smtp_server(port: int = 0) -> Iterator[Mailbox]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", port), _SmtpHandler)
    server.daemon_threads = True
    box = Mailbox(port=server.server_address[1])
    server.mailbox = box  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield box
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class NotifyApi:
    port: int = 0
    status: int = 201
    requests: list[dict[str, Any]] = field(default_factory=list)
    authorisations: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class _NotifyHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        api: NotifyApi = self.server.api  # type: ignore[attr-defined]
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.path != "/v2/notifications/email":
            return self._answer(404, {"errors": [{"error": "NotFound", "message": self.path}]})
        api.authorisations.append(self.headers.get("Authorization", ""))
        if api.status >= 400:
            return self._answer(
                api.status,
                {"status_code": api.status, "errors": [{"error": "Exception", "message": "Internal server error"}]},
            )
        api.requests.append(body)
        return self._answer(
            201, {"id": "740e5834-3a29-46b4-9a6f-16142fde533a", "content": {"subject": "s", "body": "b"}}
        )

    def _answer(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:  # quiet
        return


@contextmanager
def notify_api() -> Iterator[NotifyApi]:
    server = HTTPServer(("127.0.0.1", 0), _NotifyHandler)
    api = NotifyApi(port=server.server_address[1])
    server.api = api  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield api
    finally:
        server.shutdown()
        server.server_close()
