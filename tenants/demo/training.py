"""Training history: one program per client from seven weeks ago, its past sessions logged (so loads
progress and personal records fall), weekly check-ins with measurements, and consented progress photos.
"""

from __future__ import annotations

import io
import uuid
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from core.models import User
from domain.library.models import Exercise
from domain.programs import services as programs
from domain.programs.models import AssignmentType, ClientProgram, LoadType, ProgramTemplate, SessionExercise
from domain.progress import services as progress
from domain.progress.models import ProgressEntry, ProgressPhoto
from domain.workouts import services as workouts
from domain.workouts.models import WorkoutCompletion
from tenants.demo.clock import Calendar, at
from tenants.demo.people import Cast

TEMPLATE_NAME = "Strength foundations"
KEYS = uuid.UUID("6f1d0c55-18de-4a11-9e0c-5d3a9b1f0e18")  # namespace of the demo's idempotency keys


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


def template_ensure(*, trainer: User) -> ProgramTemplate:
    """The demo's eight-week template, made once by the first trainer."""
    template = ProgramTemplate.objects.filter(name=TEMPLATE_NAME).first()
    if template is not None:
        return template
    return programs.template_create(
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


def programs_assign(*, cast: Cast, calendar: Calendar) -> None:
    """Every client without a program gets the template from the Monday seven weeks ago (week 8 is now;
    with a shorter history, from the week after it starts)."""
    template = template_ensure(trainer=cast.trainers[0])
    start = calendar.first + timedelta(weeks=1 if calendar.weeks > 1 else 0)
    for client in cast.clients:
        if ClientProgram.objects.filter(client=client).exists():
            continue
        trainer = cast.trainer_of(client)
        with at(calendar.moment(start - timedelta(days=3), 11)):
            programs.template_assign(
                template_id=template.pk,
                client_id=client.pk,
                actor=trainer,
                assignment_type=AssignmentType.DYNAMIC_PROGRESSIVE,
                start_date=start,
            )


def _set(item: SessionExercise, strong: bool) -> workouts.SetData:
    if item.duration_seconds:
        return workouts.SetData(duration_seconds=item.duration_seconds + (5 if strong else 0))
    reps = (item.reps_max if strong else item.reps_min) or 8
    load = item.load_value if item.load_type == LoadType.KG else None
    return workouts.SetData(reps=reps, load=load, rpe=Decimal(8 if strong else 9))


def workouts_log(*, cast: Cast, calendar: Calendar) -> None:
    """Log each client's past sessions (about one in eight missed) the evening they were due.

    Logged as the client through `workout_complete`, so the program progresses from each result and
    the personal records are the ones the workout logger would have announced.
    """
    for position, client in enumerate(cast.clients):
        if WorkoutCompletion.objects.filter(client=client).exists():
            continue
        program = ClientProgram.objects.filter(client=client).order_by("pk").first()
        if program is None:
            continue
        for session in program.sessions.filter(scheduled_on__lt=calendar.today).order_by("scheduled_on"):
            if calendar.rng.random() < 0.12:
                continue
            finished = calendar.moment(session.scheduled_on, 18 + position % 3, 50)
            with at(finished):
                items = SessionExercise.objects.filter(session=session).order_by("position")
                strong = calendar.rng.random() < 0.8
                data = workouts.WorkoutLogData(
                    idempotency_key=uuid.uuid5(KEYS, f"workout-{session.pk}"),
                    started_at=finished - timedelta(minutes=55),
                    completed_at=finished,
                    perceived_effort=7 if strong else 8,
                    mood="great" if strong else "okay",
                    exercises=[
                        workouts.ExerciseLogData(session_exercise_id=item.pk, sets=[_set(item, strong)] * item.sets)
                        for item in items
                    ],
                )
                workouts.workout_complete(actor=client, session_id=session.pk, data=data)


def _photo(shade: int, waist: int) -> SimpleUploadedFile:
    """A small stand-in progress photo (a figure on a plain wall), made with Pillow."""
    image = Image.new("RGB", (240, 320), (226, 232, 240))
    draw = ImageDraw.Draw(image)
    draw.ellipse((95, 30, 145, 80), fill=(shade, shade - 30, shade - 60))
    draw.rounded_rectangle((120 - waist, 85, 120 + waist, 220), radius=18, fill=(40, 90, 160))
    draw.rectangle((100, 220, 140, 300), fill=(30, 40, 60))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


def checkins_record(*, cast: Cast, calendar: Calendar) -> None:
    """A Sunday check-in per client per week (weight, waist, body fat trending), and front photos at the
    start and end for every fourth client, who consented to them."""
    sundays = [calendar.first + timedelta(days=6 + 7 * week) for week in range(calendar.weeks)]
    sundays = [day for day in sundays if day < calendar.today]
    for position, client in enumerate(cast.clients):
        if ProgressEntry.objects.filter(client=client).exists():
            continue
        trainer = cast.trainer_of(client)
        weight = Decimal(58 + (position * 3) % 35)
        waist = Decimal(70 + (position * 2) % 25)
        for week, sunday in enumerate(sundays):
            drift = Decimal(week) * Decimal("0.4")
            with at(calendar.moment(sunday, 9, 30)):
                progress.progress_entry_record(
                    actor=client if week % 2 else trainer,
                    client_id=client.pk,
                    data=progress.ProgressEntryData(
                        recorded_on=sunday,
                        measurements=[
                            progress.ValueData(type="body_weight", value=weight - drift),
                            progress.ValueData(type="waist", value=waist - drift),
                            progress.ValueData(type="body_fat", value=Decimal(24 + position % 8) - drift / 2),
                        ],
                    ),
                )
        if position % 4 == 0 and sundays:
            _photos(client=client, trainer=trainer, calendar=calendar, days=(sundays[0], sundays[-1]))


def _photos(*, client: User, trainer: User, calendar: Calendar, days: tuple[date, date]) -> None:
    if ProgressPhoto.objects.filter(entry__client=client).exists():
        return
    for index, day in enumerate(days):
        with at(calendar.moment(day, 9, 40)):
            progress.progress_photo_upload(
                actor=trainer,
                client_id=client.pk,
                pose="front",
                image=_photo(shade=200, waist=34 - 4 * index),
                consent=True,
                taken_on=day,
            )
