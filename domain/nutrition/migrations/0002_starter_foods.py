"""Extensions for food search (unaccent, pg_trgm, in public) and the starter food database."""

from django.db import migrations

from core.db.operations import CreatePublicExtension


def load(apps, schema_editor):
    from domain.nutrition.starter import starter_load

    starter_load(apps.get_model("nutrition", "Food"), apps.get_model("nutrition", "FoodPortion"))


class Migration(migrations.Migration):
    dependencies = [("nutrition", "0001_initial")]

    operations = [
        CreatePublicExtension(name="unaccent"),
        CreatePublicExtension(name="pg_trgm"),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
