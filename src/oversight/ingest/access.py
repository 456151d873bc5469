"""Who may read documents into the register: pure functions, and the QuerySets every page and
endpoint of this app is scoped by.

A document belongs to one organisation. The people who keep that organisation's register (its
liaison officer), the national and inspectorate roles that add reports (a national analyst in their
body, an HMICFRS lead in the inspectorate and for the forces they cover) and, for responses, the
governing body's officers who write them, may upload its documents and review what was read. The
register's own rules decide what a confirmed proposal may create (`recommendations.access`).
Anyone else gets 404 for the document, whether or not it exists.
"""

from __future__ import annotations

from django.db.models import Q

from oversight.organisations.access import AnyUser, covered_force_ids, organisation_ids_with_role
from oversight.organisations.models import Organisation, Role
from oversight.recommendations import access as register_access
from oversight.recommendations.models import GoverningBodyResponseQuerySet, ReportQuerySet, ResponseStatus

from .models import DocumentKind, SourceDocument, SourceDocumentQuerySet

# Roles that add reports and their items (recommendations.access.can_manage_reports).
REPORT_ROLES = (Role.LIAISON_OFFICER, Role.NATIONAL_ANALYST, Role.HMICFRS_LEAD)
# Responses are also read in by the governing body's officers who write them.
RESPONSE_ROLES = (*REPORT_ROLES, Role.OPCC_OFFICER)


def document_organisation_ids(user: AnyUser, kind: str | None = None) -> set[int]:
    """Organisations whose documents (of `kind`, or of any kind) the person may upload and review."""
    roles = REPORT_ROLES if kind in (DocumentKind.REPORT, DocumentKind.REGISTER) else RESPONSE_ROLES
    return organisation_ids_with_role(user, *roles) | covered_force_ids(user, Role.HMICFRS_LEAD)


def visible_documents(user: AnyUser) -> SourceDocumentQuerySet:
    """Documents of the person's organisations: every view and endpoint looks documents up here."""
    if not user.is_authenticated:
        return SourceDocument.objects.none()
    return SourceDocument.objects.for_organisations(document_organisation_ids(user))


def can_upload_documents(user: AnyUser) -> bool:
    """Whether to offer "Read a document" at all."""
    return bool(document_organisation_ids(user))


def can_upload_document(user: AnyUser, organisation: Organisation, kind: str) -> bool:
    """Upload a document of `kind` for the organisation: reports and register entries need the
    register's right to add reports, too."""
    if organisation.pk not in document_organisation_ids(user, kind):
        return False
    return kind == DocumentKind.RESPONSE or register_access.can_manage_reports(user)


def can_review_document(user: AnyUser, document: SourceDocument) -> bool:
    """Edit, merge, split, drop and confirm the proposals of a document that has been read."""
    return can_upload_document(user, document.organisation, document.kind)


def can_view_document(user: AnyUser, document: SourceDocument) -> bool:
    return document.organisation_id in document_organisation_ids(user)


def report_choices(user: AnyUser) -> ReportQuerySet:
    """Reports a document may be read into: the published reports the person sees."""
    return register_access.visible_reports(user)


def response_choices(user: AnyUser) -> GoverningBodyResponseQuerySet:
    """56-day responses whose steps the person may record from their document."""
    bodies = organisation_ids_with_role(user, Role.OPCC_OFFICER)
    forces = organisation_ids_with_role(user, Role.LIAISON_OFFICER)
    # Only drafts: a published response's steps are what the body put its name to.
    drafts = register_access.visible_responses(user).filter(status=ResponseStatus.DRAFT)
    return drafts.filter(Q(body_id__in=bodies) | Q(force_id__in=forces))
