"""factory_boy factories for the register."""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from oversight.organisations.models import Organisation
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
