"""Clients: profile, assigned trainers, health history (encrypted), emergency contacts, goals, assessments.

A client is a `core.User` with the client role; every row here hangs off that user, so `/clients/{id}`
is the user's id and other areas (workouts, scheduling, payments) point at the same id.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.constraints import one_of, stamped_iff
from core.fields import EncryptedJSONField
from core.models import TimeStampedModel


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNDISCLOSED = "undisclosed", _("Prefer not to say")


class UnitSystem(models.TextChoices):
    METRIC = "metric", _("Metric (kg, cm)")
    IMPERIAL = "imperial", _("Imperial (lb, in)")


class ClientStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    ARCHIVED = "archived", _("Archived")


class ClientProfile(TimeStampedModel):
    """What the studio knows about a client beyond their account. Absent until first written."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="client_profile"
    )
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=20, choices=Sex.choices, default=Sex.UNDISCLOSED)
    height_cm = models.DecimalField(_("height (cm)"), max_digits=4, decimal_places=1, null=True, blank=True)
    unit_preference = models.CharField(_("units"), max_length=10, choices=UnitSystem.choices, default=UnitSystem.METRIC)
    status = models.CharField(_("status"), max_length=10, choices=ClientStatus.choices, default=ClientStatus.ACTIVE)
    tags = ArrayField(models.CharField(max_length=40), verbose_name=_("tags"), default=list, blank=True)
    trainer_notes = models.TextField(_("trainer notes"), blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    class Meta:
        verbose_name = _("client profile")
        verbose_name_plural = _("client profiles")
        constraints = [
            one_of("sex", Sex, name="clients_profile_sex_valid"),
            one_of("unit_preference", UnitSystem, name="clients_profile_units_valid"),
            one_of("status", ClientStatus, name="clients_profile_status_valid"),
            models.CheckConstraint(
                condition=models.Q(height_cm__isnull=True) | models.Q(height_cm__gte=50, height_cm__lte=272),
                name="clients_profile_height_range",
            ),
            stamped_iff(
                "status", ClientStatus.ARCHIVED, "archived_at", name="clients_profile_archived_at_iff_archived"
            ),
        ]
        indexes = [
            models.Index(fields=["status"], name="clients_profile_status_idx"),
            GinIndex(fields=["tags"], name="clients_profile_tags_gin"),
        ]

    def __str__(self) -> str:
        return str(self.user)


class ClientTrainer(models.Model):
    """A trainer assigned to a client; a trainer sees exactly the clients assigned to them."""

    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trainer_links")
    trainer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="client_links")
    is_primary = models.BooleanField(_("primary trainer"), default=False)
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assigned trainer")
        verbose_name_plural = _("assigned trainers")
        constraints = [
            models.UniqueConstraint(fields=["client", "trainer"], name="clients_trainer_unique"),
            models.UniqueConstraint(
                fields=["client"], condition=models.Q(is_primary=True), name="clients_trainer_one_primary"
            ),
            models.CheckConstraint(condition=~models.Q(client=models.F("trainer")), name="clients_trainer_not_self"),
        ]
        indexes = [models.Index(fields=["trainer", "client"], name="clients_trainer_by_trainer")]

    def __str__(self) -> str:
        return f"{self.trainer} → {self.client}"


class ParqQuestion(models.TextChoices):
    """A physical-activity readiness questionnaire (our wording). Any "yes" means: get medical clearance."""

    HEART_CONDITION = (
        "heart_condition",
        _("Has a doctor told you that you have a heart condition and should only exercise as a doctor advises?"),
    )
    CHEST_PAIN_ACTIVE = "chest_pain_active", _("Do you get chest pain when you are physically active?")
    CHEST_PAIN_REST = "chest_pain_rest", _("In the last month, have you had chest pain while at rest?")
    DIZZINESS = "dizziness", _("Do you lose your balance through dizziness, or have you ever fainted?")
    BONE_JOINT = "bone_joint", _("Do you have a bone or joint problem that more activity could make worse?")
    BLOOD_PRESSURE_MEDICATION = (
        "blood_pressure_medication",
        _("Are you taking medication prescribed for blood pressure or a heart condition?"),
    )
    OTHER_REASON = "other_reason", _("Do you know of any other reason you should not be physically active?")


class HealthHistory(TimeStampedModel):
    """Conditions, injuries, medications, PAR-Q and clearance: every clinical value is ciphertext at rest.

    `medical_clearance_expires_on` stays in clear so expiring clearances can be found by a query;
    it says when a letter lapses, not why it was needed.
    """

    client = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="health_history"
    )
    conditions = EncryptedJSONField(_("conditions"), default=list)  # ["asthma", "hypertension"]
    injuries = EncryptedJSONField(_("injuries"), default=list)  # [{"name", "notes", "active"}]
    medications = EncryptedJSONField(_("medications"), default=list)  # ["salbutamol"]
    parq_answers = EncryptedJSONField(_("PAR-Q answers"), default=dict)  # {question: bool}
    medical_clearance = EncryptedJSONField(
        _("medical clearance"), default=dict
    )  # {"cleared", "cleared_on", "cleared_by"}
    notes = EncryptedJSONField(_("notes"), default=str)
    medical_clearance_expires_on = models.DateField(_("medical clearance expires on"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("health history")
        verbose_name_plural = _("health histories")

    @property
    def parq_flags(self) -> list[str]:
        """The PAR-Q questions answered "yes"."""
        return [question for question, answer in (self.parq_answers or {}).items() if answer]


class EmergencyContact(TimeStampedModel):
    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="emergency_contacts")
    name = models.CharField(_("name"), max_length=120)
    relationship = models.CharField(_("relationship"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=32)
    email = models.EmailField(_("email"), blank=True)
    is_primary = models.BooleanField(_("call first"), default=False)

    class Meta:
        verbose_name = _("emergency contact")
        verbose_name_plural = _("emergency contacts")
        ordering = ["-is_primary", "name", "id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(name=""), name="clients_contact_name_not_blank"),
            models.CheckConstraint(condition=~models.Q(phone=""), name="clients_contact_phone_not_blank"),
            models.UniqueConstraint(
                fields=["client"], condition=models.Q(is_primary=True), name="clients_contact_one_primary"
            ),
        ]


class GoalType(models.TextChoices):
    WEIGHT_LOSS = "weight_loss", _("Weight loss")
    MUSCLE_GAIN = "muscle_gain", _("Muscle gain")
    STRENGTH = "strength", _("Strength")
    ENDURANCE = "endurance", _("Endurance")
    FLEXIBILITY = "flexibility", _("Flexibility and mobility")
    BODY_COMPOSITION = "body_composition", _("Body composition")
    PERFORMANCE = "performance", _("Performance")
    HEALTH = "health", _("Health")
    HABIT = "habit", _("Habit")
    OTHER = "other", _("Other")


class GoalStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ACHIEVED = "achieved", _("Achieved")
    PAUSED = "paused", _("Paused")
    ABANDONED = "abandoned", _("Abandoned")


class ClientGoal(TimeStampedModel):
    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="goals")
    goal_type = models.CharField(_("type"), max_length=20, choices=GoalType.choices)
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    start_value = models.DecimalField(_("start value"), max_digits=10, decimal_places=2, null=True, blank=True)
    target_value = models.DecimalField(_("target value"), max_digits=10, decimal_places=2, null=True, blank=True)
    current_value = models.DecimalField(_("current value"), max_digits=10, decimal_places=2, null=True, blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=GoalStatus.choices, default=GoalStatus.ACTIVE)
    achieved_at = models.DateTimeField(_("achieved at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["-created_at", "-id"]
        constraints = [
            one_of("goal_type", GoalType, name="clients_goal_type_valid"),
            one_of("status", GoalStatus, name="clients_goal_status_valid"),
            models.CheckConstraint(condition=~models.Q(title=""), name="clients_goal_title_not_blank"),
            stamped_iff("status", GoalStatus.ACHIEVED, "achieved_at", name="clients_goal_achieved_at_iff_achieved"),
            models.CheckConstraint(
                condition=models.Q(target_value__isnull=True)
                | models.Q(start_value__isnull=True)
                | ~models.Q(target_value=models.F("start_value")),
                name="clients_goal_target_differs_from_start",
            ),
        ]
        indexes = [models.Index(fields=["client", "status"], name="clients_goal_client_status")]

    def __str__(self) -> str:
        return self.title

    @property
    def progress_percent(self) -> int | None:
        """How far from start to target the current value is, 0-100 (works for goals that go down too)."""
        if None in (self.start_value, self.target_value, self.current_value) or self.target_value == self.start_value:
            return None
        share = (self.current_value - self.start_value) / (self.target_value - self.start_value)  # type: ignore[operator]  # None ruled out on the line above
        return int(max(Decimal(0), min(Decimal(1), share)) * 100)


class MeasurementSpec(NamedTuple):
    unit: str
    minimum: Decimal
    maximum: Decimal


class MeasurementKind(models.TextChoices):
    BODY_WEIGHT = "body_weight", _("Body weight")
    BODY_FAT = "body_fat", _("Body fat")
    RESTING_HEART_RATE = "resting_heart_rate", _("Resting heart rate")
    BLOOD_PRESSURE_SYSTOLIC = "blood_pressure_systolic", _("Blood pressure (systolic)")
    BLOOD_PRESSURE_DIASTOLIC = "blood_pressure_diastolic", _("Blood pressure (diastolic)")
    WAIST = "waist", _("Waist")
    HIPS = "hips", _("Hips")
    CHEST = "chest", _("Chest")
    ARM = "arm", _("Upper arm")
    THIGH = "thigh", _("Thigh")
    VO2_MAX = "vo2_max", _("VO2 max")
    SIT_AND_REACH = "sit_and_reach", _("Sit and reach")
    PUSH_UPS = "push_ups", _("Push-ups in one set")
    PLANK = "plank", _("Plank hold")
    SQUAT_1RM = "squat_1rm", _("Back squat 1RM")
    BENCH_1RM = "bench_1rm", _("Bench press 1RM")
    DEADLIFT_1RM = "deadlift_1rm", _("Deadlift 1RM")


def _spec(unit: str, minimum: str, maximum: str) -> MeasurementSpec:
    return MeasurementSpec(unit, Decimal(minimum), Decimal(maximum))


# Canonical (metric) unit and plausible range of each measurement; values outside are typing errors.
MEASUREMENT_SPECS: dict[str, MeasurementSpec] = {
    MeasurementKind.BODY_WEIGHT: _spec("kg", "20", "400"),
    MeasurementKind.BODY_FAT: _spec("%", "2", "75"),
    MeasurementKind.RESTING_HEART_RATE: _spec("bpm", "25", "220"),
    MeasurementKind.BLOOD_PRESSURE_SYSTOLIC: _spec("mmHg", "60", "260"),
    MeasurementKind.BLOOD_PRESSURE_DIASTOLIC: _spec("mmHg", "30", "160"),
    MeasurementKind.WAIST: _spec("cm", "30", "250"),
    MeasurementKind.HIPS: _spec("cm", "30", "250"),
    MeasurementKind.CHEST: _spec("cm", "30", "250"),
    MeasurementKind.ARM: _spec("cm", "10", "100"),
    MeasurementKind.THIGH: _spec("cm", "20", "150"),
    MeasurementKind.VO2_MAX: _spec("ml/kg/min", "5", "100"),
    MeasurementKind.SIT_AND_REACH: _spec("cm", "-50", "80"),
    MeasurementKind.PUSH_UPS: _spec("reps", "0", "500"),
    MeasurementKind.PLANK: _spec("s", "0", "3600"),
    MeasurementKind.SQUAT_1RM: _spec("kg", "0", "600"),
    MeasurementKind.BENCH_1RM: _spec("kg", "0", "500"),
    MeasurementKind.DEADLIFT_1RM: _spec("kg", "0", "600"),
}


class FitnessAssessment(TimeStampedModel):
    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessments")
    assessed_on = models.DateField(_("date"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("fitness assessment")
        verbose_name_plural = _("fitness assessments")
        ordering = ["-assessed_on", "-id"]
        indexes = [models.Index(fields=["client", "-assessed_on"], name="clients_assessment_client_date")]


class AssessmentMeasurement(models.Model):
    """One typed value of an assessment, in the kind's canonical unit."""

    assessment = models.ForeignKey(FitnessAssessment, on_delete=models.CASCADE, related_name="measurements")
    kind = models.CharField(_("measurement"), max_length=30, choices=MeasurementKind.choices)
    value = models.DecimalField(_("value"), max_digits=8, decimal_places=2)

    class Meta:
        verbose_name = _("assessment measurement")
        verbose_name_plural = _("assessment measurements")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "kind"], name="clients_measurement_once_per_assessment"),
            one_of("kind", MeasurementKind, name="clients_measurement_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value} {self.unit}"

    @property
    def unit(self) -> str:
        return MEASUREMENT_SPECS[self.kind].unit
