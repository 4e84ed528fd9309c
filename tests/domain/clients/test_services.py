"""Client records: onboarding, archive and restore, health history (encrypted), contacts, goals, assessments."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.db import connection

from core.crypto import encrypted_values_rotate
from core.exceptions import ConflictError, ValidationError
from core.models import AuditEvent, Role, User
from domain.clients.models import (
    ClientGoal,
    ClientProfile,
    ClientStatus,
    ClientTrainer,
    EmergencyContact,
    FitnessAssessment,
    HealthHistory,
)
from domain.clients.selectors import client_health_entries, client_list, health_history_get
from domain.clients.services import (
    ContactData,
    GoalData,
    HealthData,
    Injury,
    ProfileData,
    assessment_create,
    client_archive,
    client_create,
    client_profile_update,
    client_restore,
    client_update,
    emergency_contact_create,
    emergency_contact_update,
    goal_create,
    goal_update,
    health_history_update,
)

pytestmark = pytest.mark.django_db


def test_a_trainer_who_onboards_a_client_is_their_trainer(trainer):
    client = client_create(
        actor=trainer,
        email="  Nina@Example.TEST ",
        first_name="Nina",
        profile=ProfileData(date_of_birth=date(1990, 4, 2), height_cm=Decimal("168.5"), tags=["Marathon 2026"]),
    )
    assert (client.email, client.role, client.has_usable_password()) == ("nina@example.test", Role.CLIENT, False)
    assert client.client_profile.tags == ["marathon-2026"]
    assert list(ClientTrainer.objects.filter(client=client).values_list("trainer", "is_primary")) == [
        (trainer.pk, True)
    ]
    assert AuditEvent.objects.filter(action="client.create", target_id=str(client.pk)).exists()


def test_a_manager_assigns_trainers_and_the_first_is_primary(manager, trainer, other_trainer):
    client = client_create(
        actor=manager, email="a@example.test", first_name="A", trainer_ids=[other_trainer.pk, trainer.pk]
    )
    links = dict(ClientTrainer.objects.filter(client=client).values_list("trainer", "is_primary"))
    assert links == {other_trainer.pk: True, trainer.pk: False}
    client_update(
        actor=manager,
        client_id=client.pk,
        first_name="A",
        last_name="",
        phone="",
        status="active",
        trainer_ids=[trainer.pk],
    )
    assert dict(ClientTrainer.objects.filter(client=client).values_list("trainer", "is_primary")) == {trainer.pk: True}


def test_bad_input_names_each_field_and_creates_nobody(manager, client_user):
    users_before = User.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        client_create(
            actor=manager,
            email=client_user.email,
            first_name="",
            profile=ProfileData(sex="robot", height_cm=Decimal(400), date_of_birth=date.today() + timedelta(days=3)),
            trainer_ids=[client_user.pk],
        )
    assert set(excinfo.value.extra["fields"]) == {
        "email",
        "first_name",
        "sex",
        "height_cm",
        "date_of_birth",
        "trainer_ids",
    }
    assert User.objects.count() == users_before


def test_archiving_hides_the_client_and_stops_sign_in_and_only_the_owner_brings_them_back(owner, manager, client_user):
    # when a manager deletes (archives) the client
    client_archive(actor=manager, client_id=client_user.pk)
    client_user.refresh_from_db()
    # then they cannot sign in and leave the usual lists, but their data is all there
    assert not client_user.is_active
    assert not client_list(actor=manager).filter(pk=client_user.pk).exists()
    assert client_list(actor=owner, status="archived").filter(pk=client_user.pk).exists()
    with pytest.raises(ConflictError):
        client_update(
            actor=manager,
            client_id=client_user.pk,
            first_name="X",
            last_name="",
            phone="",
            status="active",
        )
    # when the owner restores them
    client_restore(actor=owner, client_id=client_user.pk)
    client_user.refresh_from_db()
    assert client_user.is_active
    assert client_user.client_profile.status == ClientStatus.ACTIVE
    assert client_user.client_profile.archived_at is None
    assert AuditEvent.objects.filter(action__in=["client.archive", "client.restore"]).count() == 2


def test_a_client_editing_their_profile_cannot_touch_the_trainers_notes(client_user, trainer):
    client_profile_update(
        actor=trainer,
        client_id=client_user.pk,
        data=ProfileData(trainer_notes="Watch left knee", tags=["vip"]),
        private_fields=True,
    )
    client_profile_update(
        actor=client_user,
        client_id=client_user.pk,
        data=ProfileData(unit_preference="imperial", trainer_notes="hacked"),
        private_fields=False,
    )
    profile = ClientProfile.objects.get(pk=client_user.pk)
    assert (profile.unit_preference, profile.trainer_notes, profile.tags) == ("imperial", "Watch left knee", ["vip"])


HEALTH = HealthData(
    conditions=["Hypertension", "asthma", "asthma"],
    injuries=[Injury(name="Left shoulder impingement", notes="since 2024"), Injury(name="ACL tear", active=False)],
    medications=["Ramipril"],
    parq_answers={"heart_condition": False, "blood_pressure_medication": True},
    medically_cleared=True,
    cleared_on=date(2026, 1, 5),
    cleared_by="Dr Lee",
    clearance_expires_on=date(2027, 1, 5),
    notes="Prefers morning sessions",
)


def _raw_columns(client_id: int) -> dict[str, str]:
    columns = ["conditions", "injuries", "medications", "parq_answers", "medical_clearance", "notes"]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM clients_healthhistory WHERE client_id = %s", [client_id])
        return dict(zip(columns, cursor.fetchone(), strict=True))


def test_health_history_is_ciphertext_in_the_database_and_plain_to_the_app(client_user, trainer):
    # when the trainer records the health history
    health_history_update(actor=trainer, client_id=client_user.pk, data=HEALTH)
    # then every clinical column holds a Fernet token, never the words
    raw = _raw_columns(client_user.pk)
    for column, value in raw.items():
        assert value.startswith("gAAAA"), column
        for secret in ("Hypertension", "shoulder", "Ramipril", "Dr Lee", "morning", "blood_pressure"):
            assert secret not in value
    # and the key from the environment decrypts it
    key = Fernet(settings.FIELD_ENCRYPTION_KEYS[0].encode())
    assert b"Ramipril" in key.decrypt(raw["medications"].encode())
    # while the application reads plain values
    history = health_history_get(client=client_user)
    assert history.conditions == ["Hypertension", "asthma"]
    assert history.injuries[0] == {"name": "Left shoulder impingement", "notes": "since 2024", "active": True}
    assert history.parq_flags == ["blood_pressure_medication"]
    assert history.medical_clearance == {"cleared": True, "cleared_on": "2026-01-05", "cleared_by": "Dr Lee"}
    assert AuditEvent.objects.filter(action="client.update_health_history").count() == 1


def test_contraindication_checks_see_conditions_and_active_injuries_only(client_user, trainer):
    health_history_update(actor=trainer, client_id=client_user.pk, data=HEALTH)
    entries = {(e.text, e.source) for e in client_health_entries(client_id=client_user.pk)}
    assert entries == {("Hypertension", "condition"), ("asthma", "condition"), ("Left shoulder impingement", "injury")}


def test_invalid_health_history_changes_nothing(client_user, trainer):
    health_history_update(actor=trainer, client_id=client_user.pk, data=HEALTH)
    bad = HealthData(conditions=["x"], parq_answers={"favourite_colour": True}, cleared_on=date(2026, 1, 1))
    with pytest.raises(ValidationError) as excinfo:
        health_history_update(actor=trainer, client_id=client_user.pk, data=bad)
    assert set(excinfo.value.extra["fields"]) == {"parq_answers", "medically_cleared"}
    assert HealthHistory.objects.get(client=client_user).conditions == ["Hypertension", "asthma"]


def test_one_primary_emergency_contact(client_user):
    first = emergency_contact_create(
        actor=client_user, client_id=client_user.pk, data=ContactData(name="Sam", phone="0700", is_primary=True)
    )
    second = emergency_contact_create(
        actor=client_user, client_id=client_user.pk, data=ContactData(name="Alex", phone="0701", is_primary=True)
    )
    first.refresh_from_db()
    assert (first.is_primary, second.is_primary) == (False, True)
    emergency_contact_update(
        actor=client_user,
        client_id=client_user.pk,
        contact_id=first.pk,
        data=ContactData(name="Sam", phone="0700", is_primary=True),
    )
    assert list(EmergencyContact.objects.filter(client=client_user, is_primary=True)) == [first]
    with pytest.raises(ValidationError):
        emergency_contact_create(
            actor=client_user, client_id=client_user.pk, data=ContactData(name="", phone="", email="nope")
        )
    assert EmergencyContact.objects.filter(client=client_user).count() == 2


def test_goal_progress_and_achievement(client_user, trainer):
    goal = goal_create(
        actor=trainer,
        client_id=client_user.pk,
        data=GoalData(
            goal_type="weight_loss",
            title="Lose 8 kg",
            unit="kg",
            start_value=Decimal(90),
            target_value=Decimal(82),
            current_value=Decimal(86),
        ),
    )
    assert goal.progress_percent == 50
    achieved = goal_update(
        actor=trainer,
        client_id=client_user.pk,
        goal_id=goal.pk,
        data=GoalData(
            goal_type="weight_loss",
            title="Lose 8 kg",
            start_value=Decimal(90),
            target_value=Decimal(82),
            current_value=Decimal(81),
            status="achieved",
        ),
    )
    assert achieved.progress_percent == 100
    assert achieved.achieved_at is not None
    with pytest.raises(ValidationError):
        goal_create(
            actor=trainer,
            client_id=client_user.pk,
            data=GoalData(goal_type="fame", title="", start_value=Decimal(1), target_value=Decimal(1)),
        )
    assert ClientGoal.objects.filter(client=client_user).count() == 1


def test_assessment_with_typed_measurements(client_user, trainer):
    assessment = assessment_create(
        actor=trainer,
        client_id=client_user.pk,
        assessed_on=date(2026, 2, 1),
        measurements={"body_weight": Decimal("82.4"), "resting_heart_rate": Decimal(58)},
        notes="Baseline",
    )
    assert {m.kind: (m.value, m.unit) for m in assessment.measurements.all()} == {
        "body_weight": (Decimal("82.40"), "kg"),
        "resting_heart_rate": (Decimal("58.00"), "bpm"),
    }
    with pytest.raises(ValidationError) as excinfo:
        assessment_create(
            actor=trainer,
            client_id=client_user.pk,
            assessed_on=date(2026, 2, 2),
            measurements={"body_weight": Decimal(4000), "aura": Decimal(1)},
        )
    assert set(excinfo.value.extra["fields"]) == {"measurements.body_weight", "measurements.aura"}
    assert FitnessAssessment.objects.filter(client=client_user).count() == 1


def test_rotating_the_key_re_encrypts_stored_health_histories(client_user, trainer, settings):
    # given a health history written under the old key
    old, new = settings.FIELD_ENCRYPTION_KEYS[0], Fernet.generate_key().decode()
    health_history_update(actor=trainer, client_id=client_user.pk, data=HEALTH)
    before = _raw_columns(client_user.pk)
    # when a new key is put first and the stored values are rotated
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    assert encrypted_values_rotate() >= 6
    # then every column is readable with the new key alone
    settings.FIELD_ENCRYPTION_KEYS = [new]
    after = _raw_columns(client_user.pk)
    assert all(after[column] != before[column] for column in after)
    assert HealthHistory.objects.get(client=client_user).medications == ["Ramipril"]
