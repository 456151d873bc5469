"""The organisation switcher."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .access import can_switch_to
from .middleware import SESSION_KEY
from .models import Organisation


@require_POST
def switch_organisation(request: HttpRequest) -> HttpResponse:
    organisation = Organisation.objects.filter(pk=request.POST.get("organisation", "0") or 0).first()
    if organisation is None or not can_switch_to(request.user, organisation):
        raise Http404("No such organisation")
    request.session[SESSION_KEY] = organisation.pk
    messages.success(request, f"You are now acting for {organisation.name}.")
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)
