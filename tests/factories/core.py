import factory

from core.models import Role, User

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
