"""What each automation trigger matches: (client id, occurrence, when it happened, template variables).

Reads the other areas' tables directly (workouts, scheduling, clients, videos, studio commerce) for active
clients only. `occurrence` names one happening ("appointment-12", "2026" for a birthday, "after-20261101"
for a lapse that began after the workout of 1 November), so an automation that acts "every time" acts once
per happening; `at` is when it happened (for a lapse: when it reached N days), against which the delay,
the local sending hour and "no backfill" are measured.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db.models import Max, Min, Q
from django.utils import timezone

from core.models import Role, User
from core.studio_time import studio_clock, studio_time_text, studio_today, studio_zone
from domain.messaging.models import Automation, Trigger


@dataclass(frozen=True)
class Match:
    client_id: int
    occurrence: str
    at: datetime
    context: dict[str, str] = field(default_factory=dict)


def _when(moment: datetime) -> str:
    with studio_clock():
        return studio_time_text(moment)


def _clients() -> set[int]:
    return set(User.objects.filter(role=Role.CLIENT, is_active=True).values_list("pk", flat=True))


def _welcome(automation: Automation, now: datetime) -> Iterator[Match]:
    for pk, joined in User.objects.filter(role=Role.CLIENT, is_active=True).values_list("pk", "date_joined"):
        yield Match(pk, "joined", joined)


def _first_workout(automation: Automation, now: datetime) -> Iterator[Match]:
    from domain.workouts.models import WorkoutCompletion

    for row in WorkoutCompletion.objects.values("client_id").annotate(first=Min("completed_at")):
        yield Match(row["client_id"], "first", row["first"])


def _lapse(last_by_client: dict[int, datetime], days: int, now: datetime) -> Iterator[Match]:
    for client_id, last in last_by_client.items():
        reached = last + timedelta(days=days)
        if reached <= now:
            yield Match(client_id, f"after-{last:%Y%m%d%H%M}", reached, {"days": str(days)})


def _no_workout(automation: Automation, now: datetime) -> Iterator[Match]:
    from domain.workouts.models import WorkoutCompletion

    rows = WorkoutCompletion.objects.values("client_id").annotate(last=Max("completed_at"))
    yield from _lapse({row["client_id"]: row["last"] for row in rows}, automation.days, now)


def _no_visit(automation: Automation, now: datetime) -> Iterator[Match]:
    from domain.scheduling.models import Appointment, SessionParticipant

    last: dict[int, datetime] = {}
    visits = Appointment.objects.filter(status=Appointment.Status.COMPLETED, starts_at__lte=now)
    for row in visits.values("client_id").annotate(last=Max("starts_at")):
        last[row["client_id"]] = row["last"]
    attended = SessionParticipant.objects.filter(status=SessionParticipant.Status.ATTENDED)
    for row in attended.values("client_id").annotate(last=Max("session__starts_at")):
        last[row["client_id"]] = max(row["last"], last.get(row["client_id"], row["last"]))
    yield from _lapse(last, automation.days, now)


def _missed_session(automation: Automation, now: datetime) -> Iterator[Match]:
    from domain.scheduling.models import Appointment, SessionParticipant

    missed = Appointment.objects.filter(status=Appointment.Status.NO_SHOW).select_related("appointment_type")
    for appointment in missed:
        yield Match(appointment.client_id, f"appointment-{appointment.pk}", appointment.starts_at,
                    {"what": appointment.appointment_type.name, "starts_at": _when(appointment.starts_at)})  # fmt: skip
    no_shows = SessionParticipant.objects.filter(status=SessionParticipant.Status.NO_SHOW).select_related(
        "session__class_type"
    )
    for participant in no_shows:
        session = participant.session
        yield Match(participant.client_id, f"class-{participant.pk}", session.starts_at,
                    {"what": session.class_type.name, "starts_at": _when(session.starts_at)})  # fmt: skip


def _birthday(automation: Automation, now: datetime) -> Iterator[Match]:
    """Today's birthdays, and yesterday's (a run that was late, or down over midnight, still sends them)."""
    from domain.clients.models import ClientProfile

    today = studio_today(now=now)
    for day in (today - timedelta(days=1), today):
        midnight = datetime.combine(day, time(0), tzinfo=studio_zone())
        born = ClientProfile.objects.filter(date_of_birth__month=day.month, date_of_birth__day=day.day)
        for client_id in born.values_list("user_id", flat=True):
            yield Match(client_id, str(day.year), midnight)


def _expiring(automation: Automation, now: datetime) -> Iterator[Match]:
    from billing.payments.models import ClientPack, ClientSubscription

    horizon = now + timedelta(days=automation.days)
    packs = ClientPack.objects.filter(status=ClientPack.Status.ACTIVE, expires_at__gt=now, expires_at__lte=horizon)
    ends = [
        (pack.client_id, f"pack-{pack.pk}", pack.package.name, pack.expires_at)
        for pack in packs.select_related("package")
    ]
    live = ClientSubscription.objects.filter(status__in=ClientSubscription.LIVE).filter(
        Q(cancel_at__gt=now, cancel_at__lte=horizon)
        | Q(auto_renew=False, current_period_end__gt=now, current_period_end__lte=horizon)
    )
    for membership in live.select_related("package"):
        ends.append((membership.client_id, f"membership-{membership.pk}", membership.package.name,
                     membership.cancel_at or membership.current_period_end))  # fmt: skip
    for client_id, what, product, end in ends:
        if end is not None:
            local = end.astimezone(studio_zone())
            yield Match(client_id, f"{what}-{local:%Y%m%d}", end - timedelta(days=automation.days),
                        {"product": product, "ends_on": f"{local:%d %b}"})  # fmt: skip


def _payment_failed(automation: Automation, now: datetime) -> Iterator[Match]:
    from billing.payments.models import Payment

    for payment in Payment.objects.filter(status=Payment.Status.FAILED):
        amount = f"{payment.amount / 100:.2f} {payment.currency.upper()}"
        yield Match(payment.client_id, f"payment-{payment.pk}", payment.updated_at, {"amount": amount})


def _video_reviewed(automation: Automation, now: datetime) -> Iterator[Match]:
    from domain.videos.models import ReviewStatus, VideoStatusChange

    done = (ReviewStatus.REVIEWED, ReviewStatus.APPROVED, ReviewStatus.NEEDS_REVISION)
    for change in VideoStatusChange.objects.filter(to_status__in=done).select_related("video", "actor"):
        reviewer = change.actor.full_name if change.actor else ""
        yield Match(change.video.client_id, f"video-{change.pk}", change.changed_at, {"reviewer": reviewer})


TRIGGERS: dict[str, Callable[[Automation, datetime], Iterator[Match]]] = {
    Trigger.WELCOME: _welcome,
    Trigger.FIRST_WORKOUT: _first_workout,
    Trigger.NO_WORKOUT: _no_workout,
    Trigger.NO_VISIT: _no_visit,
    Trigger.MISSED_SESSION: _missed_session,
    Trigger.BIRTHDAY: _birthday,
    Trigger.EXPIRING: _expiring,
    Trigger.PAYMENT_FAILED: _payment_failed,
    Trigger.VIDEO_REVIEWED: _video_reviewed,
}


def matches(automation: Automation, *, now: datetime | None = None) -> list[Match]:
    """Every match of the automation's trigger among active clients (nothing before its activation unless
    it backfills)."""
    now = now or timezone.now()
    active = _clients()
    since = None if automation.backfill else automation.active_since
    return [
        m for m in TRIGGERS[automation.trigger](automation, now)
        if m.client_id in active and m.at <= now and (since is None or m.at >= since)
    ]  # fmt: skip
