import hashlib
from datetime import timedelta

import factory
from django.utils import timezone

from core.models import Invitation, Role, User

DEFAULT_PASSWORD = "Train-hard-2026"


class UserFactory(factory.django.DjangoModelFactory):
    """A person in whatever schema the connection is on (use inside the `tenant` fixture)."""

    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = Role.CLIENT
    password = factory.django.Password(DEFAULT_PASSWORD)


class OwnerFactory(UserFactory):
    role = Role.OWNER


class ManagerFactory(UserFactory):
    role = Role.MANAGER


class TrainerFactory(UserFactory):
    role = Role.TRAINER


class ClientFactory(UserFactory):
    role = Role.CLIENT


class InvitationFactory(factory.django.DjangoModelFactory):
    """A pending invitation row (its link's token is unknown: use the service when the link matters)."""

    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"invitee{n}@example.test")
    role = Role.CLIENT
    token_hash = factory.Sequence(lambda n: hashlib.sha256(f"token-{n}".encode()).hexdigest())
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    invited_by = factory.SubFactory(OwnerFactory)
