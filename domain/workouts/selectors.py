"""Reads of logged workouts: history, records, weekly volume and adherence, estimated-1RM series.

Scope is the clients app's: a completion is visible to whoever may see its client (themself, their
trainers, owners and managers); anything else is "not found". Reads by client take the client that
`domain.clients.selectors.client_in_scope(action="workouts.view")` returned (the callers' first step).
Every read here costs a fixed number of queries whatever the history's length (history pages prefetch;
charts aggregate in the database).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Prefetch, Q, QuerySet, Sum, prefetch_related_objects
from django.db.models.functions import TruncWeek
from django.utils.translation import gettext as _

from core.exceptions import NotFoundError
from core.models import User
from core.permissions import require
from core.studio_time import studio_today
from domain.clients.selectors import clients_visible_to
from domain.library.models import Exercise
from domain.programs.models import ProgramStatus, SessionExercise, SessionStatus, WorkoutSession
from domain.programs.selectors import workout_get
from domain.workouts.models import ExerciseCompletion, LoggedSet, PersonalRecord, RecordKind, WorkoutCompletion


def completions_visible_to(actor: User) -> QuerySet[WorkoutCompletion]:
    return WorkoutCompletion.objects.filter(client__in=clients_visible_to(actor))


def _detail() -> tuple[Prefetch, Prefetch]:
    exercises = ExerciseCompletion.objects.select_related("exercise").prefetch_related("sets")
    records = PersonalRecord.objects.select_related("exercise").order_by("id")
    return Prefetch("exercises", queryset=exercises), Prefetch("records", queryset=records)


def with_detail(completions: QuerySet[WorkoutCompletion]) -> QuerySet[WorkoutCompletion]:
    """Exercises (with their library exercise), sets and records: three more queries for any number of rows."""
    return completions.prefetch_related(*_detail())


def completion_get(*, actor: User, completion_id: int) -> WorkoutCompletion:
    """One logged workout with its detail, if its client is in the actor's scope. Raises
    PermissionDeniedError (403) for a role that may not view workouts, NotFoundError (404) otherwise."""
    require(actor, "workouts.view")
    completion = with_detail(completions_visible_to(actor)).filter(pk=completion_id).first()
    if completion is None:
        raise NotFoundError(_("Workout log not found."))
    return completion


def session_get(*, actor: User, session_id: int) -> WorkoutSession:
    """A scheduled workout with its exercises, if its program's client is in the actor's scope. Raises
    PermissionDeniedError (403) for a role that may not view workouts, NotFoundError (404) otherwise."""
    require(actor, "workouts.view")
    return workout_get(actor=actor, session_id=session_id)


def completion_loaded(*, completion: WorkoutCompletion) -> WorkoutCompletion:
    """The completion the writer holds (it checked who may see it), with its detail loaded for display:
    three queries; the row itself is not read again (its stored values are the ones just written)."""
    prefetch_related_objects([completion], *_detail())
    return completion


def completion_of_session(*, session_id: int) -> WorkoutCompletion | None:
    return with_detail(WorkoutCompletion.objects.filter(session_id=session_id)).first()


def workout_history(*, client: User) -> QuerySet[WorkoutCompletion]:
    """The client's logged workouts, newest first (callers check the client is visible to the asker)."""
    return with_detail(WorkoutCompletion.objects.filter(client=client))


# --- personal records -----------------------------------------------------------------------------


@dataclass
class ExerciseRecords:
    """The current bests of one exercise."""

    exercise: Exercise
    heaviest_load: PersonalRecord | None = None
    best_e1rm: PersonalRecord | None = None
    most_reps: list[PersonalRecord] = field(default_factory=list)  # heaviest load first, none dominated

    @property
    def achieved_on(self) -> date:
        dates = [r.achieved_on for r in (self.heaviest_load, self.best_e1rm, *self.most_reps) if r is not None]
        return max(dates)


def personal_records(*, client: User) -> list[ExerciseRecords]:
    """The client's current records per exercise, most recently improved first: two queries.

    Records only ever go up, so the best row of each kind is the current record.
    """
    records = PersonalRecord.objects.filter(client=client).select_related("exercise")
    by_exercise: dict[int, ExerciseRecords] = {}
    top = (
        records.exclude(kind=RecordKind.MOST_REPS)
        .order_by("exercise_id", "kind", "-value", "id")
        .distinct("exercise_id", "kind")
    )
    for record in top:
        board = by_exercise.setdefault(record.exercise_id, ExerciseRecords(record.exercise))
        setattr(board, record.kind, record)
    reps = (
        records.filter(kind=RecordKind.MOST_REPS)
        .order_by("exercise_id", "-load_kg", "-value", "id")
        .distinct("exercise_id", "load_kg")
    )
    for record in reps:  # heaviest load first: keep a load's record only if no heavier load did as many reps
        board = by_exercise.setdefault(record.exercise_id, ExerciseRecords(record.exercise))
        if all(record.value > kept.value for kept in board.most_reps):
            board.most_reps.append(record)
    return sorted(by_exercise.values(), key=lambda board: (board.achieved_on, board.exercise.name), reverse=True)


def records_recent(*, client: User, limit: int = 5) -> list[PersonalRecord]:
    """The latest records that beat an earlier best (a first log sets a baseline, not a celebration)."""
    recent = PersonalRecord.objects.filter(client=client, previous_value__isnull=False).select_related("exercise")
    return list(recent.order_by("-achieved_on", "-id")[:limit])


# --- weekly volume and adherence ----------------------------------------------------------------------


@dataclass(frozen=True)
class WeekSummary:
    week_start: date  # a Monday
    volume_kg: Decimal  # load x reps of every completed set, ad-hoc workouts included
    workouts: int  # workouts logged, ad-hoc included
    due: int  # program sessions that were due (scheduled up to today) or done early
    completed: int  # of those, completed

    @property
    def adherence(self) -> int | None:
        """Percent of due program sessions completed; None in a week with nothing due."""
        return round(100 * self.completed / self.due) if self.due else None


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def training_weeks(*, client: User, weeks: int = 12, today: date | None = None) -> list[WeekSummary]:
    """The last `weeks` calendar weeks (Monday to Sunday, the studio's dates), oldest first: two queries."""
    today = today or studio_today()
    first = week_start(today) - timedelta(weeks=weeks - 1)
    volume: dict[date, Mapping[str, Any]] = {
        row["monday"]: row
        for row in WorkoutCompletion.objects.filter(client=client, performed_on__gte=first, performed_on__lte=today)
        .annotate(monday=TruncWeek("performed_on"))
        .values("monday")
        .annotate(volume=Sum("volume_kg"), workouts=Count("id"))
    }
    sessions = WorkoutSession.objects.filter(
        client_program__client=client, scheduled_on__gte=first, scheduled_on__lte=week_start(today) + timedelta(6)
    ).exclude(client_program__status=ProgramStatus.CANCELLED)
    completed = Q(status=SessionStatus.COMPLETED)
    due: dict[date, Mapping[str, Any]] = {
        row["monday"]: row
        for row in sessions.filter(Q(scheduled_on__lte=today) | completed)
        .annotate(monday=TruncWeek("scheduled_on"))
        .values("monday")
        .annotate(due=Count("id"), completed=Count("id", filter=completed))
    }
    summaries = []
    for n in range(weeks):
        monday = first + timedelta(weeks=n)
        logged, planned = volume.get(monday, {}), due.get(monday, {})
        summaries.append(
            WeekSummary(
                week_start=monday,
                volume_kg=logged.get("volume") or Decimal(0),
                workouts=logged.get("workouts", 0),
                due=planned.get("due", 0),
                completed=planned.get("completed", 0),
            )
        )
    return summaries


# --- estimated 1RM over time -------------------------------------------------------------------------


@dataclass(frozen=True)
class LiftSeries:
    exercise_id: int
    name: str
    points: list[tuple[date, Decimal]]  # best estimated 1RM of each day the lift was done

    @property
    def best(self) -> Decimal:
        return max(value for _day, value in self.points)


def strength_series(*, client: User, lifts: int = 4, since: date | None = None) -> list[LiftSeries]:
    """The estimated-1RM curve of the client's most trained lifts (the days they were done): three queries."""
    sets = LoggedSet.objects.filter(client=client, e1rm_kg__isnull=False)
    if since is not None:
        sets = sets.filter(performed_on__gte=since)
    top = list(
        sets.values("exercise_id")
        .annotate(days=Count("performed_on", distinct=True), best=Max("e1rm_kg"))
        .order_by("-days", "-best", "exercise_id")
        .values_list("exercise_id", flat=True)[:lifts]
    )
    if not top:
        return []
    names = dict(Exercise.objects.filter(pk__in=top).values_list("pk", "name"))
    points: dict[int, list[tuple[date, Decimal]]] = {pk: [] for pk in top}
    daily = (
        sets.filter(exercise_id__in=top)
        .values("exercise_id", "performed_on")
        .annotate(best=Max("e1rm_kg"))
        .order_by("performed_on")
    )
    for row in daily:
        points[row["exercise_id"]].append((row["performed_on"], row["best"]))
    return [LiftSeries(exercise_id=pk, name=names[pk], points=points[pk]) for pk in top]


def sessions_around(*, client: User, days_back: int = 7, days_ahead: int = 7) -> QuerySet[WorkoutSession]:
    """The client's program workouts from a week ago to a week ahead (active programs), soonest first."""
    today = studio_today()
    return (
        WorkoutSession.objects.filter(
            client_program__client=client,
            client_program__status=ProgramStatus.ACTIVE,
            scheduled_on__gte=today - timedelta(days=days_back),
            scheduled_on__lte=today + timedelta(days=days_ahead),
        )
        .select_related("client_program")
        .prefetch_related(Prefetch("exercises", queryset=SessionExercise.objects.select_related("exercise")))
        .order_by("scheduled_on", "workout_position")
    )


# --- for reports (analytics): whole-studio aggregates, one grouped query each -------------------------


def compliance_by_client(*, start: date, end: date) -> dict[int, tuple[int, int]]:
    """client id -> (program sessions due, of them completed) for sessions scheduled in [start, end].

    Due: scheduled on a date in the range, in a program that is not cancelled (the same rule as
    `training_weeks`). Clients with nothing due are absent.
    """
    completed = Q(status=SessionStatus.COMPLETED)
    rows = (
        WorkoutSession.objects.filter(scheduled_on__gte=start, scheduled_on__lte=end)
        .exclude(client_program__status=ProgramStatus.CANCELLED)
        .values("client_program__client_id")
        .annotate(due=Count("id"), done=Count("id", filter=completed))
    )
    return {row["client_program__client_id"]: (row["due"], row["done"]) for row in rows}


def workouts_logged_by_client(*, start: date, end: date) -> dict[int, int]:
    """client id -> workouts logged (program or ad-hoc) with a date in [start, end]."""
    rows = (
        WorkoutCompletion.objects.filter(performed_on__gte=start, performed_on__lte=end)
        .values("client_id")
        .annotate(n=Count("id"))
    )
    return {row["client_id"]: row["n"] for row in rows}


def last_workout_by_client(*, until: date) -> dict[int, date]:
    """client id -> the latest date a workout was logged on, on or before `until`."""
    rows = (
        WorkoutCompletion.objects.filter(performed_on__lte=until).values("client_id").annotate(last=Max("performed_on"))
    )
    return {row["client_id"]: row["last"] for row in rows}
