"""Passkeys and security keys (WebAuthn) as a second factor beside the authenticator app: the
registration and authentication ceremonies, checked on the server by the `webauthn` package.

The relying party is the host the person reached (Django has checked it against ALLOWED_HOSTS) and
the origin its scheme and host; each challenge is kept in the session for one answer only.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from .factors import mark_verified
from .models import Passkey

REGISTER_CHALLENGE = "oversight_passkey_register_challenge"
SIGN_IN_CHALLENGE = "oversight_passkey_sign_in_challenge"
RP_NAME = "Oversight"


class PasskeyRefused(Exception):
    """The browser's answer did not check out: nothing was saved or verified."""


def _rp_id(request: HttpRequest) -> str:
    return urlsplit(f"//{request.get_host()}").hostname or ""


def _origin(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _descriptors(user: User) -> list[PublicKeyCredentialDescriptor]:
    ids = Passkey.objects.filter(user=user).values_list("credential_id", flat=True)
    return [PublicKeyCredentialDescriptor(id=base64url_to_bytes(cid)) for cid in ids]


def registration_options(request: HttpRequest, user: User) -> str:
    options = generate_registration_options(
        rp_id=_rp_id(request),
        rp_name=RP_NAME,
        user_name=user.get_username(),
        user_id=str(user.pk).encode(),
        user_display_name=user.get_full_name() or user.get_username(),
        exclude_credentials=_descriptors(user),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.DISCOURAGED, user_verification=UserVerificationRequirement.PREFERRED
        ),
    )
    request.session[REGISTER_CHALLENGE] = bytes_to_base64url(options.challenge)
    return str(options_to_json(options))


def register(request: HttpRequest, user: User, credential: str, name: str) -> Passkey:
    challenge = request.session.pop(REGISTER_CHALLENGE, None)
    if not challenge:
        raise PasskeyRefused("Start again: the request to add a passkey had expired.")
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=_rp_id(request),
            expected_origin=_origin(request),
        )
    except (WebAuthnException, ValueError, KeyError) as error:
        raise PasskeyRefused("The passkey could not be checked. Try again.") from error
    return Passkey.objects.create(
        user=user,
        name=(name.strip() or "Passkey")[:64],
        confirmed=True,
        credential_id=bytes_to_base64url(verified.credential_id),
        public_key=bytes_to_base64url(verified.credential_public_key),
        sign_count=verified.sign_count,
    )


def authentication_options(request: HttpRequest, user: User) -> str:
    options = generate_authentication_options(
        rp_id=_rp_id(request),
        allow_credentials=_descriptors(user),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    request.session[SIGN_IN_CHALLENGE] = bytes_to_base64url(options.challenge)
    return str(options_to_json(options))


def authenticate(request: HttpRequest, user: User, credential: str) -> Passkey | None:
    """The person's passkey that signed the challenge (the session is then verified), or None."""
    challenge = request.session.pop(SIGN_IN_CHALLENGE, None)
    try:
        credential_id = str(json.loads(credential)["id"])
    except (ValueError, KeyError, TypeError):
        return None
    if not challenge:
        return None
    with transaction.atomic():
        passkey = Passkey.objects.select_for_update().filter(user=user, credential_id=credential_id).first()
        if passkey is None:
            return None
        try:
            verified = verify_authentication_response(
                credential=credential,
                expected_challenge=base64url_to_bytes(challenge),
                expected_rp_id=_rp_id(request),
                expected_origin=_origin(request),
                credential_public_key=base64url_to_bytes(passkey.public_key),
                credential_current_sign_count=passkey.sign_count,
            )
        except (WebAuthnException, ValueError, KeyError):
            return None
        passkey.sign_count = verified.new_sign_count
        passkey.last_used_at = timezone.now()
        passkey.save(update_fields=["sign_count", "last_used_at"])
    mark_verified(request, passkey)
    return passkey
