"""Programs' share of a client's export and erasure: the programs assigned to them, as prescribed."""

from __future__ import annotations

from core.models import User
from core.privacy import ExportPart, erase_part, export_part, rows
from domain.programs.models import (
    ClientProgram,
    ClientProgramExercise,
    ClientProgramPhase,
    ProgressionEvent,
    SessionExercise,
    WorkoutSession,
)


@export_part("programs")
def export(client: User) -> ExportPart:
    mine = {"client_program__client": client}
    return ExportPart(
        data={
            "programs": rows(ClientProgram.objects.filter(client=client)),
            "phases": rows(ClientProgramPhase.objects.filter(**mine)),
            "exercises": rows(ClientProgramExercise.objects.filter(**mine)),
            "sessions": rows(WorkoutSession.objects.filter(**mine)),
            "session_exercises": rows(SessionExercise.objects.filter(session__client_program__client=client)),
            "progression_events": rows(ProgressionEvent.objects.filter(**mine)),
        }
    )


@erase_part("programs")
def erase(client: User) -> list[str]:
    ClientProgram.objects.filter(client=client).delete()  # phases, sessions, rules and events go with them
    return []
