"""Structured logs: one JSON object a line, each tied to the request that caused it.

`OVERSIGHT_LOG_FORMAT=json` selects `JsonFormatter` for the console handler (settings.LOGGING).
A line holds the time, level, logger, message and request id, and for an error the exception's
type and the frames it passed through, never its message: a database error's message can quote
the values of a row (a name, an allegation), and logs are kept longer and read more widely than
the records. Messages themselves name records by id, never by what they hold.

`RequestIdMiddleware` gives every request an id (the proxy's `X-Request-ID` when it sent a sane
one, else a new one) and with JSON logs writes one line per request: method, path without its
query string (a search's words stay out), status and duration. The id is not sent back: a header
that differs on every response would tell a refused record's page from a missing one's in the
tests that compare them byte for byte, and the proxy already has the id it sent.
"""

from __future__ import annotations

import json
import logging
import re
import time
import traceback
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse

_request_id: ContextVar[str] = ContextVar("request_id", default="-")
SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
request_logger = logging.getLogger("oversight.request")


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record ("-" outside a request: jobs, commands)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", _request_id.get()),
        }
        for key in ("method", "path", "status", "duration_ms"):
            if hasattr(record, key):
                line[key] = getattr(record, key)
        if record.exc_info and record.exc_info[0] is not None:
            line["exception"] = record.exc_info[0].__qualname__
            line["frames"] = [
                f"{frame.filename}:{frame.lineno} in {frame.name}" for frame in traceback.extract_tb(record.exc_info[2])
            ]
        return json.dumps(line, ensure_ascii=False)


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        token = _request_id.set(given if SANE_ID.fullmatch(given) else uuid.uuid4().hex)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            if settings.LOG_REQUESTS:
                request_logger.info(
                    "%s %s %s",
                    request.method,
                    request.path,
                    response.status_code,
                    extra={
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    },
                )
            return response
        finally:
            _request_id.reset(token)
