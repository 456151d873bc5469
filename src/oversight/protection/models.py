"""Protective measures (brief, section 8): the measure types and their dated rules, each measure with
the people it protects and restrains, its conditions, authorisations and dated events, what the
victim was told, breaches and what the police did about them, and the powers not used.

The law is data. A `MeasureRule` says who may make a measure of a type, for how long, how soon a
notice's order must be heard and what a breach leads to, with its source and the dates (and areas)
it applies to; a change in the law is a new rule row with its own dates, never an edit of code. The
pure checker in `rules.py` reads rules as plain values (`RuleSpec`), and `rule_spec()` below turns a
row into one.

A measure whose restrained person is in the workforce register and is the subject of a PPDA case
falls under that case's lock: `access.py` decides, from the register, every time.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from oversight.cases.models import Case
from oversight.lib.holidays import Disregard
from oversight.organisations.models import Organisation
from oversight.recommendations.models import TransitionRow
from oversight.workforce.models import Person

from . import rules as rule_values


class MeasureKind(models.TextChoices):
    PRE_CHARGE_BAIL = "pre_charge_bail", "Pre-charge bail with conditions"
    DVPN = "dvpn", "Domestic violence protection notice (DVPN)"
    DVPO = "dvpo", "Domestic violence protection order (DVPO)"
    DAPN = "dapn", "Domestic abuse protection notice (DAPN)"
    DAPO = "dapo", "Domestic abuse protection order (DAPO)"
    NMO = "nmo", "Non-molestation order"
    RESTRAINING_ORDER = "restraining_order", "Restraining order"
    SPO = "spo", "Stalking protection order"


class Authority(models.TextChoices):
    """Who makes a measure or authorises a step: a police officer of a minimum rank, or a court."""

    POLICE = "police", "A police officer of at least the rank given"
    COURT = "court", "A court"


class LengthUnit(models.TextChoices):
    DAYS = "days", "days"
    MONTHS = "months", "months"
    YEARS = "years", "years"


class LengthFrom(models.TextChoices):
    """The day a measure's period begins with."""

    MADE = "made", "the day it is made"
    BAIL_START = "bail_start", "the bail start date (the day after arrest)"


class MeasureType(models.Model):
    """A kind of protective measure; its rules over time are `MeasureRule` rows."""

    kind = models.CharField(max_length=30, choices=MeasureKind.choices, unique=True)
    name = models.CharField(max_length=120)
    short_name = models.CharField(max_length=30)
    is_notice = models.BooleanField(default=False, help_text="A police notice that runs until its order is heard")
    order_kind = models.CharField(
        max_length=30, choices=MeasureKind.choices, blank=True, help_text="For a notice: the order applied for"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MeasureRuleQuerySet(models.QuerySet["MeasureRule"]):
    def on(self, day: dt.date) -> MeasureRuleQuerySet:
        """Rules applying on the day (before any area is considered)."""
        return self.filter(applies_from__lte=day).filter(Q(applies_until__isnull=True) | Q(applies_until__gte=day))


class MeasureRule(models.Model):
    """The statutory rules of a measure type for a period, nationally or in listed areas only."""

    measure_type = models.ForeignKey(MeasureType, on_delete=models.PROTECT, related_name="rules")
    applies_from = models.DateField()
    applies_until = models.DateField(null=True, blank=True)
    only_in_listed_areas = models.BooleanField(
        default=False, help_text="A pilot: applies only in the areas listed (RuleArea), each from its own date"
    )
    authority = models.CharField(max_length=10, choices=Authority.choices)
    minimum_rank = models.CharField(max_length=40, blank=True, help_text="A rank key of lib/ranks.py, for police")
    authority_text = models.CharField(max_length=200, help_text="Who makes it, as the statute says")
    min_length = models.PositiveIntegerField(null=True, blank=True)
    max_length = models.PositiveIntegerField(null=True, blank=True)
    length_unit = models.CharField(max_length=10, choices=LengthUnit.choices, default=LengthUnit.DAYS)
    length_from = models.CharField(max_length=12, choices=LengthFrom.choices, default=LengthFrom.MADE)
    until_further_order = models.BooleanField(default=False, help_text="May have effect until a further order")
    hearing_within_hours = models.PositiveIntegerField(
        null=True, blank=True, help_text="For a notice: its order must be heard within these hours"
    )
    hearing_disregards = models.JSONField(
        default=list,
        blank=True,
        help_text="Days left out of the hearing clock: " + ", ".join(d.value for d in Disregard),
    )
    breach_is_offence = models.BooleanField(default=False)
    breach_consequence = models.CharField(max_length=300)
    victim_views_required = models.BooleanField(
        default=False, help_text="The victim's views must be sought (bail conditions: Victims' Code)"
    )
    source_title = models.CharField(max_length=300)
    source_url = models.URLField(max_length=300)
    note = models.TextField(blank=True, help_text="What was confirmed and what could not be")

    objects = MeasureRuleQuerySet.as_manager()

    class Meta:
        ordering = ["measure_type", "applies_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(applies_until__isnull=True) | Q(applies_until__gte=models.F("applies_from")),
                name="measure_rule_ends_after_start",
            ),
            models.UniqueConstraint(fields=["measure_type", "applies_from"], name="one_rule_per_type_and_start"),
        ]

    def __str__(self) -> str:
        return f"{self.measure_type.short_name} from {self.applies_from:%-d %B %Y}"


class RuleArea(models.Model):
    """A force area (or part of one) in which a pilot rule applies, from and until its own dates."""

    rule = models.ForeignKey(MeasureRule, on_delete=models.CASCADE, related_name="areas")
    force = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    force_name = models.CharField(max_length=200, help_text="The force as the source names it")
    part = models.CharField(max_length=300, blank=True, help_text="The part of the force area, if not all of it")
    applies_from = models.DateField()
    applies_until = models.DateField(null=True, blank=True)
    source_url = models.URLField(max_length=300)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["rule", "applies_from", "force_name"]

    def __str__(self) -> str:
        return f"{self.force_name}{f' ({self.part})' if self.part else ''} from {self.applies_from}"


class ExtensionStep(models.Model):
    """One step by which a measure's period may be extended (pre-charge bail: inspector, superintendent,
    then court), with the limit it extends to, counted like the rule's length."""

    rule = models.ForeignKey(MeasureRule, on_delete=models.CASCADE, related_name="extension_steps")
    number = models.PositiveSmallIntegerField()
    authority = models.CharField(max_length=10, choices=Authority.choices)
    minimum_rank = models.CharField(max_length=40, blank=True)
    authority_text = models.CharField(max_length=200)
    extends_to = models.PositiveIntegerField(help_text="The period may end no later than this many units")
    unit = models.CharField(max_length=10, choices=LengthUnit.choices, default=LengthUnit.MONTHS)
    source_title = models.CharField(max_length=300)
    source_url = models.URLField(max_length=300)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["rule", "number"]
        constraints = [models.UniqueConstraint(fields=["rule", "number"], name="one_extension_step_number")]

    def __str__(self) -> str:
        return f"Extension {self.number} of {self.rule}: {self.authority_text}"


def rule_spec(rule: MeasureRule) -> rule_values.RuleSpec:
    """The rule as the pure checker reads it (areas and steps included)."""
    areas = tuple(
        rule_values.AreaSpec(area.force_id, area.force_name, area.part, area.applies_from, area.applies_until)
        for area in rule.areas.all()
    )
    steps = tuple(
        rule_values.StepSpec(
            step.number,
            step.authority,
            step.minimum_rank,
            step.authority_text,
            step.extends_to,
            step.unit,
            step.source_url,
        )
        for step in rule.extension_steps.all()
    )
    return rule_values.RuleSpec(
        kind=rule.measure_type.kind,
        name=rule.measure_type.short_name,
        applies_from=rule.applies_from,
        applies_until=rule.applies_until,
        only_in_listed_areas=rule.only_in_listed_areas,
        areas=areas,
        authority=rule.authority,
        minimum_rank=rule.minimum_rank,
        authority_text=rule.authority_text,
        min_length=rule.min_length,
        max_length=rule.max_length,
        length_unit=rule.length_unit,
        length_from=rule.length_from,
        until_further_order=rule.until_further_order,
        hearing_within_hours=rule.hearing_within_hours,
        hearing_disregards=frozenset(Disregard(d) for d in rule.hearing_disregards),
        source_title=rule.source_title,
        source_url=rule.source_url,
        steps=steps,
    )


class MeasureStatus(models.TextChoices):
    APPLIED = "applied", "Applied for"
    IN_FORCE = "in_force", "In force"
    REFUSED = "refused", "Refused by the court"
    ENDED = "ended", "Ended"


class MeasureQuerySet(models.QuerySet["Measure"]):
    def of_forces(self, force_ids: set[int]) -> MeasureQuerySet:
        return self.filter(force_id__in=force_ids)

    def in_force(self) -> MeasureQuerySet:
        return self.filter(status=MeasureStatus.IN_FORCE)

    def notices_awaiting_order(self) -> MeasureQuerySet:
        """Notices still in force: their order is yet to be heard (the hearing clock runs)."""
        return self.filter(measure_type__is_notice=True, status=MeasureStatus.IN_FORCE)

    def hearing_overdue(self, now: dt.datetime) -> MeasureQuerySet:
        """Notices in force whose order should already have been heard under the rule."""
        return self.notices_awaiting_order().filter(hearing_due_at__lt=now)

    def ending_within(self, today: dt.date, days: int) -> MeasureQuerySet:
        """In force and ending (or, for bail, returning) from today to `days` ahead: to extend, renew or end."""
        return self.in_force().filter(ends_on__gte=today, ends_on__lte=today + dt.timedelta(days=days))

    def past_end(self, today: dt.date) -> MeasureQuerySet:
        """Still recorded as in force after their last day: to be ended, extended or corrected."""
        return self.in_force().filter(ends_on__lt=today)

    def renewal_due(self, today: dt.date, days: int) -> MeasureQuerySet:
        return self.in_force().filter(renewal_on__lte=today + dt.timedelta(days=days))

    def victim_not_told_made(self) -> MeasureQuerySet:
        """Measures whose victim has not been recorded as told that it was made."""
        return self.exclude(notifications__about="made")


class Measure(models.Model):
    """One protective measure: made (or applied for) in a force, against one person, for others."""

    force = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="protective_measures")
    reference = models.CharField(max_length=60, help_text="The force's own reference")
    measure_type = models.ForeignKey(MeasureType, on_delete=models.PROTECT, related_name="measures")
    rule = models.ForeignKey(
        MeasureRule, on_delete=models.PROTECT, related_name="measures", help_text="The rule it was checked against"
    )
    notice = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
        help_text="The notice it follows",
    )
    status = models.CharField(max_length=10, choices=MeasureStatus.choices, default=MeasureStatus.APPLIED)
    # The person restrained: by name always; linked to the register when they serve with a force.
    restrained_name = models.CharField(max_length=200)
    restrained_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="protective_measures"
    )
    case = models.ForeignKey(
        Case,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The PPDA case whose subject is restrained (the lock is read from the register every time)",
    )
    authorised_by_name = models.CharField(max_length=200, blank=True)
    authorised_by_rank = models.CharField(max_length=60, blank=True, help_text="Police rank, or blank for a court")
    court = models.CharField(max_length=200, blank=True)
    arrested_on = models.DateField(null=True, blank=True, help_text="Pre-charge bail: the day of arrest")
    applied_on = models.DateField(null=True, blank=True)
    made_at = models.DateTimeField(null=True, blank=True, help_text="When given, issued or made")
    served_at = models.DateTimeField(null=True, blank=True)
    hearing_at = models.DateTimeField(null=True, blank=True, help_text="A notice: when its order is to be heard")
    hearing_due_at = models.DateTimeField(
        null=True, blank=True, help_text="A notice: the latest its order may be heard, under the rule (the clock)"
    )
    ends_on = models.DateField(null=True, blank=True, help_text="The last day it has effect (bail: return date)")
    until_further_order = models.BooleanField(default=False)
    renewal_on = models.DateField(null=True, blank=True, help_text="When it is to be reviewed or renewed, if set")
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic lock: bumped on every change")

    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["force", "measure_type", "reference"], name="one_measure_per_reference"),
            models.CheckConstraint(
                condition=Q(served_at__isnull=True) | Q(made_at__isnull=True) | Q(served_at__gte=models.F("made_at")),
                name="measure_served_after_made",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure_type.short_name} {self.reference}"

    @property
    def made_on(self) -> dt.date | None:
        return timezone.localdate(self.made_at) if self.made_at else None

    @property
    def bail_start(self) -> dt.date | None:
        """PACE s.47ZB(4)(a): the day after the day of arrest."""
        return self.arrested_on + dt.timedelta(days=1) if self.arrested_on else None


class ProtectedPerson(models.Model):
    """A person the measure protects (the victim, and any other person or child it names)."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="protected")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=120, blank=True, help_text="To the restrained person")
    is_child = models.BooleanField(default=False)
    is_victim = models.BooleanField(default=True, help_text="The victim who is told of the order and its changes")

    class Meta:
        ordering = ["measure", "-is_victim", "name"]

    def __str__(self) -> str:
        return self.name


class Condition(models.Model):
    """One condition, prohibition or requirement of a measure; a variation ends one and adds another."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="conditions")
    text = models.TextField()
    added_on = models.DateField(default=dt.date.today)
    removed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["measure", "added_on", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class Authorisation(models.Model):
    """Who authorised the measure or one of its extensions, checked against the rule's step."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="authorisations")
    step = models.PositiveSmallIntegerField(default=0, help_text="0: the measure itself; 1, 2...: extensions")
    authority = models.CharField(max_length=10, choices=Authority.choices)
    name = models.CharField(max_length=200, blank=True)
    rank = models.CharField(max_length=60, blank=True)
    court = models.CharField(max_length=200, blank=True)
    authorised_at = models.DateTimeField()
    extends_to = models.DateField(null=True, blank=True, help_text="An extension: the new last day")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["measure", "step"]
        constraints = [models.UniqueConstraint(fields=["measure", "step"], name="one_authorisation_per_step")]

    def __str__(self) -> str:
        return f"Step {self.step} of {self.measure} by {self.name or self.court}"


class EventKind(models.TextChoices):
    APPLIED = "applied", "Applied for"
    MADE = "made", "Made"
    REFUSED = "refused", "Refused"
    SERVED = "served", "Served"
    VARIED = "varied", "Varied"
    EXTENDED = "extended", "Extended"
    ENDED = "ended", "Ended"


class MeasureEvent(TransitionRow):
    """A dated event in a measure's life, with who recorded it and the status before and after. Never edited."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=EventKind.choices)
    occurred_at = models.DateTimeField(help_text="When it happened (not when it was recorded)")
    from_status = models.CharField(max_length=10, choices=MeasureStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=MeasureStatus.choices)

    class Meta(TransitionRow.Meta):
        ordering = ["occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.measure} on {self.occurred_at:%-d %B %Y}"


class ToldAbout(models.TextChoices):
    MADE = "made", "The measure was made"
    SERVED = "served", "It was served"
    VARIED = "varied", "It was varied"
    EXTENDED = "extended", "It was extended"
    ENDED = "ended", "It ended"
    REFUSED = "refused", "The court refused it"
    BAIL_VIEWS = "bail_views", "Their views were sought on bail conditions"


class ContactMethod(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "By phone"
    LETTER = "letter", "By letter"
    EMAIL = "email", "By email"
    ADVOCATE = "advocate", "Through their advocate (IDVA or ISVA)"


class VictimNotification(models.Model):
    """The victim told of the measure or a change to it, or asked their views on bail conditions."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="notifications")
    person = models.ForeignKey(ProtectedPerson, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    about = models.CharField(max_length=12, choices=ToldAbout.choices)
    told_at = models.DateTimeField()
    method = models.CharField(max_length=10, choices=ContactMethod.choices)
    views = models.TextField(blank=True, help_text="Bail conditions: the victim's views as given")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["measure", "told_at", "pk"]

    def __str__(self) -> str:
        return f"Victim told: {self.get_about_display()} ({self.measure})"


class ReportedBy(models.TextChoices):
    VICTIM = "victim", "The victim"
    POLICE = "police", "A police officer"
    WITNESS = "witness", "A witness"
    AGENCY = "agency", "Another agency"
    MONITORING = "monitoring", "Electronic monitoring"


class Response(models.TextChoices):
    NOT_RECORDED = "", "Not yet recorded"
    ARREST = "arrest", "Arrest"
    VOLUNTARY_INTERVIEW = "voluntary_interview", "Voluntary interview"
    WARNING = "warning", "Warning"
    NO_ACTION = "no_action", "No action"


class Outcome(models.TextChoices):
    PENDING = "pending", "Pending"
    CONVICTION = "conviction", "Conviction"
    CAUTION = "caution", "Caution"
    ACQUITTAL = "acquittal", "Acquittal"
    NO_FURTHER_ACTION = "nfa", "No further action"


class BreachQuerySet(models.QuerySet["Breach"]):
    def without_response(self) -> BreachQuerySet:
        """Breaches with no police response recorded: on the force's worklist."""
        return self.filter(response=Response.NOT_RECORDED)


class Breach(models.Model):
    """A reported breach of a measure and what the police did: response, arrest, charge and outcome."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="breaches")
    reported_at = models.DateTimeField()
    reported_by = models.CharField(max_length=12, choices=ReportedBy.choices)
    reporter_name = models.CharField(max_length=200, blank=True)
    description = models.TextField()
    response = models.CharField(max_length=20, choices=Response.choices, default=Response.NOT_RECORDED, blank=True)
    no_action_reason = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    arrested_at = models.DateTimeField(null=True, blank=True)
    charged_on = models.DateField(null=True, blank=True)
    charge = models.CharField(max_length=300, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = BreachQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at", "-pk"]
        verbose_name_plural = "breaches"
        constraints = [
            models.UniqueConstraint(fields=["measure", "reported_at"], name="one_breach_report_a_moment"),
            models.CheckConstraint(
                condition=~Q(response="no_action") | ~Q(no_action_reason=""), name="breach_no_action_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(arrested_at__isnull=True) | Q(arrested_at__gte=models.F("reported_at")),
                name="breach_arrest_after_report",
            ),
        ]

    def __str__(self) -> str:
        return f"Breach of {self.measure} reported {self.reported_at:%-d %B %Y}"

    @property
    def hours_to_arrest(self) -> float | None:
        if self.arrested_at is None:
            return None
        return round((self.arrested_at - self.reported_at).total_seconds() / 3600, 1)


class UnusedPowerQuerySet(models.QuerySet["UnusedPower"]):
    def victim_not_told(self) -> UnusedPowerQuerySet:
        return self.filter(victim_told_at__isnull=True)


class UnusedPower(models.Model):
    """A measure that was available in a case and not used: why, what was done instead, and when and how
    the victim was told (the West Midlands PCC's ask: victims told why a power is not used)."""

    force = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="unused_powers")
    incident_reference = models.CharField(max_length=60, help_text="The crime or incident reference")
    measure_type = models.ForeignKey(MeasureType, on_delete=models.PROTECT, related_name="unused")
    decided_on = models.DateField()
    restrained_name = models.CharField(max_length=200, blank=True, help_text="The suspect the power was not used on")
    restrained_person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    instead = models.TextField(help_text="What was done instead to protect the victim")
    victim_told_at = models.DateTimeField(null=True, blank=True)
    victim_told_method = models.CharField(max_length=10, choices=ContactMethod.choices, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = UnusedPowerQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["force", "incident_reference", "measure_type"], name="one_unused_power_per_incident_and_type"
            ),
            models.CheckConstraint(
                condition=Q(victim_told_at__isnull=True) | ~Q(victim_told_method=""), name="unused_power_told_how"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure_type.short_name} not used in {self.incident_reference}"


# The bulk import's mapping and run records (import_models.py) and the police and crime plan measures
# (plan_models.py) live in their own modules; imported here so Django registers them.
from .import_models import ImportMapping, ImportOutcome, ImportRun  # noqa: E402, F401
from .plan_models import MonthlyFigure, PlanMeasure  # noqa: E402, F401
