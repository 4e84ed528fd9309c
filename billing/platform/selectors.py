"""Reads of platform billing (public schema)."""

from __future__ import annotations

from django.conf import settings

from billing.platform.models import Plan, StudioSubscription
from tenants.models import Studio


def studio_subscription(*, studio: Studio) -> StudioSubscription | None:
    return (
        StudioSubscription.objects.select_related("price__plan", "scheduled_price__plan").filter(studio=studio).first()
    )


def studio_plan(*, studio: Studio) -> Plan | None:
    """The plan the studio is on now (a scheduled downgrade is not yet in force); None without one."""
    subscription = studio_subscription(studio=studio)
    return subscription.price.plan if subscription else None


def plan_default() -> Plan | None:
    """The plan a new studio's trial starts on (BILLING_DEFAULT_PLAN, else the smallest offered plan)."""
    plans = Plan.objects.filter(active=True, prices__active=True).distinct()
    return plans.filter(code=settings.BILLING_DEFAULT_PLAN).first() or plans.order_by("rank").first()
