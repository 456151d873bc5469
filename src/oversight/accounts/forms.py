"""The login form, refusing locked-out accounts before checking the password."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm

from oversight.forms import GovukFormMixin

from .models import is_locked_out, record_attempt

LOCKED_MESSAGE = (
    "This account is locked after too many failed sign-in attempts. "
    "Try again in {minutes} minutes or ask your administrator to unlock it."
)


def _client_ip(request: Any) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


class LockoutAuthenticationForm(GovukFormMixin, AuthenticationForm):
    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        if username and is_locked_out(username):
            raise forms.ValidationError(LOCKED_MESSAGE.format(minutes=settings.LOGIN_LOCKOUT_MINUTES), code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            record_attempt(username, False, _client_ip(self.request))
            raise
        record_attempt(username, True, _client_ip(self.request))
        return cleaned


class GovukPasswordChangeForm(GovukFormMixin, PasswordChangeForm):
    pass
