"""Items asked for "immediately" keep no due date (they are urgent, not overdue the day after
publication); 56-day responses are due on the 56th day counting publication day as day 1."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import migrations


def forwards(apps: Any, schema_editor: Any) -> None:
    Item = apps.get_model("recommendations", "Item")
    TrackingRecord = apps.get_model("recommendations", "TrackingRecord")
    GoverningBodyResponse = apps.get_model("recommendations", "GoverningBodyResponse")
    for item in Item.objects.filter(deadline_kind="immediately").exclude(due_on=None):
        untouched = TrackingRecord.objects.filter(item=item, due_on=item.due_on, extensions__isnull=True)
        untouched.update(due_on=None, original_due_on=None)
        TrackingRecord.objects.filter(item=item, original_due_on=item.due_on).update(original_due_on=None)
        item.due_on = None
        item.save(update_fields=["due_on"])
    for response in GoverningBodyResponse.objects.select_related("report"):
        due = response.report.published_on + dt.timedelta(days=55)
        if response.due_on != due:
            response.due_on = due
            response.save(update_fields=["due_on"])


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0003_response_transitions_extension_kind")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
