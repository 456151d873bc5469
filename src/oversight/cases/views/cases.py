"""The core PPDA case pages: the list and search, a new case, the case page, its statuses and its read log.

Every case is looked up through `services.read_case`, which scopes it to the person, logs the read,
and silently alerts the PSD lead when an excluded person reaches for it; anyone outside gets the
same 404 page as for a case that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import URLPattern, path

from oversight.audit.models import ReadLog
from oversight.forms import add_service_error
from oversight.request import AuthedRequest

from .. import access, services
from ..forms import NewCaseForm, StatusForm
from ..models import Arrival, Case, CaseQuerySet, CaseStatus
from ..search import clean_term, search_cases
from . import allowed, case_or_404

PAGE_SIZE = 50


# ----------------------------------------------------------------------------------------------
# The list, with filters and search


@dataclass(frozen=True)
class ListFilters:
    status: str = ""
    arrival: str = ""
    q: str = ""

    @classmethod
    def from_query(cls, query: QueryDict) -> ListFilters:
        status, arrival = query.get("status", ""), query.get("arrival", "")
        return cls(
            status=status if status in CaseStatus.values else "",
            arrival=arrival if arrival in Arrival.values else "",
            q=clean_term(query.get("q")),
        )

    def apply(self, cases: CaseQuerySet) -> CaseQuerySet:
        if self.status:
            cases = cases.filter(status=self.status)
        if self.arrival:
            cases = cases.filter(arrival=self.arrival)
        return cases

    def query(self) -> str:
        return urlencode({key: value for key, value in vars(self).items() if value})

    @property
    def without_q(self) -> str:
        return self.without("q")

    def without(self, key: str) -> str:
        return urlencode({name: value for name, value in vars(self).items() if value and name != key})


def _status_counts(cases: CaseQuerySet) -> list[tuple[str, str, int]]:
    counts = dict(cases.order_by().values_list("status").annotate(n=Count("pk")))
    return [(status.value, status.label, counts.get(status.value, 0)) for status in CaseStatus]


def case_list(request: AuthedRequest) -> HttpResponse:
    filters = ListFilters.from_query(request.GET)
    visible = access.visible_cases(request.user)
    found = search_cases(request.user, filters.q) if filters.q else visible
    cases = filters.apply(found).select_related("force").annotate(subject_count=Count("subjects"))
    cases = cases.order_by("-received_on", "-pk")
    page: Page[Case] = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    selected = [
        (label, choices(value).label, filters.without(key))
        for key, label, choices, value in (
            ("status", "Status", CaseStatus, filters.status),
            ("arrival", "How it arrived", Arrival, filters.arrival),
        )
        if value
    ]
    context = {
        "page": page,
        "count": page.paginator.count,
        "total": visible.count(),
        "status_counts": _status_counts(visible),
        "filters": filters,
        "query": filters.query(),
        "selected": selected,
        "statuses": CaseStatus.choices,
        "arrivals": Arrival.choices,
        "can_open": access.can_open_cases(request.user),
    }
    return render(request, "cases/case_list.html", context)


# ----------------------------------------------------------------------------------------------
# A new case


def new_case(request: AuthedRequest) -> HttpResponse:
    forces = access.psd_forces(request.user)
    if not forces:
        raise Http404("Not found")
    form = NewCaseForm(request.POST or None, forces=forces)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.open_case(form.new_case(), request.user)
        except PermissionDenied as denied:
            raise Http404("Not found") from denied
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Case {case.reference} opened. Only its team and the PSD lead can see it.")
            return redirect("cases:detail", pk=case.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "cases/case_new.html", {"form": form}, status=status)


# ----------------------------------------------------------------------------------------------
# The case page, its statuses and its read log


def case_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    case = case_or_404(request, pk, "case page")
    context = {
        "case": case,
        "can_edit": access.can_edit_case(request.user, case),
        "can_read_log": access.can_read_log(request.user, case),
    }
    return render(request, "cases/case_detail.html", context)


def edit_statuses(request: AuthedRequest, pk: int) -> HttpResponse:
    case = case_or_404(request, pk, "case statuses")
    allowed(access.can_edit_case(request.user, case))
    form = StatusForm(request.POST or None, initial=StatusForm.initial_for(case))
    if request.method == "POST" and form.is_valid():
        try:
            services.change_statuses(case, request.user, form.change(), form.cleaned_data["version"])
        except PermissionDenied as denied:
            raise Http404("Not found") from denied
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Statuses saved.")
            return redirect("cases:detail", pk=case.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "cases/case_statuses.html", {"case": case, "form": form}, status=status)


def read_log(request: AuthedRequest, pk: int) -> HttpResponse:
    case = case_or_404(request, pk, "read log")
    allowed(access.can_read_log(request.user, case))
    reads = ReadLog.objects.filter(content_type=ContentType.objects.get_for_model(Case), object_id=case.pk)
    page: Page[ReadLog] = Paginator(reads.select_related("user"), 100).get_page(request.GET.get("page"))
    return render(request, "cases/case_reads.html", {"case": case, "page": page})


urlpatterns: list[URLPattern] = [
    path("", case_list, name="list"),
    path("new/", new_case, name="new"),
    path("<int:pk>/", case_detail, name="detail"),
    path("<int:pk>/statuses/", edit_statuses, name="statuses"),
    path("<int:pk>/reads/", read_log, name="reads"),
]
