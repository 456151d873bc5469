"""Who may see and record protective measures: pure functions, and the QuerySets every page, endpoint,
export and count of this app is scoped by.

A force's protection team and its professional standards department (PSD handlers and lead) see
and record the force's measures, breaches and unused powers; the OPCC officers of the body that
governs the force read them. National analysts see counts only, never a record. Above all of that
sits the case lock: a measure or unused power whose restrained person is in the workforce register
and is a subject of a PPDA case is shown only to someone who may view that case
(`cases.access.visible_cases`), the case team included (read only); to everyone else it does not
exist (404) and appears only inside national aggregate counts. The lock is read from the register
every time, so a case opened after the measure was recorded locks it at once; and the case the
measure was linked to when recorded keeps it locked on its own, so someone who edits the case's
subjects (or the register entry) does not unlock it by removing the link the first rule reads.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from oversight.cases.access import visible_cases
from oversight.cases.models import Case, Subject
from oversight.db_routers import decided_on_primary
from oversight.organisations.access import AnyUser, memberships_of, organisation_ids_with_role
from oversight.organisations.models import Organisation, Role

from .models import Breach, BreachQuerySet, Measure, MeasureQuerySet, UnusedPower, UnusedPowerQuerySet

RECORDING_ROLES = (Role.PROTECTION_TEAM, Role.PSD_HANDLER, Role.PSD_LEAD)


def recording_force_ids(user: AnyUser) -> set[int]:
    """Forces whose measures this person records: as its protection team or in its PSD."""
    return {m.organisation_id for m in memberships_of(user) if m.role in RECORDING_ROLES and m.organisation.is_force}


def governed_force_ids(user: AnyUser, on: dt.date | None = None) -> set[int]:
    """Forces governed (today) by a body in which this person is an OPCC officer: read only."""
    bodies = organisation_ids_with_role(user, Role.OPCC_OFFICER)
    if not bodies:
        return set()
    on = on or dt.date.today()
    terms = Q(governance_terms__body_id__in=bodies, governance_terms__starts_on__lte=on) & (
        Q(governance_terms__ends_on__isnull=True) | Q(governance_terms__ends_on__gte=on)
    )
    return set(Organisation.objects.forces().filter(terms).values_list("pk", flat=True))


def reading_force_ids(user: AnyUser) -> set[int]:
    return recording_force_ids(user) | governed_force_ids(user)


def counting_force_ids(user: AnyUser) -> set[int] | None:
    """Forces whose counts this person may see; None means every force (a national analyst)."""
    if organisation_ids_with_role(user, Role.NATIONAL_ANALYST):
        return None
    return reading_force_ids(user)


def locked_person_ids(user: AnyUser) -> QuerySet[Subject, int] | list[int]:
    """Register entries who are subjects of a PPDA case this person may not view: measures restraining
    them are hidden from this person (a subquery; read from the primary when reading from a replica)."""
    subjects = Subject.objects.exclude(case__in=visible_cases(user).values("pk"))
    return decided_on_primary(subjects.values_list("person_id", flat=True))


def case_person_ids(user: AnyUser) -> QuerySet[Subject, int] | list[int]:
    """Register entries who are subjects of a PPDA case this person may view (a subquery, or its values
    from the primary when reading from a replica)."""
    subjects = Subject.objects.filter(case__in=visible_cases(user).values("pk"))
    return decided_on_primary(subjects.values_list("person_id", flat=True))


def _scope(user: AnyUser) -> Q | None:
    """Records this person may see: their forces' (less those locked with a case they may not view, by
    its subject or by the case recorded on them), and those restraining a subject of a case they may
    view (its team reads them, read only). None: nothing."""
    forces = reading_force_ids(user)
    if not user.is_authenticated:
        return None
    viewable = visible_cases(user).values("pk")
    locked = Q(restrained_person_id__in=locked_person_ids(user)) | Q(case_id__in=Case.objects.exclude(pk__in=viewable))
    own = Q(force_id__in=forces) & ~locked if forces else Q(pk__in=[])
    return own | Q(restrained_person_id__in=case_person_ids(user)) & ~locked


def visible_measures(user: AnyUser) -> MeasureQuerySet:
    """Every measure this person may know exists: the only way views, the API and exports list them."""
    scope = _scope(user)
    return Measure.objects.filter(scope) if scope is not None else Measure.objects.none()


def visible_breaches(user: AnyUser) -> BreachQuerySet:
    return Breach.objects.filter(measure__in=visible_measures(user).values("pk"))


def visible_unused_powers(user: AnyUser) -> UnusedPowerQuerySet:
    scope = _scope(user)
    return UnusedPower.objects.filter(scope) if scope is not None else UnusedPower.objects.none()


def counted_measures(user: AnyUser) -> MeasureQuerySet:
    """The measures this person's aggregate counts are made from. A national analyst counts every force's,
    locked ones included: national figures, only ever aggregated, never listed. Anyone else counts the
    measures they may see: a force-level count that moved when a locked measure was recorded would tell
    its readers that one exists (tests/test_cases_matrix.py holds every page to that)."""
    if counting_force_ids(user) is None:
        return Measure.objects.all()
    return visible_measures(user)


def can_use_protection(user: AnyUser) -> bool:
    """Whether to show "Protective measures" in the navigation."""
    return bool(reading_force_ids(user)) or counting_force_ids(user) is None


def importing_forces(user: AnyUser) -> QuerySet[Organisation]:
    """Forces into which this person may bulk-import measures and breaches: those whose measures they record."""
    return Organisation.objects.forces().filter(pk__in=recording_force_ids(user))


def can_view_measure(user: AnyUser, measure: Measure) -> bool:
    return visible_measures(user).filter(pk=measure.pk).exists()


def can_record_in_force(user: AnyUser, force_id: int) -> bool:
    return force_id in recording_force_ids(user)


def can_change_measure(user: AnyUser, measure: Measure) -> bool:
    """Serve, vary, extend, end; record notifications and breaches: the force's recorders who may see it."""
    return can_record_in_force(user, measure.force_id) and can_view_measure(user, measure)


def can_view_unused_power(user: AnyUser, power: UnusedPower) -> bool:
    return visible_unused_powers(user).filter(pk=power.pk).exists()


def can_change_unused_power(user: AnyUser, power: UnusedPower) -> bool:
    return can_record_in_force(user, power.force_id) and can_view_unused_power(user, power)


# Police and crime plan measures (plan_models.py): set by the governing body, figures entered by the force.


def can_set_plan_measure(user: AnyUser, body_id: int, force_id: int) -> bool:
    """An OPCC officer of the body, for a force the body governs today."""
    if body_id not in organisation_ids_with_role(user, Role.OPCC_OFFICER):
        return False
    return force_id in governed_force_ids(user)


def can_enter_monthly_figure(user: AnyUser, force_id: int) -> bool:
    """The force's own count (domestic abuse arrests): its protection team or PSD, who record its measures."""
    return can_record_in_force(user, force_id)
