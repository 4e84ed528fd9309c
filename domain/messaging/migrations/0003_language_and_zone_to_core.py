"""Language and time zone leave messaging's preferences for core's (the one store, docs/messaging.md).

A studio app: this runs in every studio schema (`migrate_schemas`). A value only messaging held moves to
the person's core row (made if missing); where core already has one, core's wins (it is what pages showed).
Values that are no longer a language we speak or a zone we know are dropped (they meant "the studio's").
"""

import zoneinfo

from django.conf import settings
from django.db import migrations


def move_to_core(apps, schema_editor):
    Preference = apps.get_model("messaging", "Preference")
    CorePreferences = apps.get_model("core", "Preferences")
    languages = {code for code, _name in settings.LANGUAGES}
    zones = zoneinfo.available_timezones()
    rows = Preference.objects.exclude(language="", timezone="").values_list("user_id", "language", "timezone")
    for user_id, language, zone in rows.iterator():
        language = language if language in languages else ""
        zone = zone if zone in zones else ""
        if not language and not zone:
            continue
        core, _created = CorePreferences.objects.get_or_create(user_id=user_id)
        changed = []
        if language and not core.language:
            core.language = language
            changed.append("language")
        if zone and not core.timezone:
            core.timezone = zone
            changed.append("timezone")
        if changed:
            core.save(update_fields=changed)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_preferences"),
        ("messaging", "0002_automation_send_context"),
    ]

    operations = [
        migrations.RunPython(move_to_core, migrations.RunPython.noop, elidable=False),
        migrations.RemoveField(model_name="preference", name="language"),
        migrations.RemoveField(model_name="preference", name="timezone"),
    ]
