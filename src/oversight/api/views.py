"""The "Your API tokens" page: a signed-in person creates tokens (shown once) and revokes their own."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from oversight.accounts.sessions import posted, requires_fresh_second_factor
from oversight.request import AuthedRequest

from .forms import TokenForm
from .models import ApiToken

app_name = "api_tokens"


def _page(request: AuthedRequest, form: TokenForm, raw: str = "", status: int = 200) -> HttpResponse:
    tokens = ApiToken.objects.held_by(request.user)
    return render(request, "api/tokens.html", {"form": form, "tokens": tokens, "raw_token": raw}, status=status)


@never_cache
@requires_fresh_second_factor(when=posted)  # a token acts as its holder without a factor (ASVS 4.0.3 V3.7.1)
def tokens(request: AuthedRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, TokenForm())
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    # The raw token is shown in this response only: it is never stored, so it cannot be shown again.
    _, raw = ApiToken.issue(request.user, form.cleaned_data["name"], form.expires_at(), read_only=form.read_only())
    return _page(request, TokenForm(), raw=raw)


@require_POST
def revoke(request: AuthedRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.held_by(request.user), pk=token_id)
    token.revoke()
    messages.success(request, f"The token '{token.name}' has been revoked: it no longer works.")
    return redirect("api_tokens:list")


urlpatterns = [
    path("", tokens, name="list"),
    path("<int:token_id>/revoke/", revoke, name="revoke"),
]
