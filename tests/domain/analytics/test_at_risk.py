"""At-risk flags: set for each reason under the studio's thresholds, the trainer told once, cleared when the
client is back."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.analytics import services
from domain.analytics.engagement import settings_get
from domain.analytics.models import AtRiskFlag, BusinessMetric, ClientEngagement, TrainerMetric
from domain.analytics.tasks import days_compute
from domain.messaging.models import Notification
from domain.programs.models import WorkoutSession
from domain.scheduling.models import Appointment
from tests.factories.analytics import at, membership, sessions_due, workout_logged
from tests.factories.clients import ClientTrainerFactory
from tests.factories.core import ClientFactory, TrainerFactory
from tests.factories.scheduling import AppointmentFactory

TODAY = date(2026, 6, 10)


def open_reasons(client) -> set[str]:
    return set(AtRiskFlag.objects.filter(client=client, cleared_at__isnull=True).values_list("reason", flat=True))


@pytest.fixture
def people(tenant, clock):
    clock.move_to(at(TODAY, 20))
    joined = at(TODAY - timedelta(days=40), 9)
    slipping, idle, lapsed, fine = (ClientFactory(date_joined=joined) for _ in range(4))
    trainer = TrainerFactory()
    ClientTrainerFactory(client=slipping, trainer=trainer, is_primary=True)
    # slipping: every session done for four weeks, then 1 of the 3 due in the last 7 complete days (33 %
    # against 100 %); today's session is not done yet (the day is not over: it does not count for the flag)
    before = {TODAY - timedelta(days=n): True for n in range(8, 34, 3)}
    recent = {TODAY - timedelta(days=n): n == 6 for n in (0, 2, 4, 6)}
    sessions_due(slipping, before | recent)
    # idle has logged nothing for 40 days; lapsed's membership ended on 1 June; fine trains and visits
    membership(lapsed, started=date(2026, 1, 5), price=5000, cancelled=date(2026, 6, 1))
    for person in (slipping, lapsed, fine):
        workout_logged(person, TODAY - timedelta(days=1))
    return {"slipping": slipping, "idle": idle, "lapsed": lapsed, "fine": fine, "trainer": trainer}


def test_each_reason_sets_a_flag_and_the_trainer_is_told_once(people):
    result = services.day_compute(day=TODAY, flags=True)

    assert open_reasons(people["slipping"]) == {"compliance_drop"}
    assert open_reasons(people["idle"]) == {"inactive"}
    assert open_reasons(people["lapsed"]) == {"membership_lapsed"}
    assert open_reasons(people["fine"]) == set()
    row = ClientEngagement.objects.get(client=people["slipping"], day=TODAY)
    assert (row.workouts_due, row.compliance_7d, row.workouts_logged) == (1, 25, 0)

    flag = AtRiskFlag.objects.get(client=people["slipping"])
    assert flag.pk in result.flags_opened
    assert services.flag_notify(flag_id=flag.pk) is True
    assert services.flag_notify(flag_id=flag.pk) is False  # once
    told = Notification.objects.filter(user=people["trainer"], kind="analytics.at_risk")
    assert told.count() == 1
    assert "33%" in told.get().body
    # a re-run of the day opens nothing new
    assert services.day_compute(day=TODAY, flags=True).flags_opened == []


def test_flags_clear_themselves_when_the_client_is_back(people):
    services.day_compute(day=TODAY, flags=True)
    # slipping completes the rest of the week, idle comes to a session, lapsed buys a membership again
    WorkoutSession.objects.filter(client_program__client=people["slipping"]).update(
        status="completed", completed_at=at(TODAY, 19)
    )
    AppointmentFactory(
        client=people["idle"], starts_at=at(TODAY, 7), ends_at=at(TODAY, 8), status=Appointment.Status.COMPLETED
    )
    membership(people["lapsed"], started=TODAY, price=5000)

    services.day_compute(day=TODAY, flags=True)

    for name in ("slipping", "idle", "lapsed"):
        assert open_reasons(people[name]) == set(), name
    assert AtRiskFlag.objects.filter(cleared_on=TODAY).count() == 3


def test_the_studio_sets_the_thresholds(people):
    settings = settings_get()
    settings.inactive_days, settings.compliance_drop_points = 60, 80
    settings.save()

    services.day_compute(day=TODAY, flags=True)

    assert open_reasons(people["idle"]) == set()  # 40 days idle < 60
    assert open_reasons(people["slipping"]) == set()  # a 67-point drop < 80


def test_the_task_computes_yesterday_and_today_and_a_rerun_changes_nothing(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        days_compute.delay(day=TODAY.isoformat())
    first = (
        ClientEngagement.objects.count(),
        BusinessMetric.objects.count(),
        TrainerMetric.objects.count(),
        AtRiskFlag.objects.count(),
    )
    days_compute.delay(day=TODAY.isoformat())

    assert first == (8, 2, 2, 3)  # 4 clients x 2 days, 2 studio days, the trainer's 2 days, 3 flags
    assert (
        ClientEngagement.objects.count(),
        BusinessMetric.objects.count(),
        TrainerMetric.objects.count(),
        AtRiskFlag.objects.count(),
    ) == first
    # told after commit: the slipping client's trainer; the others have no trainer, so the owner
    assert Notification.objects.filter(kind="analytics.at_risk", user=people["trainer"]).count() == 1
    assert Notification.objects.filter(kind="analytics.at_risk").count() == 3
