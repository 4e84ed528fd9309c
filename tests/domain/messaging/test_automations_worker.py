"""Each automated message once, through a REAL Celery worker against Redis: the same send queued three times
(a duplicate beat, a retried task) and run by two worker processes at once goes out once."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from core.models import User
from domain.messaging import tasks
from domain.messaging.models import Automation, AutomationSend, Delivery, Notification, Preference
from tenants.models import Studio
from tests.concurrency import in_own_connection
from tests.conftest import STUDIO_SLUG
from tests.factories.core import ClientFactory
from tests.needs import needs
from tests.workers import celery_worker, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db, needs("redis")]


def _studio() -> Studio:
    studio = Studio.objects.get(slug=STUDIO_SLUG)
    connection.set_tenant(studio)
    return studio


@pytest.fixture
def planned(django_db_blocker) -> Iterator[dict[str, int]]:
    """A welcome automation (email) and one planned, due send to a client: committed for the worker."""

    def make() -> dict[str, int]:
        _studio()
        client = ClientFactory(email=f"welcome-{uuid.uuid4().hex[:8]}@worker.test", first_name="Wendy")
        Preference.objects.create(user=client, email_marketing=True)  # a welcome is marketing: she opted in
        automation = Automation.objects.create(name="Welcome", trigger="welcome", channel="email",
                                               template_key="automation.welcome", is_active=True,
                                               active_since=timezone.now() - timedelta(days=1))  # fmt: skip
        send = AutomationSend.objects.create(automation=automation, client=client, occurrence="once",
                                             due_at=timezone.now() - timedelta(minutes=1))  # fmt: skip
        return {"client": client.pk, "automation": automation.pk, "send": send.pk}

    def remove(made: dict[str, int]) -> None:
        _studio()
        Automation.objects.filter(pk=made["automation"]).delete()
        Notification.objects.filter(user_id=made["client"]).delete()
        User.objects.filter(pk=made["client"]).delete()

    with django_db_blocker.unblock():
        made = in_own_connection(make)
        try:
            yield made
        finally:
            in_own_connection(lambda: remove(made))


def _outcome(made: dict[str, int]) -> tuple[int, int, bool]:
    _studio()
    notifications = Notification.objects.filter(user_id=made["client"], kind="automation.welcome")
    sent = Delivery.objects.filter(notification__in=notifications, status=Delivery.Status.SENT).count()
    marked = AutomationSend.objects.filter(pk=made["send"], sent_at__isnull=False).exists()
    return notifications.count(), sent, marked


def test_a_send_queued_three_times_to_two_worker_processes_goes_out_once(planned, tmp_path, django_db_blocker):
    with django_db_blocker.unblock(), celery_worker(name="automations", log=tmp_path / "worker.log", env={}):
        with schema_context(in_own_connection(lambda: _studio().schema_name)):
            for _ in range(3):
                tasks.automation_send_task.delay(planned["send"])
            tasks.automations_run.delay()  # the beat's own run finds the same send due
        wait_for(lambda: in_own_connection(lambda: _outcome(planned))[1] == 1, timeout=60, what="the email sent")
        wait_for(lambda: "automation_send" in (tmp_path / "worker.log").read_text(), what="the tasks run")
        time.sleep(2)  # let every duplicate finish
        assert in_own_connection(lambda: _outcome(planned)) == (1, 1, True)
