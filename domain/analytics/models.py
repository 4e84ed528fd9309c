"""Analytics rows: what the daily task stores (CLIENT_ENGAGEMENT, BUSINESS_METRIC, per-trainer figures),
at-risk flags, satisfaction ratings and the studio's at-risk thresholds.

Every figure here is computed from other apps' selectors by `domain/analytics/compute.py`; dashboards read
these rows only. Days are calendar dates of the studio's time zone; money is minor units + currency.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

PEOPLE = settings.AUTH_USER_MODEL


class AnalyticsSettings(models.Model):
    """The studio's at-risk thresholds: one row per studio schema (key is always 1)."""

    key = models.PositiveSmallIntegerField(default=1, unique=True, editable=False)
    compliance_drop_points = models.PositiveSmallIntegerField(
        _("flag when the last week's compliance drops by (points)"), default=25
    )
    inactive_days = models.PositiveSmallIntegerField(_("flag after days without training or a visit"), default=14)
    flag_lapsed_memberships = models.BooleanField(_("flag clients whose membership lapses"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(key=1), name="analytics_settings_singleton"),
            models.CheckConstraint(
                condition=Q(compliance_drop_points__gte=1, compliance_drop_points__lte=100),
                name="analytics_drop_points_range",
            ),
            models.CheckConstraint(
                condition=Q(inactive_days__gte=1, inactive_days__lte=365), name="analytics_inactive_days_range"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Analytics settings"))


class ClientEngagement(models.Model):
    """CLIENT_ENGAGEMENT: one client's day. Compliance rates are percents (None: nothing was due)."""

    client = models.ForeignKey(PEOPLE, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    workouts_due = models.PositiveIntegerField(default=0)  # program sessions scheduled that day
    workouts_completed = models.PositiveIntegerField(default=0)  # of those, completed
    workouts_logged = models.PositiveIntegerField(default=0)  # logged that day, ad-hoc included
    sessions_attended = models.PositiveIntegerField(default=0)  # 1:1 completed + classes checked in
    no_shows = models.PositiveIntegerField(default=0)
    late_cancels = models.PositiveIntegerField(default=0)
    messages_sent = models.PositiveIntegerField(default=0)
    signed_in = models.BooleanField(default=False)
    nutrition_logged = models.BooleanField(default=False)
    videos_sent = models.PositiveIntegerField(default=0)
    compliance_7d = models.PositiveSmallIntegerField(null=True)
    compliance_30d = models.PositiveSmallIntegerField(null=True)
    compliance_90d = models.PositiveSmallIntegerField(null=True)
    last_active_on = models.DateField(null=True)  # last day with a workout logged or a visit, up to `day`

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "day"], name="analytics_engagement_once")]
        indexes = [models.Index(fields=["day", "client"], name="analytics_engagement_day")]

    def __str__(self) -> str:
        return f"{self.client_id} {self.day}"


class BusinessMetric(models.Model):
    """BUSINESS_METRIC: one studio day. Counts are clients; money is minor units of `currency`.

    `revenue_by_package` maps a package name to minor units; `cohorts` maps a join month ("2026-05") to
    [members who joined that month, of them active on `day`]; `class_types` maps a class type's id (a
    string) to its classes that day: {"name", "sessions", "capacity", "checkins", "no_shows"} (the class_*
    columns are their sums).
    """

    day = models.DateField(unique=True)
    currency = models.CharField(max_length=3)
    active_members = models.PositiveIntegerField(default=0)
    new_members = models.PositiveIntegerField(default=0)
    churned_voluntary = models.PositiveIntegerField(default=0)
    churned_involuntary = models.PositiveIntegerField(default=0)
    mrr_amount = models.BigIntegerField(default=0)
    revenue_amount = models.BigIntegerField(default=0)  # invoices paid that day, tax included
    refunds_amount = models.BigIntegerField(default=0)
    revenue_by_package = models.JSONField(default=dict)
    cohorts = models.JSONField(default=dict)
    class_sessions = models.PositiveIntegerField(default=0)
    class_capacity = models.PositiveIntegerField(default=0)
    class_checkins = models.PositiveIntegerField(default=0)
    class_no_shows = models.PositiveIntegerField(default=0)
    class_types = models.JSONField(default=dict)
    booked_minutes = models.PositiveIntegerField(default=0)
    available_minutes = models.PositiveIntegerField(default=0)
    ratings_count = models.PositiveIntegerField(default=0)
    ratings_sum = models.PositiveIntegerField(default=0)
    nps_responses = models.PositiveIntegerField(default=0)
    nps_promoters = models.PositiveIntegerField(default=0)
    nps_detractors = models.PositiveIntegerField(default=0)
    at_risk_clients = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return str(self.day)


class TrainerMetric(models.Model):
    """A trainer's day: their hours, their clients' engagement and their ratings (what they may see)."""

    trainer = models.ForeignKey(PEOPLE, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    booked_minutes = models.PositiveIntegerField(default=0)  # 1:1 sessions given + classes taught
    available_minutes = models.PositiveIntegerField(default=0)  # working hours that day
    clients = models.PositiveIntegerField(default=0)  # clients assigned
    clients_trained = models.PositiveIntegerField(default=0)  # of them, logged a workout or visited that day
    sessions_attended = models.PositiveIntegerField(default=0)  # by their clients
    no_shows = models.PositiveIntegerField(default=0)
    workouts_due = models.PositiveIntegerField(default=0)
    workouts_completed = models.PositiveIntegerField(default=0)
    at_risk_clients = models.PositiveIntegerField(default=0)
    ratings_count = models.PositiveIntegerField(default=0)
    ratings_sum = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["trainer", "day"], name="analytics_trainer_day_once")]

    def __str__(self) -> str:
        return f"{self.trainer_id} {self.day}"


class RiskReason(models.TextChoices):
    COMPLIANCE_DROP = "compliance_drop", _("Compliance dropped")
    INACTIVE = "inactive", _("No training or visit")
    MEMBERSHIP_LAPSED = "membership_lapsed", _("Membership lapsed")


class AtRiskFlag(models.Model):
    """A client flagged at risk for one reason; open while `cleared_at` is empty (one open flag per reason)."""

    client = models.ForeignKey(PEOPLE, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=20, choices=RiskReason.choices)
    detail = models.CharField(max_length=200)  # what was seen, in the studio's words
    set_on = models.DateField()
    set_at = models.DateTimeField()
    cleared_on = models.DateField(null=True, blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-set_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "reason"], condition=Q(cleared_at__isnull=True), name="analytics_one_open_flag"
            ),
            models.CheckConstraint(condition=Q(reason__in=RiskReason.values), name="analytics_flag_reason_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.client_id} {self.reason}"


class SessionRating(models.Model):
    """A client's 1-5 rating of a session or class they attended (one per booking)."""

    client = models.ForeignKey(PEOPLE, on_delete=models.CASCADE, related_name="+")
    trainer = models.ForeignKey(PEOPLE, on_delete=models.SET_NULL, null=True, related_name="+")
    appointment = models.OneToOneField(
        "scheduling.Appointment", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    participant = models.OneToOneField(
        "scheduling.SessionParticipant", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    class_type_name = models.CharField(max_length=120, blank=True)  # "" for a 1:1 session
    score = models.PositiveSmallIntegerField()
    comment = models.CharField(max_length=500, blank=True)
    session_day = models.DateField()  # the studio date the session took place
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="analytics_rating_range"),
            models.CheckConstraint(
                condition=Q(appointment__isnull=True) ^ Q(participant__isnull=True), name="analytics_rating_one_booking"
            ),
        ]
        indexes = [models.Index(fields=["session_day"], name="analytics_rating_day")]

    def __str__(self) -> str:
        return f"{self.client_id} {self.score}"


class NpsResponse(models.Model):
    """The monthly 0-10 "would you recommend us" answer: one per client per month (`month` is its 1st)."""

    client = models.ForeignKey(PEOPLE, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    score = models.PositiveSmallIntegerField()
    comment = models.CharField(max_length=500, blank=True)
    answered_on = models.DateField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "month"], name="analytics_nps_once_a_month"),
            models.CheckConstraint(condition=Q(score__lte=10), name="analytics_nps_range"),
        ]

    def __str__(self) -> str:
        return f"{self.client_id} {self.month} {self.score}"
