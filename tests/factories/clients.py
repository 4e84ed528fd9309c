import factory

from domain.clients.models import ClientGoal, ClientProfile, ClientTrainer, EmergencyContact
from tests.factories.core import ClientFactory, TrainerFactory


class ClientProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClientProfile

    user = factory.SubFactory(ClientFactory)


class ClientTrainerFactory(factory.django.DjangoModelFactory):
    """An assignment: `trainer` sees `client`."""

    class Meta:
        model = ClientTrainer

    client = factory.SubFactory(ClientFactory)
    trainer = factory.SubFactory(TrainerFactory)


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClientGoal

    client = factory.SubFactory(ClientFactory)
    goal_type = "strength"
    title = factory.Sequence(lambda n: f"Goal {n}")


class EmergencyContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmergencyContact

    client = factory.SubFactory(ClientFactory)
    name = factory.Faker("name")
    phone = "+44 20 7946 0000"


def assigned_client(trainer, **fields):
    """A client with a profile, assigned to `trainer`."""
    client = ClientFactory(**fields)
    ClientProfile.objects.create(user=client)
    ClientTrainerFactory(client=client, trainer=trainer, is_primary=True)
    return client
