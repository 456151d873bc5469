"""factory_boy factories for the register, and memberships as the grants service leaves them."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth.models import User
from django.utils import timezone
from factory.django import DjangoModelFactory

from oversight.organisations.models import Membership, Organisation, Role
from oversight.recommendations.models import Item, ItemKind, Report, ReportKind, TrackingRecord


class ReportFactory(DjangoModelFactory):
    class Meta:
        model = Report
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Inspection report {n}")
    kind = ReportKind.THEMATIC
    published_on = dt.date(2022, 6, 30)
    url = "https://example.org/report"

    @factory.post_generation
    def forces(self, create: bool, extracted: list[Organisation] | None, **kwargs: object) -> None:
        if create and extracted:
            self.forces.set(extracted)


class ItemFactory(DjangoModelFactory):
    class Meta:
        model = Item

    report = factory.SubFactory(ReportFactory)
    kind = ItemKind.RECOMMENDATION
    reference = factory.Sequence(lambda n: str(20000 + n))
    number = factory.Sequence(lambda n: str(n + 1))
    text = "Within six months, chief constables should make sure victims are kept informed."
    deadline_phrase = "Within six months"
    deadline_kind = "within"
    due_on = factory.LazyAttribute(lambda item: item.report.published_on + dt.timedelta(days=183))
    addressees = factory.LazyFunction(lambda: ["chief_constables"])


class TrackingRecordFactory(DjangoModelFactory):
    class Meta:
        model = TrackingRecord

    item = factory.SubFactory(ItemFactory)
    organisation = factory.LazyFunction(lambda: Organisation.objects.get(slug="west-midlands-police"))
    due_on = factory.LazyAttribute(lambda record: record.item.due_on)
    original_due_on = factory.LazyAttribute(lambda record: record.item.due_on)


def member(user: User, organisation: Organisation, role: Role, **extra: object) -> Membership:
    """A membership that counts: approved, as oversight.grants writes it after a second person's approval.

    Tests only: the two-person rule itself is tested in tests/test_grants.py. A guarded role that
    reaches cases also needs the login linked to its workforce register entry (Person.user).
    """
    return Membership.objects.create(
        user=user, organisation=organisation, role=role, approved_at=timezone.now(), **extra
    )
