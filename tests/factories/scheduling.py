"""Scheduling rows, made directly (use inside the `tenant` fixture); bookings go through the services."""

from __future__ import annotations

from datetime import time, timedelta

import factory
from django.utils import timezone

from domain.scheduling.models import (
    Appointment,
    AppointmentType,
    AvailabilityException,
    ClassType,
    GroupSession,
    TrainerAvailability,
)
from tests.factories.core import ClientFactory, TrainerFactory


class AppointmentTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AppointmentType

    trainer = None
    name = factory.Sequence(lambda n: f"Personal training {n}")
    duration_minutes = 60
    slot_step_minutes = 30
    min_notice_minutes = 0
    max_advance_days = 365
    price_amount = 5000
    price_currency = "GBP"


class AvailabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainerAvailability

    trainer = factory.SubFactory(TrainerFactory)
    weekday = 0
    start_time = time(9)
    end_time = time(17)


class AvailabilityExceptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AvailabilityException

    trainer = factory.SubFactory(TrainerFactory)
    kind = AvailabilityException.Kind.OFF


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment

    trainer = factory.SubFactory(TrainerFactory)
    client = factory.SubFactory(ClientFactory)
    appointment_type = factory.SubFactory(AppointmentTypeFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now().replace(microsecond=0) + timedelta(days=2))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(minutes=o.appointment_type.duration_minutes))
    status = Appointment.Status.CONFIRMED


class ClassTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClassType

    name = factory.Sequence(lambda n: f"HIIT {n}")
    duration_minutes = 45
    default_capacity = 10


class GroupSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupSession

    class_type = factory.SubFactory(ClassTypeFactory)
    instructor = factory.SubFactory(TrainerFactory)
    capacity = 10
    starts_at = factory.LazyFunction(lambda: timezone.now().replace(microsecond=0) + timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(minutes=o.class_type.duration_minutes))
