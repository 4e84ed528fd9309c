"""The owner's billing page on the studio host: the platform plan (change, cancel, reactivate, card) and
Stripe Connect onboarding for the studio's own payouts. Every Stripe call is in billing/ services."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from billing.platform import selectors
from billing.platform.limits import active_client_count
from billing.platform.models import PlanPrice, PlatformInvoice
from billing.platform.services import (
    connect_account_refresh,
    connect_onboarding_link_create,
    payment_method_session_create,
    subscription_cancel,
    subscription_change_plan,
    subscription_reactivate,
)
from core.decorators import page_requires
from core.exceptions import ApplicationError
from core.http import id_param
from tenants.hosts import studio_url
from tenants.http import StudioRequest


def _back(request: StudioRequest, anchor: str = "") -> HttpResponse:
    return redirect(reverse("portal:billing") + anchor)


def _absolute(request: StudioRequest, name: str) -> str:
    return studio_url(request, request.tenant, reverse(name))


@page_requires("studio.manage_billing")
@require_GET
def billing(request: StudioRequest) -> HttpResponse:
    studio = request.tenant
    subscription = selectors.studio_subscription(studio=studio)
    context = {
        "subscription": subscription,
        "prices": selectors.prices_offered(currency=subscription.price.currency if subscription else studio.currency),
        "invoices": selectors.studio_invoices(studio=studio)[:12],
        "account": selectors.studio_connected_account(studio=studio),
        "active_clients": active_client_count(studio=studio),
        "invoice_statuses": PlatformInvoice.STATUS_LABELS,
    }
    return render(request, "portal/billing.html", context)


def _act(request: StudioRequest, action: Callable[[], object], done: str) -> HttpResponse:
    try:
        action()
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return _back(request)


@page_requires("studio.manage_billing")
@require_POST
def plan_change(request: StudioRequest) -> HttpResponse:
    price = PlanPrice.objects.filter(pk=id_param(request.POST.get("price")) or 0, active=True).first()
    if price is None:
        messages.error(request, _("Choose one of the plans offered."))
        return _back(request)
    studio = request.tenant
    return _act(
        request,
        lambda: subscription_change_plan(studio=studio, price=price, actor=request.user),
        _("Your plan change is saved."),
    )


@page_requires("studio.manage_billing")
@require_POST
def cancel(request: StudioRequest) -> HttpResponse:
    studio = request.tenant
    return _act(
        request,
        lambda: subscription_cancel(studio=studio, actor=request.user),
        _("Your subscription will end at the end of the period you paid for. You can undo this until then."),
    )


@page_requires("studio.manage_billing")
@require_POST
def reactivate(request: StudioRequest) -> HttpResponse:
    studio = request.tenant
    return _act(
        request, lambda: subscription_reactivate(studio=studio, actor=request.user), _("Your subscription continues.")
    )


@page_requires("studio.manage_billing")
@require_POST
def payment_method(request: StudioRequest) -> HttpResponse:
    """To Stripe's hosted page for the card; it sends the owner back to this page."""
    try:
        url = payment_method_session_create(studio=request.tenant, return_url=_absolute(request, "portal:billing"))
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _back(request)
    return redirect(url)


@page_requires("studio.manage_billing")
@require_http_methods(["GET", "POST"])
def connect_start(request: StudioRequest) -> HttpResponse:
    """To Stripe-hosted Connect onboarding (GET too: Stripe's refresh_url sends the owner here again)."""
    try:
        url = connect_onboarding_link_create(
            studio=request.tenant,
            actor=request.user,
            return_url=_absolute(request, "portal:billing_connect_return"),
            refresh_url=_absolute(request, "portal:billing_connect_start"),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _back(request, "#payments")
    return redirect(url)


@page_requires("studio.manage_billing")
@require_GET
def connect_return(request: StudioRequest) -> HttpResponse:
    """Back from Stripe: re-read the account now (account.updated may come later) and say where it stands."""
    try:
        account = connect_account_refresh(studio=request.tenant)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _back(request, "#payments")
    if account is not None and account.ready:
        messages.success(request, _("Payouts are set up: your studio can take card payments."))
    else:
        messages.warning(request, _("Stripe still needs some details before your studio can take payments."))
    return _back(request, "#payments")
