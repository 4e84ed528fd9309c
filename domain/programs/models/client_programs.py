"""The programs assigned to clients: their own phases and prescriptions, and every scheduled workout."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.constraints import one_of, stamped_iff
from core.models import TimeStampedModel
from domain.library.vocabulary import Difficulty
from domain.programs.models.templates import (
    MAX_PHASE_WEEKS,
    PhaseFields,
    Prescription,
    ProgramGoal,
    ProgramTemplate,
    TemplateExercise,
    prescription_constraints,
)


class AssignmentType(models.TextChoices):
    STATIC = "STATIC", _("Static: the trainer moves week and phase")
    DYNAMIC_PROGRESSIVE = "DYNAMIC_PROGRESSIVE", _("Dynamic: advances and progresses from completed workouts")


class ProgramStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class ClientProgram(TimeStampedModel):
    """A template assigned to a client; `current_phase`/`current_week` are 1-based (week within the phase)."""

    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="programs")
    template = models.ForeignKey(
        ProgramTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="assignments"
    )
    name = models.CharField(_("name"), max_length=120)
    goal = models.CharField(_("goal"), max_length=20, choices=ProgramGoal.choices)
    level = models.CharField(_("level"), max_length=20, choices=Difficulty.choices)
    assignment_type = models.CharField(_("type"), max_length=20, choices=AssignmentType.choices)
    status = models.CharField(_("status"), max_length=12, choices=ProgramStatus.choices, default=ProgramStatus.ACTIVE)
    start_date = models.DateField(_("start date"))
    current_phase = models.PositiveSmallIntegerField(_("current phase"), default=1)
    current_week = models.PositiveSmallIntegerField(_("current week of the phase"), default=1)
    total_weeks = models.PositiveSmallIntegerField(_("weeks"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Contraindication warnings shown to the trainer at assignment, kept so the program page shows them too.
    warnings = models.JSONField(_("warnings"), default=list, blank=True)

    class Meta:
        verbose_name = _("client program")
        verbose_name_plural = _("client programs")
        ordering = ["-start_date", "-id"]
        constraints = [
            one_of("assignment_type", AssignmentType, name="programs_cp_type_valid"),
            one_of("status", ProgramStatus, name="programs_cp_status"),
            models.CheckConstraint(
                condition=models.Q(current_phase__gte=1, current_week__gte=1, total_weeks__gte=1),
                name="programs_cp_position_positive",
            ),
            stamped_iff(
                "status", ProgramStatus.COMPLETED, "completed_at", name="programs_cp_completed_at_iff_completed"
            ),
        ]
        indexes = [models.Index(fields=["client", "status"], name="programs_cp_client_status")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_dynamic(self) -> bool:
        return self.assignment_type == AssignmentType.DYNAMIC_PROGRESSIVE


class ClientProgramPhase(PhaseFields):
    client_program = models.ForeignKey(ClientProgram, on_delete=models.CASCADE, related_name="phases")

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["client_program", "position"], name="programs_cpphase_position_unique"),
            models.CheckConstraint(
                condition=models.Q(weeks__gte=1, weeks__lte=MAX_PHASE_WEEKS), name="programs_cpphase_weeks_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ClientProgramExercise(Prescription):
    """One exercise slot of the client's program (phase, workout, order) and its live prescription.

    The slot repeats every week of its phase; progression rules change this prescription and the
    not-yet-done sessions that follow it.
    """

    client_program = models.ForeignKey(ClientProgram, on_delete=models.CASCADE, related_name="exercises")
    phase_position = models.PositiveSmallIntegerField()
    workout_position = models.PositiveSmallIntegerField()
    miss_streak = models.PositiveSmallIntegerField(_("sessions in a row with a missed target"), default=0)
    source = models.ForeignKey(TemplateExercise, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["phase_position", "workout_position", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["client_program", "phase_position", "workout_position", "position"],
                name="programs_cpexercise_slot_unique",
            ),
            *prescription_constraints("programs_cpexercise"),
        ]


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    COMPLETED = "completed", _("Completed")
    SKIPPED = "skipped", _("Skipped")


DONE_STATUSES = (SessionStatus.COMPLETED, SessionStatus.SKIPPED)


class WorkoutSession(TimeStampedModel):
    """A scheduled workout of a client program on a calendar date of the studio's time zone."""

    client_program = models.ForeignKey(ClientProgram, on_delete=models.CASCADE, related_name="sessions")
    phase_position = models.PositiveSmallIntegerField(_("phase"))
    week = models.PositiveSmallIntegerField(_("week of the phase"))
    program_week = models.PositiveSmallIntegerField(_("week of the program"))
    workout_position = models.PositiveSmallIntegerField()
    day = models.PositiveSmallIntegerField(_("day"))
    name = models.CharField(_("name"), max_length=80)
    scheduled_on = models.DateField(_("date"))
    status = models.CharField(
        _("status"), max_length=12, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        ordering = ["scheduled_on", "program_week", "workout_position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client_program", "phase_position", "week", "workout_position"],
                name="programs_session_slot_unique",
            ),
            one_of("status", SessionStatus, name="programs_session_status"),
            stamped_iff(
                "status", SessionStatus.COMPLETED, "completed_at", name="programs_session_completed_at_iff_completed"
            ),
        ]
        indexes = [
            models.Index(fields=["client_program", "phase_position", "week"], name="programs_session_week"),
            models.Index(fields=["client_program", "scheduled_on"], name="programs_session_date"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.scheduled_on})"


class SessionExercise(Prescription):
    """An exercise of a scheduled session, as prescribed for that day (a copy of its slot's prescription)."""

    session = models.ForeignKey(WorkoutSession, on_delete=models.CASCADE, related_name="exercises")
    program_exercise = models.ForeignKey(ClientProgramExercise, on_delete=models.CASCADE, related_name="sessions")

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "position"], name="programs_sexercise_position_unique"),
            *prescription_constraints("programs_sexercise"),
        ]
