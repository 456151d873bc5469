"""The production web server for the load test, and a poller of its health pages.

gunicorn serves `oversight.wsgi:application` with the production settings (OVERSIGHT_ENV=production:
DEBUG off, its own SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL) and two workers a core, as the
README's "Deploying" says, on a free port; it is stopped (its process group killed) however the
run ends. The poller asks /healthz (and /readyz) once a second in a thread of its own, apart from
locust, and keeps each answer's time and status.
"""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.django_env import PROJECT_DIR

BIN = PROJECT_DIR / ".venv" / "bin"
STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def production_env(database: str, data_dir: Path) -> dict[str, str]:
    """The environment of every process of the run that reads production settings."""
    return {
        **os.environ,
        "OVERSIGHT_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database,
        "OVERSIGHT_DATA_DIR": str(data_dir),
        "OVERSIGHT_LOG_FORMAT": "json",
    }


@contextmanager
def gunicorn(database: str, data_dir: Path, workers: int, threads: int, log: Path, warm_path: str) -> Iterator[str]:
    """Serve on a free port; yields the base URL once /healthz answers and every worker has answered
    `warm_path`; kills the server at the end."""
    port = free_port()
    (data_dir / "staticfiles").mkdir(exist_ok=True)  # static files are the proxy's or a CDN's to serve: not asked for
    command = [
        str(BIN / "gunicorn"), "oversight.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers), "--timeout", "60", "--threads", str(threads),
    ]  # fmt: skip
    with log.open("w") as out:
        server = subprocess.Popen(  # noqa: S603
            command, env=production_env(database, data_dir), stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True, cwd=PROJECT_DIR,
        )  # fmt: skip
        try:
            _wait_until_up(port, server)
            _warm(port, workers, warm_path)
            yield f"http://127.0.0.1:{port}"
        finally:
            _stop(server)


def _wait_until_up(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {server.returncode} (see its log)")
        if probe(port, "/healthz")[0] == 200:
            return
        time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer /healthz within {STARTUP_SECONDS} s")


def _warm(port: int, workers: int, path: str) -> None:
    """A worker's first request loads the URLs, views and templates (seconds on a busy machine): ask
    a page twice as many times as there are workers, all at once, so each has done it before the
    measured run, as a deployment's workers have once the load balancer sends them traffic."""
    for _ in range(2):
        threads = [threading.Thread(target=probe, args=(port, path, 60.0)) for _ in range(2 * workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


def _stop(server: subprocess.Popen[bytes]) -> None:
    """TERM to gunicorn's process group, then KILL if it is still there after ten seconds."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


def probe(port: int, path: str, timeout: float = 5.0) -> tuple[int, float]:
    """(status, milliseconds) of one GET, as the proxy passes it on; status 0 when nothing answered."""
    began = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"X-Forwarded-Proto": "https"})
        status = connection.getresponse().status
    except OSError:
        status = 0
    finally:
        connection.close()
    return status, (time.perf_counter() - began) * 1000


@dataclass
class Poller:
    """Polls a path once a second until stopped: (Unix time asked, status, milliseconds) each time."""

    port: int
    path: str
    answers: list[tuple[float, int, float]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            at = time.time()
            status, ms = probe(self.port, self.path)
            self.answers.append((round(at, 2), status, ms))
            self._stop.wait(max(0.0, 1.0 - ms / 1000))

    def stop(self) -> list[tuple[float, int, float]]:
        self._stop.set()
        self._thread.join(timeout=10)
        return self.answers
