"""Background jobs of documents in, run by `oversight db_worker` (django-tasks, database backend)."""

from __future__ import annotations

from django_tasks import task

from .reading import read_and_propose


@task()
def read_source_document(document_id: int) -> str:
    """Read a stored document and propose its items; the outcome is kept on the document itself."""
    document = read_and_propose(document_id)
    return document.status if document is not None else "skipped"
