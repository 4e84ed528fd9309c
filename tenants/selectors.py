"""Reads about studios: the onboarding checklist and the platform console's lists.

People live in each studio's schema, so counting them for many studios means reaching into many
schemas. The console does that in ONE query per page: a UNION ALL of one small aggregate per
studio schema on the page (schema names come from our own rows and are quoted), instead of one
query per studio or a denormalised counter that every people-service would have to keep in step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django_tenants.utils import schema_context

from core.models import AuditEvent, Role, User
from core.permissions import MANAGEMENT_ROLES
from tenants.models import Studio

# One studio's share of the console's count query; `table` is a quoted identifier built from our own rows.
PEOPLE_COUNT_SQL = (
    "SELECT %s::bigint, COUNT(*) FILTER (WHERE role = %s), COUNT(*) FILTER (WHERE role = %s) "
    "FROM {table} WHERE is_active"
)


@dataclass(frozen=True)
class PeopleCounts:
    trainers: int = 0
    clients: int = 0


@dataclass(frozen=True)
class OnboardingStatus:
    branding_done: bool
    has_trainers: bool
    has_clients: bool
    payments_connected: bool

    @property
    def done_count(self) -> int:
        return sum((self.branding_done, self.has_trainers, self.has_clients, self.payments_connected))


def studio_is_branded(studio: Studio) -> bool:
    """Branded once it has a logo or either colour differs from the platform's defaults."""
    primary_default = Studio._meta.get_field("primary_color").default
    accent_default = Studio._meta.get_field("accent_color").default
    return bool(studio.logo) or (
        studio.primary_color.upper() != primary_default.upper() or studio.accent_color.upper() != accent_default.upper()
    )


def studio_onboarding_status(*, studio: Studio) -> OnboardingStatus:
    """What the owner has set up so far, read from the studio's real data (one query)."""
    with schema_context(studio.schema_name):
        counts = User.objects.filter(is_active=True).aggregate(
            trainers=Count("pk", filter=Q(role=Role.TRAINER)), clients=Count("pk", filter=Q(role=Role.CLIENT))
        )
    return OnboardingStatus(
        branding_done=studio_is_branded(studio),
        has_trainers=counts["trainers"] > 0,
        has_clients=counts["clients"] > 0,
        payments_connected=False,  # Stripe Connect arrives with billing
    )


def studio_list(*, search: str = "", status: str = "") -> QuerySet[Studio]:
    """Studios for the console, newest first; `search` matches name or address, `status` filters."""
    studios = Studio.objects.order_by("-created_at", "-pk")
    search = search.strip()
    if search:
        studios = studios.filter(Q(name__icontains=search) | Q(slug__icontains=search.lower()))
    if status:
        studios = studios.filter(status=status)
    return studios


def studio_people_counts(*, studios: Sequence[Studio]) -> dict[int, PeopleCounts]:
    """Active trainers and clients of each studio, in one query whatever the number of studios."""
    if not studios:
        return {}
    parts: list[str] = []
    params: list[int | str] = []
    for studio in studios:
        table = f"{connection.ops.quote_name(studio.schema_name)}.{connection.ops.quote_name(User._meta.db_table)}"
        parts.append(PEOPLE_COUNT_SQL.format(table=table))
        params.extend([studio.pk, Role.TRAINER.value, Role.CLIENT.value])
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return {pk: PeopleCounts(trainers=trainers, clients=clients) for pk, trainers, clients in cursor.fetchall()}


def studio_managers(*, studio: Studio) -> list[User]:
    """The studio's owners and managers (whom platform staff contact)."""
    with schema_context(studio.schema_name):
        return list(
            User.objects.filter(role__in=MANAGEMENT_ROLES)
            .order_by("role", "email")
            .only("email", "first_name", "last_name", "role", "is_active", "date_joined")
        )


def studio_audit_events(*, studio: Studio, limit: int = 20) -> list[AuditEvent]:
    """The platform's own record of what was done to this studio (suspensions, reactivations)."""
    return list(
        AuditEvent.objects.filter(target_type=Studio._meta.label_lower, target_id=str(studio.pk)).order_by(
            "-created_at", "-id"
        )[:limit]
    )
