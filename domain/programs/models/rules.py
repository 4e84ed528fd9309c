"""Progression rules (on a template, a client program or one exercise slot) and the events they record."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.constraints import one_of
from core.models import TimeStampedModel
from domain.programs.models.client_programs import (
    ClientProgram,
    ClientProgramExercise,
    WorkoutSession,
)
from domain.programs.models.templates import (
    ProgramTemplate,
    TemplateExercise,
)


class RuleKind(models.TextChoices):
    LOAD_INCREASE = "load_increase", _("Add load when every set reaches the top of the rep range")
    DELOAD = "deload", _("Reduce load after missed targets in a row")


class ProgressionRule(TimeStampedModel):
    """A progression rule as data: on a template (defaults) or on a client program (what runs).

    A rule without an exercise applies to every exercise of its template/program; a rule of the same
    kind on one exercise overrides it for that exercise (including switching it off).
    """

    template = models.ForeignKey(ProgramTemplate, null=True, blank=True, on_delete=models.CASCADE, related_name="rules")
    template_exercise = models.ForeignKey(
        TemplateExercise, null=True, blank=True, on_delete=models.CASCADE, related_name="rules"
    )
    client_program = models.ForeignKey(
        ClientProgram, null=True, blank=True, on_delete=models.CASCADE, related_name="rules"
    )
    program_exercise = models.ForeignKey(
        ClientProgramExercise, null=True, blank=True, on_delete=models.CASCADE, related_name="rules"
    )
    kind = models.CharField(_("rule"), max_length=20, choices=RuleKind.choices)
    is_enabled = models.BooleanField(_("on"), default=True)
    increment_kg = models.DecimalField(_("add (kg)"), max_digits=5, decimal_places=2, null=True, blank=True)
    increment_percent = models.DecimalField(
        _("add (percentage points of 1RM)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    miss_threshold = models.PositiveSmallIntegerField(_("missed sessions in a row"), null=True, blank=True)
    deload_percent = models.DecimalField(_("reduce by (%)"), max_digits=5, decimal_places=2, null=True, blank=True)

    RULE_FIELDS = ("kind", "is_enabled", "increment_kg", "increment_percent", "miss_threshold", "deload_percent")

    class Meta:
        ordering = ["kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(template__isnull=False, client_program__isnull=True, program_exercise__isnull=True)
                | models.Q(template__isnull=True, client_program__isnull=False, template_exercise__isnull=True),
                name="programs_rule_one_owner",
            ),
            one_of("kind", RuleKind, name="programs_rule_kind_valid"),
            models.CheckConstraint(
                condition=~models.Q(kind=RuleKind.LOAD_INCREASE)
                | models.Q(
                    increment_kg__gt=0,
                    increment_kg__lte=50,
                    increment_percent__gt=0,
                    increment_percent__lte=20,
                    miss_threshold__isnull=True,
                    deload_percent__isnull=True,
                ),
                name="programs_rule_load_increase_params",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=RuleKind.DELOAD)
                | models.Q(
                    miss_threshold__gte=1,
                    miss_threshold__lte=10,
                    deload_percent__gt=0,
                    deload_percent__lte=50,
                    increment_kg__isnull=True,
                    increment_percent__isnull=True,
                ),
                name="programs_rule_deload_params",
            ),
            models.UniqueConstraint(
                fields=["template", "template_exercise", "kind"],
                condition=models.Q(template__isnull=False),
                nulls_distinct=False,
                name="programs_rule_template_scope_unique",
            ),
            models.UniqueConstraint(
                fields=["client_program", "program_exercise", "kind"],
                condition=models.Q(client_program__isnull=False),
                nulls_distinct=False,
                name="programs_rule_program_scope_unique",
            ),
        ]

    def describe(self) -> str:
        """The rule in words, for the trainer."""
        if not self.is_enabled:
            return gettext("Off.")
        if self.kind == RuleKind.LOAD_INCREASE:
            return gettext(
                "When every set reaches the top of the rep range, add %(kg)s kg (or %(pct)s percentage points "
                "of 1RM) next time."
            ) % {"kg": _plain(self.increment_kg), "pct": _plain(self.increment_percent)}
        return gettext("After %(misses)d sessions in a row with a missed target, reduce the load by %(pct)s%%.") % {
            "misses": self.miss_threshold,
            "pct": _plain(self.deload_percent),
        }


def _plain(value: Decimal | None) -> str:
    return f"{value.normalize():f}" if value is not None else "-"


class ProgressionEvent(models.Model):
    """What a rule did to a client's prescription and why; the trainer's record of automatic changes."""

    client_program = models.ForeignKey(ClientProgram, on_delete=models.CASCADE, related_name="progression_events")
    program_exercise = models.ForeignKey(ClientProgramExercise, on_delete=models.CASCADE, related_name="events")
    session = models.ForeignKey(WorkoutSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=20, choices=RuleKind.choices)
    old_load = models.DecimalField(max_digits=6, decimal_places=2)
    new_load = models.DecimalField(max_digits=6, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["client_program", "-created_at"], name="programs_event_program")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.old_load} → {self.new_load}"
