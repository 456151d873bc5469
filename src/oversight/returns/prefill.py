"""Pre-filling a return from the response an organisation published: read the file to clean text
(`lib.documents`), find the actions taken and intended (`lib.extraction.extract_response`) and, where
the text says so, whether the recommendation is accepted. Only empty answers are filled; the person
reviews them before submitting.

The file is read at once, in the request (not through the task queue as `ingest` reads reports): a
response is a few pages, and the read is bounded by `settings.INGEST_MAX_BYTES` and the reader's
own limits, so the page answers in seconds and the person sees the answers it filled straight away.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from oversight.lib.documents import DocumentError, check_upload, read_document
from oversight.lib.extraction import ActionStatus, ProposedAction, extract_response
from oversight.lib.screening import FileRefused, kept_name, screen_file

from . import services
from .models import Acceptance, QuestionKind, Return

# Sentences that say whether the recommendation is accepted, most specific first. "Welcome and
# support the recommendation" counts as accepting it, as national bodies counted it in 2023.
_NOT_ACCEPTED = re.compile(
    r"\b(?:do(?:es)? not|cannot|can't|don't) (?:accept|agree with|support)\b|\breject(?:s|ed)?\b", re.I
)
_PARTLY = re.compile(
    r"\b(?:partly|partially|in part) (?:accept|agree)|\baccept\w* (?:in part|partly|partially)\b", re.I
)
_ACCEPTED = re.compile(
    r"\b(?:accept(?:s|ed)?|agree(?:s|d)? with|(?:support|welcome)s?(?: and (?:support|welcome)s?)?)"
    r" (?:the|this|these|all|its|their)"
    r"(?: \w+){0,3}? recommendations?\b",
    re.I,
)
_SENTENCE = re.compile(r"[^.!?\n]*(?:[.!?]|$)")

ACTION_QUESTIONS = (
    (ActionStatus.TAKEN, QuestionKind.ACTIONS_TAKEN),
    (ActionStatus.INTENDED, QuestionKind.ACTIONS_INTENDED),
)


@dataclass
class Prefill:
    """What a document says, as answers: each filled answer's question kind, and why."""

    answers: dict[str, str] = field(default_factory=dict)
    because: dict[str, str] = field(default_factory=dict)


def acceptance_in(text: str) -> tuple[str, str]:
    """(Acceptance value, the sentence that says so), or ("", "") when the text does not say."""
    for sentence in (match.group(0).strip() for match in _SENTENCE.finditer(text)):
        for pattern, value in ((_NOT_ACCEPTED, Acceptance.NOT_ACCEPTED), (_PARTLY, Acceptance.PARTLY)):
            if pattern.search(sentence) and "recommendation" in sentence.lower():
                return value, sentence
        if _ACCEPTED.search(sentence):
            return Acceptance.ACCEPTED, sentence
    return "", ""


def _about(actions: list[ProposedAction], references: Iterable[str]) -> list[ProposedAction]:
    """The actions answering the request's recommendations, when the response says which it answers."""
    wanted = {ref.lower().strip() for ref in references if ref}
    chosen = [a for a in actions if a.answers and any(a.answers.lower().startswith(w) for w in wanted)]
    return chosen or [a for a in actions if not a.answers] or actions


def read_prefill(text: str, references: Iterable[str] = ()) -> Prefill:
    """The answers a response's clean text gives: actions taken, actions intended, acceptance."""
    prefill = Prefill()
    actions = _about(extract_response(text), references)
    for status, kind in ACTION_QUESTIONS:
        found = [" ".join(action.text.split()) for action in actions if action.status == status]
        if found:
            prefill.answers[kind] = "\n\n".join(f"- {text}" for text in found)
            prefill.because[kind] = f"{len(found)} {'action' if len(found) == 1 else 'actions'} found"
    value, sentence = acceptance_in(text)
    if value:
        prefill.answers[QuestionKind.ACCEPTED] = value
        prefill.because[QuestionKind.ACCEPTED] = f"The document says: “{' '.join(sentence.split())}”"
    return prefill


def read_upload(upload: UploadedFile) -> str:
    """The upload's clean text, or ValidationError on `file` saying why it cannot be read."""
    name = kept_name(upload.name or "", "document")
    upload.seek(0)
    try:
        check_upload(name, upload.size or 0, upload.read(8), settings.INGEST_MAX_BYTES)
        screen_file(name, upload)
        return read_document(upload.read(), name, max_bytes=settings.INGEST_MAX_BYTES).text
    except (DocumentError, FileRefused) as error:
        raise ValidationError({"file": str(error)}) from error


def prefill_from_document(record: Return, by: User, version: int | None, upload: UploadedFile) -> Prefill:
    """Fill the return's empty answers from the document; answers already written are kept as they are."""
    text = read_upload(upload)
    items = list(record.request.items.all())
    found = read_prefill(text, [ref for item in items for ref in (item.number, item.reference)])
    existing = {answer.question_id: answer for answer in record.answers.all() if not answer.is_empty}
    questions = [q for q in record.request.questions.all() if q.kind in found.answers and q.pk not in existing]
    services.save_answers(record, by, version, {q.pk: found.answers[q.kind] for q in questions})
    filled = {q.kind for q in questions}
    return Prefill({k: v for k, v in found.answers.items() if k in filled}, {k: found.because[k] for k in filled})
