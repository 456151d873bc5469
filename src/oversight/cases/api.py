"""The PPDA cases API: the cases you may see, one case in full (its read logged), and search.

Scoped by cases/access.py like the pages: anyone outside a case gets 404 {"detail": "Not found"},
whether or not it exists, and an excluded person's attempt alerts the PSD lead silently.

The list and search are paged in the database (`limit` and `offset`); the count and the slices are
taken from the visible cases alone, so a case locked to the caller moves no count and no page.
"""

import datetime as dt
from typing import Annotated, cast

from django.contrib.auth.models import User
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from oversight.forms import NO_NUL
from oversight.recommendations.api import Pagination  # the API's one limit-and-offset paging

from . import access, services
from .models import Arrival, Case, CaseQuerySet, CaseStatus, ConductStatus, CriminalStatus, Subject, TeamMember
from .search import search_cases

router = Router(tags=["cases"])

# Longer than any reference, name or staff number searched for.
SEARCH_MAX_LENGTH = 200


class CaseErrorOut(Schema):
    detail: str


class CaseOut(Schema):
    id: int
    reference: str = Field(description="For example PPDA-2024-7KQ3XM")
    force: str = Field(description="The force's name", alias="force.name")
    arrival: Arrival = Field(description="How the report arrived")
    received_on: dt.date
    status: CaseStatus
    criminal_status: CriminalStatus = Field(description="The criminal track, kept apart from the conduct track")
    conduct_status: ConductStatus
    closed_on: dt.date | None


class SubjectOut(Schema):
    staff_number: str = Field(alias="person.staff_number")
    name: str = Field(alias="person.name")
    rank_or_grade: str = Field(alias="person.rank_or_grade")
    unit: str | None
    works_with_vulnerable: bool = Field(alias="person.works_with_vulnerable")

    @staticmethod
    def resolve_unit(obj: Subject) -> str | None:
        return str(obj.person.unit) if obj.person.unit else None


class VictimOut(Schema):
    name: str
    is_police_staff: bool


class AllegationOut(Schema):
    description: str
    criminal: bool
    conduct: bool


class TeamMemberOut(Schema):
    name: str
    role: str
    organisation: str = Field(alias="organisation.name")

    @staticmethod
    def resolve_name(obj: TeamMember) -> str:
        return obj.user.get_full_name() or obj.user.username


class CaseDetailOut(CaseOut):
    summary: str
    victim: VictimOut
    subjects: list[SubjectOut]
    allegations: list[AllegationOut]
    team: list[TeamMemberOut]


class CaseFilters(Schema):
    status: CaseStatus | None = None
    arrival: Arrival | None = None


def _listing(cases: CaseQuerySet, filters: CaseFilters) -> CaseQuerySet:
    """The visible cases matching the filters, newest first as on the case list page."""
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.arrival:
        cases = cases.filter(arrival=filters.arrival)
    return cases.select_related("force").order_by("-received_on", "-pk")


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


@router.get("/", response=list[CaseOut], summary="The PPDA cases you may see")
@paginate(Pagination)
def list_cases(request: HttpRequest, filters: Query[CaseFilters]) -> CaseQuerySet:
    """Cases whose team you are on, or all of your force's if you lead professional standards."""
    return _listing(access.visible_cases(_user(request)), filters)


@router.get("/search", response=list[CaseOut], summary="Search the PPDA cases you may see")
@paginate(Pagination)
def search(
    request: HttpRequest,
    q: Query[Annotated[str, Field(max_length=SEARCH_MAX_LENGTH, pattern=NO_NUL)]],
    filters: Query[CaseFilters],
) -> CaseQuerySet:
    """By case reference, victim's name, or subject's name or staff number (at least 2 characters)."""
    return _listing(search_cases(_user(request), q), filters)


@router.get(
    "/{case_id}", response={200: CaseDetailOut, 401: CaseErrorOut, 404: CaseErrorOut}, summary="A PPDA case in full"
)
def case_detail(request: HttpRequest, case_id: int) -> Case:
    """The case, its victim, subjects, allegations and team. Each call is written to the case's read log."""
    case = services.read_case(_user(request), case_id, "case in full", route="api")
    if case is None:
        raise Http404("Not found")
    return case
