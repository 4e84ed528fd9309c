"""Analytics writes: the day's computation (engagement, flags, business and trainer rows), ratings, the
monthly NPS answer, the at-risk thresholds and the once-only at-risk notice.

`day_compute` is idempotent: a second run of a day replaces its rows (one transaction per day).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.payments.reporting import membership_spans
from core.db import tenant_connection
from core.error_codes import ErrorCode
from core.exceptions import ConflictError, NotFoundError, ValidationError
from core.models import User
from core.permissions import MANAGEMENT_ROLES, require
from core.studio_time import studio_today, studio_zone
from domain.analytics import engagement
from domain.analytics.business import business_row, trainer_rows
from domain.analytics.days import local_date
from domain.analytics.models import (
    AnalyticsSettings,
    AtRiskFlag,
    BusinessMetric,
    ClientEngagement,
    NpsResponse,
    SessionRating,
    TrainerMetric,
)
from domain.analytics.notify import at_risk_notify
from domain.analytics.selectors import RATE_WITHIN
from domain.clients import selectors as clients
from domain.scheduling import reporting as scheduling

T = TypeVar("T", bound=models.Model)


@dataclass(frozen=True)
class DayResult:
    day: date
    clients: int
    flags_opened: list[int]


def _currency() -> str:
    return str(getattr(tenant_connection.tenant, "currency", "") or "USD")


@transaction.atomic
def day_compute(*, day: date, flags: bool = False) -> DayResult:
    """Compute and store `day` for the studio the connection serves (replacing what was stored).

    `flags`: also evaluate the at-risk flags (the live run for today does; a backfill of old days does not,
    since flags are today's state). Returns the clients counted and the ids of flags opened, which the
    caller notifies after commit (`flag_notify`).
    """
    rows = engagement.engagement_rows(day=day)
    engagement.day_replace(ClientEngagement, day=day, rows=rows)
    spans = membership_spans()
    opened: list[int] = []
    if flags:
        joined = {
            pk: local_date(moment)
            for pk, moment in User.objects.filter(pk__in=[r.client_id for r in rows]).values_list("pk", "date_joined")
        }
        risks = engagement.risks_for(day=day, rows=rows, spans=spans, joined=joined)
        opened = engagement.flags_apply(day=day, risks=risks, client_ids=[r.client_id for r in rows])
    hours = scheduling.trainer_hours(day=day, zone=studio_zone())
    links = clients.trainer_links_all()
    engagement.day_replace(TrainerMetric, day=day, rows=trainer_rows(day=day, links=links, rows=rows, hours=hours))
    engagement.day_replace(
        BusinessMetric, day=day, rows=[business_row(day=day, spans=spans, currency=_currency(), hours=hours)]
    )
    return DayResult(day=day, clients=len(rows), flags_opened=opened)


def days_backfill(*, start: date, end: date) -> list[DayResult]:
    """Compute every day from `start` to `end` (inclusive), oldest first, each in its own transaction.

    Raises ValidationError (`date_range_invalid`) when `end` is before `start` or in the future.
    """
    if end < start or end > studio_today():
        raise ValidationError(_("Choose a range that ends today at the latest."), code=ErrorCode.DATE_RANGE_INVALID)
    results = []
    day = start
    while day <= end:
        results.append(day_compute(day=day))
        day += timedelta(days=1)
    return results


def flag_notify(*, flag_id: int) -> bool:
    """Tell the client's trainers (managers when they have none) that they are at risk, once per flag.

    Returns True when this call sent the notice; False when it was sent before or the flag is cleared.
    The notice links to the needs-attention inbox (`attention`, a top-level URL name config wires).
    """
    link = reverse("attention")
    with transaction.atomic():
        flag = AtRiskFlag.objects.select_for_update().filter(pk=flag_id, cleared_at__isnull=True).first()
        if flag is None or flag.notified_at is not None:
            return False
        client = User.objects.get(pk=flag.client_id)
        trainer_ids = clients.trainer_links_all().get(client.pk, [])
        people = list(User.objects.filter(pk__in=trainer_ids, is_active=True)) or list(
            User.objects.filter(role__in=MANAGEMENT_ROLES, is_active=True)
        )
        for person in people:
            at_risk_notify(
                recipient=person, client=client, detail=flag.detail, key=f"at-risk-{flag.pk}-{person.pk}", link=link
            )
        flag.notified_at = timezone.now()
        flag.save(update_fields=["notified_at"])
    return True


# --- satisfaction ----------------------------------------------------------------------------------------


def session_rate(
    *,
    actor: User,
    score: int,
    appointment_id: int | None = None,
    participant_id: int | None = None,
    comment: str = "",
) -> SessionRating:
    """The client rates a 1:1 session or class seat they attended, 1-5, once.

    Raises ValidationError (`rating_invalid`) for a score outside 1-5 or not exactly one booking named;
    NotFoundError (`booking_not_rateable`) when the booking is not theirs or was not attended;
    ConflictError (`already_rated`) for a second rating.
    """
    require(actor, "analytics.rate")
    if not 1 <= score <= 5 or (appointment_id is None) == (participant_id is None):
        raise ValidationError(_("Rate one session from 1 to 5."), code=ErrorCode.RATING_INVALID)
    booking = scheduling.attended_booking(
        client_id=actor.pk, appointment_id=appointment_id, participant_id=participant_id
    )
    now = timezone.now()
    if booking is None or booking.starts_at < now - RATE_WITHIN:
        raise NotFoundError(_("There is no attended session of yours to rate."), code=ErrorCode.BOOKING_NOT_RATEABLE)
    return _once(
        SessionRating,
        _("You have already rated this session."),
        client=actor,
        trainer_id=booking.trainer_id,
        appointment_id=appointment_id,
        participant_id=participant_id,
        class_type_name=booking.class_type_name,
        score=score,
        comment=comment.strip()[:500],
        session_day=local_date(booking.starts_at),
        created_at=now,
    )


def _once(model: type[T], refusal: str, **fields: Any) -> T:
    """Create the row, or ConflictError (`already_rated`) when its unique constraint says it exists (the
    database decides, so two answers sent at once still make one row)."""
    try:
        with transaction.atomic():
            return model._default_manager.create(**fields)
    except IntegrityError as exc:
        raise ConflictError(refusal, code=ErrorCode.ALREADY_RATED) from exc


def nps_answer(*, actor: User, score: int, comment: str = "") -> NpsResponse:
    """The client's answer (0-10) to this month's "would you recommend us"; one a month.

    Raises ValidationError (`rating_invalid`) outside 0-10, ConflictError (`already_rated`) the second time.
    """
    require(actor, "analytics.rate")
    if not 0 <= score <= 10:
        raise ValidationError(_("Answer from 0 to 10."), code=ErrorCode.RATING_INVALID)
    today = studio_today()
    return _once(
        NpsResponse,
        _("You have already answered this month."),
        client=actor,
        month=today.replace(day=1),
        score=score,
        comment=comment.strip()[:500],
        answered_on=today,
        created_at=timezone.now(),
    )


def settings_check(*, actor: User) -> None:
    """Raises PermissionDeniedError unless `actor` may read and set the at-risk thresholds."""
    require(actor, "analytics.manage_settings")


def settings_update(
    *, actor: User, compliance_drop_points: int, inactive_days: int, flag_lapsed_memberships: bool
) -> AnalyticsSettings:
    """Owners and managers set the at-risk thresholds (points 1-100, days 1-365).

    Raises PermissionDeniedError for anyone else, ValidationError (`analytics_settings_invalid`) out of range.
    """
    require(actor, "analytics.manage_settings")
    fields = {}
    if not 1 <= compliance_drop_points <= 100:
        fields["compliance_drop_points"] = _("Between 1 and 100 points.")
    if not 1 <= inactive_days <= 365:
        fields["inactive_days"] = _("Between 1 and 365 days.")
    if fields:
        raise ValidationError(_("Check the thresholds."), code=ErrorCode.ANALYTICS_SETTINGS_INVALID, fields=fields)
    settings = engagement.settings_get()
    settings.compliance_drop_points = compliance_drop_points
    settings.inactive_days = inactive_days
    settings.flag_lapsed_memberships = flag_lapsed_memberships
    settings.save()
    return settings
