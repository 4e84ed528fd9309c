"""Load the built-in measurement and performance types into the schema (the template, hence every studio)."""

from django.db import migrations


def load(apps, schema_editor):
    from domain.progress.starter import starter_load

    starter_load(apps.get_model("progress", "MetricType"))


class Migration(migrations.Migration):
    dependencies = [("progress", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
