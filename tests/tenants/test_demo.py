"""The living demo (tenants/demo): one command fills a studio with eight weeks of history, and a second run
changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection

from billing.payments.models import ClientSubscription, Invoice
from core.models import Role, User
from core.studio_time import studio_today
from domain.analytics.models import BusinessMetric
from domain.programs.models import ClientProgram
from domain.progress.models import ProgressPhoto
from domain.scheduling.models import SessionParticipant
from domain.workouts.models import PersonalRecord, WorkoutCompletion
from tests.factories.core import ClientFactory, TrainerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s AND table_type = 'BASE TABLE'",
            [connection.schema_name],
        )
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def test_the_demo_is_a_living_studio_and_a_second_run_changes_nothing(studio, tenant):
    # given a studio with its first trainer and client, as `make run` makes them
    TrainerFactory(first_name="Theo")
    ClientFactory(first_name="Chloe")
    # when the demo is seeded twice
    call_command("seed_demo", studio=studio.slug, weeks=3)  # `make run` makes 8: the same code, a longer loop
    first = _row_counts()
    call_command("seed_demo", studio=studio.slug, weeks=3)
    # then the second run added, removed and changed nothing
    assert _row_counts() == first
    today = studio_today()
    clients = User.objects.filter(role=Role.CLIENT, email__endswith="@demo.fitwell.test")
    assert clients.count() == 19
    assert User.objects.filter(role=Role.TRAINER, email__endswith="@demo.fitwell.test").count() == 2
    assert ClientProgram.objects.filter(client__role=Role.CLIENT).count() == 20
    logged = WorkoutCompletion.objects.all()
    assert logged.count() > 40
    assert min(c.completed_at for c in logged).date() < today - timedelta(weeks=1)
    assert max(c.completed_at for c in logged).date() < today + timedelta(days=1)
    assert PersonalRecord.objects.exists()
    assert ProgressPhoto.objects.filter(consent=True).count() == ProgressPhoto.objects.count() > 0
    statuses = set(SessionParticipant.objects.values_list("status", flat=True))
    assert {"attended", "no_show", "waitlisted", "booked"} <= statuses
    assert ClientSubscription.objects.exists()
    assert Invoice.objects.filter(status="paid").exists()
    assert BusinessMetric.objects.filter(day=today - timedelta(days=1)).exists()
