"""Reminders through a REAL Celery worker process against the running Redis: sent once, even when the
worker dies mid-send and the task is delivered again; a cancelled booking's reminders are never sent."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from django_tenants.utils import schema_context

from config.celery import app
from domain.scheduling import services, tasks
from domain.scheduling.models import Appointment, AppointmentReminder
from tests.concurrency import in_own_connection
from tests.needs import needs
from tests.workers import celery_worker, wait_for

# `make test` without Redis (the dev runner's inline fallback) cannot run a worker; CI always has Redis.
pytestmark = [pytest.mark.slow, needs("redis")]


class Worker:
    def __init__(self, mailbox: Path, process: subprocess.Popen[bytes], log: Path) -> None:
        self.mailbox, self.process, self.log = mailbox, process, log

    def mails(self, key: str) -> list[Path]:
        return sorted(self.mailbox.glob(f"{key}--*.eml"))


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Worker]:
    """`celery worker` (prefork, 2 processes) on the test database and a queue of its own."""
    mailbox = tmp_path_factory.mktemp("mailbox")
    log = mailbox / "worker.log"
    env = {"EMAIL_BACKEND": "tests.domain.scheduling.mailbox.RecordingBackend", "FITWELL_TEST_MAILBOX": str(mailbox)}
    with celery_worker(name="scheduling", log=log, env=env) as process:
        yield Worker(mailbox, process, log)


@pytest.fixture
def booking(committed):
    """Two confirmed appointments tomorrow with due reminders (committed, so the worker sees them)."""
    tomorrow = (timezone.now() + timedelta(days=1)).replace(second=0, microsecond=0)

    def create() -> tuple[Appointment, Appointment]:
        kept, dropped = (
            services.appointment_book(
                actor=committed.trainer,
                trainer_id=committed.trainer.pk,
                client_id=client.pk,
                appointment_type_id=committed.appointment_type.pk,
                starts_at=tomorrow + timedelta(hours=hour),
            )
            for hour, client in ((0, committed.clients[0]), (3, committed.clients[1]))
        )
        AppointmentReminder.objects.update(send_at=timezone.now() - timedelta(minutes=1))  # all due now
        return kept, dropped

    return in_own_connection(create, studio=committed.studio)


def reminder_rows(studio, appointment) -> list[AppointmentReminder]:
    return in_own_connection(lambda: list(AppointmentReminder.objects.filter(appointment=appointment)), studio=studio)


def test_each_reminder_is_sent_once_and_cancelled_bookings_get_none(worker, committed, booking):
    kept, dropped = booking
    # given the second appointment cancelled (its reminders cancelled with it), and one reminder row of
    # the first booking left 'scheduled' on a booking we then cancel behind the service's back
    in_own_connection(
        lambda: services.appointment_cancel(actor=committed.trainer, appointment_id=dropped.pk), studio=committed.studio
    )
    # when the beat's sweep runs, and every reminder's task is also delivered three more times
    tasks.reminders_sweep.apply_async()
    with schema_context(committed.studio.schema_name):
        for reminder in reminder_rows(committed.studio, kept):
            for _ in range(3):
                tasks.reminder_send.apply_async(args=[reminder.pk])
    # then every reminder of the kept booking is sent, exactly once each
    wait_for(lambda: all(r.status == "sent" for r in reminder_rows(committed.studio, kept)), what="reminders sent")
    time.sleep(2)  # let the duplicate deliveries finish
    schema = committed.studio.schema_name
    for reminder in reminder_rows(committed.studio, kept):
        assert len(worker.mails(f"reminder-{schema}-{reminder.pk}")) == 1
        assert reminder.attempts == 1
    # and the cancelled booking's reminders were never sent
    for reminder in reminder_rows(committed.studio, dropped):
        assert reminder.status == "cancelled"
        assert worker.mails(f"reminder-{schema}-{reminder.pk}") == []


def test_a_reminder_whose_worker_dies_mid_send_is_sent_once_by_the_retry(worker, committed, booking):
    kept, _other = booking
    reminder = reminder_rows(committed.studio, kept)[0]
    key = f"reminder-{committed.studio.schema_name}-{reminder.pk}"
    # given the next send will hang inside the email backend
    (worker.mailbox / "hang-next").touch()
    with schema_context(committed.studio.schema_name):
        tasks.reminder_send.apply_async(args=[reminder.pk])
    pid = int(
        wait_for(
            lambda: (worker.mailbox / "hung").exists() and (worker.mailbox / "hung").read_text(),
            what="the send to hang",
        )
    )
    # when that worker process is killed mid-send
    os.kill(pid, signal.SIGKILL)
    # then the task is delivered again and the reminder goes out once; the dead attempt left no trace
    wait_for(lambda: reminder_rows(committed.studio, kept)[0].status == "sent", what="the retried send")
    time.sleep(1)
    assert len(worker.mails(key)) == 1
    assert reminder_rows(committed.studio, kept)[0].attempts == 1
    assert worker.process.poll() is None  # the worker itself lived on


def test_beat_schedules_the_sweeps_of_real_tasks():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled == {
        "scheduling.reminders_sweep",
        "scheduling.recurrences_sweep",
        "tenants.studio_pool_refill",
        "billing.dunning_sweep",
        "payments.due_work_sweep",
        "messaging.deliveries_sweep",
        "messaging.automations_sweep",
        "messaging.archive_sweep",
        "analytics.sweep",
        "tenants.studios_erase_due",
        "privacy.retention_sweep",
    }
    app.loader.import_default_modules()  # what a worker does at start: autodiscover every app's tasks
    assert scheduled <= set(app.tasks.keys())
