"""Give a studio something to look at: a trainer's hours, a bookable session, a program for a client.

Used by `make run` for the demo studio; safe to run again (it adds only what is missing).
"""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tenants.utils import tenant_context

from core.models import Role, User
from domain.library.models import Exercise
from domain.programs import services as programs
from domain.programs.models import AssignmentType, LoadType, ProgramTemplate
from domain.scheduling import services as scheduling
from domain.scheduling.models import AppointmentType, TrainerAvailability
from tenants.models import Studio

TEMPLATE_NAME = "Strength foundations"


def _lift(slug: str, sets: int, reps: tuple[int, int], kg: int | None, rest: int = 120) -> programs.PrescriptionData:
    return programs.PrescriptionData(
        exercise_id=Exercise.objects.get(slug=slug).pk,
        sets=sets,
        reps_min=reps[0],
        reps_max=reps[1],
        load_type=LoadType.KG if kg else LoadType.NONE,
        load_value=Decimal(kg) if kg else None,
        rest_seconds=rest,
    )


def _phase(name: str, focus: str, sets: int, reps: tuple[int, int]) -> programs.PhaseData:
    plank = programs.PrescriptionData(
        exercise_id=Exercise.objects.get(slug="front-plank").pk, sets=3, duration_seconds=40, rest_seconds=60
    )
    return programs.PhaseData(
        name=name,
        weeks=4,
        focus=focus,
        workouts=[
            programs.WorkoutData(
                day=1,
                name="Squat and push",
                exercises=[
                    _lift("barbell-back-squat", sets, reps, 40),
                    _lift("barbell-bench-press", sets, reps, 30),
                    _lift("barbell-bent-over-row", sets, reps, 30, rest=90),
                    plank,
                ],
            ),
            programs.WorkoutData(
                day=4,
                name="Hinge and pull",
                exercises=[
                    _lift("conventional-deadlift", sets, (5, 5), 50, rest=180),
                    _lift("overhead-press", sets, reps, 20),
                    _lift("pull-up", sets, (5, 8), None, rest=90),
                    _lift("dumbbell-walking-lunge", 2, (10, 12), 8, rest=90),
                ],
            ),
        ],
    )


class Command(BaseCommand):
    help = "Add demo content to a studio: trainer hours, a bookable session type, a program for a client."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--studio", required=True, help="The studio's slug.")

    def handle(self, *args: Any, **options: Any) -> None:
        studio = Studio.objects.filter(slug=options["studio"]).first()
        if studio is None:
            raise CommandError(f"There is no studio {options['studio']!r}.")
        with tenant_context(studio):
            owner = User.objects.filter(role=Role.OWNER, is_active=True).order_by("pk").first()
            trainer = User.objects.filter(role=Role.TRAINER, is_active=True).order_by("pk").first()
            client = User.objects.filter(role=Role.CLIENT, is_active=True).order_by("pk").first()
            if owner is None or trainer is None or client is None:
                raise CommandError("The studio needs an owner, a trainer and a client first.")
            self._schedule(owner, trainer)
            self._program(trainer, client)
        self.stdout.write(self.style.SUCCESS(f"Demo content is in {studio.name}."))

    def _schedule(self, owner: User, trainer: User) -> None:
        if not TrainerAvailability.objects.filter(trainer=trainer).exists():
            weekdays = [
                scheduling.WeeklyHours(day, start, end)
                for day in range(5)
                for start, end in ((time(7), time(12)), (time(16), time(20)))
            ]
            saturday = scheduling.WeeklyHours(5, time(8), time(12))
            scheduling.availability_set(actor=trainer, trainer_id=trainer.pk, hours=[*weekdays, saturday])
        if not AppointmentType.objects.exists():
            scheduling.appointment_type_create(
                actor=owner,
                name="Personal training",
                description="One-to-one coaching on the gym floor.",
                duration_minutes=60,
                location="Main floor",
                buffer_after_minutes=10,
                min_notice_minutes=120,
                max_advance_days=30,
            )

    def _program(self, trainer: User, client: User) -> None:
        if ProgramTemplate.objects.filter(name=TEMPLATE_NAME).exists():
            return
        template = programs.template_create(
            actor=trainer,
            data=programs.TemplateData(
                name=TEMPLATE_NAME,
                description="Eight weeks of the big lifts: learn them, then load them.",
                phases=[
                    _phase("Foundation", "Technique and volume", 3, (8, 10)),
                    _phase("Build", "Heavier, fewer reps", 4, (6, 8)),
                ],
            ),
        )
        programs.template_assign(
            template_id=template.pk,
            client_id=client.pk,
            actor=trainer,
            assignment_type=AssignmentType.DYNAMIC_PROGRESSIVE,
        )
