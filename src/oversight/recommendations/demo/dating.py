"""Dating: each step runs now and is then moved back to the moment it plausibly happened; and the
small files uploaded as evidence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.utils import timezone

from oversight.audit.chain import deferred_sealing

from ..models import (
    Evidence,
    EvidenceVersion,
    ExtensionRequest,
    HmicfrsStatusEntry,
    OwnerChange,
    ProgressUpdate,
    RagChange,
    Transition,
)

STAMPED: tuple[tuple[type[models.Model], str], ...] = (
    (Transition, "at"),
    (RagChange, "at"),
    (OwnerChange, "at"),
    (ProgressUpdate, "written_at"),
    (Evidence, "added_at"),
    (EvidenceVersion, "uploaded_at"),
    (ExtensionRequest, "requested_at"),
    (LogEntry, "timestamp"),
)


def _last_pk(model: type[models.Model]) -> int:
    return model._default_manager.aggregate(last=models.Max("pk"))["last"] or 0


@contextmanager
def _dated(at: dt.datetime) -> Iterator[None]:
    """Rows written inside the block are dated `at`, as if written then."""
    marks = {model: _last_pk(model) for model, _ in STAMPED}
    last_entry, started = _last_pk(HmicfrsStatusEntry), timezone.now()
    with deferred_sealing():  # the audit trail chains them once dated
        yield
        for model, stamp in STAMPED:
            model._default_manager.filter(pk__gt=marks[model]).update(**{stamp: at})
    HmicfrsStatusEntry.objects.filter(pk__gt=last_entry).update(recorded_on=at.date())
    ExtensionRequest.objects.filter(decided_at__gte=started).update(decided_at=at)


def _at(day: str | dt.date, minutes: int = 0) -> dt.datetime:
    day = dt.date.fromisoformat(day) if isinstance(day, str) else day
    # Mid-morning to early afternoon, varying by day so the history does not look machine-made.
    start = dt.datetime.combine(day, dt.time(9, 30)) + dt.timedelta(minutes=(day.toordinal() * 37) % 240 + minutes)
    return timezone.make_aware(start)


def _upload(name: str, text: str) -> SimpleUploadedFile:
    if Path(name).suffix == ".pdf":
        return SimpleUploadedFile(name, tiny_pdf(text.splitlines()), "application/pdf")
    return SimpleUploadedFile(name, text.encode(), "text/plain")


def tiny_pdf(lines: list[str]) -> bytes:
    """A valid one-page PDF showing the lines in Helvetica."""

    def escape(line: str) -> bytes:
        return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1", "replace")

    stream = b"BT /F1 11 Tf 14 TL 56 800 Td " + b" ".join(b"(" + escape(line) + b") '" for line in lines) + b" ET"
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(bodies, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)
    return bytes(out)
