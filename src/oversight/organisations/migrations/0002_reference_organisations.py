"""Load the 43 forces, their governing bodies and the national bodies."""

from django.db import migrations


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    from oversight.organisations.reference import load_reference_organisations

    load_reference_organisations(apps.get_model("organisations", "Organisation"), apps.get_model("organisations", "GoverningBodyTerm"))


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
