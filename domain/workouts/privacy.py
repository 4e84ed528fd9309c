"""Workouts' share of a client's export and erasure: logged workouts, sets and personal records."""

from __future__ import annotations

from core.models import User
from core.privacy import ExportPart, erase_part, export_part, rows
from domain.workouts.models import ExerciseCompletion, LoggedSet, PersonalRecord, WorkoutCompletion


@export_part("workouts")
def export(client: User) -> ExportPart:
    return ExportPart(
        data={
            "workouts": rows(WorkoutCompletion.objects.filter(client=client)),
            "exercises": rows(ExerciseCompletion.objects.filter(completion__client=client)),
            "sets": rows(LoggedSet.objects.filter(client=client)),
            "personal_records": rows(PersonalRecord.objects.filter(client=client)),
        }
    )


@erase_part("workouts")
def erase(client: User) -> list[str]:
    PersonalRecord.objects.filter(client=client).delete()
    WorkoutCompletion.objects.filter(client=client).delete()  # exercises and sets go with them
    LoggedSet.objects.filter(client=client).delete()
    return []
