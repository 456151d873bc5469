"""Request types for views: the login middleware guarantees a signed-in user."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest

from oversight.organisations.models import Organisation


class AuthedRequest(HttpRequest):
    user: User
    organisation: Organisation | None
    organisations: list[Organisation]
