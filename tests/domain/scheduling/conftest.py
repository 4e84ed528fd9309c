"""Committed scheduling data for tests that need other connections to see it (threads, a Celery worker)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import time

import pytest

from core.models import AuditEvent, User
from domain.clients.models import ClientTrainer
from domain.scheduling.models import (
    Appointment,
    AppointmentReminder,
    AppointmentType,
    CalendarFeed,
    ClassType,
    GroupSession,
    RecurringPattern,
    SessionParticipant,
    TrainerAvailability,
)
from tenants.models import Studio
from tests.concurrency import in_own_connection
from tests.factories.core import ClientFactory, TrainerFactory
from tests.factories.scheduling import AppointmentTypeFactory, AvailabilityFactory


@dataclass
class Committed:
    studio: Studio
    trainer: User
    clients: list[User]
    appointment_type: AppointmentType
    people: list[User] = field(default_factory=list)


def _delete_everything_of(people: list[User]) -> None:
    ids = [p.pk for p in people]
    AppointmentReminder.objects.filter(recipient_id__in=ids).delete()
    SessionParticipant.objects.filter(client_id__in=ids).delete()
    Appointment.objects.filter(trainer_id__in=ids).delete()
    Appointment.objects.filter(client_id__in=ids).delete()
    sessions = GroupSession.objects.filter(instructor_id__in=ids)
    class_types = set(sessions.values_list("class_type_id", flat=True))
    sessions.delete()
    ClassType.objects.filter(pk__in=class_types).delete()
    RecurringPattern.objects.filter(trainer_id__in=ids).delete()
    AppointmentType.objects.filter(trainer_id__in=ids).delete()
    TrainerAvailability.objects.filter(trainer_id__in=ids).delete()
    CalendarFeed.objects.filter(owner_id__in=ids).delete()
    AuditEvent.objects.filter(actor_id__in=ids).delete()
    User.objects.filter(pk__in=ids).delete()


@pytest.fixture
def committed(_studios, db, django_db_blocker) -> Iterator[Committed]:
    """A trainer working every day, 50 clients and an appointment type — committed, deleted afterwards."""
    studio = _studios[0]

    def create() -> Committed:
        trainer = TrainerFactory()
        clients = ClientFactory.create_batch(50)
        # the trainer books for them, so they are the trainer's clients
        ClientTrainer.objects.bulk_create(ClientTrainer(client=c, trainer=trainer, is_primary=True) for c in clients)
        for weekday in range(7):
            AvailabilityFactory(trainer=trainer, weekday=weekday, start_time=time(0), end_time=time(23, 59))
        kind = AppointmentTypeFactory(trainer=trainer, duration_minutes=60, min_notice_minutes=0)
        return Committed(studio=studio, trainer=trainer, clients=clients, appointment_type=kind)

    data = in_own_connection(create, studio=studio)
    data.people = [data.trainer, *data.clients]
    yield data
    in_own_connection(lambda: _delete_everything_of(data.people), studio=studio)


@pytest.fixture
def trainer(tenant) -> User:
    """A trainer working 07:00-21:00 every day (modules that need another one define their own)."""
    person = TrainerFactory()
    for weekday in range(7):
        AvailabilityFactory(trainer=person, weekday=weekday, start_time=time(7), end_time=time(21))
    return person


@pytest.fixture
def kind(tenant) -> AppointmentType:
    """A studio-wide 60-minute type on an hourly grid, bookable an hour ahead."""
    return AppointmentTypeFactory(duration_minutes=60, slot_step_minutes=60, min_notice_minutes=60)
