"""The login form, refusing locked-out accounts before checking the password, with one error at a time."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm

from oversight.forms import TEXT, GovukFormMixin, limit_length

from .models import is_locked_out, record_attempt

LOCKED_MESSAGE = (
    "This account is locked after too many failed sign-in attempts. "
    "Try again in {minutes} minutes or ask your administrator to unlock it."
)

# One message for what is missing, on the first field missing, rather than one per field.
MISSING_MESSAGES = {
    ("username",): "Enter your username",
    ("password",): "Enter your password",
    ("username", "password"): "Enter your username and password",
}


# Long enough for any passphrase or password manager; a bound on what is hashed per request.
PASSWORD_MAX_LENGTH = 256


def _client_ip(request: Any) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


class LockoutAuthenticationForm(GovukFormMixin, AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct username and password. The password is case-sensitive",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Django sets the username's max_length for the HTML attribute only, without its validator.
        limit_length(self.fields["username"], self.username_field.max_length or 150)
        limit_length(self.fields["password"], PASSWORD_MAX_LENGTH)

    def clean(self) -> dict[str, Any]:
        if self.errors:
            # No password checked, so no attempt recorded (a success would clear the failures).
            self._keep_one_error()
            return self.cleaned_data
        username = self.cleaned_data["username"]
        if is_locked_out(username):
            raise forms.ValidationError(LOCKED_MESSAGE.format(minutes=settings.LOGIN_LOCKOUT_MINUTES), code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            record_attempt(username, False, _client_ip(self.request))
            raise
        record_attempt(username, True, _client_ip(self.request))
        return cleaned

    def _keep_one_error(self) -> None:
        missing = tuple(name for name in ("username", "password") if self.has_error(name, "required"))
        field, errors = (missing[0], [MISSING_MESSAGES[missing]]) if missing else next(iter(self.errors.items()))
        self.errors.clear()
        self.add_error(field, errors[0])


class GovukPasswordChangeForm(GovukFormMixin, PasswordChangeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            limit_length(field, PASSWORD_MAX_LENGTH)


class SecondFactorForm(GovukFormMixin, forms.Form):
    """A code from the authenticator app, or one of the recovery codes."""

    code = forms.CharField(
        label="Code",
        max_length=64,
        help_text="The 6-digit code your authenticator app shows now, or one of your recovery codes",
        error_messages={"required": "Enter the code from your authenticator app or a recovery code"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )


class EnrolForm(GovukFormMixin, forms.Form):
    code = forms.CharField(
        label="Code from your app",
        max_length=12,
        help_text="After adding Oversight to your app, enter the 6-digit code it shows",
        error_messages={"required": "Enter the 6-digit code your app shows"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not code.isdigit() or len(code) != 6:
            raise forms.ValidationError("Enter the 6 digits your app shows, for example 123456")
        return code


class FactorResetForm(GovukFormMixin, forms.Form):
    username = forms.CharField(
        label="Username", max_length=150, error_messages={"required": "Enter the username of the person"}
    )
    reason = forms.CharField(
        label="Why is the second factor being reset?",
        max_length=TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, how you confirmed who asked. Their PSD leads and yours are alerted",
        error_messages={"required": "Enter why the second factor is being reset"},
    )
