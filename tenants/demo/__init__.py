"""The living demo: a studio with three trainers, twenty clients and eight weeks of history, dated relative
to today in the studio's zone, written through the apps' services (see clock.py for how).

`demo_seed` is idempotent: each part looks for what it made before and adds only what is missing, so a
second run changes nothing. `python manage.py seed_demo --studio demo` runs it (and `make run` does).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db import transaction

from core.people import HasSchema
from tenants.demo import commerce, extras, schedule, training
from tenants.demo.clock import WEEKS, Calendar
from tenants.demo.people import Cast, cast_gather

Step = Callable[..., object]


def demo_seed(
    *,
    studio: HasSchema,
    password: str | None = None,
    say: Callable[[str], None] = print,
    note: Callable[[str], None] = print,
    weeks: int = WEEKS,
) -> Cast:
    """Fill the current studio schema (the caller is inside `tenant_context(studio)`); returns its people.
    `say` hears each part's duration, `note` what the demo had to leave out; `weeks` of history (1-8).

    Raises CommandError when the studio lacks its first owner, trainer or client.
    """
    calendar = Calendar.of_studio(weeks=weeks)
    cast = cast_gather(studio=studio, calendar=calendar, password=password)
    steps: list[tuple[str, Step]] = [
        ("hours, session and class types", schedule.timetable_ensure),
        ("programs", training.programs_assign),
        ("workouts", training.workouts_log),
        ("check-ins and photos", training.checkins_record),
        ("packs and memberships", commerce.sales_record),
        ("classes", schedule.classes_run),
        ("one-to-one sessions", schedule.appointments_run),
        ("videos and reviews", extras.videos_review),
        ("conversations", extras.conversations_hold),
        ("nutrition", extras.nutrition_track),
        ("analytics", extras.analytics_compute),
    ]
    if not extras.ffmpeg_available():
        note("videos: skipped, ffmpeg is not installed (the demo has no form-check videos)")
    for label, step in steps:
        started = time.monotonic()
        with transaction.atomic():  # a part is all there or not at all; one commit instead of thousands
            step(cast=cast, calendar=calendar)
        say(f"{label}: {time.monotonic() - started:.1f}s")
    return cast
