"""Load the starter exercise library into the schema (the studio template, hence every new studio)."""

from django.db import migrations


def load(apps, schema_editor):
    from domain.library.starter import starter_load

    starter_load(apps.get_model("library", "ExerciseCategory"), apps.get_model("library", "Exercise"))


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
