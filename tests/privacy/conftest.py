"""A client with something in every area (profile, health, contacts, goals, a program, a workout, a check-in
with a photo, a video with its files, bookings, nutrition, an invoice and a payment), for export and erasure."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from billing.payments.services.payments import payment_record_manual
from billing.payments.services.sales import package_purchase
from core.audit import AuditAction, audit_record
from core.models import Invitation, Role, User
from domain.clients.models import ClientProfile, EmergencyContact, HealthHistory
from domain.messaging.models import Message, Notification, Participant, Thread
from domain.nutrition.models import FoodLogEntry
from domain.progress.models import Pose, ProgressEntry, ProgressPhoto
from domain.scheduling.models import Appointment
from tests.domain.progress.conftest import jpeg
from tests.factories.clients import ClientTrainerFactory, GoalFactory
from tests.factories.core import TrainerFactory, UserFactory
from tests.factories.payments import PackFactory
from tests.factories.scheduling import AppointmentFactory
from tests.factories.videos import VideoFactory
from tests.portal.conftest import media_root, signed_in

NAME = ("Zelda", "Quixotewright")
EMAIL = "zelda.quixotewright@example.test"
PHONE = "+44 7700 900123"


@dataclass
class RichClient:
    person: User
    owner: User
    trainer: User
    photo_name: str
    video_files: list[str]
    invoice_number: str


@pytest.fixture
def rich_client(tenant, media_root) -> RichClient:
    owner = User.objects.get(role=Role.OWNER)
    trainer = TrainerFactory()
    person = UserFactory(role=Role.CLIENT, first_name=NAME[0], last_name=NAME[1], email=EMAIL, phone=PHONE)
    ClientProfile.objects.create(user=person, trainer_notes=f"{NAME[0]} {NAME[1]} prefers mornings")
    ClientTrainerFactory(client=person, trainer=trainer)
    HealthHistory.objects.create(client=person, notes="Old knee injury")
    EmergencyContact.objects.create(client=person, name="Ada Quixotewright", phone="+44 7700 900999")
    GoalFactory(client=person)
    Invitation.objects.create(
        email=EMAIL,
        first_name=NAME[0],
        last_name=NAME[1],
        role=Role.CLIENT,
        token_hash="f" * 64,
        expires_at=timezone.now() + timedelta(days=3),
    )
    # a check-in with a photo stored under the studio's media prefix
    entry = ProgressEntry.objects.create(client=person, recorded_on=timezone.now().date(), notes="Felt strong")
    photo = ProgressPhoto(entry=entry, pose=Pose.FRONT, consent=True, consented_at=timezone.now(), uploaded_by=person)
    photo.image.save("front.jpg", ContentFile(jpeg()), save=False)
    photo.save()
    # a processed video with its files
    video = VideoFactory(client=person, notes=f"Is my squat deep enough? {NAME[0]}")
    video_files = [f"videos/{person.pk}/{video.key.hex}/original", f"videos/{person.pk}/{video.key.hex}/a-web.mp4"]
    for name in video_files:
        default_storage.save(name, ContentFile(b"\x00\x00\x00\x18ftypmp42"))
    type(video).objects.filter(pk=video.pk).update(original_name=video_files[0], rendition_name=video_files[1])
    # a booking, a food log entry, an invoice with a payment
    AppointmentFactory(client=person, trainer=trainer, notes=f"Call {PHONE} if late")
    FoodLogEntry.objects.create(
        client=person,
        logged_on=timezone.now().date(),
        meal="breakfast",
        name="Porridge",
        portion="1 bowl",
        idempotency_key=uuid.uuid4(),
    )
    sale = package_purchase(actor=owner, client_id=person.pk, package_id=PackFactory().pk)
    payment_record_manual(
        actor=owner,
        invoice_id=sale.invoice.pk,
        amount=sale.invoice.total_amount,
        method="cash",
        note=f"Paid by {EMAIL}",
    )
    # messages: a direct thread with their trainer, a group thread, a notification
    direct = Thread.objects.create(kind=Thread.Kind.DIRECT, pair_key=f"{person.pk}-{trainer.pk}", created_by=trainer)
    group = Thread.objects.create(kind=Thread.Kind.GROUP, title="Morning crew", created_by=trainer)
    for thread in (direct, group):
        Participant.objects.create(thread=thread, user=person)
        Participant.objects.create(thread=thread, user=trainer)
    Message.objects.create(thread=direct, sender=trainer, body=f"Hi {NAME[0]}, how is the knee?")
    Message.objects.create(thread=group, sender=person, body=f"Text me on {PHONE}")
    Notification.objects.create(
        user=person, key=f"n-{person.pk}", kind="message.new", title=f"Hello {NAME[0]} {NAME[1]}"
    )
    # and what others wrote about them
    audit_record(actor=owner, action=AuditAction.CLIENT_CREATE, target=person, note=f"{NAME[0]} {NAME[1]} joined")
    sale.invoice.refresh_from_db()
    return RichClient(
        person=person,
        owner=owner,
        trainer=trainer,
        photo_name=photo.image.name,
        video_files=video_files,
        invoice_number=sale.invoice.number or "",
    )


__all__ = ["Appointment", "RichClient", "media_root", "rich_client", "signed_in"]
