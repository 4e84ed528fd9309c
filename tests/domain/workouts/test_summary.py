"""Weekly volume, adherence and the estimated-1RM series, computed in the database."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from core.studio_time import studio_today
from domain.workouts.selectors import personal_records, strength_series, training_weeks
from domain.workouts.services import workout_complete
from tests.factories.workouts import assign_program, log_adhoc, log_for

pytestmark = pytest.mark.date_sensitive  # make test-instants runs it at each fixed instant


def test_adherence_counts_completed_program_workouts_of_those_due_each_week(client_user, trainer):
    # given a program of two workouts a week starting next Monday, and the first three logged
    monday = studio_today() + timedelta(days=7 - studio_today().weekday())
    program = assign_program(client=client_user, actor=trainer, workouts_per_week=2, start_date=monday)
    sessions = list(program.sessions.order_by("scheduled_on"))
    for session in sessions[:3]:
        workout_complete(actor=client_user, session_id=session.pk, data=log_for(session))
    # when the weeks are summed up as seen at the end of the second week
    weeks = training_weeks(client=client_user, weeks=2, today=monday + timedelta(days=13))
    # then week one is 2 of 2 and week two 1 of 2
    assert [(w.week_start, w.due, w.completed, w.adherence) for w in weeks] == [
        (monday, 2, 2, 100),
        (monday + timedelta(days=7), 2, 1, 50),
    ]


def test_workouts_not_yet_due_do_not_lower_adherence(client_user, trainer):
    monday = studio_today() + timedelta(days=7 - studio_today().weekday())
    assign_program(client=client_user, actor=trainer, workouts_per_week=2, start_date=monday)
    # seen on the Monday: only Monday's workout is due (Wednesday's is not), and it is not done
    (week,) = training_weeks(client=client_user, weeks=1, today=monday)
    assert (week.due, week.completed, week.adherence) == (1, 0, 0)
    # and a week with nothing due has no adherence at all
    (before,) = training_weeks(client=client_user, weeks=1, today=monday - timedelta(days=1))
    assert before.adherence is None


def test_weekly_volume_adds_load_times_reps_of_every_completed_set(client_user):
    log_adhoc(actor=client_user, client=client_user, slug="barbell-back-squat", sets=[(5, "100"), (5, "100")])
    log_adhoc(actor=client_user, client=client_user, slug="barbell-bench-press", sets=[(8, "62.5"), (8, None)])
    (week,) = training_weeks(client=client_user, weeks=1)
    assert week.volume_kg == Decimal(2 * 5 * 100 + 8 * Decimal("62.5"))
    assert week.workouts == 2


def test_the_strength_series_has_the_best_estimate_of_each_day(client_user):
    log_adhoc(actor=client_user, client=client_user, slug="barbell-back-squat", sets=[(5, "100"), (1, "120")])
    (squat,) = strength_series(client=client_user)
    # 5 x 100 -> 112.50 (Brzycki); a single at 120 is 120: the day's best is 120
    assert [value for _day, value in squat.points] == [Decimal("120.00")]


def test_the_records_board_keeps_current_bests_only(client_user):
    log_adhoc(actor=client_user, client=client_user, slug="barbell-back-squat", sets=[(5, "100")])
    log_adhoc(actor=client_user, client=client_user, slug="barbell-back-squat", sets=[(8, "100"), (2, "120")])
    (squat,) = personal_records(client=client_user)
    assert squat.heaviest_load.value == Decimal(120)
    # 8 x 100 = 100 x 36/29 = 124.14 beats 2 x 120 = 120 x 36/35 = 123.43
    assert squat.best_e1rm.value == Decimal("124.14")
    assert [(r.load_kg, r.value) for r in squat.most_reps] == [(Decimal(120), 2), (Decimal(100), 8)]
