"""Running it for real: health and readiness, structured logs, production settings that pass
`check --deploy`, and a database restart the web processes recover from."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django_tasks_db.models import DBTaskResult

from oversight.ingest.tasks import read_source_document
from oversight.logs import JsonFormatter, RequestIdFilter, RequestIdMiddleware

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "OVERSIGHT_ENV": "production",
    "SECRET_KEY": "k" * 20 + "Q7#x9!zR2@vL5$wT8^mN4&pB6*cF1(hJ3)" + "s" * 20,
    "ALLOWED_HOSTS": "oversight.example.org",
    "DATABASE_URL": "postgres://oversight@db.internal:5432/oversight",
}


def _run(script: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"}}
    return subprocess.run(  # noqa: S603 (this interpreter, a fixed script)
        [sys.executable, "-c", script],
        env={**base, "DJANGO_SETTINGS_MODULE": "oversight.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


# Health and readiness ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_ready_when_the_database_and_the_queue_answer_with_the_jobs_waiting_and_failed() -> None:
    for document_id in (1, 2, 3):
        read_source_document.enqueue(document_id)
    DBTaskResult.objects.filter(pk=DBTaskResult.objects.order_by("enqueued_at").first().pk).update(status="FAILED")  # type: ignore[union-attr]

    response = Client().get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "queue": {"waiting": 2, "failed": 1},
        # No daily run has finished yet: reported as stale, without making the process unready.
        "jobs": {"failed": 0, "last_finished": None, "stale": True},
    }
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_not_ready_while_the_database_is_down_but_still_alive() -> None:
    down = OperationalError("connection to server failed: Connection refused")
    with mock.patch.object(connection, "ensure_connection", side_effect=down):
        ready = Client().get("/readyz")
        alive = Client().get("/healthz")
    assert ready.status_code == 503
    assert ready.json() == {"status": "unavailable", "database": "unreachable"}
    assert alive.status_code == 200


@pytest.mark.django_db
def test_not_ready_when_the_queue_table_cannot_be_read() -> None:
    with mock.patch.object(DBTaskResult._meta, "db_table", "no_such_queue_table"):
        response = Client().get("/readyz")
    assert response.status_code == 503


# Structured logs --------------------------------------------------------------------------------


def _formatted(record: logging.LogRecord) -> dict[str, object]:
    RequestIdFilter().filter(record)
    return json.loads(JsonFormatter().format(record))  # type: ignore[no-any-return]


def test_a_json_line_has_time_level_logger_message_and_request_id() -> None:
    lines: list[dict[str, object]] = []

    def view(request: HttpRequest) -> HttpResponse:
        record = logging.LogRecord("oversight.cases", logging.WARNING, __file__, 1, "Case %s locked", (7,), None)
        lines.append(_formatted(record))
        return HttpResponse("ok")

    request = RequestFactory().get("/cases/7/", headers={"X-Request-ID": "req-42"})
    response = RequestIdMiddleware(view)(request)

    assert "X-Request-ID" not in response  # every response's headers stay the same
    line = lines[0]
    assert line.keys() == {"time", "level", "logger", "message", "request_id"}
    assert (line["level"], line["logger"], line["message"], line["request_id"]) == (
        "WARNING",
        "oversight.cases",
        "Case 7 locked",
        "req-42",
    )
    # Outside a request the id is "-" again.
    assert _formatted(logging.LogRecord("x", logging.INFO, __file__, 1, "m", (), None))["request_id"] == "-"


def test_an_unusable_request_id_is_replaced() -> None:
    seen: list[object] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(_formatted(logging.LogRecord("x", logging.INFO, __file__, 1, "m", (), None))["request_id"])
        return HttpResponse()

    RequestIdMiddleware(view)(RequestFactory().get("/", headers={"X-Request-ID": "<script>" + "x" * 100}))
    RequestIdMiddleware(view)(RequestFactory().get("/"))
    assert all(isinstance(id_, str) and len(id_) == 32 and id_.isalnum() for id_ in seen)
    assert seen[0] != seen[1]


def test_an_exception_is_logged_by_type_and_frames_never_its_message() -> None:
    try:
        raise ValueError("duplicate key: (victim_name)=(Jane Example) already exists")
    except ValueError:
        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", ("/cases/",), sys.exc_info()
        )
    line = _formatted(record)
    assert line["exception"] == "ValueError"
    assert "test_operations.py" in str(line["frames"])
    assert "Jane Example" not in json.dumps(line)


def test_json_logs_are_chosen_by_the_environment_and_write_a_line_per_request() -> None:
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "Client().get('/healthz', headers={'X-Request-ID': 'abc'})\n"
    )
    result = _run(script, {"OVERSIGHT_LOG_FORMAT": "json"})
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    request_line = next(line for line in lines if line["logger"] == "oversight.request")
    assert request_line["request_id"] == "abc"
    assert (request_line["method"], request_line["path"], request_line["status"]) == ("GET", "/healthz", 200)

    assert "must be text or json" in _run("import django; django.setup()", {"OVERSIGHT_LOG_FORMAT": "xml"}).stderr


# Production settings ----------------------------------------------------------------------------


def test_check_deploy_passes_with_the_production_settings() -> None:
    script = "from oversight.cli import main; main()"
    env = {**PRODUCTION}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script, "check", "--deploy", "--fail-level", "WARNING"],
        # The browser tests' process sets DJANGO_ALLOW_ASYNC_UNSAFE (e2e/conftest.py); a deployment never does.
        env={**{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_proxy_header_and_trusted_origins_come_from_the_environment() -> None:
    script = (
        "import django; django.setup(); from django.conf import settings as s\n"
        "print(s.SECURE_PROXY_SSL_HEADER, s.CSRF_TRUSTED_ORIGINS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS)"
    )
    env = {**PRODUCTION, "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Scheme", "CSRF_TRUSTED_ORIGINS": "https://a.example"}
    result = _run(script, env)
    assert result.stdout.strip() == "('HTTP_X_FORWARDED_SCHEME', 'https') ['https://a.example'] True True 31536000"
    assert _run(script, {**PRODUCTION, "SECURE_PROXY_SSL_HEADER": ""}).stdout.startswith("None")


# A database restart -----------------------------------------------------------------------------

# Through Django's own WSGI handler, as gunicorn calls it: the test Client leaves out the signals
# that close or check kept connections around each request.
_RESTART = """
import psycopg
from wsgiref.util import setup_testing_defaults
from django.core.wsgi import get_wsgi_application
from django.db import connection
app = get_wsgi_application()

def get(path):
    environ = {"PATH_INFO": path, "HTTP_HOST": "testserver", "HTTP_X_FORWARDED_PROTO": "https"}
    setup_testing_defaults(environ)
    status = []
    body = app(environ, lambda line, headers: status.append(line))
    b"".join(body)
    body.close()
    return int(status[0].split()[0])

statuses = [get("/readyz")]
pid = connection.connection.info.backend_pid
with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
    admin.execute("SELECT pg_terminate_backend(%s)", [pid])
statuses += [get("/readyz") for _ in range(2)]
print(statuses, connection.connection.info.backend_pid != pid)
"""


@pytest.mark.django_db
def test_web_processes_recover_when_postgresql_drops_their_connections() -> None:
    """A restart drops every connection: with production's kept connections, the next request
    finds its connection dead before using it and opens a new one."""
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL server restart; SQLite has no server")
    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    env = {**PRODUCTION, "ALLOWED_HOSTS": "testserver", "DATABASE_URL": f"{url}/{connection.settings_dict['NAME']}"}
    result = _run(_RESTART.replace("ADMIN_URL", repr(f"{url}/postgres")), env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[200, 200, 200] True"


_TORN = """
import django, psycopg
django.setup()
from django.contrib.auth.models import User
from django.db import Error, connection, transaction
try:
    with transaction.atomic():
        User.objects.create(username="torn.one")
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid])
        User.objects.create(username="torn.two")
except Error as error:
    print("refused", type(error).__name__)
connection.close()
print(User.objects.filter(username__startswith="torn.").count())
"""


@pytest.mark.django_db
def test_a_change_cut_off_by_a_restart_leaves_nothing_half_written() -> None:
    """The server goes away between two writes of one transaction: neither is kept."""
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL server restart; SQLite has no server")
    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    env = {**PRODUCTION, "ALLOWED_HOSTS": "testserver", "DATABASE_URL": f"{url}/{connection.settings_dict['NAME']}"}
    result = _run(_TORN.replace("ADMIN_URL", repr(f"{url}/postgres")), env)
    assert result.returncode == 0, result.stderr
    refused, count = result.stdout.strip().splitlines()
    assert refused.startswith("refused ")
    assert count == "0"
