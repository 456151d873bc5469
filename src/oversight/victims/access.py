"""Who may read and write the victim's voice: a thin layer over oversight.cases.access.

Reading follows the case (`can_view_case`); writing follows `can_work_with_victim`, and deciding a
request to change the officer in the case follows `can_manage_team`. Anyone who cannot see the case
gets 404; an excluded person who tries raises a silent alert to the force's PSD lead.
"""

from __future__ import annotations

from typing import Protocol, TypeVar

from django.contrib.auth.models import User
from django.http import Http404

from oversight.audit.models import log_read
from oversight.cases import access as case_access
from oversight.cases import services as case_services
from oversight.cases.models import Case, CaseQuerySet


class HasCase(Protocol):
    @property
    def case(self) -> Case: ...


Row = TypeVar("Row", bound=HasCase)


def visible_cases(user: User) -> CaseQuerySet:
    return case_access.visible_cases(user)


def can_read(user: User, case: Case) -> bool:
    return case_access.can_view_case(user, case)


def can_write(user: User, case: Case) -> bool:
    return case_access.can_view_case(user, case) and case_access.can_work_with_victim(user, case)


def can_read_log(user: User, case: Case) -> bool:
    return case_access.can_read_log(user, case)


def can_decide_oic_change(user: User, case: Case) -> bool:
    return case_access.can_view_case(user, case) and case_access.can_manage_team(user, case)


def read_case(user: User, case_pk: int, what: str) -> Case:
    """The case for a victim page, with the read logged against the case (oversight.cases.services.read_case,
    which also alerts the PSD lead silently when an excluded person tries); 404 for anyone who may not see it."""
    case = case_services.read_case(user, case_pk, what)
    if case is None:
        raise Http404("No such case")
    return case


def write_case(user: User, case_pk: int, what: str) -> Case:
    """As read_case, for a page that changes the victim's record: 404 unless the person may write."""
    case = read_case(user, case_pk, what)
    if not can_write(user, case):
        raise Http404("No such case")
    return case


def decide_case(user: User, case_pk: int, what: str) -> Case:
    case = read_case(user, case_pk, what)
    if not can_decide_oic_change(user, case):
        raise Http404("No such case")
    return case


def log_list(user: User, rows: list[Row], what: str) -> list[Row]:
    """Log a read of every case a list shows (each row has a `.case`), and return the rows."""
    for row in rows:
        log_read(user, row.case, what)
    return rows
