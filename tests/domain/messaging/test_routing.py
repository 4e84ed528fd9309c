"""Scheduling's reminders go through the notification service: in the bell, by consent, in the studio's words."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from domain.messaging import services
from domain.messaging.models import Notification
from domain.scheduling import services as scheduling
from domain.scheduling.models import AppointmentReminder
from domain.scheduling.services.reminders import reminders_schedule
from tests.factories.core import ClientFactory, OwnerFactory, TrainerFactory
from tests.factories.scheduling import AppointmentFactory, AppointmentTypeFactory


def _email_reminder(client) -> AppointmentReminder:
    trainer = TrainerFactory(first_name="Theo", last_name="Trainer")
    starts = timezone.now() + timedelta(days=2)
    kind = AppointmentTypeFactory(trainer=trainer, name="Strength session")
    appointment = AppointmentFactory(trainer=trainer, client=client, appointment_type=kind, starts_at=starts)
    rows = reminders_schedule(starts_at=starts, recipient=client, appointment=appointment)
    return next(row for row in rows if row.channel == "email")


def test_a_reminder_is_in_the_bell_and_in_the_studios_words(tenant):
    client = ClientFactory(first_name="Cleo")
    services.template_override_set(
        actor=OwnerFactory(), key="scheduling.reminder", channel="email",
        subject="See you soon, $first_name!", body="$what with $with_whom, $starts_at.",
    )  # fmt: skip
    reminder = _email_reminder(client)
    mail.outbox.clear()
    assert scheduling.reminder_send(reminder_id=reminder.pk, now=reminder.send_at) == "sent"
    [email] = mail.outbox
    assert email.subject == "See you soon, Cleo!"
    assert email.body.startswith("Strength session with Theo Trainer, ")
    assert Notification.objects.filter(user=client, kind="scheduling.reminder").count() == 1


def test_a_reminder_by_email_is_not_sent_to_someone_who_turned_email_off(tenant):
    client = ClientFactory()
    services.preference_update(actor=client, changes={"email_service": False})
    reminder = _email_reminder(client)
    mail.outbox.clear()
    assert scheduling.reminder_send(reminder_id=reminder.pk, now=reminder.send_at) == "failed"
    assert mail.outbox == []
    reminder.refresh_from_db()
    assert "no consent" in reminder.last_error
    assert Notification.objects.filter(user=client, kind="scheduling.reminder").exists()  # still in the bell
