"""Adherence: a day counts when energy and protein are within range; weeks count days with a plan;
missing days count against; training days use training-day targets."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine

from domain.nutrition.selectors import adherence_weeks, day_summary
from domain.nutrition.services import nutrition_settings_update
from tests.domain.nutrition.conftest import log, plan
from tests.factories.workouts import log_adhoc

pytestmark = pytest.mark.date_sensitive  # make test-instants runs it at each fixed instant

SUNDAY_EVENING = datetime.fromisoformat("2026-03-15 21:00:00+00:00")  # the studio is in Europe/London


@time_machine.travel(SUNDAY_EVENING, tick=False)
def test_weekly_adherence_over_weeks_with_missing_days(trainer, client_user):
    plan(trainer, client_user, starts_on=date(2026, 3, 4))  # a Wednesday of the first week
    for day, kcal, protein in [
        (date(2026, 3, 4), "2000", "150"),  # adherent
        (date(2026, 3, 5), "2150", "140"),  # 7.5 % over, 6.7 % under: within 10 %
        (date(2026, 3, 6), "2500", "150"),  # energy 25 % over
        (date(2026, 3, 9), "1950", "100"),  # protein a third short
        (date(2026, 3, 10), "2000", "150"),
    ]:
        log(client_user, client_user, logged_on=day, energy_kcal=kcal, protein_g=protein)
    earlier, first, second = adherence_weeks(client=client_user, weeks=3, today=date(2026, 3, 15))
    assert (earlier.days_with_plan, earlier.percent) == (0, None)  # no plan yet
    # week of 2 March: the plan covers Wed-Sun (5 days), 2 adherent; Saturday and Sunday were not logged
    assert (first.week_start, first.days_with_plan, first.days_adherent, first.percent) == (date(2026, 3, 2), 5, 2, 40)
    assert (second.days_with_plan, second.days_adherent, second.percent) == (7, 1, 14)


@time_machine.travel(SUNDAY_EVENING, tick=False)
def test_a_tighter_range_and_training_day_targets(trainer, client_user, owner):
    plan(trainer, client_user, starts_on=date(2026, 3, 1), training_energy_kcal=2400, training_carbohydrate_g=300)
    log(client_user, client_user, logged_on=date(2026, 3, 11), energy_kcal="2150", protein_g="150")
    assert day_summary(client=client_user, day=date(2026, 3, 11)).adherence.adherent  # 7.5 % within 10 %
    nutrition_settings_update(actor=owner, adherence_tolerance_percent=5)
    assert not day_summary(client=client_user, day=date(2026, 3, 11)).adherence.adherent
    log_adhoc(
        actor=client_user,
        client=client_user,
        slug="barbell-back-squat",
        sets=[(5, "100")],
        completed_at=datetime.fromisoformat("2026-03-12 18:00:00+00:00"),
    )
    log(client_user, client_user, logged_on=date(2026, 3, 12), energy_kcal="2380", protein_g="150")
    training = day_summary(client=client_user, day=date(2026, 3, 12))
    assert training.adherence.training_day
    assert training.adherence.targets["energy_kcal"] == 2400
    assert training.adherence.adherent
    assert training.remaining["energy_kcal"] == Decimal(20)
