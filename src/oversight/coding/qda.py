"""A request's codebook and coded passages in the REFI-QDA exchange format (QDA-XML 1.0), which
NVivo, ATLAS.ti, MAXQDA and QualCoder read: the codebook alone as `.qdc`, the whole project as `.qdpx`.

The writers are pure functions of plain data (`QdaProject`), so the format is tested without a
database; `project_of` is the one function that reads it from a request. Element and attribute
names, and their order, follow the standard's schemas (`tests/data/refi/`, validated in the tests):

- each theme is a `<Code>` nested under its parent theme, as on the themes page;
- each area's answer to a prose question (its latest submitted version, or an earlier one that
  still carries codings) is a `<TextSource>` whose plain text is `sources/<guid>.txt` in the
  archive, in UTF-8 without a byte-order mark;
- each person's coding is one `<PlainTextSelection>` of that text, made by that person, with one
  `<Coding>` pointing at the theme's code and the memo as its `<Description>` (where QualCoder and
  MAXQDA read a coding's memo). Two analysts coding the same passage give two selections, as in the
  database; the system's suggestions are not people's codings and are left out. The mark "quote in
  the report" has no counterpart in the standard and is not exported;
- each area is a `<Case>` holding its sources, so a QDA tool can compare areas.

Positions count Unicode code points of the plain text, as the standard says, and Python's string
offsets (`answer.text[start:end]`) are code points too, so a coding's offsets are written unchanged.
GUIDs are derived from the records' ids (`uuid5`), so exporting again gives the same GUIDs and a
tool can match a re-import to what it already holds.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.utils import timezone
from lxml import etree

from oversight.returns.models import ReturnRequest, VersionAnswer

from .models import Coding, Theme
from .services import codable_answers

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
ORIGIN = "Oversight"
# Fixed for good: changing it would change every GUID ever exported.
GUID_NAMESPACE = uuid.UUID("6f1c3d2e-5b0a-5e8f-9c47-0e6a1b2c3d4e")
# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def guid(kind: str, pk: int | str) -> str:
    """The stable GUID of a record of a kind, in the standard's form (8-4-4-4-12 hex digits)."""
    return str(uuid.uuid5(GUID_NAMESPACE, f"oversight:{kind}:{pk}")).upper()


@dataclass(frozen=True)
class QdaCode:
    guid: str
    name: str
    description: str = ""
    children: tuple[QdaCode, ...] = ()


@dataclass(frozen=True)
class QdaUser:
    guid: str
    name: str


@dataclass(frozen=True)
class QdaSelection:
    """One person's coding of `text[start:end]` of a source."""

    guid: str
    start: int
    end: int
    name: str
    user: str
    created: dt.datetime
    coding_guid: str
    code_guid: str
    memo: str = ""


@dataclass(frozen=True)
class QdaSource:
    guid: str
    name: str
    text: str
    created: dt.datetime | None = None
    selections: tuple[QdaSelection, ...] = ()

    @property
    def path(self) -> str:
        """Where the plain text lies in the archive."""
        return f"sources/{self.guid}.txt"


@dataclass(frozen=True)
class QdaCase:
    guid: str
    name: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class QdaProject:
    name: str
    created: dt.datetime
    codes: tuple[QdaCode, ...] = ()
    users: tuple[QdaUser, ...] = ()
    sources: tuple[QdaSource, ...] = ()
    cases: tuple[QdaCase, ...] = field(default=())


# Writing


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _stamp(when: dt.datetime) -> str:
    """xsd:dateTime in UTC, to the second, as the tools write it."""
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _element(parent: etree._Element | None, ns: str, tag: str, **attributes: str) -> etree._Element:
    name = f"{{{ns}}}{tag}"
    values = {key: _clean(value) for key, value in attributes.items()}
    if parent is None:
        return etree.Element(name, values, nsmap={None: ns})
    return etree.SubElement(parent, name, values)


def _description(parent: etree._Element, ns: str, text: str) -> None:
    if text:
        _element(parent, ns, "Description").text = _clean(text)


def _codes(parent: etree._Element, ns: str, codes: Iterable[QdaCode]) -> None:
    container = _element(parent, ns, "Codes")
    for code in codes:
        _code(container, ns, code)


def _code(parent: etree._Element, ns: str, code: QdaCode) -> None:
    element = _element(parent, ns, "Code", guid=code.guid, name=code.name, isCodable="true")
    _description(element, ns, code.description)
    for child in code.children:
        _code(element, ns, child)


def _document(root: etree._Element) -> bytes:
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True)


def codebook_xml(codes: Iterable[QdaCode]) -> bytes:
    """The codebook exchange file (`.qdc`): the codes, nested as the themes are."""
    root = _element(None, CODEBOOK_NS, "CodeBook", origin=ORIGIN)
    _codes(root, CODEBOOK_NS, codes)
    return _document(root)


def project_xml(project: QdaProject) -> bytes:
    """The project document (`project.qde`): users, codebook, cases and sources with their codings.
    Empty sections are left out: the schema requires at least one entry in each that is present."""
    ns = PROJECT_NS
    root = _element(None, ns, "Project", name=project.name, origin=ORIGIN, creationDateTime=_stamp(project.created))
    if project.users:
        users = _element(root, ns, "Users")
        for user in project.users:
            _element(users, ns, "User", guid=user.guid, name=user.name)
    if project.codes:
        _codes(_element(root, ns, "CodeBook"), ns, project.codes)
    if project.cases:
        cases = _element(root, ns, "Cases")
        for case in project.cases:
            element = _element(cases, ns, "Case", guid=case.guid, name=case.name)
            for source in case.sources:
                _element(element, ns, "SourceRef", targetGUID=source)
    if project.sources:
        sources = _element(root, ns, "Sources")
        for text_source in project.sources:
            _source(sources, text_source)
    return _document(root)


def _source(parent: etree._Element, source: QdaSource) -> None:
    ns = PROJECT_NS
    attributes = {"guid": source.guid, "name": source.name, "plainTextPath": f"internal://{source.guid}.txt"}
    if source.created is not None:
        attributes["creationDateTime"] = _stamp(source.created)
    element = _element(parent, ns, "TextSource", **attributes)
    for selection in source.selections:
        chosen = _element(
            element, ns, "PlainTextSelection", guid=selection.guid, name=selection.name,
            startPosition=str(selection.start), endPosition=str(selection.end),
            creatingUser=selection.user, creationDateTime=_stamp(selection.created),
        )  # fmt: skip
        _description(chosen, ns, selection.memo)
        coding = _element(
            chosen, ns, "Coding", guid=selection.coding_guid, creatingUser=selection.user,
            creationDateTime=_stamp(selection.created),
        )  # fmt: skip
        _element(coding, ns, "CodeRef", targetGUID=selection.code_guid)


def project_qdpx(project: QdaProject) -> bytes:
    """The project exchange file (`.qdpx`): a ZIP of `project.qde` and each source's plain text."""
    buffer = io.BytesIO()
    stamp = project.created.astimezone(dt.UTC).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("project.qde", stamp), project_xml(project), zipfile.ZIP_DEFLATED)
        for source in project.sources:
            archive.writestr(zipfile.ZipInfo(source.path, stamp), source.text.encode("utf-8"), zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


# Reading a request


def codes_of(request: ReturnRequest) -> tuple[QdaCode, ...]:
    """The request's themes as codes, each sub-theme under its parent, names in alphabetical order."""
    themes = list(Theme.objects.filter(request=request).order_by("name", "pk"))
    children: dict[int | None, list[Theme]] = {}
    for theme in themes:
        children.setdefault(theme.parent_id, []).append(theme)

    def tree(theme: Theme) -> QdaCode:
        below = tuple(tree(child) for child in children.get(theme.pk, []))
        return QdaCode(guid("theme", theme.pk), theme.name, theme.description, below)

    return tuple(tree(theme) for theme in children.get(None, []))


def _person(user: User) -> QdaUser:
    return QdaUser(guid("user", user.pk), str(user.get_full_name() or user.username))


def _selection(coding: Coding) -> QdaSelection:
    return QdaSelection(
        guid=guid("selection", coding.pk), start=coding.start, end=coding.end, name=coding.text,
        user=guid("user", coding.coder_id), created=coding.created_at, coding_guid=guid("coding", coding.pk),
        code_guid=guid("theme", coding.theme_id), memo=coding.memo,
    )  # fmt: skip


def _source_name(answer: VersionAnswer, latest: bool) -> str:
    organisation = answer.version.return_record.organisation.name
    name = f"{organisation} — {answer.question.text}"
    return name if latest else f"{name} (version {answer.version.number})"


def _answers(request: ReturnRequest, codings: list[Coding]) -> list[tuple[VersionAnswer, bool]]:
    """The answers exported, each with whether it is its return's latest: the codable answers, then
    any answer of an earlier version that still carries codings."""
    latest = list(codable_answers(request))
    older = {coding.answer_id for coding in codings} - {answer.pk for answer in latest}
    earlier = (
        VersionAnswer.objects.filter(pk__in=older)
        .select_related("version__return_record__organisation", "question")
        .order_by("version__return_record__organisation__name", "question__position", "version__number", "pk")
    )
    return [(answer, True) for answer in latest] + [(answer, False) for answer in earlier]


def _cases(answers: Iterable[VersionAnswer]) -> tuple[QdaCase, ...]:
    """One case per area, holding its sources."""
    areas: dict[int, tuple[str, list[str]]] = {}
    for answer in answers:
        organisation = answer.version.return_record.organisation
        areas.setdefault(organisation.pk, (organisation.name, []))[1].append(guid("answer", answer.pk))
    ordered = sorted(areas.items(), key=lambda area: area[1][0])
    return tuple(QdaCase(guid("area", pk), name, tuple(sources)) for pk, (name, sources) in ordered)


def project_of(request: ReturnRequest, now: dt.datetime | None = None) -> QdaProject:
    """Everything the project file holds for a request, in a fixed number of queries."""
    codings = list(
        Coding.objects.filter(theme__request=request).select_related("answer", "coder").order_by("start", "end", "pk")
    )
    by_answer: dict[int, list[Coding]] = {}
    for coding in codings:
        by_answer.setdefault(coding.answer_id, []).append(coding)
    answers = _answers(request, codings)
    sources = tuple(
        QdaSource(
            guid=guid("answer", answer.pk),
            name=_source_name(answer, latest),
            text=answer.text,
            created=answer.version.submitted_at,
            selections=tuple(_selection(coding) for coding in by_answer.get(answer.pk, [])),
        )
        for answer, latest in answers
    )
    coders = sorted({coding.coder for coding in codings}, key=lambda user: user.username)
    return QdaProject(
        name=request.title,
        created=now or timezone.now(),
        codes=codes_of(request),
        users=tuple(_person(user) for user in coders),
        sources=sources,
        cases=_cases(answer for answer, _ in answers),
    )
