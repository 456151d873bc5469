"""Forces, their governing bodies over time, national bodies, and people's roles in them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class OrganisationKind(models.TextChoices):
    FORCE = "force", "Police force"
    GOVERNING_BODY = "governing_body", "Governing body"
    NATIONAL = "national", "National body"


class GoverningBodyType(models.TextChoices):
    PCC = "PCC", "Police and Crime Commissioner"
    PFCC = "PFCC", "Police, Fire and Crime Commissioner"
    MAYOR = "Mayor", "Mayor"
    POLICE_AUTHORITY_BOARD = "Police Authority Board", "Police Authority Board"


class Role(models.TextChoices):
    """The roles of the brief's section 2; a person holds roles per organisation."""

    LIAISON_OFFICER = "liaison_officer", "Force liaison officer"
    OWNER = "owner", "Recommendation owner"
    HMICFRS_LEAD = "hmicfrs_lead", "HMICFRS force liaison lead"
    COMMITTEE_MEMBER = "committee_member", "Audit committee member"
    OPCC_OFFICER = "opcc_officer", "OPCC policy or scrutiny officer"
    PSD_HANDLER = "psd_handler", "Professional standards case handler"
    INVESTIGATOR = "investigator", "Investigator"
    SPOC = "spoc", "Single point of contact"
    PSD_LEAD = "psd_lead", "Counter-corruption or PSD lead"
    PROTECTION_TEAM = "protection_team", "Protective measures team"
    NATIONAL_ANALYST = "national_analyst", "National analyst"
    ADMINISTRATOR = "administrator", "System administrator"


# Roles that let their holder open cases, or (an administrator) grant roles. Each is held only when
# one person asked for it and a second approved it (oversight.grants); until then no row counts.
GUARDED_ROLES = frozenset({Role.PSD_LEAD, Role.PSD_HANDLER, Role.INVESTIGATOR, Role.SPOC, Role.ADMINISTRATOR})
# Of those, the roles that reach cases: held only by a login linked to its workforce register entry
# (of the same force, or for an investigator, of their home force), so that the exclusion applies.
CASE_ROLES = frozenset({Role.PSD_LEAD, Role.PSD_HANDLER, Role.INVESTIGATOR, Role.SPOC})


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def forces(self) -> OrganisationQuerySet:
        return self.filter(kind=OrganisationKind.FORCE)

    def national(self) -> OrganisationQuerySet:
        return self.filter(kind=OrganisationKind.NATIONAL)

    def governed_by(self, body: Organisation, on: dt.date | None = None) -> OrganisationQuerySet:
        """Forces whose governing body on the date is `body`."""
        on = on or dt.date.today()
        return self.filter(
            governance_terms__body=body,
            governance_terms__starts_on__lte=on,
        ).filter(Q(governance_terms__ends_on__isnull=True) | Q(governance_terms__ends_on__gte=on))


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    region = models.CharField(max_length=60, blank=True)
    body_type = models.CharField(
        max_length=30, choices=GoverningBodyType.choices, blank=True, help_text="For governing bodies only"
    )
    officers_approx = models.PositiveIntegerField(null=True, blank=True)
    is_active = models.BooleanField(
        "active",
        default=True,
        help_text="An organisation is deactivated, never deleted: its records stay, and nobody's role in it counts",
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_force(self) -> bool:
        return self.kind == OrganisationKind.FORCE

    def governing_body_on(self, on: dt.date | None = None) -> Organisation | None:
        """The body that governed this force on the date (today by default)."""
        on = on or dt.date.today()
        term = (
            self.governance_terms.filter(starts_on__lte=on)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
            .select_related("body")
            .first()
        )
        return term.body if term else None


class GoverningBodyTerm(models.Model):
    """A period during which a body governed a force: bodies change (mayors replace PCCs from 2028)."""

    force = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="governance_terms", limit_choices_to={"kind": "force"}
    )
    body = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="governed_terms")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["force", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="governing_term_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.body} governs {self.force} from {self.starts_on}"


class MembershipQuerySet(models.QuerySet["Membership"]):
    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> MembershipQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(user_id=user.pk).select_related("organisation")

    def counting(self) -> MembershipQuerySet:
        """The memberships that count: every access decision reads memberships through this.

        A membership counts when its organisation is active and, for a guarded role, when a second
        person approved it and (for a role that reaches cases, or an administrator of a force) its
        holder's login is linked to their workforce register entry: of the same force, or for an
        investigator, of any force (their home force). The same rule as `access.link_allows`, in SQL.

        The link is read through the relation `workforce_person` that the workforce app's Person
        declares on the user; organisations does not import workforce (the dependency stays one way
        in code) but the rule needs the register, so it names the relation.
        """
        home_force = "user__workforce_person__force_id"
        linked = Q(**{f"{home_force}__isnull": False}) & (
            Q(**{home_force: F("organisation_id")}) | Q(role=Role.INVESTIGATOR)
        )
        administrator_outside_forces = Q(role=Role.ADMINISTRATOR) & ~Q(organisation__kind=OrganisationKind.FORCE)
        guarded = Q(approved_at__isnull=False) & (administrator_outside_forces | linked)
        return self.filter(Q(organisation__is_active=True) & (~Q(role__in=GUARDED_ROLES) | guarded))


class Membership(models.Model):
    """A person holds a role in an organisation; one person may belong to several.

    A guarded role (GUARDED_ROLES) is never written here directly: oversight.grants records the
    request and writes the membership when a second person approves it, with who and when below.
    A row of a guarded role without `approved_at` (one forced into the database) counts nowhere.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)
    portfolio = models.CharField(max_length=200, blank=True, help_text="For owners: the portfolio they lead")
    covers = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="covered_by",
        help_text="For roles that work across organisations (an HMICFRS lead covers named forces)",
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who asked for a guarded role (blank for other roles, and for roles held before grants were kept)",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The second person, who approved a guarded role",
    )
    approved_at = models.DateTimeField(
        null=True, blank=True, help_text="When a guarded role was approved; until then it counts nowhere"
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="unique_membership_role"),
            # The two-person rule, held by the database too: nobody grants or approves their own role,
            # and the approver is not the person who asked.
            models.CheckConstraint(condition=~Q(granted_by=F("user")), name="membership_not_granted_by_holder"),
            models.CheckConstraint(condition=~Q(approved_by=F("user")), name="membership_not_approved_by_holder"),
            models.CheckConstraint(
                condition=~Q(approved_by=F("granted_by")), name="membership_approver_is_not_grantor"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}, {self.organisation}"

    @property
    def is_guarded(self) -> bool:
        return self.role in GUARDED_ROLES
