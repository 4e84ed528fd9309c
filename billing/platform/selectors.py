"""Reads of platform billing (public schema)."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from billing.platform.models import ConnectedAccount, Plan, PlanPrice, PlatformInvoice, StudioSubscription
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


def prices_offered(*, currency: str) -> list[PlanPrice]:
    """The plan prices a studio may move to (offered now, in its billing currency), smallest plan first."""
    return list(
        PlanPrice.objects.select_related("plan")
        .filter(active=True, plan__active=True, currency=currency.upper())
        .order_by("plan__rank", "interval")
    )


def studio_invoices(*, studio: Studio) -> QuerySet[PlatformInvoice]:
    """The platform's invoices to the studio, newest first."""
    return PlatformInvoice.objects.filter(studio=studio).order_by("-created")


def studio_connected_account(*, studio: Studio) -> ConnectedAccount | None:
    return ConnectedAccount.objects.filter(studio=studio).first()
