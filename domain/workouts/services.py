"""Writes of workout logs: a scheduled session completed, or an ad-hoc workout, in one transaction.

The whole log arrives at once and is written with one bulk insert per table, or not at all. The
device that logs it sends an idempotency key (a UUID it made when the workout started); the same key
again returns the completion already written, so a retry after a lost response never duplicates.
A session also has at most one completion (a database constraint), whatever the key.

Completing a scheduled session hands the sets to the programs app (`client_program_apply_results`),
which progresses and advances DYNAMIC_PROGRESSIVE programs; STATIC programs do not move.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import AuditAction, audit_record
from core.error_codes import ErrorCode
from core.exceptions import ConflictError
from core.models import User
from core.permissions import require
from core.studio_time import studio_zone
from core.validation import FieldErrors
from domain.clients.models import UnitSystem
from domain.clients.selectors import client_in_scope
from domain.library.models import Exercise
from domain.programs.models import LoadType, SessionExercise, WorkoutSession
from domain.programs.progression import SetResult
from domain.programs.selectors import workout_get
from domain.programs.services import ExerciseResult, ResultsApplied, client_program_apply_results
from domain.progress.units import Dimension, to_metric
from domain.workouts import strength
from domain.workouts.models import (
    MAX_EXERCISES,
    MAX_LOAD_KG,
    MAX_REPS,
    MAX_RIR,
    MAX_SET_SECONDS,
    MAX_SETS_PER_EXERCISE,
    MAX_WORKOUT_MINUTES,
    ExerciseCompletion,
    LoggedSet,
    Mood,
    PersonalRecord,
    WorkoutCompletion,
)

POUND_ROUNDING_KG = Decimal("0.03")  # half a tenth of a pound (0.0227 kg), rounded up to the stored cents
CLOCK_SKEW = timedelta(minutes=10)  # phones' clocks run a little fast
OLDEST_LOG = timedelta(days=366)


@dataclass(frozen=True, kw_only=True)
class SetData:
    reps: int | None = None
    duration_seconds: int | None = None
    load: Decimal | None = None  # in the log's `load_unit`
    rpe: Decimal | None = None
    rir: int | None = None
    completed: bool = True


@dataclass(frozen=True, kw_only=True)
class ExerciseLogData:
    """A prescribed exercise of the session (`session_exercise_id`) or any library exercise (`exercise_id`)."""

    session_exercise_id: int | None = None
    exercise_id: int | None = None
    skipped: bool = False
    notes: str = ""
    sets: Sequence[SetData] = ()


@dataclass(frozen=True, kw_only=True)
class WorkoutLogData:
    idempotency_key: uuid.UUID
    exercises: Sequence[ExerciseLogData]
    name: str = ""  # ad-hoc workouts only; a session keeps its own name
    completed_at: datetime | None = None
    started_at: datetime | None = None
    duration_minutes: int | None = None
    perceived_effort: int | None = None
    mood: str = ""
    notes: str = ""
    load_unit: str = "kg"  # "kg" or "lb": what the loads above are in


@dataclass(frozen=True)
class LoggedWorkout:
    completion: WorkoutCompletion
    created: bool  # False: the same log (same idempotency key) was already written
    records: list[PersonalRecord]
    program: ResultsApplied | None


LOAD_UNITS = {"kg": UnitSystem.METRIC.value, "lb": UnitSystem.IMPERIAL.value}


# --- checking the log ----------------------------------------------------------------------------


@dataclass
class _CleanSet:
    set_number: int
    reps: int | None
    duration_seconds: int | None
    load_kg: Decimal | None
    rpe: Decimal | None
    rir: int | None
    completed: bool


@dataclass
class _CleanExercise:
    exercise_id: int
    session_exercise: SessionExercise | None
    skipped: bool
    notes: str
    sets: list[_CleanSet]


def _as_prescribed(load_kg: Decimal, prescribed: SessionExercise | None, unit_system: str) -> Decimal:
    """A load typed in pounds that reads as the prescribed load is the prescribed load.

    The logger shows 102.5 kg as 226 lb (to a tenth); 226 lb back is 102.51 kg, and 225.4 lb could come
    back 0.02 kg light, which the progression rules would count as a missed target. Within the display's
    rounding (0.05 lb) the prescribed kilograms are what the client meant.
    """
    target = prescribed.load_value if prescribed is not None and prescribed.load_type == LoadType.KG else None
    if unit_system == UnitSystem.IMPERIAL and target is not None and abs(load_kg - target) <= POUND_ROUNDING_KG:
        return target
    return load_kg


def _clean_set(
    errors: FieldErrors, path: str, number: int, data: SetData, unit_system: str, prescribed: SessionExercise | None
) -> _CleanSet:
    errors.number(f"{path}.reps", data.reps, minimum=0, maximum=MAX_REPS)
    errors.number(f"{path}.duration_seconds", data.duration_seconds, minimum=0, maximum=MAX_SET_SECONDS)
    errors.number(f"{path}.rpe", data.rpe, minimum=Decimal(1), maximum=Decimal(10))
    errors.number(f"{path}.rir", data.rir, minimum=0, maximum=MAX_RIR)
    load_kg = None
    if data.load is not None:
        load_kg = _as_prescribed(to_metric(data.load, Dimension.MASS, unit_system), prescribed, unit_system)
        if not Decimal(0) <= load_kg <= MAX_LOAD_KG:
            errors.add(f"{path}.load", _("Enter a load between 0 and 1000 kg (2204 lb)."))
    if data.completed and data.reps is None and data.duration_seconds is None:
        errors.add(f"{path}.reps", _("Enter the reps (or the time) of a completed set."))
    if data.rpe is not None and data.rpe * 2 != int(data.rpe * 2):
        errors.add(f"{path}.rpe", _("RPE goes in half steps, such as 7 or 8.5."))
    return _CleanSet(number, data.reps, data.duration_seconds, load_kg, data.rpe, data.rir, data.completed)


def _clean_exercises(
    errors: FieldErrors, data: WorkoutLogData, prescribed: dict[int, SessionExercise], unit_system: str
) -> list[_CleanExercise]:
    if not data.exercises:
        errors.add("exercises", _("Log at least one exercise."))
    if len(data.exercises) > MAX_EXERCISES:
        errors.add("exercises", _("At most %(n)d exercises in one workout.") % {"n": MAX_EXERCISES})
    library_ids = {e.exercise_id for e in data.exercises if e.exercise_id is not None}
    known = set(Exercise.objects.filter(pk__in=library_ids).values_list("pk", flat=True)) if library_ids else set()
    seen: set[int] = set()
    cleaned: list[_CleanExercise] = []
    for i, item in enumerate(data.exercises):
        path = f"exercises.{i}"
        session_exercise = None
        if (item.session_exercise_id is None) == (item.exercise_id is None):
            errors.add(path, _("Name the prescribed exercise or a library exercise, one of the two."))
            continue
        if item.session_exercise_id is not None:
            session_exercise = prescribed.get(item.session_exercise_id)
            if session_exercise is None:
                errors.add(f"{path}.session_exercise_id", _("This exercise is not part of the workout."))
                continue
            if item.session_exercise_id in seen:
                errors.add(f"{path}.session_exercise_id", _("Log each prescribed exercise once."))
            seen.add(item.session_exercise_id)
            exercise_id = session_exercise.exercise_id
        else:
            exercise_id = item.exercise_id  # type: ignore[assignment]  # an ad hoc item always names its exercise (checked above)
            if exercise_id not in known:
                errors.add(f"{path}.exercise_id", _("Choose an exercise from the library."))
        if len(item.sets) > MAX_SETS_PER_EXERCISE:
            errors.add(f"{path}.sets", _("At most %(n)d sets.") % {"n": MAX_SETS_PER_EXERCISE})
        sets = [
            _clean_set(errors, f"{path}.sets.{s}", s + 1, logged, unit_system, session_exercise)
            for s, logged in enumerate(item.sets)
        ]
        if item.skipped and any(s.completed for s in sets):
            errors.add(f"{path}.skipped", _("A skipped exercise has no completed sets."))
        if not item.skipped and not sets:
            errors.add(f"{path}.sets", _("Log the sets, or mark the exercise as skipped."))
        notes = errors.text(f"{path}.notes", item.notes, max_length=1000, required=False)
        cleaned.append(_CleanExercise(exercise_id, session_exercise, item.skipped, notes, sets))
    return cleaned


def _studio_aware(moment: datetime | None) -> datetime | None:
    """A time sent without an offset is the studio's wall-clock time (as everywhere in the API)."""
    if moment is not None and timezone.is_naive(moment):
        return timezone.make_aware(moment, studio_zone())
    return moment


def _clean_times(errors: FieldErrors, data: WorkoutLogData) -> tuple[datetime, datetime | None]:
    """(completed_at, started_at), both aware; problems go to `errors`."""
    now = timezone.now()
    completed_at = _studio_aware(data.completed_at) or now
    started_at = _studio_aware(data.started_at)
    if completed_at > now + CLOCK_SKEW:
        errors.add("completed_at", _("A workout cannot be finished in the future."))
    elif completed_at < now - OLDEST_LOG:
        errors.add("completed_at", _("Workouts older than a year cannot be logged."))
    if started_at is not None and started_at > completed_at:
        errors.add("started_at", _("A workout starts before it finishes."))
    errors.number("duration_minutes", data.duration_minutes, minimum=1, maximum=MAX_WORKOUT_MINUTES)
    errors.number("perceived_effort", data.perceived_effort, minimum=1, maximum=10)
    if data.mood:
        errors.choice("mood", data.mood, Mood)
    if data.load_unit not in LOAD_UNITS:
        errors.add("load_unit", _("Give loads in kg or lb."))
    return completed_at, started_at


# --- writing it ----------------------------------------------------------------------------------


def _prior_bests(client: User, exercise_ids: set[int]) -> dict[int, strength.Bests]:
    """Each exercise's bests before this workout: two aggregate queries, whatever the history's length."""
    bests: dict[int, strength.Bests] = defaultdict(strength.Bests)
    if not exercise_ids:
        return bests
    done = LoggedSet.objects.filter(client=client, exercise_id__in=exercise_ids, completed=True, reps__gt=0)
    for row in done.filter(load_kg__gt=0).values("exercise_id").annotate(load=Max("load_kg"), e1rm=Max("e1rm_kg")):
        bests[row["exercise_id"]].heaviest_load = row["load"]
        bests[row["exercise_id"]].best_e1rm = row["e1rm"]
    for by_load in done.values("exercise_id", "load_kg").annotate(reps=Max("reps")):
        bests[by_load["exercise_id"]].reps_by_load[by_load["load_kg"] or Decimal(0)] = by_load["reps"]
    return bests


def _detect_records(
    client: User, completion: WorkoutCompletion, sets: list[LoggedSet], bests: dict[int, strength.Bests]
) -> list[PersonalRecord]:
    """Records these sets set against `bests` (read before they were inserted)."""
    by_exercise: dict[int, list[LoggedSet]] = defaultdict(list)
    for logged in sets:
        if logged.completed and logged.reps:
            by_exercise[logged.exercise_id].append(logged)
    records: list[PersonalRecord] = []
    for exercise_id, exercise_sets in by_exercise.items():
        candidates = [strength.SetDone(i, s.reps or 0, s.load_kg or Decimal(0)) for i, s in enumerate(exercise_sets)]
        for found in strength.records_in(candidates, bests[exercise_id]):
            records.append(
                PersonalRecord(
                    client=client,
                    exercise_id=exercise_id,
                    kind=found.kind,
                    value=found.value,
                    previous_value=found.previous,
                    load_kg=found.load_kg,
                    reps=found.reps,
                    logged_set=exercise_sets[found.ref],
                    completion=completion,
                    achieved_on=completion.performed_on,
                )
            )
    return PersonalRecord.objects.bulk_create(records)


def _write(
    *,
    client: User,
    actor: User,
    data: WorkoutLogData,
    completed_at: datetime,
    started_at: datetime | None,
    exercises: list[_CleanExercise],
    session: WorkoutSession | None,
) -> tuple[WorkoutCompletion, list[PersonalRecord]]:
    """Insert the completion, its exercises, sets and records: four inserts however long the workout
    (plus two aggregate reads of the bests so far, taken before this workout's sets exist)."""
    performed_on = completed_at.astimezone(studio_zone()).date()
    sets_done = [s for e in exercises for s in e.sets if s.completed]
    bests = _prior_bests(client, {item.exercise_id for item in exercises if any(s.completed for s in item.sets)})
    completion = WorkoutCompletion.objects.create(
        client=client,
        session=session,
        client_program_id=session.client_program_id if session else None,
        idempotency_key=data.idempotency_key,
        logged_by=actor,
        name=session.name if session else data.name.strip(),
        performed_on=performed_on,
        started_at=started_at,
        completed_at=completed_at,
        duration_minutes=data.duration_minutes,
        perceived_effort=data.perceived_effort,
        mood=data.mood,
        notes=data.notes.strip(),
        volume_kg=sum(((s.load_kg or 0) * (s.reps or 0) for s in sets_done), Decimal(0)),
        sets_completed=len(sets_done),
    )
    rows = ExerciseCompletion.objects.bulk_create(
        ExerciseCompletion(
            completion=completion,
            session_exercise=item.session_exercise,
            exercise_id=item.exercise_id,
            position=position,
            skipped=item.skipped,
            notes=item.notes,
        )
        for position, item in enumerate(exercises, start=1)
    )
    sets = LoggedSet.objects.bulk_create(
        LoggedSet(
            exercise_completion=row,
            client=client,
            exercise_id=item.exercise_id,
            performed_on=performed_on,
            set_number=logged.set_number,
            reps=logged.reps,
            duration_seconds=logged.duration_seconds,
            load_kg=logged.load_kg,
            rpe=logged.rpe,
            rir=logged.rir,
            completed=logged.completed,
            e1rm_kg=strength.estimated_1rm(logged.load_kg, logged.reps) if logged.completed else None,
        )
        for row, item in zip(rows, exercises, strict=True)
        for logged in item.sets
    )
    return completion, _detect_records(client, completion, sets, bests)


def _replay(client: User, data: WorkoutLogData, session: WorkoutSession | None) -> LoggedWorkout | None:
    """The completion this key already wrote (same workout), or None; another workout's key is refused."""
    existing = WorkoutCompletion.objects.filter(client=client, idempotency_key=data.idempotency_key).first()
    if existing is None:
        return None
    if existing.session_id != (session.pk if session else None):
        raise ConflictError(
            _("This idempotency key was already used for another workout."), code=ErrorCode.IDEMPOTENCY_KEY_REUSED
        )
    return LoggedWorkout(existing, created=False, records=list(existing.records.all()), program=None)


def _replay_or_conflict(
    client: User, data: WorkoutLogData, session: WorkoutSession | None, errors: FieldErrors | None = None
) -> LoggedWorkout | None:
    """The log this key already wrote; else ConflictError when the session is logged already; else the
    body's `errors` (ValidationError), if any. None: a new log may be written."""
    replayed = _replay(client, data, session)
    if replayed is not None:
        return replayed
    if session is not None and WorkoutCompletion.objects.filter(session=session).exists():
        raise ConflictError(_("This workout has already been logged."), code=ErrorCode.WORKOUT_ALREADY_LOGGED)
    if errors is not None:
        errors.raise_if_any(code=ErrorCode.WORKOUT_LOG_INVALID)
    return None


def _log(
    *, client: User, actor: User, data: WorkoutLogData, session: WorkoutSession | None
) -> tuple[LoggedWorkout, list[_CleanExercise]]:
    """Shared by both kinds of log: check everything, then write, under a lock on the client's row.

    The lock serialises one client's logs, so a retry racing its original finds the first one's row. The
    body is checked before the lock (it depends on nothing the lock guards), so a client's logs wait for
    each other only while the key, the bests and the writes are handled; a body with errors is still
    answered as before: the log this key already wrote (200), then a session logged already (409), then 400.
    """
    errors = FieldErrors()
    completed_at, started_at = _clean_times(errors, data)
    prescribed = {item.pk: item for item in session.exercises.all()} if session else {}
    exercises = _clean_exercises(errors, data, prescribed, LOAD_UNITS.get(data.load_unit, UnitSystem.METRIC))
    if session is None:
        errors.text("name", data.name, max_length=120)
    errors.text("notes", data.notes, max_length=2000, required=False)
    if errors:  # a replay, or it raises
        replayed = _replay_or_conflict(client, data, session, errors)
        if replayed is not None:
            return replayed, []
    User.objects.select_for_update().filter(pk=client.pk).values_list("pk", flat=True).first()
    replayed = _replay_or_conflict(client, data, session)
    if replayed is not None:
        return replayed, []
    try:  # no savepoint: the caller's transaction (both callers are atomic) rolls back with the 409
        completion, records = _write(
            client=client,
            actor=actor,
            data=data,
            completed_at=completed_at,
            started_at=started_at,
            exercises=exercises,
            session=session,
        )
    except IntegrityError as exc:  # the constraints behind the checks above; nothing was written
        raise ConflictError(_("This workout has already been logged."), code=ErrorCode.WORKOUT_ALREADY_LOGGED) from exc
    audit_record(
        actor=actor, action=AuditAction.WORKOUT_LOG, target=completion, client_id=client.pk, on_behalf=actor != client
    )
    return LoggedWorkout(completion, created=True, records=records, program=None), exercises


@transaction.atomic
def workout_complete(*, actor: User, session_id: int, data: WorkoutLogData) -> LoggedWorkout:
    """Log a scheduled session (by the client, or by staff who may see the client) and drive the program.

    Raises PermissionDeniedError (403) for a role that may not log, NotFoundError (404) for a session
    outside the actor's scope (or another studio's id), ValidationError / ConflictError for the log."""
    require(actor, "workouts.log")
    visible = workout_get(actor=actor, session_id=session_id)  # NotFoundError outside the actor's scope
    require(actor, "workouts.log", visible.client_program)
    session = WorkoutSession.objects.select_related("client_program__client").get(pk=visible.pk)
    client = session.client_program.client
    logged, exercises = _log(client=client, actor=actor, data=data, session=session)
    if not logged.created:
        return logged
    results = [
        ExerciseResult(
            session_exercise_id=item.session_exercise.pk,
            sets=[
                SetResult(reps=s.reps, duration_seconds=s.duration_seconds, load_kg=s.load_kg, completed=s.completed)
                for s in item.sets
            ],
        )
        for item in exercises
        if item.session_exercise is not None and not item.skipped
    ]
    applied = client_program_apply_results(
        client_program_id=session.client_program_id,
        session_id=session.pk,
        results=results,
        completed_at=logged.completion.completed_at,
    )
    return LoggedWorkout(logged.completion, created=True, records=logged.records, program=applied)


@transaction.atomic
def workout_log_adhoc(*, actor: User, client_id: int, data: WorkoutLogData) -> LoggedWorkout:
    """Log a workout outside any program (a class, a hotel gym session): records and volume, no program.

    Raises PermissionDeniedError (403) for a role that may not log, NotFoundError (404) for a client
    outside the actor's scope (or another studio's id), ValidationError / ConflictError for the log."""
    client = client_in_scope(actor=actor, client_id=client_id, action="workouts.log")
    logged, _exercises = _log(client=client, actor=actor, data=data, session=None)
    return logged
