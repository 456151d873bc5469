"""Running one hostile file through one upload or import path, and what must hold afterwards.

A path is a web form, an API operation or a command. `attempt` gives it the file (the 2 GB sparse
file goes to the first check the path's view or endpoint makes, as the `UploadedFile` Django hands
over after spooling an upload to disk: Django's test client would build that request in memory) and
measures the peak Python memory. `check` then asserts the outcome the corpus expects: refused with a
clear message (a GOV.UK error summary on a page, a 4xx JSON detail from the API, exit status 2 and a
message from a command), no row of the path's models written and no file left in the store; or kept
safely (the name cleaned, the formulas stored as the text they are).
"""

from __future__ import annotations

import gc
import html
import re
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Model
from django.test import Client

from tests.hostile.corpus import FORMULAS, SPARSE_SIZE, Hostile, Outcome

# Peak Python memory allowed while a path handles a file: far below a bomb's 100 MB or the sparse 2 GB.
MEMORY_BOUND = 48 * 1024 * 1024
HEAVY = {"docx-zip-bomb", "xlsx-zip-bomb", "docx-lying-zip-bomb", "sparse-2gb-csv", "sparse-2gb-pdf", "png-pixel-bomb",
         "csv-5mb-field", "docx-billion-laughs", "xlsx-billion-laughs"}  # fmt: skip


@dataclass
class Attempt:
    """What the person saw: an HTTP status or a command's exit status, and the words."""

    status: int
    message: str
    peak: int = 0
    summary: bool = False  # the message is a page's GOV.UK error summary


@dataclass
class UploadPath:
    """One upload or import path: its family in the corpus, how it is reached, and what it writes."""

    id: str
    family: str
    via: str  # "web", "api" or "cli"
    models: tuple[type[Model], ...]  # rows that must not be written on refusal
    submit: Callable[[Hostile, Path], Attempt]
    first_check: Callable[[UploadedFile], Attempt] | None = None  # for the sparse file on web and API paths
    listed_name: Callable[[], str] | None = None  # the name the kept file is listed under (None: not kept)
    stored_texts: Callable[[], list[str]] | None = None  # the imported text fields, for the formula file
    successful_runs: Callable[[], int] = lambda: 0  # import runs other than refused ones (a refusal's own
    # history row is kept on purpose: who tried to import what, and why it was refused)


BOUNDARY = "hostile-boundary-7MA4YWxkTrZu0gW"


def post_file(client: Client, url: str, fields: dict[str, Any], field: str, case: Hostile, family: str) -> Any:
    """POST the form with the case's file as a browser sends it: the file's name exactly as the case gives
    it, folders and all (Django's test client would cut it to its base name first), with only the quote,
    CR and LF percent-encoded as the HTML standard has browsers do."""
    name = case.filename(family).replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    head = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
    parts.append((head + "Content-Type: application/octet-stream\r\n\r\n").encode() + case.build(family) + b"\r\n")
    body = b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()
    return client.post(url, body, content_type=f"multipart/form-data; boundary={BOUNDARY}")


def sparse_upload(case: Hostile, folder: Path, family: str) -> UploadedFile:
    path = case.write(folder, family)
    return UploadedFile(path.open("rb"), name=case.filename(family), size=SPARSE_SIZE)


def page_message(response: Any) -> Attempt:
    """The page's status, and the words of its GOV.UK error summary (the whole page when there is none)."""
    page = response.content.decode(errors="replace")
    at = page.find('class="govuk-error-summary"')
    if at < 0:
        return Attempt(response.status_code, page)
    start, end = page.find(">", at) + 1, page.find("</ul>", at)
    summary = html.unescape(re.sub(r"<[^>]+>", " ", page[start : end if end > start else start + 4000]))
    return Attempt(response.status_code, " ".join(summary.split()), summary=True)


def api_message(response: Any) -> Attempt:
    return Attempt(response.status_code, response.content.decode(errors="replace"))


def refusal(step: Callable[[], object]) -> Attempt:
    """A product check called directly (the first check of a file): its ValidationError as a 400."""
    try:
        step()
    except ValidationError as refused:
        return Attempt(400, " ".join(refused.messages))
    return Attempt(200, "accepted")


def run_command(*args: str) -> Attempt:
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except CommandError as error:
        return Attempt(error.returncode, f"{error}\n{err.getvalue()}")
    return Attempt(0, out.getvalue())


def stored_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def counts(models: tuple[type[Model], ...]) -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in models}


@contextmanager
def peak_memory(measure: bool) -> Iterator[list[int]]:
    peak = [0]
    if not measure:
        yield peak
        return
    gc.collect()
    tracemalloc.start()
    try:
        yield peak
        peak[0] = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def attempt(path: UploadPath, case: Hostile, folder: Path) -> tuple[Attempt, dict[str, int], set[Path]]:
    """Give the case to the path; return what it answered, and the rows and files before. A heavy case is
    given twice and the second time measured, so the first import of a module or compiling of a template
    is not counted as the file's memory (a path that writes rows still shows in the counts taken between)."""
    if case.id in HEAVY:
        _give(path, case, folder)
    before, files = counts(path.models), stored_files()
    with peak_memory(case.id in HEAVY) as peak:
        answer = _give(path, case, folder)
    answer.peak = peak[0]
    return answer, before, files


def _give(path: UploadPath, case: Hostile, folder: Path) -> Attempt:
    if case.sparse and path.via != "cli":
        assert path.first_check is not None, path.id
        with sparse_upload(case, folder, path.family) as upload:
            return path.first_check(upload)
    return path.submit(case, folder)


def check(path: UploadPath, case: Hostile, folder: Path) -> None:
    """Give the case to the path and assert the outcome the corpus expects for the path's family."""
    runs = path.successful_runs()
    answer, before, files = attempt(path, case, folder)
    assert answer.peak < MEMORY_BOUND, f"peak memory {answer.peak:,} bytes"
    outcome = case.outcome(path.family)
    if outcome is Outcome.REFUSED:
        check_refused(path, case, answer, before, files)
        assert path.successful_runs() == runs, "an import run was recorded as done"
    elif outcome is Outcome.KEPT_RENAMED:
        check_kept_renamed(path, answer)
    else:
        check_kept_as_text(path, answer)


def check_refused(path: UploadPath, case: Hostile, answer: Attempt, before: dict[str, int], files: set[Path]) -> None:
    if case.sparse and path.via != "cli":
        assert answer.status == 400, answer.message  # refused by the first check the view or endpoint makes
    elif path.via == "web":
        assert answer.status == 400, answer.message[:2000]
        assert answer.summary, answer.message[:2000]  # a GOV.UK error summary on the page
    elif path.via == "api":
        assert 400 <= answer.status < 500, answer.message[:2000]
    else:
        assert answer.status == 2, answer.message
    assert _has_sentence(answer.message), answer.message[:2000]
    assert counts(path.models) == before, "rows were written"
    assert stored_files() == files, "a file was left in the store"


# Words that every refusal message uses one of: a reason a person can act on, never a traceback.
_REASONS = ("selected file", "selected pdf", "selected image", "selected csv", "selected workbook", "must be",
            "empty", "damaged", "encrypted", "password", "macro", "expand", "is not", "called", "cannot be read",
            "entities", "zip archive", "binary", "encoding", "smaller than", "formula", "errors; nothing",
            "do not match", "error: nothing", "errors: nothing", "nothing was written", "cannot be read as csv",
            "field larger")  # fmt: skip


def _has_sentence(message: str) -> bool:
    lowered = message.lower().replace("&#x27;", "'")
    return "traceback" not in lowered and any(reason in lowered for reason in _REASONS)


def check_kept_renamed(path: UploadPath, answer: Attempt) -> None:
    """A good file under a hostile name: accepted, listed under its own name without folders or control
    characters (255 at most), and stored only under its SHA-256."""
    assert answer.status in (0, 200, 302), answer.message[:2000]
    if path.listed_name is None:
        return
    name = path.listed_name()
    assert name and "/" not in name and "\\" not in name and name.isprintable() and len(name) <= 255, repr(name)
    assert name not in (".", ".."), repr(name)
    for stored in stored_files():  # its SHA-256 (and the storage's suffix when two files hold the same bytes)
        assert re.match(r"[0-9a-f]{64}(?:_\w{7})?(?:\.\w+)?$", stored.name), f"a file stored under its name: {stored}"


def check_kept_as_text(path: UploadPath, answer: Attempt) -> None:
    """Valid data whose text fields start like formulas: imported, and kept as exactly that text."""
    assert answer.status in (0, 200, 302), answer.message[:2000]
    assert path.stored_texts is not None
    assert sorted(text.strip() for text in path.stored_texts()) == sorted(formula.strip() for formula in FORMULAS)
