"""The demo: the seed documents' reports and items, West Midlands Police's register in plausible
states, a handful of other forces, the PCC's 56-day responses and the Joint Audit Committee.

Every state change goes through the services, so transitions, progress updates, HMICFRS entries
and evidence exist as if people had made them; each step is then dated back to when it plausibly
happened (2017 to 2026), because committee papers read statuses from the dated history.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from oversight.organisations.demo import PASSWORD

from .governance import _committee, _responses
from .people import MARKER_USERNAME, PEOPLE, WMP, _create_people, _organisation, logins
from .reports import _acquisitive_report, _older_people_report, _peel_report, _ppda_report, _stalking_report
from .stories import Cast, _other_forces, _wmp_acquisitive, _wmp_older_and_stalking, _wmp_peel, _wmp_ppda

__all__ = ["PASSWORD", "PEOPLE", "is_loaded", "load", "logins"]


def is_loaded() -> bool:
    return User.objects.filter(username=MARKER_USERNAME).exists()


@transaction.atomic
def load() -> None:
    """Create the whole demo, or nothing if any step fails."""
    people = _create_people()
    wmp, fll = _organisation(WMP), people["fll"]
    items = {
        **_stalking_report(fll, wmp),
        **_older_people_report(fll),
        **_peel_report(fll, wmp),
        **_ppda_report(fll),
        **_acquisitive_report(fll),
    }
    cast = Cast(people, items)
    _wmp_peel(cast)
    _wmp_older_and_stalking(cast)
    _wmp_ppda(cast)
    _wmp_acquisitive(cast)
    _other_forces(cast)
    _responses(cast, wmp)
    _committee(cast, wmp)
