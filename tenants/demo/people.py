"""The demo's people: three trainers and twenty clients, each client assigned to one trainer.

`make run` creates the owner, the first trainer and the first client (the three logins it prints); the
rest join here, a week before the history starts, through the same services an owner would use.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.management.base import CommandError

from core.models import Role, User
from core.people import HasSchema, studio_user_create
from domain.clients import services as clients
from domain.clients.models import ClientTrainer, Sex
from tenants.demo.clock import Calendar, at

DOMAIN = "demo.fitwell.test"
TRAINERS = [("Maya", "Patel"), ("Jonas", "Berg")]
CLIENTS = [
    ("Aisha", "Khan", Sex.FEMALE),
    ("Ben", "Carter", Sex.MALE),
    ("Carmen", "Ruiz", Sex.FEMALE),
    ("Daniel", "Okafor", Sex.MALE),
    ("Elena", "Rossi", Sex.FEMALE),
    ("Finn", "Murphy", Sex.MALE),
    ("Grace", "Liu", Sex.FEMALE),
    ("Hugo", "Martin", Sex.MALE),
    ("Isla", "Campbell", Sex.FEMALE),
    ("Jamal", "Brooks", Sex.MALE),
    ("Keira", "Walsh", Sex.FEMALE),
    ("Leo", "Novak", Sex.MALE),
    ("Mia", "Schneider", Sex.FEMALE),
    ("Noah", "Evans", Sex.MALE),
    ("Olga", "Ivanova", Sex.FEMALE),
    ("Priya", "Shah", Sex.FEMALE),
    ("Rafael", "Costa", Sex.MALE),
    ("Sofia", "Andersen", Sex.FEMALE),
    ("Tom", "Fletcher", Sex.MALE),
]


@dataclass
class Cast:
    owner: User
    trainers: list[User]
    clients: list[User]  # the first one is the client `make run` prints

    def trainer_of(self, client: User) -> User:
        link = ClientTrainer.objects.filter(client=client, is_primary=True).select_related("trainer").first()
        return link.trainer if link else self.trainers[0]


def _email(first: str, last: str) -> str:
    return f"{first}.{last}@{DOMAIN}".lower()


def cast_gather(*, studio: HasSchema, calendar: Calendar, password: str | None) -> Cast:
    """Find or create the demo's people (by email, so a second run adds nobody).

    Raises CommandError when the studio has no owner, trainer or client yet (`make run` creates them).
    """
    owner = User.objects.filter(role=Role.OWNER, is_active=True).order_by("pk").first()
    first_trainer = User.objects.filter(role=Role.TRAINER, is_active=True).order_by("pk").first()
    first_client = User.objects.filter(role=Role.CLIENT, is_active=True).order_by("pk").first()
    if owner is None or first_trainer is None or first_client is None:
        raise CommandError("The studio needs an owner, a trainer and a client first.")
    joined = calendar.moment(calendar.first - timedelta(days=7), 10)
    trainers = [first_trainer]
    for first, last in TRAINERS:
        email = _email(first, last)
        trainer = User.objects.filter(email=email).first()
        if trainer is None:
            with at(joined):
                trainer = studio_user_create(
                    studio=studio,
                    email=email,
                    password=password or secrets.token_urlsafe(18),
                    role=Role.TRAINER,
                    first_name=first,
                    last_name=last,
                    email_verified=True,
                )
        trainers.append(trainer)
    people = [first_client]
    for index, (first, last, sex) in enumerate(CLIENTS, start=1):
        email = _email(first, last)
        client = User.objects.filter(email=email).first()
        if client is None:
            with at(joined + timedelta(minutes=index)):
                client = clients.client_create(
                    actor=owner,
                    email=email,
                    first_name=first,
                    last_name=last,
                    phone=f"+44 7700 900{index:03d}",
                    profile=clients.ProfileData(
                        sex=sex,
                        date_of_birth=date(1970 + (index * 7) % 33, 1 + index % 12, 1 + index % 27),
                        height_cm=Decimal(158 + (index * 5) % 35),
                        tags=["demo"],
                    ),
                    trainer_ids=[trainers[index % len(trainers)].pk],
                )
        people.append(client)
    if not ClientTrainer.objects.filter(client=first_client).exists():
        clients.client_update(
            actor=owner,
            client_id=first_client.pk,
            first_name=first_client.first_name,
            last_name=first_client.last_name,
            phone=first_client.phone,
            status="active",
            trainer_ids=[first_trainer.pk],
        )
    return Cast(owner=owner, trainers=trainers, clients=people)
