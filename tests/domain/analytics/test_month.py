"""Every business metric against a hand-built month (May 2026) of a small studio, answers worked by hand."""

from __future__ import annotations

import io
from datetime import date, time

import pytest
from django.core.management import CommandError, call_command

from billing.payments.models import Payment, Refund
from domain.analytics import selectors, services
from domain.analytics.models import BusinessMetric, NpsResponse, SessionRating
from domain.scheduling.models import Appointment, GroupSession, SessionParticipant
from tests.factories.analytics import at, invoice, membership, pause
from tests.factories.core import ClientFactory, ManagerFactory, TrainerFactory
from tests.factories.scheduling import AppointmentFactory, AvailabilityFactory, GroupSessionFactory

MAY = date(2026, 5, 1), date(2026, 5, 31)
FRIDAY = date(2026, 5, 15)
# The days the tests look at (computing all 32 would only slow the suite): the summary reads what is stored.
COMPUTED = [date(2026, 4, 30)] + [date(2026, 5, d) for d in (1, 4, 15, 20, 25, 31)]


@pytest.fixture
def month(tenant, clock):
    """Five members, a day of classes and 1:1 sessions, a day of sales; May computed day by day."""
    clock.move_to(at(date(2026, 6, 1), 6))
    a, b, c, d, e = (ClientFactory() for _ in range(5))
    membership(a, started=date(2026, 4, 15), price=5000)  # all month
    membership(b, started=date(2026, 5, 4), price=1200, period="week", name="Weekly")  # new on the 4th
    membership(c, started=date(2026, 3, 1), price=6000, cancelled=date(2026, 5, 20))  # leaves on the 20th
    sub_d = membership(
        d, started=date(2026, 2, 10), price=4000, cancelled=date(2026, 5, 25), past_due_since=date(2026, 5, 10)
    )  # renewal unpaid from the 10th, ended on the 25th
    invoice(d, 4000, issued=at(date(2026, 5, 10), 8), voided=at(date(2026, 5, 25), 18), subscription=sub_d)
    sub_e = membership(e, started=date(2026, 5, 1), price=5000)  # new on the 1st, frozen 12th-18th
    pause(sub_e, date(2026, 5, 12), date(2026, 5, 19))
    # a fee paid on the 4th (no package) and a refund of 200 that day
    fee = invoice(a, 500, issued=at(date(2026, 5, 4), 8), paid=at(date(2026, 5, 4), 10))
    payment = Payment.objects.create(
        invoice=fee,
        client=a,
        amount=500,
        currency="USD",
        method="cash",
        status="succeeded",
        succeeded_at=at(date(2026, 5, 4), 10),
    )
    Refund.objects.create(payment=payment, amount=200, created_at=at(date(2026, 5, 4), 11))
    # Friday 15th: trainer T works 09:00-17:00; two 1:1 sessions (one a no-show), one cancelled; two classes
    trainer = TrainerFactory()
    AvailabilityFactory(trainer=trainer, weekday=4, start_time=time(9), end_time=time(17))
    done = AppointmentFactory(
        trainer=trainer, client=a, starts_at=at(FRIDAY, 12), ends_at=at(FRIDAY, 13), status=Appointment.Status.COMPLETED
    )
    AppointmentFactory(
        trainer=trainer, client=b, starts_at=at(FRIDAY, 14), ends_at=at(FRIDAY, 15), status=Appointment.Status.NO_SHOW
    )
    AppointmentFactory(
        trainer=trainer,
        client=b,
        starts_at=at(FRIDAY, 15),
        ends_at=at(FRIDAY, 16),
        status=Appointment.Status.CANCELLED,
        cancelled_at=at(FRIDAY, 9),
        is_late_cancellation=True,
    )
    yoga = GroupSessionFactory(
        instructor=trainer, capacity=10, starts_at=at(FRIDAY, 10), ends_at=at(FRIDAY, 10, 45), class_type__name="Yoga"
    )
    other = GroupSessionFactory(capacity=6, starts_at=at(FRIDAY, 18), ends_at=at(FRIDAY, 19))
    GroupSessionFactory(
        capacity=8,
        starts_at=at(FRIDAY, 7),
        ends_at=at(FRIDAY, 8),
        status=GroupSession.Status.CANCELLED,
        cancelled_at=at(FRIDAY, 6),
    )
    statuses = {yoga: ["attended"] * 5 + ["no_show"] * 2 + ["cancelled"], other: ["attended"] * 3}
    seats = []
    for session, marks in statuses.items():
        for mark in marks:
            seats.append(
                SessionParticipant.objects.create(
                    session=session,
                    client=ClientFactory(),
                    status=mark,
                    registered_at=at(date(2026, 5, 1)),
                    cancelled_at=at(FRIDAY, 6) if mark == "cancelled" else None,
                )
            )
    # satisfaction: the 1:1 session rated 4, a Yoga seat 5; NPS in May: 10 (promoter) and 5 (detractor)
    clock.move_to(at(FRIDAY, 20))  # rated that evening (a session is rateable for 14 days)
    services.session_rate(actor=a, score=4, appointment_id=done.pk)
    services.session_rate(actor=seats[0].client, score=5, participant_id=seats[0].pk)
    clock.move_to(at(date(2026, 6, 1), 6))
    for client, score in ((a, 10), (b, 5)):
        NpsResponse.objects.create(
            client=client, month=date(2026, 5, 1), score=score, answered_on=FRIDAY, created_at=at(FRIDAY)
        )
    for day in COMPUTED:
        services.day_compute(day=day)
    return {"trainer": trainer, "manager": ManagerFactory()}


def row(day: int) -> BusinessMetric:
    return BusinessMetric.objects.get(day=date(2026, 5, day))


def test_active_members_and_mrr_follow_the_definition(month):
    # the 15th: a, b and c are active; d is past due (renewal unpaid since the 10th); e is frozen
    assert row(15).active_members == 3
    # MRR: 5000 + 1200 x 52 ÷ 12 (= 5200) + 6000
    assert row(15).mrr_amount == 16200
    # the 31st: a, b and e (back from the freeze); c and d have gone
    assert row(31).active_members == 3
    assert row(31).mrr_amount == 5000 + 5200 + 5000


def test_new_and_churned_members_voluntary_and_involuntary_apart(month):
    assert (row(1).new_members, row(4).new_members, row(15).new_members) == (1, 1, 0)
    assert (row(20).churned_voluntary, row(20).churned_involuntary) == (1, 0)
    assert (row(25).churned_voluntary, row(25).churned_involuntary) == (0, 1)


def test_revenue_by_package_and_refunds(month):
    # the 4th: b's first week (1200, "Weekly") and a's fee (500, no package); 200 refunded
    assert row(4).revenue_amount == 1700
    assert row(4).revenue_by_package == {"Weekly": 1200, "": 500}
    assert row(4).refunds_amount == 200


def test_month_summary_attrition_arpm_and_cohorts(month):
    summary = selectors.studio_summary(actor=month["manager"], start=MAY[0], end=MAY[1])
    # active on 30 April: a, c, d = 3; on 31 May: 3. Two losses ÷ 3 = 66.7 %
    assert (summary.active_start, summary.active_end, summary.churned) == (3, 3, 2)
    assert summary.attrition == 66.7
    # revenue net: paid in May 1200 (b) + 5000 (e) + 500 (fee) - 200 refunded = 6500
    assert summary.revenue_net == 6500
    # ARPM: 6500 / the average active members of the stored May days: 1st a c d e, 4th + b, 15th a b c,
    # 20th / 25th / 31st a b e -> (4 + 5 + 3 + 3 + 3 + 3) / 6 = 3.5 -> 1857.14
    assert summary.days == 6
    assert summary.arpm_amount == 1857
    # cohorts on the 31st: Feb (d) gone, Mar (c) gone, Apr (a) active, May (b, e) both active
    assert row(31).cohorts == {"2026-02": [1, 0], "2026-03": [1, 0], "2026-04": [1, 1], "2026-05": [2, 2]}


def test_class_and_trainer_utilisation(month):
    friday = row(15)
    # classes held: 10 + 6 seats (the cancelled one does not count); 8 check-ins, 2 no-shows
    assert (friday.class_sessions, friday.class_capacity, friday.class_checkins, friday.class_no_shows) == (2, 16, 8, 2)
    summary = selectors.studio_summary(actor=month["manager"], start=FRIDAY, end=FRIDAY)
    assert summary.class_utilisation == 50.0  # 8 ÷ 16
    assert summary.class_utilisation_booked == 62.5  # (8 + 2) ÷ 16
    # trainer: 480 minutes available; booked 60 + 60 (no-show still booked) + 45 taught = 165
    mine = selectors.trainer_summary(actor=month["trainer"], trainer_id=month["trainer"].pk, start=FRIDAY, end=FRIDAY)
    assert (mine.booked_minutes, mine.available_minutes, mine.utilisation) == (165, 480, 34.4)


def test_satisfaction_ratings_and_nps(month):
    summary = selectors.studio_summary(actor=month["manager"], start=MAY[0], end=MAY[1])
    assert (summary.ratings, summary.rating_average) == (2, 4.5)
    assert (summary.nps_responses, summary.nps) == (2, 0)  # 50 % promoters - 50 % detractors
    by_type = selectors.ratings_by(actor=month["manager"], start=MAY[0], end=MAY[1], by="class_type")
    assert [(g.label, g.ratings, g.average) for g in by_type] == [("Yoga", 1, 5.0)]
    assert SessionRating.objects.filter(trainer=month["trainer"]).count() == 2


def test_recomputing_a_day_replaces_it(month):
    before = BusinessMetric.objects.count()
    services.day_compute(day=FRIDAY)
    assert BusinessMetric.objects.count() == before
    assert row(15).active_members == 3


def test_the_backfill_command_recomputes_a_range(tenant, clock):
    clock.move_to(at(date(2026, 6, 1), 6))
    membership(ClientFactory(), started=date(2026, 5, 2), price=5000)
    out = io.StringIO()

    call_command("analytics_backfill", tenant.schema_name, "2026-05-01", "2026-05-03", stdout=out)

    assert [row.active_members for row in BusinessMetric.objects.order_by("day")] == [0, 1, 1]
    assert out.getvalue().splitlines()[0].startswith("2026-05-01")
    with pytest.raises(CommandError):
        call_command("analytics_backfill", tenant.schema_name, "2026-05-03", "2026-05-01")
