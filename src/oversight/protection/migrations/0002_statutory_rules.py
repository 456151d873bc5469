"""The statutory rules of each measure type (protection/statute.py), written with the historical models."""

from django.db import migrations


def load(apps, schema_editor):
    from oversight.protection.statute import load_rules

    load_rules(
        apps.get_model("protection", "MeasureType"),
        apps.get_model("protection", "MeasureRule"),
        apps.get_model("protection", "RuleArea"),
        apps.get_model("protection", "ExtensionStep"),
        apps.get_model("organisations", "Organisation"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("protection", "0001_initial"),
        ("organisations", "0002_reference_organisations"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
